import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeFingerprint, type SynthesizeOptions } from '../fingerprint/synthetic.js';
import { canMakePrintsInWorker, makePrintsInWorker } from './print-worker.js';
import type { startSbiSimulator } from './server.js';
import { SbiClient, sbiTrust } from '../../drivers/sbi/driver.js';
import { sbiFingerPosition, type SbiFingerSubType } from '../../drivers/sbi/protocol.js';

// The worker runs this module as built (Node cannot run the TypeScript source): bundled here as the CLI's build
// bundles it, an ES module file that the worker loads as its entry.
let outdir: string;
let built: typeof import('./print-worker.js');
let builtServer: { startSbiSimulator: typeof startSbiSimulator };

beforeAll(async () => {
  // Inside the repository, so that the bundle's own imports (jose, sharp) resolve from its node_modules.
  const cache = path.join(import.meta.dirname, '..', '..', 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  outdir = mkdtempSync(path.join(cache, 'balcao-print-worker-'));
  await build({
    entryPoints: { server: path.join(import.meta.dirname, 'server.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
  });
  const chunk = readdirSync(outdir).find((name) => name.startsWith('print-worker-'));
  if (chunk === undefined) throw new Error(`no print-worker chunk among ${readdirSync(outdir).join(', ')}`);
  built = (await import(pathToFileURL(path.join(outdir, chunk)).href)) as typeof import('./print-worker.js');
  builtServer = (await import(pathToFileURL(path.join(outdir, 'server.mjs')).href)) as typeof builtServer;
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const prints: SynthesizeOptions[] = [
  { width: 64, height: 80, quality: 'good', seed: 9 * 16 + 2 },
  { width: 64, height: 80, quality: 'dry', seed: 9 * 16 + 3 },
  { width: 48, height: 56, quality: 'smudged', seed: 5 },
];

describe('SBI print worker', () => {
  it('is not used from TypeScript source, where Node could not run it', () => {
    expect(canMakePrintsInWorker()).toBe(false);
    expect(makePrintsInWorker(prints)).toBeNull();
  });

  it('gets a chunk of its own when bundled, holding the synthesis but not the server', () => {
    const chunk = readdirSync(outdir).find((name) => name.startsWith('print-worker-') && name.endsWith('.mjs')) as string;
    const text = readFileSync(path.join(outdir, chunk), 'utf8');
    expect(text).not.toContain('MOSIPDISC');
    expect(built.canMakePrintsInWorker()).toBe(true);
  });

  it('makes the same bytes in the worker as in this thread, in order', async () => {
    // Nice 0 here: at the station's nice 10 a loaded test machine would starve the worker.
    const batch = built.makePrintsInWorker(prints, 0);
    expect(batch).not.toBeNull();
    const made = await Promise.all(batch!.prints);
    made.forEach((pixels, index) => expect(Buffer.from(pixels).equals(Buffer.from(synthesizeFingerprint(prints[index]!)))).toBe(true));
    await batch!.stop();
  });

  it('rejects what is not made when stopped, and stops the worker', async () => {
    const many = Array.from({ length: 40 }, (_, i): SynthesizeOptions => ({ width: 256, height: 320, quality: 'good', seed: i }));
    const batch = built.makePrintsInWorker(many)!;
    await batch.stop();
    await expect(batch.prints[39]).rejects.toThrow(/stopped/);
  });

  it('gives the built simulator the prints it made before, from the worker', async () => {
    const sim = await builtServer.startSbiSimulator({ seed: 9, fingerWidth: 64, fingerHeight: 80, prepareFingers: true, captureDelayMs: 0 });
    try {
      const client = new SbiClient(sim.url, { trust: sbiTrust([sim.certificatePem]) });
      const result = await client.rcapture({ deviceId: '1', deviceSubId: 1, timeoutMs: 15_000 });
      expect(result.captures).toHaveLength(4);
      for (const capture of result.captures) {
        const position = sbiFingerPosition[capture.bioSubType as SbiFingerSubType];
        const expected = synthesizeFingerprint({ width: 64, height: 80, quality: 'good', seed: 9 * 16 + position });
        expect(Buffer.from(capture.image!.pixels).equals(Buffer.from(expected))).toBe(true);
      }
    } finally {
      await sim.stop();
    }
  });
});
