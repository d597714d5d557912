import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../errors.js';
import { HidStall, createMemoryHidPair, listHidDevices, openHidLink, type NodeHidAsyncDevice, type NodeHidModule } from './hid-link.js';

async function failure(promise: Promise<unknown>): Promise<DeviceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DeviceError);
    return error as DeviceError;
  }
  throw new Error('expected a DeviceError');
}

describe('createMemoryHidPair', () => {
  it('carries feature reports both ways and input reports in order', async () => {
    const pair = createMemoryHidPair({ name: 'mem-hid', timeoutMs: 200 });
    const sets: Buffer[] = [];
    pair.device.serve({
      set: (data) => void sets.push(data),
      get: (id, _length) => Buffer.from([id, 1, 2, 3, 4, 5]),
    });
    await pair.host.sendFeatureReport(Uint8Array.of(0x21, 0x01));
    expect(sets).toEqual([Buffer.from([0x21, 0x01])]);
    // The host receives at most the length it asked for (id byte included), as hidraw does.
    expect(await pair.host.getFeatureReport(0x09, 4)).toEqual(Buffer.from([0x09, 1, 2, 3]));
    const got: number[] = [];
    pair.host.onInputReport((r) => got.push(r[1] ?? -1));
    for (let i = 0; i < 100; i++) pair.device.sendInputReport(Uint8Array.of(0x01, i));
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('a device that does not answer → timeout naming the report', async () => {
    const pair = createMemoryHidPair({ name: 'mem-hid', timeoutMs: 50 });
    pair.device.serve({ set: () => new Promise<void>(() => undefined), get: () => new Promise<Buffer>(() => undefined) });
    const error = await failure(pair.host.getFeatureReport(0x09, 17));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('No answer from mem-hid to GET_FEATURE report 0x09 within 50 ms.');
    expect((await failure(pair.host.sendFeatureReport(Uint8Array.of(0x20, 0)))).code).toBe('timeout');
  });

  it('a stall → refused', async () => {
    const pair = createMemoryHidPair({ name: 'mem-hid', timeoutMs: 200 });
    pair.device.serve({
      set: () => {
        throw new HidStall('no such report');
      },
      get: () => {
        throw new HidStall();
      },
    });
    const error = await failure(pair.host.sendFeatureReport(Uint8Array.of(0x77, 0)));
    expect(error.code).toBe('refused');
    expect(error.message).toMatch(/mem-hid refused SET_FEATURE report 0x77 \(no such report\)/);
    expect((await failure(pair.host.getFeatureReport(0x77, 2))).code).toBe('refused');
  });

  it('unplugging fails the exchange in flight with disconnected and tells onClose the error', async () => {
    const pair = createMemoryHidPair({ name: 'mem-hid', timeoutMs: 1000 });
    pair.device.serve({ set: () => undefined, get: () => new Promise<Buffer>(() => undefined) });
    const closes: (Error | null)[] = [];
    pair.host.onClose((e) => closes.push(e));
    const deviceCloses: (Error | null)[] = [];
    pair.device.onClose((e) => deviceCloses.push(e));
    const pending = failure(pair.host.getFeatureReport(0x03, 5));
    setTimeout(() => pair.disconnect(new Error('cable pulled')), 10);
    const error = await pending;
    expect(error.code).toBe('disconnected');
    expect(error.message).toMatch(/mem-hid was disconnected \(cable pulled\)/);
    expect(closes.map((e) => e?.message)).toEqual(['cable pulled']);
    expect(deviceCloses).toHaveLength(1);
    expect(pair.host.isOpen).toBe(false);
    expect((await failure(pair.host.sendFeatureReport(Uint8Array.of(0x20, 0)))).code).toBe('disconnected');
  });

  it('closing the host is a clean close (onClose(null)) on both sides', async () => {
    const pair = createMemoryHidPair();
    const closes: (Error | null)[] = [];
    pair.host.onClose((e) => closes.push(e));
    pair.device.onClose((e) => closes.push(e));
    await pair.host.close();
    expect(closes).toEqual([null, null]);
    expect(pair.device.isOpen).toBe(false);
  });
});

/** A stand-in for node-hid's HIDAsync: an EventEmitter with scripted feature answers. */
class FakeHid extends EventEmitter implements NodeHidAsyncDevice {
  sent: Buffer[] = [];
  closed = false;
  answer: (id: number, length: number) => Promise<Buffer> = async (id, length) => Buffer.alloc(length, id);
  async sendFeatureReport(data: number[] | Buffer): Promise<number> {
    this.sent.push(Buffer.from(data));
    return data.length;
  }
  getFeatureReport(id: number, length: number): Promise<Buffer> {
    return this.answer(id, length);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

function fakeModule(device: FakeHid | Error): NodeHidModule {
  return {
    HIDAsync: {
      open: async () => {
        if (device instanceof Error) throw device;
        return device;
      },
    },
    devicesAsync: async () => [
      { vendorId: 0x056a, productId: 0xa8, path: '/dev/hidraw7', product: 'STU-540', manufacturer: 'Wacom Co.,Ltd.', release: 0x0100, interface: 0, usagePage: 0xff00, usage: 1 },
      { vendorId: 0x046d, productId: 0xc077, product: 'Mouse' },
    ],
  };
}

describe('openHidLink over node-hid (stand-in for the native module)', () => {
  it('sends and gets feature reports, delivers input reports', async () => {
    const hid = new FakeHid();
    const link = await openHidLink('/dev/hidraw7', 100, { load: async () => fakeModule(hid) });
    expect(link.description).toBe('/dev/hidraw7 (USB HID)');
    await link.sendFeatureReport(Uint8Array.of(0x21, 1));
    expect(hid.sent).toEqual([Buffer.from([0x21, 1])]);
    expect(await link.getFeatureReport(0x03, 5)).toEqual(Buffer.alloc(5, 3));
    const reports: Buffer[] = [];
    link.onInputReport((r) => reports.push(r));
    hid.emit('data', Buffer.from([0x01, 0x80, 0, 0, 1, 0, 2]));
    expect(reports).toEqual([Buffer.from([0x01, 0x80, 0, 0, 1, 0, 2])]);
    // The link keeps a 'data' listener so node-hid's read loop runs and reports unplugs.
    expect(hid.listenerCount('data')).toBe(1);
    await link.close();
    expect(hid.closed).toBe(true);
  });

  it('an error event (unplug) → onClose(error) and the pending exchange fails with disconnected', async () => {
    const hid = new FakeHid();
    hid.answer = () => new Promise<Buffer>(() => undefined);
    const link = await openHidLink('/dev/hidraw7', 1000, { load: async () => fakeModule(hid) });
    const closes: (Error | null)[] = [];
    link.onClose((e) => closes.push(e));
    const pending = failure(link.getFeatureReport(0x09, 17));
    hid.emit('error', new Error('could not read from HID device'));
    const error = await pending;
    expect(error.code).toBe('disconnected');
    expect(error.message).toMatch(/\/dev\/hidraw7 \(USB HID\) was disconnected/);
    expect(closes.map((e) => e?.message)).toEqual(['could not read from HID device']);
    expect(hid.closed).toBe(true);
    expect((await failure(link.sendFeatureReport(Uint8Array.of(0x20, 0)))).code).toBe('disconnected');
  });

  it('a feature exchange that never completes → timeout', async () => {
    const hid = new FakeHid();
    hid.answer = () => new Promise<Buffer>(() => undefined);
    const link = await openHidLink('/dev/hidraw7', 40, { load: async () => fakeModule(hid) });
    const error = await failure(link.getFeatureReport(0x08, 17));
    expect(error.code).toBe('timeout');
    expect(error.message).toBe('No answer from /dev/hidraw7 (USB HID) to GET_FEATURE report 0x08 within 40 ms.');
  });

  it('a failing exchange: a stall is refused, a vanished device is disconnected', async () => {
    const hid = new FakeHid();
    hid.answer = async () => {
      throw new Error('could not get feature report from device: Broken pipe');
    };
    const link = await openHidLink('/dev/hidraw7', 100, { load: async () => fakeModule(hid) });
    expect((await failure(link.getFeatureReport(0x77, 2))).code).toBe('refused');
    hid.answer = async () => {
      throw new Error('could not get feature report from device: No such device');
    };
    expect((await failure(link.getFeatureReport(0x03, 5))).code).toBe('disconnected');
    expect(link.isOpen).toBe(false);
  });

  it('open failures name the path: not_found, busy; a module that will not load is not_found', async () => {
    let error = await failure(openHidLink('/dev/hidraw9', 100, { load: async () => fakeModule(new Error('cannot open device with path /dev/hidraw9')) }));
    expect(error.code).toBe('not_found');
    expect(error.message).toMatch(/\/dev\/hidraw9 could not be opened/);
    error = await failure(openHidLink('/dev/hidraw9', 100, { load: async () => fakeModule(new Error('Device or resource busy')) }));
    expect(error.code).toBe('busy');
    expect(error.message).toMatch(/\/dev\/hidraw9 is in use/);
    error = await failure(
      openHidLink('/dev/hidraw9', 100, {
        load: async () => {
          throw new Error('libusb-1.0.so.0: cannot open shared object file');
        },
      }),
    );
    expect(error.code).toBe('not_found');
    expect(error.message).toMatch(/node-hid\) could not be loaded to open \/dev\/hidraw9: libusb/);
  });

  it('lists devices with absent fields as null and no pathless entries', async () => {
    const devices = await listHidDevices({ load: async () => fakeModule(new FakeHid()) });
    expect(devices).toEqual([
      { path: '/dev/hidraw7', vendorId: 0x056a, productId: 0xa8, manufacturer: 'Wacom Co.,Ltd.', product: 'STU-540', serialNumber: null, release: 0x0100, interface: 0, usagePage: 0xff00, usage: 1 },
    ]);
  });
});

describe('openHidLink with the real node-hid (no HID devices on this machine)', () => {
  it('loads node-hid lazily and lists devices (an array, possibly empty)', async () => {
    const devices = await listHidDevices();
    expect(Array.isArray(devices)).toBe(true);
  });

  it('a path that does not exist → not_found naming the path', async () => {
    const error = await failure(openHidLink('/dev/hidraw-does-not-exist', 200));
    expect(error.code).toBe('not_found');
    expect(error.message).toMatch(/\/dev\/hidraw-does-not-exist/);
  });
});
