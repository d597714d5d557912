/**
 * The one seam between the device manager and a driver family. Adding a
 * family (signature pad, SANE, eSCL, SBI…) is one file in ./families that
 * exports a FamilyAdapter, plus one line in ./families/index.ts.
 *
 * The manager owns everything around a session: discovery merging, the
 * approved-device list, status, polling for a lost device to come back and
 * reopening it. An adapter only knows how to open its device at an address,
 * what it is, and how to take one capture.
 */
import type { DeviceIdentity, GreyImage, PenSample, TabletGeometry } from '../../drivers/capture.js';
import type { DeviceKind, DiscoveredDevice } from '../../drivers/discovery.js';
import type { DeviceError } from '../../drivers/errors.js';
import type { ByteLink } from '../../drivers/transport/byte-link.js';
import type { HidLink } from '../../drivers/transport/hid-link.js';
import type { TestCaptureResult } from '../contract/channels.js';

export type { TestCaptureResult };

/** What every raw capture has (drivers/capture.ts: RawFingerprintCapture, RawMrzRead, and later ones). */
export interface RawCapture {
  kind: string;
  device: DeviceIdentity;
}

export interface AdapterOpenOptions {
  /** Line speed for serial families; the adapter's `defaultBaud` when the config gives none. */
  baud?: number;
  /**
   * Opens a byte link at an address: a serial port path (through the
   * serialport binding), or `sim:<name>` for an in-process simulator.
   * Serial families use this rather than openSerialLink so that simulated
   * and real devices take the same path.
   */
  openLink(address: string, baud: number): Promise<ByteLink>;
  /**
   * For a simulated device only: does what a person would do at a real one
   * (lay a document on the glass, put a finger down — the finger the flow
   * asked for, when it says which). Adapters call it when a capture (test or
   * flow) starts; null for real hardware.
   */
  simulatePresentation: ((what?: SimulatedPresentation) => void) | null;
  /**
   * For a simulated device (a `sim:` address) of a family that is not on a
   * serial line: the host end of its in-process HID pair, or the base URL of
   * its service on loopback. Null for real hardware.
   */
  simulator: { openHid(): HidLink; url(): Promise<string> } | null;
}

/** What a simulated device is shown for one capture. */
export interface SimulatedPresentation {
  /** ISO/IEC 19794-4 finger position 1–10 the flow asked for (each position is its own synthetic finger); for a slap, the first finger asked for. */
  position?: number;
  /** A slap capture: every finger position asked for, in the slap's order. */
  positions?: readonly number[];
  /** The paper a scan is of: a simulated scanner has that kind of document on its glass. */
  paper?: 'a4' | 'id1' | 'td3';
}

/** A frame (or just a phase) from a fingerprint capture in progress, for the live preview. */
export interface PreviewFrame {
  phase: 'waiting' | 'reading' | 'assessing' | 'done' | 'failed';
  /** 8-bit grey; null when the device only reports what it is doing. */
  image: GreyImage | null;
}

/** The on-screen and on-pad controls of a running pad capture (consent or signature). */
export interface PadControl {
  /** Resolves the capture with what has been written. */
  onAccept(listener: () => void): void;
  /** Wipes the ink on the pad (and the samples so far). */
  onClear(listener: () => void): void;
  /** Ends the capture with 'cancelled'. */
  onCancel(listener: () => void): void;
}

/**
 * What a capture flow (app/cases/capture) asks of one capture beyond a plain
 * capture(). A family uses the parts for its kind and ignores the rest.
 */
export interface CaptureRequest {
  /** Fingerprint readers: frames and phases as the capture proceeds (SBI STREAM frames; phases from serial modules). */
  onPreview?(frame: PreviewFrame): void;
  /** Signature pads: the prompt drawn on the pad's screen, every pen sample as it arrives, and the accept/clear/cancel controls. */
  pad?: {
    prompt: { title: string; lines: string[]; accept: string; clear: string; cancel: string };
    onSample(sample: PenSample, geometry: TabletGeometry): void;
    /** The pad's own buttons (drawn on its screen) report through the same control as the on-screen ones. */
    control: PadControl;
    /** Emitted when the ink was wiped (on the pad or the screen). */
    onCleared(): void;
  };
  /** Scanners: the paper being scanned (resolution and scan area). */
  paper?: 'a4' | 'id1' | 'td3';
  /**
   * Fingerprint readers: the finger wanted, ISO/IEC 19794-4 position 1–10.
   * A slap device (SBI) captures just that finger from the slap that holds
   * it; a single-finger module ignores it (the applicant puts that finger
   * down); a simulator makes that finger's print.
   */
  finger?: { position: number };
  /**
   * Fingerprint readers that take slaps (FamilyAdapter.slaps): one whole
   * slap in one capture — 'left' four, 'right' four or the two 'thumbs' —
   * with the fingers recorded as exceptions left out (the device is told),
   * and optionally only some of the slap's fingers (a retry of those that
   * failed). ISO/IEC 19794-4 positions. Takes precedence over `finger`.
   */
  slap?: { slap: 'left' | 'right' | 'thumbs'; positions?: readonly number[]; exceptions?: readonly number[] };
}

/** One open device. Closed by the manager; reopened by the manager after a loss. */
export interface DeviceSession<R extends RawCapture = RawCapture> {
  /** Read from the device at open (make/model/serial/firmware as it reports them). */
  readonly identity: DeviceIdentity;
  /** One capture for the technician's check screen, in a form the UI can show. */
  testCapture(signal: AbortSignal): Promise<TestCaptureResult>;
  /** One capture for the capture flows: what the driver returns, untouched. */
  capture(signal: AbortSignal, request?: CaptureRequest): Promise<R>;
  /**
   * Called once if the device goes away by itself (link lost, unplugged),
   * never after close(). Returns an unsubscribe function.
   */
  onDisconnect(listener: (error: DeviceError) => void): () => void;
  close(): Promise<void>;
}

export interface FamilyAdapter<R extends RawCapture = RawCapture> {
  /** Driver family as in DeviceIdentity.family and config `devices.list[].driver`. */
  readonly family: string;
  readonly kind: DeviceKind;
  /** Config `driver` names that mean this family too (e.g. 'r30x' for 'ef01'). */
  readonly aliases?: readonly string[];
  /** Make and model to show before the device was ever opened. */
  readonly label: { make: string; model: string };
  /**
   * False when the device cannot report a serial number: approvals then
   * match on make + model + address instead of make + model + serial.
   */
  readonly reportsSerial: boolean;
  /** Fingerprint readers that capture a whole slap in one go (CaptureRequest.slap): the SBI family. */
  readonly slaps?: boolean;
  /** Serial families: the power-up line speed from the datasheet. */
  readonly defaultBaud?: number;
  /** Devices of this family found without configuration (HID enumeration, SANE, mDNS, SBI ports…). */
  discover?(signal: AbortSignal): Promise<DiscoveredDevice[]>;
  /**
   * Is something answering at the address now? Polled while the device is
   * disconnected, and while it is ready (to notice a loss the link does not
   * report). Default: the serial path exists / the simulator is plugged in.
   */
  present?(address: string): Promise<boolean>;
  /** Opens and handshakes; throws a DeviceError saying what was tried, where. */
  open(address: string, options: AdapterOpenOptions): Promise<DeviceSession<R>>;
}

/** A session's onDisconnect built from a ByteLink: a close with an error is a loss; our own close() is not. */
export function linkLossNotifier(link: ByteLink, toError: (error: Error) => DeviceError): {
  onDisconnect: DeviceSession['onDisconnect'];
  /** Call before closing the link on purpose. */
  closing(): void;
} {
  let closing = false;
  return {
    onDisconnect(listener) {
      return link.onClose((error) => {
        if (!closing) listener(toError(error ?? new Error('the link closed')));
      });
    },
    closing() {
      closing = true;
    },
  };
}
