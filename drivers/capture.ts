/**
 * What a driver hands to the capture stage (DESIGN.md: device → driver →
 * capture): pixels or characters plus which device made them. Quality and
 * everything after it work from these and never talk to a device.
 */
export interface DeviceIdentity {
  /** The driver family: 'ef01', 'gt5xx', 'desko', '3m', 'lines', … */
  family: string;
  make: string;
  model: string;
  /** As the device reports it, where it does (GT-5xx serial number, STU UID…). */
  serial: string | null;
  firmware: string | null;
}

/** An 8-bit greyscale image, row-major, one byte per pixel. */
export interface GreyImage {
  width: number;
  height: number;
  /** Sampling resolution in pixels per inch (fingerprint modules: 500, per their datasheets). */
  ppi: number;
  pixels: Uint8Array;
}

export interface RawFingerprintCapture {
  kind: 'fingerprint';
  device: DeviceIdentity;
  image: GreyImage;
  capturedAt: string;
}

export interface RawMrzRead {
  kind: 'mrz';
  device: DeviceIdentity;
  /** The MRZ lines as read, framing and line ends removed. */
  lines: string[];
  readAt: string;
}
