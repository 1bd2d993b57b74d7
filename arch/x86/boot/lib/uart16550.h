/*
 * The 16550 UART, relboot's only console: registers and the driver that
 * the 32-bit and the 64-bit stage share (and early_uart.h, which has only
 * registers, uses the same constants).  National Semiconductor PC16550D
 * data sheet, table II "Register summary".
 */
#ifndef RELBOOT_UART16550_H
#define RELBOOT_UART16550_H

/* I/O base ports of the PC serial ports. */
#define UART_COM1_PORT   0x3f8
#define UART_COM2_PORT   0x2f8
#define UART_COM3_PORT   0x3e8
#define UART_COM4_PORT   0x2e8

/* Register offsets from the base port. */
#define UART_THR   0   /* transmit holding (DLAB=0, write) */
#define UART_DLL   0   /* divisor latch low (DLAB=1) */
#define UART_IER   1   /* interrupt enable (DLAB=0) */
#define UART_DLM   1   /* divisor latch high (DLAB=1) */
#define UART_FCR   2   /* FIFO control (write) */
#define UART_LCR   3   /* line control */
#define UART_MCR   4   /* modem control */
#define UART_LSR   5   /* line status */

#define UART_LCR_8N1     0x03   /* 8 data bits, no parity, 1 stop bit */
#define UART_LCR_STOP2   0x04   /* 2 stop bits (1.5 with 5 data bits) */
#define UART_LCR_PARITY_ODD   0x08
#define UART_LCR_PARITY_EVEN  0x18
#define UART_LCR_PARITY_MARK  0x28
#define UART_LCR_PARITY_SPACE 0x38
#define UART_LCR_DLAB    0x80   /* divisor latch access */
#define UART_FCR_ENABLE  0x07   /* FIFOs on and cleared */
#define UART_MCR_DTR_RTS 0x03
#define UART_LSR_THRE    0x20   /* transmit holding register empty */

/* The divisor is UART_CLOCK_BAUD / baud (1.8432 MHz / 16). */
#define UART_CLOCK_BAUD  115200
#define UART_DEFAULT_BAUD 115200

#ifndef __ASSEMBLER__
#include <cstdint>
#include <x86/io.h>

namespace relboot {

/*
 * Polled 16550 transmitter.  port 0 means "no console": every call is
 * then a no-op.  Never blocks for ever on a missing UART: a port that
 * never reports THRE (nothing there) is given up after a bounded wait.
 */
class Uart16550 {
public:
    constexpr Uart16550() = default;
    constexpr explicit Uart16550(uint16_t port) : port_(port) {}

    /*
     * Programs baud (1..115200; the divisor is 115200 / baud, rounded down)
     * and the line format (an LCR value without DLAB: data bits, parity,
     * stop bits; default 8n1), FIFOs on, interrupts off.  Out-of-range baud:
     * nothing is programmed.
     */
    void init(uint32_t baud = UART_DEFAULT_BAUD, uint8_t lcr = UART_LCR_8N1) const
    {
        if (!port_ || baud == 0 || baud > UART_CLOCK_BAUD)
            return;
        const uint32_t divisor = UART_CLOCK_BAUD / baud;
        x86::outb(port_ + UART_IER, 0);
        x86::outb(port_ + UART_LCR, UART_LCR_DLAB);
        x86::outb(port_ + UART_DLL, uint8_t(divisor));
        x86::outb(port_ + UART_DLM, uint8_t(divisor >> 8));
        x86::outb(port_ + UART_LCR, uint8_t(lcr & ~UART_LCR_DLAB));
        x86::outb(port_ + UART_FCR, UART_FCR_ENABLE);
        x86::outb(port_ + UART_MCR, UART_MCR_DTR_RTS);
    }

    void putc(char c) const
    {
        if (!port_)
            return;
        for (uint32_t spin = 0; spin < 100000; ++spin)
            if (x86::inb(port_ + UART_LSR) & UART_LSR_THRE)
                break;
        x86::outb(port_ + UART_THR, uint8_t(c));
    }

    uint16_t port() const { return port_; }

private:
    uint16_t port_ = 0;
};

} // namespace relboot
#endif

#endif
