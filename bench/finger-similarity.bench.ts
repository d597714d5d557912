// The same-finger warning (app/cases/capture/similarity.ts): after each accepted finger the case compares it
// with every other accepted finger, synchronously on the core's thread, so its cost is added to that capture's
// answer. Figures: ms per pair at the SBI simulator's size (256 × 320) and a 416 × 560 capture (a typical
// 500 ppi single-finger reader), p50/p90/max over 30 pairs of different synthetic fingers after 3 warm-up pairs;
// and the tenth finger against the nine before it, the worst case of one capture. Every image is a fresh copy,
// as the case reads each from the vault anew, except the new finger, which the case reuses across its pairs (so
// its patterns are made once, as in the case). No budget in the issue; printed for reference.
import { performance } from 'node:perf_hooks';
import { synthesizeFingerprint } from '../device-simulators/fingerprint/synthetic.js';
import type { GreyImage } from '../drivers/capture.js';
import { fingerSimilarity } from '../app/cases/capture/similarity.js';
import { fmt, report, summarise } from './support.js';

const PAIRS = 30;
const fresh = (image: GreyImage): GreyImage => ({ ...image, pixels: image.pixels.slice() });
const WARMUP = 3;
const figures: Record<string, unknown> = { pairs: PAIRS };
for (const [width, height] of [[256, 320], [416, 560]] as const) {
  const prints: GreyImage[] = Array.from({ length: 10 }, (_, i) => ({ width, height, ppi: 500, pixels: synthesizeFingerprint({ width, height, quality: 'good', seed: 40 + i }) }));
  for (let i = 0; i < WARMUP; i++) fingerSimilarity(fresh(prints[0]!), fresh(prints[1 + i]!));
  const samples: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const a = fresh(prints[i % 10]!);
    const b = fresh(prints[(i + 1 + (i % 9)) % 10]!);
    const t = performance.now();
    fingerSimilarity(a, b);
    samples.push(performance.now() - t);
  }
  const tenth: number[] = [];
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    const mine = fresh(prints[9]!);
    for (let i = 0; i < 9; i++) fingerSimilarity(mine, fresh(prints[i]!));
    tenth.push(performance.now() - t);
  }
  const s = summarise(samples);
  const w = summarise(tenth);
  console.log(`${width}×${height}: per pair p50 ${fmt(s.p50)}, p90 ${fmt(s.p90)}, max ${fmt(s.max)}; the tenth finger against nine: p50 ${fmt(w.p50)}, max ${fmt(w.max)}`);
  figures[`${width}x${height}`] = { pairMs: s, tenthFingerMs: w };
}
report('finger-similarity', figures);
process.exit(0);
