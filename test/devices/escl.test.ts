/**
 * The eSCL client against the eSCL simulator over real loopback HTTP:
 * capabilities, platen and feeder jobs, 503 retries, cancel, and every fault.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startEsclSimulator, type EsclSimulator, type EsclSimulatorOptions } from '../../device-simulators/escl/server.js';
import { EsclClient, discoverEsclScanners, normaliseEsclBase } from '../../drivers/escl/driver.js';
import type { EsclScanSettings } from '../../drivers/escl/protocol.js';
import { isDeviceError } from '../../drivers/errors.js';
import { deviceScan } from '../../main/cli/device-scan.js';

const running: EsclSimulator[] = [];
async function simulator(options: EsclSimulatorOptions = {}) {
  const sim = await startEsclSimulator(options);
  running.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});
const tmp = mkdtempSync(path.join(os.tmpdir(), 'balcao-escl-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

const platen = (over: Partial<EsclScanSettings> = {}): EsclScanSettings => ({ inputSource: 'Platen', colorMode: 'Grayscale8', documentFormat: 'image/jpeg', xResolution: 75, yResolution: 75, ...over });

describe('eSCL client ↔ simulator', () => {
  it('normalises base URLs', () => {
    expect(normaliseEsclBase('http://10.0.0.5')).toBe('http://10.0.0.5/eSCL/');
    expect(normaliseEsclBase('http://10.0.0.5:8080/eSCL')).toBe('http://10.0.0.5:8080/eSCL/');
    expect(normaliseEsclBase('http://10.0.0.5/scanner/eSCL/')).toBe('http://10.0.0.5/scanner/eSCL/');
    expect(() => normaliseEsclBase('ftp://x')).toThrow();
  });

  it('reads capabilities and status', async () => {
    const sim = await simulator();
    const client = new EsclClient(sim.url);
    const caps = await client.capabilities();
    expect(caps).toMatchObject({ make: 'Balcão', model: 'SimScan 2', serialNumber: 'SIM-ESCL-0001', feederCapacity: 50 });
    expect(caps.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
    expect(caps.platen?.resolutions).toEqual([75, 100, 150, 200, 300, 600]);
    expect(caps.platen?.colorModes).toEqual(['RGB24', 'Grayscale8']);
    expect(caps.adfSimplex?.documentFormats).toEqual(['image/jpeg', 'image/png']);
    expect(await client.status()).toEqual({ version: '2.0', state: 'Idle', adfState: 'ScannerAdfLoaded', jobs: [] });
  });

  it('scans one platen page at the requested resolution and colour mode, retrying the first 503', async () => {
    const sim = await simulator({ notReadyCount: 2 });
    const client = new EsclClient(sim.url);
    const pages = await client.scanPages(platen({ xResolution: 100, yResolution: 100, region: { xOffset: 0, yOffset: 0, width: 2480, height: 3508 } }), { retryMs: 20 });
    expect(pages).toHaveLength(1);
    expect(pages[0]?.contentType).toBe('image/jpeg');
    const meta = await sharp(pages[0]?.bytes).metadata();
    // A4 (2480 × 3508 in 1/300 inch) at 100 dpi.
    expect(meta).toMatchObject({ format: 'jpeg', width: 827, height: 1169, channels: 1, density: 100 });
    expect(sim.log.filter((l) => /NextDocument → 503/.test(l))).toHaveLength(2);
    const status = await client.status();
    expect(status.jobs).toEqual([expect.objectContaining({ jobUri: '/eSCL/ScanJobs/1', jobState: 'Completed', imagesCompleted: 1 })]);
  });

  it('scans colour PNG and crops to the requested region', async () => {
    const sim = await simulator({ notReadyCount: 0 });
    const pages = await new EsclClient(sim.url).scanPages(platen({ colorMode: 'RGB24', documentFormat: 'image/png', region: { xOffset: 300, yOffset: 300, width: 600, height: 900 } }));
    expect(await sharp(pages[0]?.bytes).metadata()).toMatchObject({ format: 'png', width: 150, height: 225, channels: 3 });
  });

  it('scans every page in the feeder until NextDocument answers 404', async () => {
    const sim = await simulator({ pages: 4, notReadyCount: 1 });
    const client = new EsclClient(sim.url);
    const pages = await client.scanPages({ ...platen(), inputSource: 'Feeder' }, { retryMs: 10 });
    expect(pages.map((p) => p.index)).toEqual([1, 2, 3, 4]);
    expect(sim.log.filter((l) => /NextDocument → 404/.test(l))).toHaveLength(1);
    // The two documents alternate (application, supporting document): pages differ.
    expect(pages[0]?.bytes.equals(pages[1]?.bytes as Buffer)).toBe(false);
  });

  it('follows absolute and relative Location headers', async () => {
    for (const location of ['absolute', 'relative'] as const) {
      const sim = await simulator({ location, notReadyCount: 0 });
      const client = new EsclClient(sim.url);
      const job = await client.createJob(platen());
      expect(job).toBe(`${sim.url}/ScanJobs/1`);
      expect(await client.nextDocument(job)).not.toBeNull();
      expect(await client.nextDocument(job)).toBeNull();
    }
  });

  it('cancels a job with DELETE', async () => {
    const sim = await simulator({ pages: 5, notReadyCount: 0 });
    const client = new EsclClient(sim.url);
    const job = await client.createJob({ ...platen(), inputSource: 'Feeder' });
    expect(await client.nextDocument(job)).not.toBeNull();
    await client.cancel(job);
    expect(sim.jobs.get('1')?.state).toBe('Canceled');
    expect((await client.status()).jobs[0]).toMatchObject({ jobState: 'Canceled', jobStateReasons: ['JobCanceledByUser'] });
    expect(await client.nextDocument(job)).toBeNull();
    await client.cancel(`${sim.url}/ScanJobs/404`); // unknown job: already gone, not an error
  });

  it('gives up on 503 after the timeout', async () => {
    const sim = await simulator({ notReadyCount: 1000 });
    const client = new EsclClient(sim.url);
    const job = await client.createJob(platen());
    const error = await failure(client.nextDocument(job, { retryMs: 20, timeoutMs: 200 }));
    expect(isDeviceError(error, 'timeout')).toBe(true);
    expect((error as Error).message).toMatch(/NextDocument answered "not ready" \(503\) for 200 ms/);
  });

  it('rejects bad settings: 400 for non-eSCL XML, 409 for unsupported values', async () => {
    const sim = await simulator();
    const client = new EsclClient(sim.url);
    const conflict = await failure(client.createJob(platen({ xResolution: 123, yResolution: 123 })));
    expect(isDeviceError(conflict, 'busy')).toBe(true);
    expect((conflict as Error).message).toMatch(/HTTP 409.*resolution 123/);
    const res = await fetch(`${sim.url}/ScanJobs`, { method: 'POST', body: '<scan:ScanSettings><broken>' });
    expect(res.status).toBe(400);
    const noVersion = await fetch(`${sim.url}/ScanJobs`, { method: 'POST', body: '<scan:ScanSettings xmlns:scan="x"><pwg:InputSource>Platen</pwg:InputSource></scan:ScanSettings>' });
    expect(noVersion.status).toBe(400);
  });

  it('discovers scanners at configured URLs and skips those where nothing answers', async () => {
    const sim = await simulator();
    const found = await discoverEsclScanners([sim.url, 'http://127.0.0.1:9/eSCL']);
    expect(found).toEqual([{ family: 'escl', kind: 'scanner', address: `${sim.url}/`, make: 'Balcão', model: 'SimScan 2', serial: 'SIM-ESCL-0001', firmware: null }]);
  });
});

describe('eSCL faults', () => {
  it('busy: ScanJobs answers 503', async () => {
    const sim = await simulator({ fault: 'busy' });
    const error = await failure(new EsclClient(sim.url).scanPages(platen()));
    expect(isDeviceError(error, 'busy')).toBe(true);
    expect((error as Error).message).toContain(`POST ${sim.url}/ScanJobs answered HTTP 503`);
  });

  it('timeout: NextDocument never answers', async () => {
    const sim = await simulator({ fault: 'timeout', notReadyCount: 0 });
    const client = new EsclClient(sim.url, { timeoutMs: 5000 });
    const started = performance.now();
    const error = await failure(client.scanPages(platen(), { timeoutMs: 300 }));
    expect(isDeviceError(error, 'timeout')).toBe(true);
    expect((error as Error).message).toMatch(/No page from GET .*NextDocument within 300 ms/);
    expect(performance.now() - started).toBeLessThan(3000);
    // The job was cancelled on the way out.
    expect(sim.jobs.get('1')?.state).toBe('Canceled');
  });

  it('disconnect: the socket is destroyed mid-document', async () => {
    const sim = await simulator({ fault: 'disconnect', notReadyCount: 0 });
    const error = await failure(new EsclClient(sim.url).scanPages(platen()));
    expect(isDeviceError(error, 'disconnected')).toBe(true);
    expect((error as Error).message).toMatch(/closed the connection during GET .*NextDocument/);
  });

  it('garbage: capabilities are not XML', async () => {
    const sim = await simulator({ fault: 'garbage' });
    const error = await failure(new EsclClient(sim.url).capabilities());
    expect(isDeviceError(error, 'protocol')).toBe(true);
    expect((error as Error).message).toMatch(/ScannerCapabilities document is not well-formed/);
  });

  it('jam: the feeder jams, the job is aborted and status says so', async () => {
    const sim = await simulator({ fault: 'jam', notReadyCount: 0 });
    const client = new EsclClient(sim.url);
    const error = await failure(client.scanPages({ ...platen(), inputSource: 'Feeder' }));
    expect(isDeviceError(error, 'refused')).toBe(true);
    expect((error as Error).message).toMatch(/jammed.*job Aborted.*ScannerAdfJam/);
    const status = await client.status();
    expect(status.adfState).toBe('ScannerAdfJam');
    expect(status.jobs[0]?.jobState).toBe('Aborted');
    sim.setFault(null);
    expect((await client.status()).adfState).toBe('ScannerAdfLoaded');
  });

  it('nothing listening: not_found naming the URL tried', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(new EsclClient(`http://127.0.0.1:${port}/eSCL`).capabilities());
    expect(isDeviceError(error, 'not_found')).toBe(true);
    expect((error as Error).message).toContain(`No eSCL scanner answered at http://127.0.0.1:${port}/eSCL/ScannerCapabilities`);
  });
});

describe('deviceScan (balcao device scan --driver escl)', () => {
  it('scans the platen of the simulator into out (PNG asked, PNG offered)', async () => {
    const out = path.join(tmp, 'platen.png');
    const result = await deviceScan({ driver: 'escl', simulate: true, out, resolution: 75, mode: 'gray' });
    expect(result).toMatchObject({ pages: [out], driver: 'escl', make: 'Balcão', model: 'SimScan 2', ppi: 75, source: 'platen', simulated: true });
    expect(await sharp(out).metadata()).toMatchObject({ format: 'png', channels: 1, density: 75 });
  });

  it('writes feeder pages as out-1.jpg, out-2.jpg, …', async () => {
    const out = path.join(tmp, 'adf.jpg');
    const result = await deviceScan({ driver: 'escl', simulate: true, out, resolution: 75, mode: 'color', source: 'feeder', pages: 2 });
    expect(result.pages).toEqual([path.join(tmp, 'adf-1.jpg'), path.join(tmp, 'adf-2.jpg')]);
    expect(await sharp(result.pages[1] as string).metadata()).toMatchObject({ format: 'jpeg', channels: 3 });
  });

  it('says which URL it tried when no scanner answers', async () => {
    const error = await failure(deviceScan({ driver: 'escl', url: 'http://127.0.0.1:9/eSCL', out: path.join(tmp, 'none.png'), timeoutSeconds: 5 }));
    expect(isDeviceError(error, 'not_found')).toBe(true);
    expect((error as Error).message).toContain('No eSCL scanner answered at http://127.0.0.1:9/eSCL/ScannerCapabilities');
  });

  it('refuses a resolution the scanner does not offer, naming what it offers', async () => {
    const sim = await simulator();
    const error = await failure(deviceScan({ driver: 'escl', url: sim.url, out: path.join(tmp, 'r.png'), resolution: 123 }));
    expect(isDeviceError(error, 'refused')).toBe(true);
    expect((error as Error).message).toMatch(/does not scan at 123 dpi.*75, 100, 150/);
  });
});
