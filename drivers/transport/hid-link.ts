import { DeviceError, isDeviceError } from '../errors.js';

/**
 * A USB HID device as a driver sees it: feature reports (SET_REPORT /
 * GET_REPORT on the control pipe, first byte = report id) and input reports
 * (interrupt pipe, first byte = report id for devices with numbered reports,
 * which is how hidapi delivers them on hidraw, libusb and Windows alike).
 * Implemented over node-hid's HIDAsync (`openHidLink`) and in-process
 * (`createMemoryHidPair`) so a simulator can sit on the device side.
 */
export interface HidLink {
  /** For messages: "/dev/hidraw3 (USB HID)". */
  readonly description: string;
  readonly isOpen: boolean;
  /** SET_REPORT(Feature). `data[0]` is the report id. */
  sendFeatureReport(data: Uint8Array): Promise<void>;
  /** GET_REPORT(Feature): the reply with the report id in byte 0, at most `length` bytes (length counts the id byte). */
  getFeatureReport(reportId: number, length: number): Promise<Buffer>;
  onInputReport(listener: (report: Buffer) => void): () => void;
  /** Called once when the link goes away: closed by us (null) or lost, e.g. unplugged (an error). */
  onClose(listener: (error: Error | null) => void): () => void;
  close(): Promise<void>;
}

/** One HID interface as enumeration reports it (node-hid's `Device`, with absent fields as null). */
export interface HidDeviceInfo {
  path: string;
  vendorId: number;
  productId: number;
  manufacturer: string | null;
  product: string | null;
  serialNumber: string | null;
  /** bcdDevice. */
  release: number | null;
  interface: number | null;
  /** Top-level collection usage page, where the platform's hidapi gives it (hidraw since hidapi 0.10). */
  usagePage: number | null;
  usage: number | null;
}

/** Longest wait for one feature-report exchange unless the caller says otherwise. */
export const DEFAULT_HID_TIMEOUT_MS = 1000;

const hex2 = (n: number) => `0x${(n & 0xff).toString(16).padStart(2, '0')}`;

// ---------------------------------------------------------------------------
// node-hid

/** The part of node-hid's HIDAsync this link uses (typed here so tests can stand in for it). */
export interface NodeHidAsyncDevice {
  sendFeatureReport(data: number[] | Buffer): Promise<number>;
  getFeatureReport(reportId: number, length: number): Promise<Buffer>;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): Promise<void>;
}

/** The part of the node-hid module this file uses. */
export interface NodeHidModule {
  HIDAsync: { open(path: string, options?: { nonExclusive?: boolean }): Promise<NodeHidAsyncDevice> };
  devicesAsync(): Promise<
    {
      vendorId: number;
      productId: number;
      path?: string | undefined;
      serialNumber?: string | undefined;
      manufacturer?: string | undefined;
      product?: string | undefined;
      release?: number;
      interface?: number;
      usagePage?: number | undefined;
      usage?: number | undefined;
    }[]
  >;
}

export interface NodeHidOptions {
  /** How node-hid is loaded; tests pass a stand-in. */
  load?: () => Promise<NodeHidModule>;
}

/**
 * node-hid is loaded on first use, never at import time: its native binding
 * needs hidraw or libusb, and a station without them must still start (every
 * other device family works without HID).
 */
async function loadNodeHid(): Promise<NodeHidModule> {
  const mod = (await import('node-hid')) as unknown as NodeHidModule & { default?: NodeHidModule };
  return mod.HIDAsync ? mod : (mod.default as NodeHidModule);
}

async function load(options: NodeHidOptions, what: string): Promise<NodeHidModule> {
  try {
    const hid = await (options.load ?? loadNodeHid)();
    if (!hid || typeof hid.HIDAsync?.open !== 'function') throw new Error('the module has no HIDAsync');
    return hid;
  } catch (error) {
    throw new DeviceError('not_found', `USB HID support (node-hid) could not be loaded to ${what}: ${(error as Error).message}.`);
  }
}

/** Every HID interface the OS lists (no filtering; discovery picks its own). */
export async function listHidDevices(options: NodeHidOptions = {}): Promise<HidDeviceInfo[]> {
  const hid = await load(options, 'list USB HID devices');
  let devices: Awaited<ReturnType<NodeHidModule['devicesAsync']>>;
  try {
    devices = await hid.devicesAsync();
  } catch (error) {
    throw new DeviceError('not_found', `Listing USB HID devices failed: ${(error as Error).message}.`);
  }
  return devices
    .filter((d) => typeof d.path === 'string' && d.path.length > 0)
    .map((d) => ({
      path: d.path as string,
      vendorId: d.vendorId,
      productId: d.productId,
      manufacturer: d.manufacturer ?? null,
      product: d.product ?? null,
      serialNumber: d.serialNumber ?? null,
      release: d.release ?? null,
      interface: d.interface ?? null,
      usagePage: d.usagePage ?? null,
      usage: d.usage ?? null,
    }));
}

/** hidapi reports an unplugged device with these (hidraw: ENODEV/EIO; libusb: LIBUSB_ERROR_NO_DEVICE; Windows: "device not connected"). */
const GONE = /no such device|ENODEV|EIO|input\/output error|NO_DEVICE|not connected|disconnected|closed/i;

/**
 * Opens a HID interface by path (hidraw node, libusb path or Windows device
 * path) over node-hid's HIDAsync. Every feature-report exchange is bounded by
 * `timeoutMs`: a device that stops answering fails the exchange with
 * 'timeout' (the native call may still finish later; its result is dropped).
 */
export async function openHidLink(path: string, timeoutMs = DEFAULT_HID_TIMEOUT_MS, options: NodeHidOptions = {}): Promise<HidLink> {
  const hid = await load(options, `open ${path}`);
  let device: NodeHidAsyncDevice;
  try {
    device = await hid.HIDAsync.open(path);
  } catch (error) {
    const text = (error as Error).message;
    // hidapi does not pass errno through; its message says "cannot open device with path …" for a missing node and for missing permission alike.
    if (/busy|in use|exclusive|EBUSY|access denied|sharing violation/i.test(text)) {
      throw new DeviceError('busy', `The USB HID device ${path} is in use by another program (${text}).`);
    }
    throw new DeviceError('not_found', `The USB HID device ${path} could not be opened — it is absent, or this user may not open it (check the udev rule) (${text}).`);
  }
  const description = `${path} (USB HID)`;
  const core = new LinkCore(description, timeoutMs);
  // node-hid emits 'error' (the unplug signal) only while its read loop runs, and the loop runs only while 'data' has a listener: keep one for the link's lifetime.
  device.on('data', (data: Buffer) => core.input(Buffer.from(data)));
  device.on('error', (error: Error) => {
    core.lost(error);
    device.close().catch(() => undefined);
  });
  const failure = (error: unknown, what: string): DeviceError => {
    if (isDeviceError(error)) return error;
    const text = (error as Error)?.message ?? String(error);
    if (!core.isOpen || GONE.test(text)) {
      if (core.isOpen) core.lost(error as Error);
      return new DeviceError('disconnected', `${description} went away during ${what} (${text}).`);
    }
    // A STALL on the control pipe: the device would not take or give this report.
    return new DeviceError('refused', `${description} refused ${what} (${text}).`);
  };
  return {
    description,
    get isOpen() {
      return core.isOpen;
    },
    sendFeatureReport(data) {
      const what = `SET_FEATURE report ${hex2(data[0] ?? 0)}`;
      return core.exchange(what, async () => {
        try {
          await device.sendFeatureReport(Buffer.from(data));
        } catch (error) {
          throw failure(error, what);
        }
      });
    },
    getFeatureReport(reportId, length) {
      const what = `GET_FEATURE report ${hex2(reportId)}`;
      return core.exchange(what, async () => {
        try {
          return Buffer.from(await device.getFeatureReport(reportId, length));
        } catch (error) {
          throw failure(error, what);
        }
      });
    },
    onInputReport: (listener) => core.onInput(listener),
    onClose: (listener) => core.onClose(listener),
    async close() {
      if (!core.isOpen) return;
      core.closed(null);
      await device.close().catch(() => undefined);
    },
  };
}

// ---------------------------------------------------------------------------
// What both implementations share: timeouts, pending exchanges, close once.

class LinkCore {
  isOpen = true;
  private readonly pending = new Set<(error: DeviceError) => void>();
  private readonly inputListeners = new Set<(report: Buffer) => void>();
  private readonly closeListeners = new Set<(error: Error | null) => void>();

  constructor(
    readonly description: string,
    readonly timeoutMs: number,
  ) {}

  exchange<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (!this.isOpen) return Promise.reject(new DeviceError('disconnected', `${this.description} is not connected (tried ${what}).`));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.pending.delete(abort);
        fn();
      };
      const abort = (error: DeviceError) => finish(() => reject(error));
      const timer = setTimeout(() => abort(new DeviceError('timeout', `No answer from ${this.description} to ${what} within ${this.timeoutMs} ms.`)), this.timeoutMs);
      this.pending.add(abort);
      run().then(
        (value) => finish(() => resolve(value)),
        (error: unknown) => finish(() => reject(error)),
      );
    });
  }

  input(report: Buffer): void {
    if (!this.isOpen) return;
    for (const listener of [...this.inputListeners]) listener(report);
  }

  onInput(listener: (report: Buffer) => void): () => void {
    this.inputListeners.add(listener);
    return () => this.inputListeners.delete(listener);
  }

  onClose(listener: (error: Error | null) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** The device went away: every exchange in flight fails with 'disconnected'. */
  lost(error: Error): void {
    if (!this.isOpen) return;
    this.finish(error, new DeviceError('disconnected', `${this.description} was disconnected (${error.message}).`));
  }

  closed(error: Error | null): void {
    if (!this.isOpen) return;
    this.finish(error, new DeviceError('disconnected', `${this.description} was closed during the exchange.`));
  }

  private finish(error: Error | null, failure: DeviceError): void {
    this.isOpen = false;
    for (const abort of [...this.pending]) abort(failure);
    this.pending.clear();
    const listeners = [...this.closeListeners];
    this.closeListeners.clear();
    this.inputListeners.clear();
    for (const listener of listeners) listener(error);
  }
}

// ---------------------------------------------------------------------------
// In-process pair

/**
 * Thrown by a device-side handler to refuse a request, as a USB device
 * STALLs the control pipe on a report it does not support; the host sees
 * 'refused'.
 */
export class HidStall extends Error {
  constructor(message = 'the device stalled the request') {
    super(message);
    this.name = 'HidStall';
  }
}

/** How the device side answers the host's feature-report requests. */
export interface HidFeatureHandler {
  /** SET_REPORT(Feature): `data[0]` is the report id. Throw HidStall to refuse. A promise that never settles = a device that stopped answering. */
  set(data: Buffer): void | Promise<void>;
  /** GET_REPORT(Feature): the whole report, id in byte 0; the host receives at most the `length` it asked for, as hidraw does. */
  get(reportId: number, length: number): Buffer | Promise<Buffer>;
}

/** The device end of an in-process pair: what a simulator holds. */
export interface HidDeviceSide {
  readonly description: string;
  readonly isOpen: boolean;
  /** Installs the device's answers (one handler at a time; the last installed wins). */
  serve(handler: HidFeatureHandler): () => void;
  /** Sends an input report (byte 0 = report id) to the host, in order. */
  sendInputReport(data: Uint8Array): void;
  onClose(listener: (error: Error | null) => void): () => void;
  close(): Promise<void>;
}

export interface MemoryHidPairOptions {
  name?: string;
  /** The host side's bound on each feature-report exchange. */
  timeoutMs?: number;
}

export interface MemoryHidPair {
  host: HidLink;
  device: HidDeviceSide;
  /** Unplugging: the host sees onClose(error) and every exchange in flight fails with 'disconnected'. */
  disconnect(error?: Error): void;
}

/**
 * A HidLink and the device side of it in one process. There is no /dev/uhid
 * on our build machines (and creating uhid devices needs root and a kernel
 * module), so HID devices are simulated in-process only: the simulator
 * answers feature requests through `serve` and pushes input reports with
 * `sendInputReport`. Every hop is asynchronous (setImmediate), as the kernel
 * round trip is, and both directions keep their order.
 */
export function createMemoryHidPair(options: MemoryHidPairOptions = {}): MemoryHidPair {
  const name = options.name ?? 'in-process HID';
  const host = new LinkCore(name, options.timeoutMs ?? DEFAULT_HID_TIMEOUT_MS);
  let handler: HidFeatureHandler | null = null;
  let deviceOpen = true;
  const deviceCloseListeners = new Set<(error: Error | null) => void>();

  const closeDevice = (error: Error | null) => {
    if (!deviceOpen) return;
    deviceOpen = false;
    handler = null;
    const listeners = [...deviceCloseListeners];
    deviceCloseListeners.clear();
    for (const listener of listeners) listener(error);
  };

  const refused = (what: string, error: unknown): DeviceError => {
    const reason = error instanceof Error ? error.message : String(error);
    return new DeviceError('refused', `${name} refused ${what} (${reason}).`);
  };

  /** Runs a device-side handler call on a later turn, as the USB round trip would. */
  function call<T>(what: string, fn: (h: HidFeatureHandler) => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      setImmediate(() => {
        // No handler, or a device that has gone: nothing answers; the host's timeout or close decides.
        if (!deviceOpen || handler === null) return;
        let result: T | Promise<T>;
        try {
          result = fn(handler);
        } catch (error) {
          return reject(refused(what, error));
        }
        Promise.resolve(result).then(resolve, (error: unknown) => reject(refused(what, error)));
      });
    });
  }

  const hostLink: HidLink = {
    description: name,
    get isOpen() {
      return host.isOpen;
    },
    sendFeatureReport(data) {
      const copy = Buffer.from(data);
      const what = `SET_FEATURE report ${hex2(copy[0] ?? 0)}`;
      return host.exchange(what, () => call(what, (h) => h.set(copy)));
    },
    getFeatureReport(reportId, length) {
      const what = `GET_FEATURE report ${hex2(reportId)}`;
      return host.exchange(what, async () => {
        const reply = await call(what, (h) => h.get(reportId, length));
        return Buffer.from(reply.subarray(0, Math.max(0, length)));
      });
    },
    onInputReport: (listener) => host.onInput(listener),
    onClose: (listener) => host.onClose(listener),
    async close() {
      host.closed(null);
      closeDevice(null);
    },
  };

  const device: HidDeviceSide = {
    description: `${name} (device side)`,
    get isOpen() {
      return deviceOpen;
    },
    serve(next) {
      handler = next;
      return () => {
        if (handler === next) handler = null;
      };
    },
    sendInputReport(data) {
      if (!deviceOpen) return;
      const copy = Buffer.from(data);
      setImmediate(() => {
        if (deviceOpen) host.input(copy);
      });
    },
    onClose(listener) {
      deviceCloseListeners.add(listener);
      return () => deviceCloseListeners.delete(listener);
    },
    async close() {
      // The device going away on its own is an unplug as the host sees it.
      closeDevice(null);
      host.lost(new Error(`${name}: the device went away`));
    },
  };

  return {
    host: hostLink,
    device,
    disconnect(error = new Error(`${name} was unplugged`)) {
      closeDevice(error);
      host.lost(error);
    },
  };
}
