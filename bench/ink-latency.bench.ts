// Signature ink latency, in process: from a pen report arriving at the host (the HID link's input-report
// callback, where node-hid hands over a report from the pad) to the onInk batch that carries it (what the
// case hands to the capture.ink event). Real pieces throughout: the device manager, the STU family adapter,
// the driver, the capture stage's batching, and the STU-540 simulator at its real 200 reports a second
// over an in-process HID pair. The way from onInk to pixels (WebSocket, React, canvas) is measured by the UI.
// Target for the whole way: ≤ 50 ms from pen report to screen (issue 6).
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import type { HidLink } from '../drivers/transport/hid-link.js';
import { startPadHarness } from '../app/cases/capture/pad-harness.js';
import { INK_BATCH_MS, startPadCapture } from '../app/cases/capture/signature.js';
import { fmt, percentile, report, summarise } from './support.js';

const signatures = Number(process.env.SIGNATURES ?? 5);

let arrivals: number[] = [];
const wrapLink = (link: HidLink): HidLink => ({
  get description() {
    return link.description;
  },
  get isOpen() {
    return link.isOpen;
  },
  sendFeatureReport: (data) => link.sendFeatureReport(data),
  getFeatureReport: (id, length) => link.getFeatureReport(id, length),
  // Stamped first thing in the callback, before the driver decodes the report.
  onInputReport: (listener) =>
    link.onInputReport((r) => {
      arrivals.push(performance.now());
      listener(r);
    }),
  onClose: (listener) => link.onClose(listener),
  close: () => link.close(),
});

const harness = await startPadHarness({ simulator: { script: 'sign_wait', paced: true }, wrapLink });
const latencies: number[] = [];
/** Per batch, its first report's wait: the figure bench/enrolment.bench.ts (b) measures up to the paint. */
const firstOfBatch: number[] = [];
const batchSizes: number[] = [];
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const loadBefore = loadavg();
try {
  for (let n = 0; n < signatures; n++) {
    arrivals = [];
    let carried = 0;
    const running = startPadCapture(harness.deps, {
      purpose: 'signature',
      prompt: { title: 'Assinatura', lines: ['Assine dentro do quadro.'], accept: 'Aceitar', clear: 'Limpar', cancel: 'Cancelar' },
      onInk: (batch) => {
        const now = performance.now();
        batchSizes.push(batch.points.length);
        if (batch.points.length > 0) firstOfBatch.push(now - (arrivals[carried] as number));
        for (let i = 0; i < batch.points.length; i++) latencies.push(now - (arrivals[carried++] as number));
      },
    });
    // The signer writes at 200 reports a second; accept once every report has reached the screen's batches.
    const frames = harness.simulator().signature.frames.length;
    const started = performance.now();
    while (carried < frames && performance.now() - started < 30_000) await new Promise((r) => setTimeout(r, 20));
    running.accept();
    const result = await running.result;
    if (result.samples.length !== frames || carried !== frames) throw new Error(`signature ${n + 1}: ${frames} reports, ${result.samples.length} samples, ${carried} points carried`);
  }
} finally {
  await harness.close();
}

const stats = summarise(latencies);
const first = summarise(firstOfBatch);
const sortedBatches = [...batchSizes].sort((a, b) => a - b);
const load = `${loadBefore} → ${loadavg()}`;
console.log(`signature ink latency, pen report at the host → onInk batch (in process), ${signatures} signatures, ${stats.n} reports at 200/s, batch window ${INK_BATCH_MS} ms, loadavg ${load}:`);
console.log(`  every report:          p50 ${fmt(stats.p50)}  p95 ${fmt(percentile([...latencies].sort((a, b) => a - b), 95))}  p99 ${fmt(stats.p99)}  max ${fmt(stats.max)}  mean ${fmt(stats.mean)}`);
console.log(`  first report of batch: p50 ${fmt(first.p50)}  p95 ${fmt(percentile([...firstOfBatch].sort((a, b) => a - b), 95))}  p99 ${fmt(first.p99)}  max ${fmt(first.max)}  mean ${fmt(first.mean)}`);
console.log(`  batches: ${batchSizes.length}, points per batch p50 ${percentile(sortedBatches, 50)} max ${sortedBatches.at(-1)}`);
report('ink-latency', {
  signatures,
  batchMs: INK_BATCH_MS,
  loadavg: load,
  reports: stats.n,
  ...stats,
  p95: percentile([...latencies].sort((a, b) => a - b), 95),
  firstOfBatch: { ...first, p95: percentile([...firstOfBatch].sort((a, b) => a - b), 95) },
  batches: batchSizes.length,
});
