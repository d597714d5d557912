/**
 * USB ids the manager recognises on serial ports (serialport's
 * SerialPort.list() gives vendorId/productId for USB ports).
 *
 * Known readers: none yet. The serial families the station drives today
 * (EF01 modules, GT-5xx modules, DESKO/3M/plain MRZ readers on a serial
 * line) are UART devices: on a USB port they sit behind a generic
 * USB–serial bridge whose ids say nothing about what is behind it, and we
 * have no vendor document giving a reader-specific USB id. A reader with
 * its own documented id goes in `knownReaders`, with its source.
 *
 * Bridges: a port behind one of these is listed as a *candidate* (shown to
 * the technician, not opened: probing an unknown port with fingerprint
 * commands could upset whatever is really there). Ids from the linux-usb.org
 * usb.ids database and the Linux kernel's USB–serial drivers
 * (drivers/usb/serial/cp210x.c, ch341.c, ftdi_sio_ids.h, pl2303.h).
 * devices.md notes CP210x and CH340 on fingerprint module boards and FTDI
 * on MRZ readers (see also main/cli/device-list.ts).
 */
export interface KnownReader {
  vendorId: string;
  productId: string;
  family: string;
  make: string;
  model: string;
  source: string;
}

export const knownReaders: readonly KnownReader[] = [];

export interface UsbBridge {
  vendorId: string;
  productId: string;
  bridge: string;
}

export const usbSerialBridges: readonly UsbBridge[] = [
  { vendorId: '10c4', productId: 'ea60', bridge: 'Silicon Labs CP210x' }, // usb.ids; cp210x.c
  { vendorId: '1a86', productId: '7523', bridge: 'WCH CH340' }, // usb.ids; ch341.c
  { vendorId: '1a86', productId: '5523', bridge: 'WCH CH341' }, // usb.ids; ch341.c
  { vendorId: '0403', productId: '6001', bridge: 'FTDI FT232R' }, // usb.ids; ftdi_sio_ids.h FTDI_8U232AM_PID
  { vendorId: '0403', productId: '6015', bridge: 'FTDI FT-X' }, // usb.ids; ftdi_sio_ids.h FTDI_FTX_PID
  { vendorId: '067b', productId: '2303', bridge: 'Prolific PL2303' }, // usb.ids; pl2303.h PL2303_PRODUCT_ID
];

/** Lower-case, 4 hex digits: serialport gives ids as strings in either case, sometimes without padding. */
export function normaliseUsbId(value: string | number | undefined | null): string | null {
  if (value === undefined || value === null || value === '') return null;
  const text = typeof value === 'number' ? value.toString(16) : value.replace(/^0x/i, '');
  return /^[0-9a-f]{1,4}$/i.test(text) ? text.toLowerCase().padStart(4, '0') : null;
}

export function matchKnownReader(vendorId: string | null, productId: string | null): KnownReader | undefined {
  return knownReaders.find((r) => r.vendorId === vendorId && r.productId === productId);
}

export function matchBridge(vendorId: string | null, productId: string | null): UsbBridge | undefined {
  return usbSerialBridges.find((b) => b.vendorId === vendorId && b.productId === productId);
}
