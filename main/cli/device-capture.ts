import { mkdirSync, writeFileSync } from 'node:fs';
import { withPngDensity } from '../../app/imaging/png-density.js';
import path from 'node:path';
import sharp from 'sharp';
import type { RawFingerprintCapture } from '../../drivers/capture.js';
import { DeviceError } from '../../drivers/errors.js';
import { Gt5xxDriver } from '../../drivers/gt5xx/driver.js';
import { Ef01Driver } from '../../drivers/ef01/driver.js';
import type { ByteLink } from '../../drivers/transport/byte-link.js';
import { openSerialLink } from '../../drivers/transport/serial-link.js';

/** How each fingerprint driver takes one capture over an open link, and the speed its module starts at. */
interface FingerprintDriverEntry {
  /** Power-up line speed from the datasheet: the default for --baud. */
  defaultBaud: number;
  capture(link: ByteLink, timeoutMs: number): Promise<RawFingerprintCapture>;
}

export const fingerprintDrivers: Record<string, FingerprintDriverEntry> = {
  // EF01 family (ZFM-20, R305/R307/R503, AS608): factory speed 57600 baud (shared/reference/devices.md §1);
  // the driver raises it to 115200 (N = 12) for the image upload and restores it afterwards.
  r30x: {
    defaultBaud: 57600,
    async capture(link, timeoutMs) {
      const driver = new Ef01Driver(link, { captureTimeoutMs: timeoutMs, uploadBaudMultiplier: 12 });
      try {
        await driver.open();
        return await driver.capture();
      } finally {
        driver.close();
      }
    },
  },
  // GT-5xx power up at 9600 baud (shared/reference/devices.md §2); the driver raises it for the image.
  gt5xx: {
    defaultBaud: 9600,
    async capture(link, timeoutMs) {
      const driver = new Gt5xxDriver(link, { captureTimeoutMs: timeoutMs });
      try {
        await driver.open();
        return await driver.capture();
      } finally {
        await driver.close().catch(() => undefined);
      }
    },
  },
};

export async function writeGreyPng(capture: RawFingerprintCapture, out: string): Promise<void> {
  const { width, height, pixels, ppi } = capture.image;
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  // Without b-w, sharp writes a single-channel input as RGB; the capture is one 8-bit grey channel.
  const png = await sharp(Buffer.from(pixels), { raw: { width, height, channels: 1 } }).toColourspace('b-w').png().toBuffer();
  writeFileSync(out, withPngDensity(png, ppi));
}

/** `balcao device capture`: one capture from a real or simulated reader, written as an 8-bit greyscale PNG. */
export async function captureToPng(options: { driver: string; port: string; baud?: number; out: string; timeoutMs: number }): Promise<RawFingerprintCapture> {
  const entry = fingerprintDrivers[options.driver];
  if (entry === undefined) throw new DeviceError('not_found', `No fingerprint driver named ${options.driver}; use one of: ${Object.keys(fingerprintDrivers).join(', ')}.`);
  const link = await openSerialLink(options.port, options.baud ?? entry.defaultBaud);
  try {
    const capture = await entry.capture(link, options.timeoutMs);
    await writeGreyPng(capture, options.out);
    return capture;
  } finally {
    await link.close();
  }
}
