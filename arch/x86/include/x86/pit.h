/*
 * The 8254 programmable interval timer's channel 2 and its gate, as used
 * to calibrate the TSC (the PC/AT wiring: channel 2's gate and output sit
 * in port 61H, "NMI status and control", of the PC chipset; Intel 8254
 * data sheet for the control word).
 */
#ifndef RELBOOT_X86_PIT_H
#define RELBOOT_X86_PIT_H

#include <relboot/spec/macros.h>

#define PIT_HZ                  UINT32(1193182)     /* input clock, Hz */
#define PIT_CH2_DATA            0x42
#define PIT_MODE                0x43                /* control word register */
/* Control word: counter 2, write LSB then MSB, mode 0 (interrupt on terminal count), binary. */
#define PIT_MODE_CH2_ONESHOT    0xb0
/* Control word: counter 2 latch command (its count is then read LSB, MSB). */
#define PIT_LATCH_CH2           0x80
#define PORT_B                  0x61                /* NMI status and control */
#define PORT_B_GATE2            BIT32(0)            /* timer 2 gate */
#define PORT_B_SPEAKER          BIT32(1)            /* speaker data enable: kept off */
#define PORT_B_OUT2             BIT32(5)            /* timer 2 output (read-only) */

#endif
