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
#define UART_IIR   2   /* interrupt identification (read) */
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
#define UART_FCR_ENABLE  0x01   /* FIFOs on (a change of this bit also empties them) */
#define UART_FCR_CLEAR   0x06   /* empty the receive (bit 1) and transmit (bit 2) FIFOs */
#define UART_IIR_FIFOS   0xc0   /* both bits set: the FIFOs are on */
#define UART_MCR_DTR_RTS 0x03
#define UART_LSR_THRE    0x20   /* transmit holding register empty */
#define UART_LSR_TEMT    0x40   /* transmitter empty: holding register and shift register */
#define UART_LSR_ABSENT  0xff   /* what a read of a port nothing decodes returns */

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
 * never reports THRE or TEMT (nothing there) is given up after a bounded
 * wait.
 */
class Uart16550 {
public:
    constexpr Uart16550() = default;
    constexpr explicit Uart16550(uint16_t port) : port_(port) {}

    /*
     * Makes the UART send at baud (1..115200; the divisor is 115200 /
     * baud, rounded down) with the line format lcr (an LCR value without
     * DLAB: data bits, parity, stop bits), FIFOs on, interrupts off, DTR
     * and RTS set.  A UART that already runs so is left alone, so that
     * the report's many callers program it once per boot and never touch
     * it mid-line.  Otherwise it waits until the transmitter is empty
     * (LSR.TEMT: no byte is cut off by a new divisor or format) and
     * programs it without emptying a FIFO that is on.
     * Returns false, writing nothing, when no UART answers (LSR reads
     * 0xff: nothing decodes the port) or baud is out of range.  PC16550D
     * data sheet, 8.4-8.8 (LCR, LSR, FCR, divisor latch).
     */
    bool init(uint32_t baud = UART_DEFAULT_BAUD, uint8_t lcr = UART_LCR_8N1) const
    {
        if (!port_ || baud == 0 || baud > UART_CLOCK_BAUD)
            return false;
        if (x86::inb(port_ + UART_LSR) == UART_LSR_ABSENT)
            return false;
        const uint32_t divisor = UART_CLOCK_BAUD / baud;
        lcr = uint8_t(lcr & ~UART_LCR_DLAB);
        if (programmed(divisor, lcr))
            return true;
        wait_lsr(UART_LSR_TEMT);
        x86::outb(port_ + UART_IER, 0);
        x86::outb(port_ + UART_LCR, UART_LCR_DLAB);
        x86::outb(port_ + UART_DLL, uint8_t(divisor));
        x86::outb(port_ + UART_DLM, uint8_t(divisor >> 8));
        x86::outb(port_ + UART_LCR, lcr);
        if ((x86::inb(port_ + UART_IIR) & UART_IIR_FIFOS) != UART_IIR_FIFOS)
            x86::outb(port_ + UART_FCR, UART_FCR_ENABLE);
        x86::outb(port_ + UART_MCR, UART_MCR_DTR_RTS);
        return true;
    }

    void putc(char c) const
    {
        if (!port_)
            return;
        wait_lsr(UART_LSR_THRE);
        x86::outb(port_ + UART_THR, uint8_t(c));
    }

    uint16_t port() const { return port_; }

private:
    /* Waits, boundedly, until LSR has every bit of mask set. */
    void wait_lsr(uint8_t mask) const
    {
        for (uint32_t spin = 0; spin < 100000; ++spin)
            if ((x86::inb(port_ + UART_LSR) & mask) == mask)
                return;
    }

    /*
     * Whether the UART already sends with this divisor and format, FIFOs
     * on, interrupts off: read back, the divisor latch through DLAB, which
     * selects registers and changes nothing on the line.
     */
    bool programmed(uint32_t divisor, uint8_t lcr) const
    {
        const uint8_t now = x86::inb(port_ + UART_LCR);
        if (now != lcr || x86::inb(port_ + UART_IER) != 0 ||
            (x86::inb(port_ + UART_IIR) & UART_IIR_FIFOS) != UART_IIR_FIFOS ||
            (x86::inb(port_ + UART_MCR) & UART_MCR_DTR_RTS) != UART_MCR_DTR_RTS)
            return false;
        x86::outb(port_ + UART_LCR, uint8_t(now | UART_LCR_DLAB));
        const uint32_t latch = x86::inb(port_ + UART_DLL) | uint32_t(x86::inb(port_ + UART_DLM)) << 8;
        x86::outb(port_ + UART_LCR, now);
        return latch == divisor;
    }

    uint16_t port_ = 0;
};

} // namespace relboot
#endif

#endif
