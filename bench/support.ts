import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function summarise(samplesMs: number[]) {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return { n: sorted.length, mean, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1) as number };
}

export const fmt = (ms: number) => `${ms.toFixed(ms < 1 ? 3 : ms < 10 ? 2 : 1)} ms`;

/** Prints a figure line and writes every figure to bench/results/<name>.json. */
export function report(name: string, figures: Record<string, unknown>): void {
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version };
  writeFileSync(path.join('bench', 'results', `${name}.json`), JSON.stringify({ name, at: new Date().toISOString(), machine, figures }, null, 2));
}
