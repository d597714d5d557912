/**
 * Crash consistency (issue 5 item 6): the station process is killed with
 * SIGKILL at random moments while it seals and uploads; afterwards every
 * packet it had queued reaches the agency simulator exactly once, none is
 * lost or half-written, and the database passes PRAGMA integrity_check.
 *
 * CRASH_KILLS sets the number of kills (default 12 in CI; `npm run
 * crash-test` runs 200). CRASH_SEED replays a run.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgencySimulator, type AgencySimulator } from '../../device-simulators/agency/server.js';
import { createPrng } from '../../device-simulators/random.js';
import { outboxFlush } from '../../main/cli/outbox.js';
import { repoRoot } from '../support/shell-process.js';
import { tempDir } from '../support/temp-station.js';

const kills = Number(process.env.CRASH_KILLS ?? 12);
const seed = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);
const worker = path.join(repoRoot, 'dist', 'test', 'crash-worker.mjs');

let agency: AgencySimulator;
let dir: string;
let configFile: string;

beforeAll(async () => {
  await build({
    entryPoints: [path.join(repoRoot, 'test', 'outbox', 'crash-worker.ts')],
    outfile: worker,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'silent',
  });
  dir = tempDir('balcao-crash-').dir;
  agency = await startAgencySimulator({ keysDir: path.join(dir, 'agency-keys'), dataDir: path.join(dir, 'agency-data') });
  const station = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  mkdirSync(path.join(dir, 'keys'), { recursive: true });
  writeFileSync(path.join(dir, 'keys', 'station-signing.pem'), station.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  agency.registerStation('10001', '10077', station.publicKey.export({ type: 'spki', format: 'pem' }) as string);
  configFile = path.join(dir, 'station.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      centreId: '10001',
      stationId: '10077',
      dataDir: 'data',
      agency: { url: agency.url, token: agency.token, encryptionKey: agency.keys.encryptionPublicKeyPath, receiptKey: agency.keys.receiptPublicKeyPath },
      station: { signingKey: 'keys/station-signing.pem' },
      // Short backoff so that the final flush does not wait out a long retry left by a killed try.
      outbox: { backoff: { baseMs: 50, capMs: 500 }, receiptPollMs: 100 },
    }),
  );
});

afterAll(async () => {
  await agency?.stop();
});

/** Starts the worker, waits until it has opened the station, lets it run for `ms`, then SIGKILLs it. Returns the ids it reported queued. */
function runAndKill(mode: string, ms: number, workerSeed: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, configFile, mode, String(workerSeed)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const sealed: string[] = [];
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (line === 'ready' && timer === null) timer = setTimeout(() => child.kill('SIGKILL'), ms);
        const match = /^sealed (\d{29})$/.exec(line);
        if (match) sealed.push(match[1] as string);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(sealed);
      else reject(new Error(`the worker ended by itself (code ${code}): ${err}`));
    });
  });
}

describe('crash consistency', () => {
  it(`loses and duplicates nothing across ${kills} SIGKILLs during sealing and upload`, async () => {
    console.log(`crash test: ${kills} kills, seed ${seed} (replay with CRASH_SEED=${seed})`);
    const random = createPrng(seed);
    const queued = new Set<string>();
    for (let k = 0; k < kills; k++) {
      const mode = k % 3 === 0 ? 'seal' : k % 3 === 1 ? 'upload' : 'both';
      // Anywhere from right after opening to a few seals and uploads in.
      const ms = 100 + Math.floor(random() * 3000);
      for (const id of await runAndKill(mode, ms, seed % 1000 + k)) queued.add(id);
    }
    expect(queued.size).toBeGreaterThan(0);

    // A clean start (which adopts any packet sealed but not queued) and a flush without kills.
    const lines: string[] = [];
    const code = await outboxFlush({ config: configFile, timeoutMs: 120_000, json: true, out: (text) => lines.push(text) });
    const summary = JSON.parse(lines.join('')) as { pending: number; held: number; rejected: string[] };
    expect(summary, lines.join('')).toMatchObject({ pending: 0, held: 0, rejected: [] });
    expect(code).toBe(0);
    await agency.idle();

    const db = new Database(path.join(dir, 'data', 'station.db'), { readonly: true });
    const integrity = db.pragma('integrity_check', { simple: true });
    const rows = db.prepare('SELECT packet_id AS id, state FROM outbox ORDER BY packet_id').all() as { id: string; state: string }[];
    db.close();
    expect(integrity).toBe('ok');

    // None lost: every packet the station said it queued, and every row, was accepted by the agency.
    const atAgency = agency.packets();
    const accepted = atAgency.filter((p) => p.status === 'ACCEPTED').map((p) => p.packetId);
    for (const id of queued) expect(accepted, `packet ${id} was queued but never accepted`).toContain(id);
    expect(rows.map((r) => r.id).sort()).toEqual([...accepted].sort());
    expect(rows.every((r) => r.state === 'purged')).toBe(true);
    // Exactly once: one record per packet at the agency, none rejected (a half-written packet would be).
    expect(new Set(atAgency.map((p) => p.packetId)).size).toBe(atAgency.length);
    expect(atAgency.filter((p) => p.status !== 'ACCEPTED')).toEqual([]);
    // Nothing half-written left behind: no temporary seal files, no packet files (all purged).
    expect(readdirSync(path.join(dir, 'data', 'packets'))).toEqual([]);
    console.log(`crash test: ${queued.size} packets queued across ${kills} kills, ${accepted.length} accepted, ${atAgency.reduce((n, p) => n + p.completedUploads, 0)} completed uploads at the agency`);
  }, kills * 10_000 + 180_000);
});
