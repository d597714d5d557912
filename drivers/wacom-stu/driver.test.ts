import { afterEach, describe, expect, it } from 'vitest';
import { startStuSimulator, type StuModel, type StuSimulator, type StuSimulatorOptions } from '../../device-simulators/wacom-stu/simulator.js';
import { DeviceError } from '../errors.js';
import { createMemoryHidPair, type HidLink, type MemoryHidPair } from '../transport/hid-link.js';
import { StuDriver, tabletToMm, tabletToScreen, type StuDriverOptions } from './driver.js';
import { ErrorCode, ReportId, decodeScreenImage, encodeScreenImage, type StuImageMode, type StuScreenImage } from './protocol.js';
import { renderSignature } from './render.js';

interface Rig {
  driver: StuDriver;
  simulator: StuSimulator;
  pair: MemoryHidPair;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    await rig.simulator.stop();
    await rig.pair.host.close();
  }
});

function rig(sim: StuSimulatorOptions = {}, drv: StuDriverOptions = {}, wrap: (link: HidLink) => HidLink = (l) => l): Rig {
  const pair = createMemoryHidPair({ name: `memory-${sim.model ?? 'STU-540'}`, timeoutMs: 300 });
  const simulator = startStuSimulator(pair.device, { seed: 7, paced: false, signOnInkingMs: 10, ...sim, onDisconnect: sim.onDisconnect ?? (() => pair.disconnect(new Error('USB cable pulled'))) });
  const driver = new StuDriver(wrap(pair.host), { timeoutMs: 300, statusIntervalMs: 5, statusRetries: 10, ...drv });
  const r = { driver, simulator, pair };
  rigs.push(r);
  return r;
}

async function failure(promise: Promise<unknown>): Promise<DeviceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DeviceError);
    return error as DeviceError;
  }
  throw new Error('expected a DeviceError');
}

/** A prompt: a colour gradient with a dark frame and a "sign here" bar, RGB. */
function prompt(width: number, height: number): StuScreenImage {
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      const frame = x < 4 || y < 4 || x >= width - 4 || y >= height - 4;
      const bar = y > height * 0.7 && y < height * 0.72;
      pixels[at] = frame || bar ? 10 : (x * 255) / width;
      pixels[at + 1] = frame || bar ? 10 : (y * 255) / height;
      pixels[at + 2] = frame || bar ? 10 : 255 - ((x + y) & 0xff);
    }
  }
  return { width, height, channels: 3, pixels };
}

const models: [StuModel, StuImageMode, number, number][] = [
  ['STU-430', '1bit', 320, 200],
  ['STU-530', '24bit', 800, 480],
  ['STU-540', '24bit', 800, 480],
];

describe.each(models)('StuDriver with the %s simulator', (model, autoMode, width, height) => {
  it('opens: identity from Information and Uid, capability as reported', async () => {
    const { driver, simulator } = rig({ model, uid: 0x00c0ffee });
    const opened = await driver.open();
    expect(opened.identity).toEqual({ family: 'stu', make: 'Wacom', model, serial: '00C0FFEE', firmware: expect.stringMatching(/^\d+\.[0-9a-f]{2}$/) });
    expect(opened.capability).toEqual(simulator.capability);
    expect(opened.capability).toMatchObject({ screenWidth: width, screenHeight: height, resolution: 2540, maxReportRate: 200 });
    expect(await driver.status()).toEqual({ statusCode: 0, lastResultCode: 0, statusWord: 0 });
  });

  it(`writes a prompt image (${autoMode}, auto) that arrives intact, and clears it`, async () => {
    const { driver, simulator } = rig({ model });
    const image = prompt(width, height);
    const stats = await driver.writeImage(image);
    expect(stats.mode).toBe(autoMode);
    expect(stats.blocks).toBe(Math.ceil(stats.bytes / 253));
    expect(simulator.received.filter((id) => id === ReportId.ImageDataBlock)).toHaveLength(stats.blocks);
    expect(simulator.lastImage?.mode).toBe(autoMode);
    expect(Buffer.from(simulator.lastImage?.data ?? []).equals(encodeScreenImage(image, autoMode))).toBe(true);
    const expected = decodeScreenImage(encodeScreenImage(image, autoMode), autoMode, width, height);
    expect(Buffer.from(simulator.screen).equals(Buffer.from(expected))).toBe(true);
    if (autoMode === '24bit') expect(Buffer.from(simulator.screen).equals(Buffer.from(image.pixels))).toBe(true);
    await driver.clearScreen();
    expect(simulator.screen.every((v) => v === 255)).toBe(true);
  });

  it('captures a signature: every pen report, in order, with the pad’s time; rendered ink lies on the strokes', async () => {
    const { driver, simulator } = rig({ model, clockStart: 0xffe0 });
    await driver.open();
    await driver.setInkThreshold(0x20, 0x18);
    expect(simulator.state.inkThreshold).toEqual({ on: 0x20, off: 0x18 });
    const capture = await driver.captureSignature({ idleMs: 60, timeoutMs: 5000 });
    const frames = simulator.signature.frames;
    expect(capture.kind).toBe('signature');
    expect(capture.device).toMatchObject({ family: 'stu', make: 'Wacom', model });
    expect(capture.timeSource).toBe('device');
    expect(capture.tablet).toEqual({ maxX: simulator.capability.tabletMaxX, maxY: simulator.capability.tabletMaxY, maxPressure: 1023, unitsPerInch: 2540 });
    expect(capture.samples.map(({ rdy, sw, pressure, x, y }) => ({ rdy, sw, pressure, x, y }))).toEqual(frames);
    // 200 reports/s: 5 ms apart on the pad's clock, unwrapped across 0xffff; sequence numbers consecutive.
    capture.samples.forEach((s, i) => expect(s.t).toBe(i * 5));
    capture.samples.forEach((s, i) => expect(s.sequence).toBe((capture.samples[0]?.sequence ?? 0) + i));
    expect(simulator.state.inking).toBe(false);

    const { image, scale } = renderSignature(capture.samples, capture.tablet, { ppi: 200 });
    expect(image.width).toBe(Math.ceil(capture.tablet.maxX * scale));
    for (const stroke of simulator.signature.strokes) {
      for (const f of stroke.filter((_, i) => i % 5 === 0)) {
        const x = Math.min(image.width - 1, Math.floor(f.x * scale));
        const y = Math.min(image.height - 1, Math.floor(f.y * scale));
        expect(image.pixels[y * image.width + x]).toBeLessThan(128);
      }
    }
    // Paper elsewhere: the top-left corner of the pad is not written on.
    expect(image.pixels[5 * image.width + 5]).toBe(255);
    expect(image.pixels.filter((p) => p < 128).length).toBeGreaterThan(500);
  });

  it('each fault gives its DeviceError', async () => {
    expect((await failure(rig({ model, fault: 'timeout' }).driver.open())).code).toBe('timeout');
    expect((await failure(rig({ model, fault: 'garbage' }).driver.open())).code).toBe('protocol');
    expect((await failure(rig({ model, fault: 'truncated' }).driver.open())).code).toBe('protocol');
    const busy = rig({ model, fault: 'busy' });
    await busy.driver.open(); // identity reports are answered in any state [ProtocolHelper sendTable]
    expect((await failure(busy.driver.clearScreen())).code).toBe('busy');
    expect((await failure(busy.driver.captureSignature({ timeoutMs: 1000 }))).code).toBe('busy');
    const cut = rig({ model, fault: 'disconnect_mid_signature' });
    expect((await failure(cut.driver.captureSignature({ idleMs: 60, timeoutMs: 3000 }))).code).toBe('disconnected');
  });
});

describe('StuDriver details', () => {
  it('a blank Uid falls back to Uid2; a pad without Uid2 (stall) has no serial', async () => {
    expect((await rig({ uid: 0, uid2: '5JZQS00032' }).driver.open()).identity.serial).toBe('5JZQS00032');
    expect((await rig({ uid: 0, uid2: null }).driver.open()).identity.serial).toBeNull();
  });

  it('16-bit on request, and 24-bit chosen from the model where an old firmware reports no encoding flags', async () => {
    const a = rig({ model: 'STU-540' });
    const image = prompt(800, 480);
    expect((await a.driver.writeImage(image, '16bit')).mode).toBe('16bit');
    expect(Buffer.from(a.simulator.screen).equals(Buffer.from(decodeScreenImage(encodeScreenImage(image, '16bit'), '16bit', 800, 480)))).toBe(true);
    const b = rig({ model: 'STU-530', encodingFlag: 0 });
    expect((await b.driver.writeImage(image)).mode).toBe('24bit');
  });

  it('refuses a mode the pad cannot show, and a wrongly sized image, before sending anything', async () => {
    const { driver, simulator } = rig({ model: 'STU-430' });
    const error = await failure(driver.writeImage(prompt(320, 200), '24bit'));
    expect(error.code).toBe('refused');
    expect(error.message).toMatch(/STU-430 at memory-STU-430 cannot show 24bit images/);
    await expect(driver.writeImage(prompt(800, 480))).rejects.toThrow(RangeError);
    expect(simulator.received.filter((id) => id === ReportId.StartImageData)).toHaveLength(0);
  });

  it('the pad’s verdict (lastResultCode) after StartImageData is a refusal with its code, and the pad is left Ready', async () => {
    // A link that garbles the encoding mode on its way: the pad answers "wrong encoding type" (0x10).
    const { driver, simulator } = rig({}, {}, (link) => ({
      ...link,
      description: link.description,
      isOpen: link.isOpen,
      sendFeatureReport: (data) => link.sendFeatureReport(data[0] === ReportId.StartImageData ? Uint8Array.of(data[0], 0x08) : data),
      getFeatureReport: (id, length) => link.getFeatureReport(id, length),
      onInputReport: (l) => link.onInputReport(l),
      onClose: (l) => link.onClose(l),
      close: () => link.close(),
    }));
    const error = await failure(driver.writeImage(prompt(800, 480)));
    expect(error.code).toBe('refused');
    expect(error.deviceCode).toBe(ErrorCode.GraphicsWrongEncodingType);
    expect(error.message).toMatch(/refused StartImageData: wrong image encoding type \(result 0x10\)/);
    expect(simulator.state.statusCode).toBe(0);
  });

  it('waits while the pad draws (status Image after EndImageData) by polling Status', async () => {
    const { driver, simulator } = rig({ model: 'STU-430', drawMs: 40 }, { statusRetries: 50 });
    const polls0 = simulator.statusPolls;
    const stats = await driver.writeImage(prompt(320, 200));
    expect(simulator.statusPolls - polls0).toBeGreaterThan(4);
    expect(stats.statusPolls).toBeGreaterThanOrEqual(3);
  });

  it('without PenDataOptionMode: report 0x01, host time, no sequence', async () => {
    const { driver, simulator } = rig({ model: 'STU-430' });
    const capture = await driver.captureSignature({ deviceTime: false, idleMs: 60 });
    expect(capture.timeSource).toBe('host');
    expect(capture.samples).toHaveLength(simulator.signature.frames.length);
    expect(capture.samples.every((s) => s.sequence === null)).toBe(true);
    expect(capture.samples.every((s, i, all) => i === 0 || s.t >= (all[i - 1]?.t ?? 0))).toBe(true);
  });

  it('stops when `until` says so (predicate or promise); abort → cancelled; no signer → timeout', async () => {
    const a = rig();
    const firstTen = await a.driver.captureSignature({ until: (_s, all) => all.length >= 10 });
    expect(firstTen.samples).toHaveLength(10);

    const b = rig({ signOnInkingMs: null });
    // The signer writes 20 reports once the pad has been told to ink; the operator "accepts" a little after.
    const done = (async () => {
      while (!b.simulator.received.includes(ReportId.InkingMode)) await new Promise((r) => setTimeout(r, 1));
      await b.simulator.sign(b.simulator.signature.frames.slice(0, 20));
      await new Promise((r) => setTimeout(r, 20));
    })();
    const partial = await b.driver.captureSignature({ until: done });
    expect(partial.samples).toHaveLength(20);

    const c = rig({ signOnInkingMs: null });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const cancelled = await failure(c.driver.captureSignature({ signal: controller.signal }));
    expect(cancelled.code).toBe('cancelled');

    const d = rig({ signOnInkingMs: null });
    const timeout = await failure(d.driver.captureSignature({ timeoutMs: 60 }));
    expect(timeout.code).toBe('timeout');
    expect(timeout.message).toMatch(/No finished signature from the pad at memory-STU-540 within 60 ms \(0 pen reports arrived\)/);
  });

  it('malformed pen reports mid-capture → protocol (garbage and truncated)', async () => {
    for (const fault of ['garbage', 'truncated'] as const) {
      const { driver, simulator, pair } = rig();
      await driver.open();
      // The pad turns bad once the pen is moving: feature reports before that were fine.
      const off = pair.host.onInputReport(() => {
        simulator.setFault(fault);
        off();
      });
      const error = await failure(driver.captureSignature({ idleMs: 60, timeoutMs: 2000 }));
      expect(error.code).toBe('protocol');
      expect(error.message).toMatch(/during a signature capture/);
    }
  });

  it('a closed link → disconnected', async () => {
    const { driver, pair } = rig();
    await pair.host.close();
    expect((await failure(driver.open())).code).toBe('disconnected');
  });

  it('maps tablet units onto the screen and to millimetres', () => {
    expect(tabletToScreen({ x: 10800, y: 6480 }, { tabletMaxX: 10800, tabletMaxY: 6480, screenWidth: 800, screenHeight: 480 })).toEqual({ x: 800, y: 480 });
    expect(tabletToScreen({ x: 5400, y: 3240 }, { tabletMaxX: 10800, tabletMaxY: 6480, screenWidth: 800, screenHeight: 480 })).toEqual({ x: 400, y: 240 });
    const mm = tabletToMm({ x: 2540, y: 100 }, { unitsPerInch: 2540 });
    expect(mm.x).toBeCloseTo(25.4, 9);
    expect(mm.y).toBeCloseTo(1, 9);
  });
});
