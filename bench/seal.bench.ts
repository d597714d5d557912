// Sealing a full enrolment (issue 5): ten 500 ppi fingers, a signature and three document pages (~5 MB of
// content) into a packet file — build the inner archive (PNG-encode the fingers, ISO records, render the
// signature), AES-256-GCM, RSA-OAEP-256 key wrap, ES256 manifest signature, stored outer ZIP, atomic write
// with fsync. Target ≤ 250 ms per packet (p50, and p90 reported).
//
// And the sealer's AES-256-GCM throughput as a ratio of `openssl speed -evp aes-256-gcm` on 16 KiB blocks
// in the same run; target ≥ 60 %. What is compared:
//  - the sealer: encryptPayload (its only encryption path) over the real inner archive of this enrolment
//    (~3.8 MB), one call per packet as the sealer makes it, back to back for 1 s; the figure is the archive
//    size over the median call. It uses the engine the station uses (app/packets/aes-gcm.ts): the OpenSSL
//    addon (native/aes-gcm, the system libcrypto) where it is built, which writes every part straight into
//    one ciphertext buffer, reused from call to call as sealPacket reuses it (app/packets/ciphertext-buffer.ts).
//    Unlike openssl speed's 16 KiB, the 3.8 MB archive does not stay in the CPU's caches.
//  - openssl: `openssl speed -elapsed -seconds 1 -bytes N -evp aes-256-gcm` encrypts one N-byte buffer in
//    place over and over with one context (EVP_EncryptUpdate(ctx, buf, &n, buf, N) in apps/speed.c), so its
//    data stays in cache and nothing is allocated; -elapsed makes it wall-clock time like ours. N = 16384
//    is the target's comparison; N = 65536 is printed beside it.
//  - interleaved: each round runs openssl 16 KiB, five full seals (whose encryption step is timed inside
//    sealPacket: a cross-check of the loop in real conditions), the encryptPayload loop, the same loop on
//    node:crypto (the fallback engine, 64 KiB chunks), the two ceilings (below), openssl 64 KiB; so machine
//    noise (this is a shared 2-core machine) hits both sides. Per-round ratios, medians.
//  - the ceilings, openssl speed's own loop (one preallocated buffer, one context) run in Node: through the
//    addon (the system OpenSSL: how close the addon's calls come to the openssl command) and through
//    node:crypto's cipher.update (Node's bundled OpenSSL: why the sealer does not use it).
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { createCipheriv, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../app/storage/database.js';
import { demoPacketInput } from '../app/packets/demo-input.js';
import { buildInnerArchive, ENCRYPT_CHUNK_BYTES, encryptPayload, sealPacket } from '../app/packets/seal.js';
import { aesGcmChoice, nativeEncryptor, type AesGcmEngine } from '../app/packets/aes-gcm.js';
import { releaseCiphertextBuffer, takeCiphertextBuffer } from '../app/packets/ciphertext-buffer.js';
import { parsePacketInput } from '../app/packets/schema.js';
import { fmt, report, summarise } from './support.js';

const ROUNDS = 7;
/** 7 × 5 = 35 timed seals for the p50/p90. */
const SEALS_PER_ROUND = 5;
const WARMUP = 3;
const dir = mkdtempSync(path.join(tmpdir(), 'balcao-seal-bench-'));
const db = openDatabase({ dataDir: path.join(dir, 'data') });
const agency = generateKeyPairSync('rsa', { modulusLength: 3072 }); // the agency simulator's size
const station = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keys = { agencyEncryptionKey: agency.publicKey, stationSigningKey: station.privateKey };

console.log('building a synthetic enrolment (simulators: 10 fingers 600 × 560 at 500 ppi, STU-540 signature, colour A4 PNG and A4 JPEG and a card PNG at 600 dpi)…');
const input = await demoPacketInput({
  seed: 11,
  // 1.2 × 1.12 in at 500 ppi: between a plain impression and a rolled print, so that the content is ~5 MB.
  fingerWidth: 600,
  fingerHeight: 560,
  pages: [
    { kind: 'a4-application', format: 'png', dpi: 600, mode: 'color', type: 'application-form' },
    { kind: 'a4-supporting', format: 'jpeg', dpi: 600, mode: 'color', jpegQuality: 95, type: 'proof-of-address' },
    { kind: 'id1-card', format: 'png', dpi: 600, mode: 'color', type: 'residence-card' },
  ],
});
const fingerBytes = (input.fingers ?? []).reduce((s, f) => s + f.image.pixels.length, 0);
const documentBytes = (input.documents ?? []).reduce((s, d) => s + d.bytes.length, 0);
const contentMB = (fingerBytes + documentBytes) / 1e6;
console.log(`  content: fingers ${(fingerBytes / 1e6).toFixed(2)} MB raw grey, documents ${(documentBytes / 1e6).toFixed(2)} MB, pen samples ${input.signature?.samples.length ?? 0} → ${contentMB.toFixed(2)} MB`);

const outDir = path.join(dir, 'out');
const encryptInSeal: number[] = [];
const seal = async (record: boolean) => {
  const t = performance.now();
  const sealed = await sealPacket(input, keys, db, {
    outDir,
    centreId: '10001',
    stationId: '10077',
    onStep: (step, ms, bytes) => {
      if (record && step === 'encrypt') encryptInSeal.push(bytes / 1e6 / (ms / 1000));
    },
  });
  const ms = performance.now() - t;
  unlinkSync(sealed.file);
  return { ms, size: sealed.size };
};
for (let i = 0; i < WARMUP; i++) await seal(false);

// The inner archive alone (PNG encoding dominates), and the archive the encryption loop encrypts.
const parsed = parsePacketInput(input);
const meta = { packetId: '10001100770000120261122101112', process: 'NEW' as const, centreId: '10001', stationId: '10077', sealedAt: new Date() };
const innerTimes: number[] = [];
let inner = await buildInnerArchive(parsed, meta);
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  inner = await buildInnerArchive(parsed, meta);
  innerTimes.push(performance.now() - t);
}
const innerSummary = summarise(innerTimes);

const key = randomBytes(32);
const iv = randomBytes(12);
const aad = Buffer.from(meta.packetId, 'ascii');
const engine = aesGcmChoice();
for (let i = 0; i < 20; i++) encryptPayload(inner.parts, key, iv, aad);
/** encryptPayload over the real archive, back to back for `ms`: archive size over the median call, in MB/s. */
function sealerLoop(ms: number, which: AesGcmEngine = engine.engine): { mbps: number; calls: number } {
  const times: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    const t = performance.now();
    // As sealPacket does: the ciphertext goes into the reused buffer, given back after the call.
    const output = takeCiphertextBuffer(inner.size);
    encryptPayload(inner.parts, key, iv, aad, { engine: which, output });
    releaseCiphertextBuffer(output);
    times.push(performance.now() - t);
  }
  return { mbps: inner.size / 1e6 / (summarise(times).p50 / 1000), calls: times.length };
}

/** openssl speed's loop in Node for `ms`: one preallocated `bytes` buffer encrypted over and over with one context, through node:crypto or the addon. */
function ceiling(which: AesGcmEngine, bytes: number, ms: number): number | null {
  const block = randomBytes(bytes);
  let step: () => void;
  if (which === 'node') {
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad);
    step = () => cipher.update(block);
  } else {
    const Encryptor = nativeEncryptor();
    if (Encryptor === null) return null;
    const encryptor = new Encryptor(key, iv, aad);
    step = () => encryptor.update(block, block, 0);
  }
  let done = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 16; i++) step();
    done += 16 * bytes;
    t = performance.now();
  }
  return done / 1e6 / ((t - t0) / 1000);
}

/** `openssl speed` for one block size; -mr prints "+F:<n>:<name>:<bytes per second>". Null if openssl is missing. */
function opensslSpeed(bytes: number): number | null {
  const run = spawnSync('openssl', ['speed', '-elapsed', '-seconds', '1', '-bytes', String(bytes), '-mr', '-evp', 'aes-256-gcm'], { encoding: 'utf8' });
  if (run.status !== 0 || !run.stdout) return null;
  const line = run.stdout.split('\n').find((l) => l.startsWith('+F:'));
  const value = Number(line?.split(':').at(-1));
  return Number.isFinite(value) && value > 0 ? value / 1e6 : null;
}

const median = (values: number[]) => summarise(values).p50;
const pct = (r: number | null) => (r === null ? '—' : `${(100 * r).toFixed(0)} %`);
const mbps = (v: number | null) => (v === null ? '—' : `${v.toFixed(0)}`);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
interface Round { load: string; openssl16k: number | null; sealer: number; sealerCalls: number; inSeal: number; nodePath: number; addon16k: number | null; node64k: number | null; openssl64k: number | null }
const rounds: Round[] = [];
const sealTimes: number[] = [];
let packetSize = 0;
console.log(`AES-256-GCM, ${ROUNDS} interleaved rounds (MB/s; the archive is ${(inner.size / 1e6).toFixed(2)} MB); the sealer's engine: ${engine.engine} (${engine.detail})`);
console.log('  round  loadavg          openssl 16K  sealer  (in seal)  node:crypto path  addon 16K  node 64K  openssl 64K   sealer/16K  in-seal/16K  node-path/16K  addon16K/16K  node64K/64K');
const ratio = (a: number | null, b: number | null) => (a === null || b === null ? null : a / b);
for (let r = 0; r < ROUNDS; r++) {
  const load = loadavg();
  const openssl16k = opensslSpeed(16384);
  const first = encryptInSeal.length;
  for (let i = 0; i < SEALS_PER_ROUND; i++) {
    const s = await seal(true);
    sealTimes.push(s.ms);
    packetSize = s.size;
  }
  const inSeal = median(encryptInSeal.slice(first));
  const loop = sealerLoop(1000);
  const nodePath = sealerLoop(1000, 'node').mbps;
  const addon16k = ceiling('openssl', 16384, 500);
  const node64k = ceiling('node', 65536, 500);
  const openssl64k = opensslSpeed(65536);
  const round = { load, openssl16k, sealer: loop.mbps, sealerCalls: loop.calls, inSeal, nodePath, addon16k, node64k, openssl64k };
  rounds.push(round);
  console.log(
    `  ${String(r + 1).padStart(5)}  ${load.padEnd(15)}  ${mbps(openssl16k).padStart(11)}  ${mbps(loop.mbps).padStart(6)}  ${mbps(inSeal).padStart(9)}  ${mbps(nodePath).padStart(16)}  ${mbps(addon16k).padStart(9)}  ${mbps(node64k).padStart(8)}  ${mbps(openssl64k).padStart(11)}   ${pct(ratio(loop.mbps, openssl16k)).padStart(10)}  ${pct(ratio(inSeal, openssl16k)).padStart(11)}  ${pct(ratio(nodePath, openssl16k)).padStart(13)}  ${pct(ratio(addon16k, openssl16k)).padStart(12)}  ${pct(ratio(node64k, openssl64k)).padStart(11)}`,
  );
}
const ratios = (pick: (r: Round) => [number | null, number | null]) => {
  const values = rounds.map(pick).filter((p): p is [number, number] => p[0] !== null && p[1] !== null).map(([a, b]) => a / b);
  return values.length === 0 ? null : median(values);
};
const target = ratios((r) => [r.sealer, r.openssl16k]);
const inSealRatio = ratios((r) => [r.inSeal, r.openssl16k]);
const nodePathRatio = ratios((r) => [r.nodePath, r.openssl16k]);
const addon16kRatio = ratios((r) => [r.addon16k, r.openssl16k]);
const node64kRatio = ratios((r) => [r.node64k, r.openssl64k]);
const medianOf = (pick: (r: Round) => number | null) => {
  const v = rounds.map(pick).filter((x): x is number => x !== null);
  return v.length === 0 ? null : median(v);
};
console.log(
  `  median: openssl 16K ${mbps(medianOf((r) => r.openssl16k))}, sealer ${mbps(medianOf((r) => r.sealer))} (in seal ${mbps(median(encryptInSeal))} over ${encryptInSeal.length} seals), node:crypto path ${mbps(medianOf((r) => r.nodePath))}, openssl 64K ${mbps(medianOf((r) => r.openssl64k))}`,
);
if (target === null) console.log('  openssl speed: not available on this machine (no ratio)');
else {
  console.log(
    `  sealer (${engine.engine}) / openssl 16 KiB (the target's comparison), median of per-round ratios: ${pct(target)} ${target >= 0.6 ? '(≥ 60 %)' : '(UNDER 60 %)'}; in seal ${pct(inSealRatio)}`,
  );
  console.log(
    `  for comparison: the sealer on node:crypto / openssl 16 KiB ${pct(nodePathRatio)}; openssl speed's loop in Node through the addon / openssl 16 KiB ${pct(addon16kRatio)}, through node:crypto (64 KiB) / openssl 64 KiB ${pct(node64kRatio)}`,
  );
}

const s = summarise(sealTimes);
console.log(`seal a full enrolment (${sealTimes.length} runs, packet ${(packetSize / 1e6).toFixed(2)} MB): p50 ${fmt(s.p50)}, p90 ${fmt(s.p90)}, max ${fmt(s.max)} ${s.p50 <= 250 ? '(within 250 ms)' : '(OVER 250 ms)'}`);
console.log(`  of which building the inner archive (${(inner.size / 1e6).toFixed(2)} MB): p50 ${fmt(innerSummary.p50)}`);

report('seal', {
  runs: sealTimes.length,
  contentMB,
  packetMB: packetSize / 1e6,
  sealMs: s,
  innerArchiveMs: innerSummary,
  aes: {
    engine,
    archiveMB: inner.size / 1e6,
    rounds,
    ratio: target,
    inSealRatio,
    nodePathRatio,
    nodePathChunkBytes: ENCRYPT_CHUNK_BYTES,
    addon16kRatio,
    node64kRatio,
    sealerMBps: medianOf((r) => r.sealer),
    inSealMBps: median(encryptInSeal),
    nodePathMBps: medianOf((r) => r.nodePath),
    opensslMBps: medianOf((r) => r.openssl16k),
    openssl64kMBps: medianOf((r) => r.openssl64k),
  },
});
db.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
