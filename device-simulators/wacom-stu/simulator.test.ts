import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryHidPair, type MemoryHidPair } from '../../drivers/transport/hid-link.js';
import { DeviceError } from '../../drivers/errors.js';
import { ErrorCode, ReportId, commands, decodeInputReport, decodeStatus } from '../../drivers/wacom-stu/protocol.js';
import { startStuSimulator, type StuSimulator, type StuSimulatorOptions } from './simulator.js';

const bytes = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const open: { pair: MemoryHidPair; simulator: StuSimulator }[] = [];
afterEach(async () => {
  for (const { pair, simulator } of open.splice(0)) {
    await simulator.stop();
    await pair.host.close();
  }
});

function start(options: StuSimulatorOptions = {}) {
  const pair = createMemoryHidPair({ name: 'sim-test', timeoutMs: 200 });
  const simulator = startStuSimulator(pair.device, { seed: 3, paced: false, signOnInkingMs: null, ...options });
  open.push({ pair, simulator });
  return { pair, simulator, host: pair.host };
}

describe('STU simulator answers byte for byte (SDK Protocol.cpp layouts)', () => {
  it('STU-540: Information, Capability, Uid, Status', async () => {
    const { host } = start({ model: 'STU-540', uid: 0x01020304 });
    expect(await host.getFeatureReport(ReportId.Information, 17)).toEqual(bytes('08 53 54 55 2D 35 34 30 00 00 02 15 00 10 00 00 00'));
    expect(await host.getFeatureReport(ReportId.Capability, 17)).toEqual(bytes('09 2A 30 19 50 03 FF 03 20 01 E0 C8 09 EC 0F 00 00'));
    expect(await host.getFeatureReport(ReportId.Uid, 5)).toEqual(bytes('0A 01 02 03 04'));
    expect(await host.getFeatureReport(ReportId.Status, 5)).toEqual(bytes('03 00 00 00 00'));
  });

  it('STU-430: 320 × 200, 9600 × 6000, 1-bit + zlib', async () => {
    const { host } = start({ model: 'STU-430' });
    expect(await host.getFeatureReport(ReportId.Capability, 17)).toEqual(bytes('09 25 80 17 70 03 FF 01 40 00 C8 C8 09 EC 03 00 00'));
  });

  it('settings read back in their own layout; reports it does not have stall (refused)', async () => {
    const { host, simulator } = start();
    expect(await host.getFeatureReport(ReportId.InkThreshold, 5)).toEqual(bytes('22 15 00 10 00'));
    await host.sendFeatureReport(commands.inkThreshold({ on: 0x30, off: 0x20 }));
    expect(await host.getFeatureReport(ReportId.InkThreshold, 5)).toEqual(bytes('22 30 00 20 00'));
    await host.sendFeatureReport(commands.backlight(3));
    expect(await host.getFeatureReport(ReportId.BacklightBrightness, 3)).toEqual(bytes('2B 03 00'));
    await host.sendFeatureReport(commands.penDataOptionMode(3));
    expect(simulator.state.penDataOptionMode).toBe(3);
    await expect(host.getFeatureReport(0x77, 4)).rejects.toMatchObject({ code: 'refused' });
    await expect(host.sendFeatureReport(bytes('21 01 00'))).rejects.toMatchObject({ code: 'refused' });
  });

  it('a 24-bit image on an STU-430 → lastResultCode "wrong encoding type", still Ready', async () => {
    const { host } = start({ model: 'STU-430' });
    await host.sendFeatureReport(commands.startImageData(0x04));
    expect(decodeStatus(await host.getFeatureReport(ReportId.Status, 5))).toMatchObject({ statusCode: 0, lastResultCode: ErrorCode.GraphicsWrongEncodingType });
  });

  it('image blocks past the screen → "image too long"; blocks outside a transfer → "wrong state"', async () => {
    const { host } = start({ model: 'STU-430' });
    await host.sendFeatureReport(commands.imageDataBlock(bytes('00')));
    expect(decodeStatus(await host.getFeatureReport(ReportId.Status, 5)).lastResultCode).toBe(ErrorCode.WrongState);
    await host.sendFeatureReport(commands.startImageData(0x00));
    expect(decodeStatus(await host.getFeatureReport(ReportId.Status, 5)).statusCode).toBe(1); // Image
    for (let i = 0; i < 32; i++) await host.sendFeatureReport(commands.imageDataBlock(Buffer.alloc(253, 0xff)));
    expect(decodeStatus(await host.getFeatureReport(ReportId.Status, 5)).lastResultCode).toBe(ErrorCode.GraphicsImageTooLong);
    await host.sendFeatureReport(commands.endImageData());
    expect(decodeStatus(await host.getFeatureReport(ReportId.Status, 5))).toMatchObject({ statusCode: 0, lastResultCode: ErrorCode.GraphicsImageTooLong });
  });

  it('sends 0x01 reports, then 0x34 with a time count that wraps at 0xffff once PenDataOptionMode is 3', async () => {
    const { host, simulator } = start({ clockStart: 0xfff0 });
    const reports: Buffer[] = [];
    host.onInputReport((r) => reports.push(r));
    const frames = simulator.signature.frames.slice(0, 10);
    await simulator.sign(frames);
    await host.sendFeatureReport(commands.penDataOptionMode(3));
    await simulator.sign(frames);
    await new Promise((r) => setTimeout(r, 10));
    expect(reports).toHaveLength(20);
    const decoded = reports.map((r) => decodeInputReport(r));
    expect(decoded.slice(0, 10).every((d) => d.kind === 'pen' && d.reportId === 0x01)).toBe(true);
    const timed = decoded.slice(10).map((d) => (d.kind === 'pen' ? d.timeCount : -1));
    expect(timed).toEqual(Array.from({ length: 10 }, (_, i) => (0xfff0 + (11 + i) * 5) & 0xffff));
    expect(decoded.slice(0, 10).map((d) => (d.kind === 'pen' ? d.pen : null))).toEqual(frames);
  });

  it('paces pen reports at 200 a second', async () => {
    const { host, simulator } = start({ paced: true });
    const arrivals: number[] = [];
    host.onInputReport(() => arrivals.push(performance.now()));
    const frames = simulator.signature.frames.slice(0, 41);
    await simulator.sign(frames);
    await new Promise((r) => setTimeout(r, 10));
    expect(arrivals).toHaveLength(41);
    const span = (arrivals[40] ?? 0) - (arrivals[0] ?? 0);
    expect(span).toBeGreaterThan(180); // 40 intervals × 5 ms
    expect(span).toBeLessThan(600);
  });

  it('starts signing when inking is switched on (signOnInkingMs) and inks its LCD', async () => {
    const { host, simulator } = start({ signOnInkingMs: 5 });
    let count = 0;
    host.onInputReport(() => count++);
    await host.sendFeatureReport(commands.inkingMode(true));
    await new Promise((r) => setTimeout(r, 150));
    expect(count).toBe(simulator.signature.frames.length);
    expect(simulator.screen.some((v) => v === 0)).toBe(true);
  });

  it('fault timeout stops answering; disconnect_mid_signature goes away halfway', async () => {
    const a = start({ fault: 'timeout' });
    await expect(a.host.getFeatureReport(ReportId.Status, 5)).rejects.toMatchObject({ code: 'timeout' });
    const b = start({ fault: 'disconnect_mid_signature', onDisconnect: () => b.pair.disconnect(new Error('pulled')) });
    let count = 0;
    b.host.onInputReport(() => count++);
    await b.simulator.sign();
    const error = await b.host.getFeatureReport(ReportId.Status, 5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).code).toBe('disconnected');
    expect(count).toBeLessThanOrEqual(Math.floor(b.simulator.signature.frames.length / 2));
    expect(count).toBeGreaterThan(10);
  });
});
