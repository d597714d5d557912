// Document page quality (app/quality/document) per A4 page at 300 dpi (2480 × 3508, 8.7 MP, grey), on pages
// from device-simulators/documents/page.ts: clean, blurred, skewed, off the glass, under-exposed. Budget
// ≤ 150 ms per page on one core (shared/DESIGN.md). The figure is the measures and checks on decoded
// pixels; decoding the PNG (sharp, libvips threads) is printed apart, as it is the decoder's cost, not ours.
// Warm-up first, then RUNS timed runs cycling the pages; also the share of each stage.
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { renderPage, type PageProblems } from '../device-simulators/documents/page.js';
import { defaultQualityConfig } from '../app/quality/config.js';
import { assessDocument } from '../app/quality/document/index.js';
import { laplacianTileStats } from '../app/quality/laplacian.js';
import { downsample, histogramPercentile, type GreyPixels } from '../app/quality/pixels.js';
import { estimateSkew } from '../app/quality/document/skew.js';
import { estimateCoverage, largestBrightBlob } from '../app/quality/document/regions.js';
import { fmt, report, summarise } from './support.js';

const runs = Number(process.env.RUNS ?? 40);
const budgetMs = 150;
sharp.concurrency(1);

const problems: Array<[string, PageProblems]> = [
  ['clean', {}],
  ['blurred', { blurMm: 0.2 }],
  ['skewed 4°', { skewDegrees: 4 }],
  ['80 % on the glass', { coverage: 0.8 }],
  ['under-exposed', { exposureStops: -1 }],
];
const decodeMs: number[] = [];
const pages: Array<{ name: string; image: GreyPixels }> = [];
for (const [name, p] of problems) {
  const rendered = await renderPage({ kind: 'a4-application', dpi: 300, seed: 5, problems: p });
  const t0 = performance.now();
  const { data, info } = await sharp(rendered.bytes).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  decodeMs.push(performance.now() - t0);
  pages.push({ name, image: { width: info.width, height: info.height, pixels: new Uint8Array(data.buffer, data.byteOffset, data.length) } });
}
const thresholds = defaultQualityConfig.documents.a4;

for (let i = 0; i < 10; i++) assessDocument(pages[i % pages.length]!.image, 'a4', thresholds);
// Wall time, and this process's CPU time (user + system) for the same call: on a shared machine the wall time
// also counts waiting for a core; the CPU time is what one core spends on the page.
const samples: number[] = [];
const cpuSamples: number[] = [];
for (let i = 0; i < runs; i++) {
  const page = pages[i % pages.length]!;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  assessDocument(page.image, 'a4', thresholds);
  samples.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpuSamples.push((c.user + c.system) / 1000);
}
const total = summarise(samples);
const cpu = summarise(cpuSamples);

const stages: Record<string, number> = {};
const time = <T>(name: string, f: () => T): T => {
  const c0 = process.cpuUsage();
  const r = f();
  const c = process.cpuUsage(c0);
  stages[name] = (stages[name] ?? 0) + (c.user + c.system) / 1000 / runs;
  return r;
};
for (let i = 0; i < runs; i++) {
  const img = pages[i % pages.length]!.image;
  const hist = new Uint32Array(256);
  time('histogram + Laplacian tiles (every 2nd row)', () => laplacianTileStats(img, 64, { rowStep: 2, histogram: hist }));
  const inkBelow = (histogramPercentile(hist, 0.005) + histogramPercentile(hist, 0.9)) / 2;
  const small = time('downsample ÷3', () => downsample(img, 3));
  time('glare blob (when measured)', () => (i % pages.length === 4 ? largestBrightBlob(small, 253) : 0));
  time('skew (projection profiles)', () => estimateSkew(small, inkBelow));
  time('coverage', () => estimateCoverage(small));
}

console.log(`document quality, A4 at 300 dpi (2480×3508): p50 ${fmt(total.p50)}, p90 ${fmt(total.p90)}, max ${fmt(total.max)} over ${runs} runs (budget ≤ ${budgetMs} ms: ${total.p90 <= budgetMs ? 'met' : 'NOT met'})`);
console.log(`  CPU time of the same calls: p50 ${fmt(cpu.p50)}, p90 ${fmt(cpu.p90)}, max ${fmt(cpu.max)} (load average now ${loadavg()[0]!.toFixed(2)} on ${cpus().length} cores)`);
console.log('  stages, CPU time per page:');
for (const [name, ms] of Object.entries(stages)) console.log(`  ${name.padEnd(44)} ${fmt(ms)}`);
const decode = summarise(decodeMs);
console.log(`  (PNG decode to grey with sharp, one libvips thread: p50 ${fmt(decode.p50)} — not part of the figure)`);
for (const page of pages) {
  const r = assessDocument(page.image, 'a4', thresholds);
  console.log(`  ${page.name.padEnd(20)} score ${String(r.score).padStart(3)} ${r.passed ? 'passed' : `reasons ${r.reasons.map((x) => x.code).join(', ')}`}`);
}
report('document-quality', { runs, budgetMs, wallMs: total, cpuMs: cpu, stagesMs: stages, decodeMsP50: decode.p50, loadAverage: loadavg()[0] });
