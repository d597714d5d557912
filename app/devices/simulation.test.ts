import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildScanSettings } from '../../drivers/escl/protocol.js';
import { isDeviceError } from '../../drivers/errors.js';
import { AuditLog } from '../audit/log.js';
import type { DeviceView } from '../contract/channels.js';
import { createLogger, memorySink } from '../log/logger.js';
import { openDatabase } from '../storage/database.js';
import { DeviceManager } from './manager.js';
import {
  POOR_FINGERS_ENV,
  SimulatorBench,
  UNPACED_ENV,
  UNPLUG_BACK_MS,
  UNPLUG_ENV,
  benchOptionsFromEnv,
  SCARRED_FINGERS_ENV,
  parseUnpaced,
  parseUnplug,
  type SimulatorBenchOptions,
} from './simulation.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/**
 * A device manager with just the simulated devices named (id → family, at
 * sim:<id>), approved by an administrator, over a bench made with `options`.
 */
async function station(options: SimulatorBenchOptions, devices: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'balcao-simulation-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase({ dataDir: dir });
  const bench = new SimulatorBench(options);
  const manager = new DeviceManager({
    config: { simulate: false, list: Object.entries(devices).map(([id, driver]) => ({ id, driver, address: `sim:${id}` })), pollIntervalMs: 30 },
    demo: false,
    db,
    audit: new AuditLog(db),
    log: createLogger('test', memorySink()),
    bench,
    familyDiscovery: false,
    listSerialPorts: async () => [],
  });
  const events: DeviceView[] = [];
  manager.onChange((device) => events.push(device));
  await manager.start();
  await manager.settled();
  cleanups.push(async () => {
    await manager.close();
    db.close();
  });
  for (const id of Object.keys(devices)) manager.approve(id, 'admin');
  for (const id of Object.keys(devices)) expect(manager.get(id).status, id).toBe('ready');
  return { manager, bench, events };
}

const failure = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error);

describe('simulator knobs: parsing', () => {
  it('reads BALCAO_SIM_UNPLUG entries by device id or address name, with the default or a given return delay', () => {
    expect(parseUnplug(undefined)).toEqual([]);
    expect(parseUnplug('  ')).toEqual([]);
    expect(parseUnplug('sim-stu:2')).toEqual([{ address: 'sim:stu', capture: 2, backMs: UNPLUG_BACK_MS }]);
    expect(parseUnplug('sim-escl:1:3000, mrz-desko:3;sim-STU:4:0')).toEqual([
      { address: 'sim:escl', capture: 1, backMs: 3000 },
      { address: 'sim:mrz-desko', capture: 3, backMs: UNPLUG_BACK_MS },
      { address: 'sim:stu', capture: 4, backMs: 0 },
    ]);
  });

  it('refuses an entry it cannot read, naming it, rather than doing nothing', () => {
    for (const bad of ['sim-stu', 'sim-stu:0', 'sim-stu:x', 'sim-stu:2:-5', ':2', 'sim-stu:2:9999999']) {
      expect(() => parseUnplug(bad), bad).toThrow(new RegExp(`BALCAO_SIM_UNPLUG: "${bad.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&')}"`));
    }
  });

  it('reads BALCAO_SIM_UNPACED as a yes/no switch and builds the bench options from the environment', () => {
    expect(['1', 'true', 'YES', 'on'].map(parseUnpaced)).toEqual([true, true, true, true]);
    expect(['0', '', 'no', undefined].map(parseUnpaced)).toEqual([false, false, false, false]);
    expect(benchOptionsFromEnv({ [POOR_FINGERS_ENV]: '2', [SCARRED_FINGERS_ENV]: '7, 9', [UNPLUG_ENV]: 'sim-stu:2:100', [UNPACED_ENV]: '1' })).toEqual({
      poorFirstCapture: [2],
      alwaysPoor: [7, 9],
      unplug: [{ address: 'sim:stu', capture: 2, backMs: 100 }],
      unpaced: true,
    });
    expect(benchOptionsFromEnv({})).toEqual({ poorFirstCapture: [], alwaysPoor: [], unplug: [], unpaced: false });
    expect(new SimulatorBench(benchOptionsFromEnv({ [UNPACED_ENV]: '1' })).unpaced).toBe(true);
  });
});

describe('simulator knobs: a cable pulled mid-capture', () => {
  it('cuts the pad’s second capture halfway through the signature, keeps it away for the given time, and brings it back', async () => {
    const { manager, bench, events } = await station({ unplug: [{ address: 'sim:pad', capture: 2, backMs: 300 }], unpaced: true }, { pad: 'stu' });

    // The first capture is whole.
    expect((await manager.testCapture('pad')).kind).toBe('signature');

    // The second loses its cable: the station hears a disconnection, and the address is empty meanwhile.
    const cutAt = Date.now();
    const error = await failure(manager.testCapture('pad'));
    expect(isDeviceError(error) && error.code).toBe('disconnected');
    expect(bench.present('sim:pad')).toBe(false);
    expect(manager.get('pad').status).toBe('disconnected');

    // Plugged back after ~300 ms; the manager's poll finds it and opens it again.
    await until(() => manager.get('pad').status === 'ready', 5000, 'the pad coming back');
    expect(Date.now() - cutAt).toBeGreaterThanOrEqual(250);
    const statuses = events.filter((e) => e.id === 'pad').map((e) => e.status);
    expect(statuses.slice(statuses.lastIndexOf('disconnected'))).toContain('ready');

    // The third capture (not planned) is whole again.
    expect((await manager.testCapture('pad')).kind).toBe('signature');
  });

  it('cuts a scanner’s page halfway and takes its service away until it is plugged back', async () => {
    const { manager, bench } = await station({ unplug: [{ address: 'sim:scanner', capture: 1, backMs: 200 }], unpaced: true }, { scanner: 'escl' });
    const scan = await failure(manager.scanPage('scanner', { paper: 'a4' }));
    expect(isDeviceError(scan)).toBe(true);
    expect(bench.present('sim:scanner')).toBe(false);
    expect(manager.get('scanner').status).toBe('disconnected');
    await until(() => manager.get('scanner').status === 'ready', 5000, 'the scanner coming back');
    expect((await manager.scanPage('scanner', { paper: 'a4' })).kind).toBe('page');
  });

  it('cuts an MRZ reader’s frame halfway on the capture named, not before', async () => {
    const { manager } = await station({ unplug: [{ address: 'sim:mrz', capture: 2, backMs: 200 }], unpaced: true }, { mrz: 'desko' });
    expect((await manager.readMrz('mrz')).kind).toBe('mrz');
    const read = await failure(manager.readMrz('mrz'));
    expect(isDeviceError(read) && read.code).toBe('disconnected');
    expect(manager.get('mrz').status).toBe('disconnected');
    await until(() => manager.get('mrz').status === 'ready', 5000, 'the MRZ reader coming back');
    expect((await manager.readMrz('mrz')).kind).toBe('mrz');
  });

  it('cuts a serial finger module mid-image, and leaves a device without a plan alone', async () => {
    const { manager } = await station({ unplug: [{ address: 'sim:ef01', capture: 1, backMs: 150 }], unpaced: true }, { ef01: 'ef01', gt5xx: 'gt5xx' });
    const error = await failure(manager.captureFingerprint('ef01', undefined, { finger: { position: 2 } }));
    expect(isDeviceError(error) && error.code).toBe('disconnected');
    // The other reader was not planned: it captures.
    expect((await manager.captureFingerprint('gt5xx', undefined, { finger: { position: 2 } })).kind).toBe('fingerprint');
    await until(() => manager.get('ef01').status === 'ready', 5000, 'the EF01 module coming back');
    expect((await manager.captureFingerprint('ef01', undefined, { finger: { position: 2 } })).kind).toBe('fingerprint');
  });
});

describe('simulator knobs: unpaced', () => {
  /** Pen reports the simulated pad sends in the first `ms` after it is shown a capture. */
  async function penReportsWithin(unpaced: boolean, ms: number): Promise<number> {
    const bench = new SimulatorBench({ unpaced });
    cleanups.push(() => bench.close());
    bench.add('sim:pad', 'stu');
    const link = bench.openHid('sim:pad');
    let reports = 0;
    link.onInputReport(() => (reports += 1));
    bench.presentation('sim:pad')?.();
    await sleep(ms);
    return reports;
  }

  it('lets the pad send its pen reports as fast as the host takes them, where paced it keeps to 200 a second', async () => {
    const [paced, unpaced] = await Promise.all([penReportsWithin(false, 400), penReportsWithin(true, 400)]);
    // Paced: at most 200 reports/s over 400 ms, less the 50 ms before the pen is picked up.
    expect(paced).toBeLessThanOrEqual(80);
    // Unpaced: the whole generated signature (hundreds of reports) is through by then.
    expect(unpaced).toBeGreaterThan(200);
    expect(unpaced).toBeGreaterThan(3 * paced);
  });

  /** What the scanner answers to the first NextDocument of a fresh platen job. */
  async function firstAsk(unpaced: boolean): Promise<number> {
    const bench = new SimulatorBench({ unpaced });
    cleanups.push(() => bench.close());
    bench.add('sim:scanner', 'escl');
    const base = await bench.url('sim:scanner');
    const settings = buildScanSettings({ inputSource: 'Platen', colorMode: 'Grayscale8', documentFormat: 'image/png', xResolution: 75, yResolution: 75 });
    const job = await fetch(`${base}/ScanJobs`, { method: 'POST', body: settings, headers: { 'content-type': 'text/xml' } });
    expect(job.status).toBe(201);
    const location = job.headers.get('location') ?? '';
    const page = await fetch(new URL(`${location}/NextDocument`, base));
    await page.arrayBuffer();
    return page.status;
  }

  it('has the page ready at the scanner’s first ask, where paced it first answers "not ready" (503)', async () => {
    expect(await firstAsk(false)).toBe(503);
    expect(await firstAsk(true)).toBe(200);
  });

  it('takes an SBI slap without the 700 ms the paced fingers take to settle', async () => {
    const capture = async (unpaced: boolean) => {
      const { manager } = await station({ unpaced }, { sbi: 'sbi' });
      // The first capture may wait for the prints made in the background; the second shows the capture's own time.
      await manager.testCapture('sbi');
      return (await manager.testCapture('sbi')).ms;
    };
    const paced = await capture(false);
    const unpaced = await capture(true);
    expect(paced).toBeGreaterThanOrEqual(700);
    expect(unpaced).toBeLessThan(paced);
  });
});

describe('simulator knobs: one poor finger in a slap', () => {
  it('makes only the listed finger’s first capture poor, leaving its slap-mates good, and the retry good', async () => {
    const { manager } = await station({ poorFirstCapture: [8], unpaced: true }, { sbi: 'sbi' });
    const first = await manager.captureSlap('sbi', { slap: 'left' });
    const score = (fingers: typeof first.fingers) => Object.fromEntries(fingers.map((f) => [f.position, f.deviceQuality]));
    const firstScores = score(first.fingers);
    expect(Object.keys(firstScores).map(Number).sort((a, b) => a - b)).toEqual([7, 8, 9, 10]);
    // The simulator scores smudged prints 42 ± 5 and good ones 88 ± 5 (device-simulators/sbi/server.ts qualityBase).
    expect(firstScores[8]).toBeLessThan(50);
    for (const mate of [7, 9, 10]) expect(firstScores[mate], `finger ${mate}`).toBeGreaterThan(80);
    const retry = await manager.captureSlap('sbi', { slap: 'left', positions: [8] });
    expect(retry.fingers.map((f) => f.position)).toEqual([8]);
    expect(retry.fingers[0]?.deviceQuality).toBeGreaterThan(80);
  });

  it('makes every capture of a scarred finger poor (BALCAO_SIM_SCARRED_FINGERS), alone or in its slap, and no other', async () => {
    const { manager } = await station({ alwaysPoor: [7], unpaced: true }, { sbi: 'sbi' });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const slap = await manager.captureSlap('sbi', { slap: 'left' });
      const scores = Object.fromEntries(slap.fingers.map((f) => [f.position, f.deviceQuality]));
      expect(scores[7], `attempt ${attempt}`).toBeLessThan(50);
      for (const mate of [8, 9, 10]) expect(scores[mate], `attempt ${attempt}, finger ${mate}`).toBeGreaterThan(80);
      const alone = await manager.captureSlap('sbi', { slap: 'left', positions: [7] });
      expect(alone.fingers[0]?.deviceQuality, `attempt ${attempt}, alone`).toBeLessThan(50);
    }
  });
});

describe('simulators held until the first screen (DeviceManagerOptions.simulatorsAfter)', () => {
  it('opens no simulator while held — not even on the poll — and opens them once released', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'balcao-simulation-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const db = openDatabase({ dataDir: dir });
    let release!: () => void;
    const simulatorsAfter = new Promise<void>((resolve) => (release = resolve));
    const manager = new DeviceManager({
      config: { simulate: false, list: [{ id: 'mrz', driver: 'desko', address: 'sim:mrz' }], pollIntervalMs: 30 },
      demo: false,
      db,
      audit: new AuditLog(db),
      log: createLogger('test', memorySink()),
      bench: new SimulatorBench(),
      familyDiscovery: false,
      listSerialPorts: async () => [],
      simulatorsAfter,
    });
    cleanups.push(async () => {
      await manager.close();
      db.close();
    });
    await manager.start();
    // Several poll rounds go by: the held simulator is not opened by them either.
    await sleep(200);
    expect(manager.get('mrz')).toMatchObject({ status: 'disconnected', lastSeenAt: null });
    release();
    await manager.settled();
    await until(() => manager.get('mrz').status !== 'disconnected', 5000, 'the MRZ reader simulator opening');
    expect(manager.get('mrz').lastSeenAt).not.toBeNull();
  });
});
