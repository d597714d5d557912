/**
 * The SANE driver against the real scanimage (sane-utils) and SANE's `test`
 * backend, switched on by device-simulators/sane (a dll.d entry found first
 * through SANE_CONFIG_DIR="<dir>:").
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { saneSimulatorConfigDir, saneSimulatorConfigPath } from '../../device-simulators/sane/config.js';
import { isDeviceError } from '../../drivers/errors.js';
import { discoverSaneDevices, listSaneDevices, resolveSaneSource, scanPagesWithSane, scanWithSane } from '../../drivers/sane/driver.js';
import { deviceScan } from '../../main/cli/device-scan.js';

const saneConfigDir = saneSimulatorConfigPath();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'balcao-scan-sane-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The error a promise fails with, or null when it succeeds. */
const settled = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => null, (error: unknown) => error);

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('simulated mode configuration', () => {
  it('points SANE at this folder first and then the default directories', () => {
    expect(saneConfigDir).toBe(`${saneSimulatorConfigDir()}:`);
    expect(existsSync(path.join(saneSimulatorConfigDir(), 'dll.d', 'balcao-test'))).toBe(true);
    // No dll.conf here: the system's one must still be the one read.
    expect(existsSync(path.join(saneSimulatorConfigDir(), 'dll.conf'))).toBe(false);
  });

  it('adds the test backend without hiding the backends of /etc/sane.d/dll.conf', async () => {
    // SANE's debug output goes to syslog when stderr is a socket (sanei_debug.c), and Node's pipes are socket
    // pairs: give scanimage a file for stderr instead. -n: open the device, do not scan.
    const log = path.join(tmp, 'dll-debug.txt');
    const fd = openSync(log, 'w');
    try {
      const result = spawnSync('scanimage', ['-d', 'test:0', '-n'], { stdio: ['ignore', 'ignore', fd], env: { ...process.env, SANE_CONFIG_DIR: saneConfigDir, SANE_DEBUG_DLL: '4' }, timeout: 20_000 });
      expect(result.status).toBe(0);
    } finally {
      closeSync(fd);
    }
    const text = readFileSync(log, 'utf8');
    expect(text).toMatch(/adding backend .test'/);
    if (existsSync('/etc/sane.d/dll.conf')) expect(text).toMatch(/adding backend .net'/);
  });
});

describe('listing and discovery', () => {
  it('lists the two test devices', async () => {
    const devices = await listSaneDevices({ saneConfigDir });
    expect(devices).toEqual(expect.arrayContaining([
      { name: 'test:0', vendor: 'Noname', model: 'frontend-tester', type: 'virtual device' },
      { name: 'test:1', vendor: 'Noname', model: 'frontend-tester', type: 'virtual device' },
    ]));
  });

  it('discovers them as scanners of family sane', async () => {
    const found = await discoverSaneDevices({ saneConfigDir });
    expect(found).toContainEqual({ family: 'sane', kind: 'scanner', address: 'test:0', make: 'Noname', model: 'frontend-tester', serial: null, firmware: null });
  });

  it('finds the platen and feeder names of the test backend', async () => {
    expect(await resolveSaneSource('test:0', 'platen', { saneConfigDir })).toBe('Flatbed');
    expect(await resolveSaneSource('test:0', 'feeder', { saneConfigDir })).toBe('Automatic Document Feeder');
  });
});

describe('scanning', () => {
  // The test backend's page is 80 × 100 mm (sane-test(5) br_x/br_y; our test.conf keeps them).
  const cases = [
    { mode: 'Gray', resolution: 150, width: 472, height: 590, channels: 1 },
    { mode: 'Gray', resolution: 300, width: 944, height: 1181, channels: 1 },
    { mode: 'Color', resolution: 150, width: 472, height: 590, channels: 3 },
    { mode: 'Color', resolution: 300, width: 944, height: 1181, channels: 3 },
  ] as const;
  for (const c of cases) {
    it(`scans ${c.mode} at ${c.resolution} dpi`, async () => {
      const scan = await scanWithSane({ saneConfigDir, device: 'test:0', mode: c.mode, resolution: c.resolution, format: 'png', timeoutMs: 20_000 });
      expect(scan).toMatchObject({ format: 'png', width: c.width, height: c.height, ppi: c.resolution, device: 'test:0' });
      const meta = await sharp(scan.bytes).metadata();
      expect(meta).toMatchObject({ format: 'png', width: c.width, height: c.height, channels: c.channels });
      // The grid picture (our test.conf) has both black and white.
      const stats = await sharp(scan.bytes).stats();
      expect(stats.channels[0]?.min).toBe(0);
      expect(stats.channels[0]?.max).toBe(255);
    });
  }

  it('writes JPEG, TIFF and PNM, and honours a region in millimetres', async () => {
    for (const format of ['jpeg', 'tiff', 'pnm'] as const) {
      const scan = await scanWithSane({ saneConfigDir, device: 'test:0', mode: 'Gray', resolution: 75, format });
      expect(scan).toMatchObject({ format, width: 236, height: 295 });
    }
    const region = await scanWithSane({ saneConfigDir, device: 'test:0', mode: 'Gray', resolution: 150, region: { left: 10, top: 10, width: 40, height: 50 } });
    expect([region.width, region.height]).toEqual([236, 295]);
  });

  it('scans the feeder until it is empty (the test backend holds 10 pages)', async () => {
    const pages = await scanPagesWithSane({ saneConfigDir, device: 'test:0', source: 'Automatic Document Feeder', mode: 'Gray', resolution: 50, format: 'png' });
    expect(pages).toHaveLength(10);
    expect(pages.every((p) => p.width === 157 && p.height === 196)).toBe(true);
    const four = await scanPagesWithSane({ saneConfigDir, device: 'test:0', source: 'Automatic Document Feeder', mode: 'Gray', resolution: 50, pages: 4 });
    expect(four).toHaveLength(4);
  });

  it('says clearly when the feeder runs out before the pages asked for', async () => {
    const error = await failure(scanPagesWithSane({ saneConfigDir, device: 'test:0', source: 'Automatic Document Feeder', mode: 'Gray', resolution: 50, pages: 12 }));
    expect(isDeviceError(error, 'refused')).toBe(true);
    expect((error as Error).message).toMatch(/out of documents/);
    expect((error as Error).message).toMatch(/after 10 pages of 12/);
  });

  it('reports a jam as refused, saying jammed', async () => {
    // The test backend races when told to fail a read (sane-backends 1.1.1; measured on this machine under load:
    // of 300 runs with SANE_STATUS_JAMMED, 288 failed as asked, 4 exited 0 and 8 hung). That is SANE's own bug,
    // not the driver's mapping under test: a run that hangs, succeeds or returns no image is tried again, up to
    // four times; the last answer must still be the right one.
    let error: unknown = null;
    for (let attempt = 0; attempt < 4; attempt++) {
      error = await settled(scanWithSane({ saneConfigDir, device: 'test:0', resolution: 75, timeoutMs: 5000, extra: { 'read-return-value': 'SANE_STATUS_JAMMED' } }));
      if (isDeviceError(error, 'refused')) break;
    }
    expect(isDeviceError(error, 'refused'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/jammed/);
    expect((error as Error).message).toContain('test:0');
  });

  // SANE_STATUS_DEVICE_BUSY is left out here: with sane-backends 1.1.1 the test backend races on it (measured: now and
  // then exit 0, now and then a hang until our timeout); its mapping to 'busy' is covered by drivers/sane/protocol.test.ts.
  it('reports cover open, no documents and I/O errors with their codes', async () => {
    const expectations = [
      ['SANE_STATUS_COVER_OPEN', 'refused', /cover/],
      ['SANE_STATUS_IO_ERROR', 'disconnected', /I\/O error/],
      ['SANE_STATUS_NO_DOCS', 'refused', /no documents/],
    ] as const;
    for (const [status, code, message] of expectations) {
      // Retried on the test backend's own race (see the jam test above).
      let error: unknown = null;
      for (let attempt = 0; attempt < 4; attempt++) {
        error = await settled(scanWithSane({ saneConfigDir, device: 'test:0', resolution: 75, timeoutMs: 5000, extra: { 'read-return-value': status } }));
        if (isDeviceError(error, code)) break;
      }
      expect(isDeviceError(error, code), `${status} → ${String(error)}`).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('reports a wrong device name as not_found', async () => {
    const error = await failure(scanWithSane({ saneConfigDir, device: 'test:99', resolution: 75 }));
    expect(isDeviceError(error, 'not_found')).toBe(true);
    expect((error as Error).message).toMatch(/SANE has no device test:99/);
  });

  it('reports a setting the backend does not take as refused (invalid argument)', async () => {
    const error = await failure(scanWithSane({ saneConfigDir, device: 'test:0', mode: 'Lineart', resolution: 75 }));
    expect(isDeviceError(error, 'refused')).toBe(true);
    expect((error as Error).message).toMatch(/invalid argument/);
  });

  it('stops a scan that takes too long, and one that is cancelled', async () => {
    const slow = { saneConfigDir, device: 'test:0', resolution: 600, mode: 'Color', extra: { 'read-delay': true, 'read-delay-duration': 200_000, 'read-limit': true, 'read-limit-size': 1 } } as const;
    const timedOut = await failure(scanWithSane({ ...slow, timeoutMs: 400 }));
    expect(isDeviceError(timedOut, 'timeout')).toBe(true);
    expect((timedOut as Error).message).toMatch(/scanimage .*--device-name test:0.*did not finish within 400 ms/);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    expect(isDeviceError(await failure(scanWithSane({ ...slow, timeoutMs: 20_000, signal: controller.signal })), 'cancelled')).toBe(true);
  });

  it('says which package to install when scanimage is missing', async () => {
    const error = await failure(listSaneDevices({ program: 'scanimage-not-installed-here' }));
    expect(isDeviceError(error, 'not_found')).toBe(true);
    expect((error as Error).message).toMatch(/sane-utils/);
  });
});

describe('deviceScan (balcao device scan --driver sane)', () => {
  it('writes one platen page to out', async () => {
    const out = path.join(tmp, 'platen.png');
    const result = await deviceScan({ driver: 'sane', simulate: true, out, resolution: 150, mode: 'gray' });
    expect(result).toMatchObject({ pages: [out], driver: 'sane', device: 'test:0', width: 472, height: 590, ppi: 150, source: 'platen', simulated: true });
    expect((await sharp(out).metadata()).channels).toBe(1);
  });

  it('writes feeder pages as out-1, out-2, …', async () => {
    const out = path.join(tmp, 'feeder', 'scan.jpg');
    const result = await deviceScan({ driver: 'sane', simulate: true, out, resolution: 50, mode: 'color', source: 'feeder', pages: 3 });
    expect(result.pages).toEqual([1, 2, 3].map((n) => path.join(tmp, 'feeder', `scan-${n}.jpg`)));
    expect(readdirSync(path.join(tmp, 'feeder')).sort()).toEqual(['scan-1.jpg', 'scan-2.jpg', 'scan-3.jpg']);
    expect((await sharp(result.pages[0] as string).metadata()).format).toBe('jpeg');
  });

  it('names the device it tried when it fails', async () => {
    const error = await failure(deviceScan({ driver: 'sane', simulate: true, device: 'test:42', out: path.join(tmp, 'x.png') }));
    expect(isDeviceError(error, 'not_found')).toBe(true);
    expect((error as Error).message).toContain('test:42');
  });
});
