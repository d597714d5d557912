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
import type { DeviceIdentity } from '../../drivers/capture.js';
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
   * (lay a document on the glass, put a finger down). Adapters call it when
   * a test capture starts; null for real hardware.
   */
  simulatePresentation: (() => void) | null;
  /**
   * For a simulated device (a `sim:` address) of a family that is not on a
   * serial line: the host end of its in-process HID pair, or the base URL of
   * its service on loopback. Null for real hardware.
   */
  simulator: { openHid(): HidLink; url(): Promise<string> } | null;
}

/** One open device. Closed by the manager; reopened by the manager after a loss. */
export interface DeviceSession<R extends RawCapture = RawCapture> {
  /** Read from the device at open (make/model/serial/firmware as it reports them). */
  readonly identity: DeviceIdentity;
  /** One capture for the technician's check screen, in a form the UI can show. */
  testCapture(signal: AbortSignal): Promise<TestCaptureResult>;
  /** One capture for the capture flows: what the driver returns, untouched. */
  capture(signal: AbortSignal): Promise<R>;
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
