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

/** One pen report from a signature pad (Wacom STU PenData as the SDK decodes it; devices.md §3). */
export interface PenSample {
  /** Milliseconds from the first sample of the capture: the pad's time count (report 0x34) where it sends one, else host arrival time. */
  t: number;
  /** The pad's report sequence number (report 0x34), unwrapped past 0xffff; null with report 0x01. */
  sequence: number | null;
  /** Pen in proximity. */
  rdy: boolean;
  /** Tip switch, 0–7 as the SDK decodes it; non-zero = touching. */
  sw: number;
  pressure: number;
  /** Tablet units. */
  x: number;
  y: number;
}

export interface TabletGeometry {
  maxX: number;
  maxY: number;
  maxPressure: number;
  /** Tablet units per inch (Capability resolution; 2540 on the 430/530/540). */
  unitsPerInch?: number;
}

/** A captured signature (a pen time series from a signature pad), as the driver hands it to the capture stage. */
export interface RawSignatureCapture {
  kind: 'signature';
  device: DeviceIdentity;
  samples: PenSample[];
  tablet: TabletGeometry;
  /** The pad's screen, in pixels (the tablet area maps onto it). */
  screen?: { width: number; height: number };
  /** Where `t` came from: the pad's clock (report 0x34) or this host's. */
  timeSource?: 'device' | 'host';
  capturedAt: string;
}

/** A scanned page as the scanner delivered it (encoded image bytes), with what the file says about it. */
export interface RawPageScan {
  kind: 'page';
  device: DeviceIdentity;
  /** The image as the scanner sent it: PNG, JPEG, TIFF or PNM. */
  bytes: Uint8Array;
  mediaType: string;
  width: number;
  height: number;
  /** Requested or reported resolution; quality measures the effective one from the document's size. */
  ppi: number;
  scannedAt: string;
}

/** Several fingers at once from a slap scanner (MOSIP SBI RCAPTURE): one capture per finger, in the device's order. */
export interface RawSlapCapture {
  kind: 'slap';
  device: DeviceIdentity;
  fingers: (RawFingerprintCapture & { position: string; deviceQuality: number })[];
  capturedAt: string;
}
