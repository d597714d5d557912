/**
 * Synthetic fingerprint images for the fingerprint-module simulators (EF01,
 * GT-5xx). Generated, not canned: ridges grow from seeded noise under an
 * oriented Gabor filter that follows a smooth orientation field with one core
 * and one delta (a loop), in the manner of SFinGe (Cappelli, Maio, Maltoni).
 * Ridge period ≈ 9.5 px, which is typical at 500 ppi (inter-ridge distance
 * ≈ 0.46 mm). Same seed and options → same bytes.
 */
import { createPrng } from '../random.js';

export type FingerprintQuality = 'good' | 'poor_contrast' | 'smudged' | 'partial' | 'dry' | 'wet';

export const fingerprintQualities: readonly FingerprintQuality[] = ['good', 'poor_contrast', 'smudged', 'partial', 'dry', 'wet'];

export interface SynthesizeOptions {
  width: number;
  height: number;
  quality: FingerprintQuality;
  seed: number;
}


const RIDGE_PERIOD = 9.5; // pixels at 500 ppi
const ORIENTATIONS = 24; // quantised orientation steps for the Gabor kernels
const KERNEL_RADIUS = 5;
const ITERATIONS = 6;

/** 8-bit grey, row-major, width × height; near-white background, dark ridges. */
export function synthesizeFingerprint(options: SynthesizeOptions): Uint8Array {
  const made = made_.get(shelfKey(options));
  if (made !== undefined) return made.slice();
  const steps = synthesis(options);
  for (;;) {
    const step = steps.next();
    if (step.done) {
      rememberFingerprint(options, step.value);
      return step.value.slice();
    }
  }
}

/*
 * The print shelf. A print is a pure function of its options, and a
 * simulator is started afresh each time its device is "plugged in" (and each
 * test starts its own): without the shelf every start makes the same ten
 * prints again — seconds of arithmetic. Each caller gets its own copy, so
 * nothing it does to the pixels reaches the next one. Bounded: the least
 * recently used print goes first (64 × 320 × 400 is 8 MB).
 */
const SHELF_SIZE = 64;
const made_ = new Map<string, Uint8Array>();
const making = new Map<string, Promise<Uint8Array>>();

function shelfKey(options: SynthesizeOptions): string {
  return `${options.width}x${options.height}/${options.quality}/${options.seed}`;
}

/** Whether the print with these options has been made in this process already. */
export function hasFingerprint(options: SynthesizeOptions): boolean {
  return made_.has(shelfKey(options));
}

/** Puts a print made elsewhere (a worker thread) on the shelf. */
export function rememberFingerprint(options: SynthesizeOptions, pixels: Uint8Array): void {
  const key = shelfKey(options);
  made_.delete(key);
  made_.set(key, pixels.slice());
  while (made_.size > SHELF_SIZE) made_.delete(made_.keys().next().value as string);
}

/**
 * The same image, made a few rows at a time with the event loop free in
 * between (a 256 × 288 finger is a few hundred ms of arithmetic): for a
 * simulator that prepares its image while the station around it starts.
 */
export async function synthesizeFingerprintAsync(options: SynthesizeOptions, sliceMs = 8): Promise<Uint8Array> {
  const key = shelfKey(options);
  const made = made_.get(key);
  if (made !== undefined) return made.slice();
  // Two simulators asking for the same print at once share the one being made.
  let pending = making.get(key);
  if (pending === undefined) {
    pending = synthesizeSliced(options, sliceMs).finally(() => making.delete(key));
    making.set(key, pending);
  }
  const pixels = await pending;
  rememberFingerprint(options, pixels);
  return pixels.slice();
}

async function synthesizeSliced(options: SynthesizeOptions, sliceMs: number): Promise<Uint8Array> {
  const steps = synthesis(options);
  let until = performance.now() + sliceMs;
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() >= until) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      until = performance.now() + sliceMs;
    }
  }
}

/** The synthesis, yielding after each row of the costly ridge growth so that a caller can pause it. */
function* synthesis(options: SynthesizeOptions): Generator<void, Uint8Array, void> {
  const { width, height, quality, seed } = options;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`synthesizeFingerprint: width and height must be positive integers (got ${width} × ${height}).`);
  }
  const random = createPrng(seed);
  const n = width * height;

  // Orientation field: a loop (one core, one delta below it), after Sherlock & Monro's zero-pole model.
  const cx = width * (0.42 + 0.16 * random());
  const cy = height * (0.32 + 0.12 * random());
  const dx = cx + width * (random() < 0.5 ? -1 : 1) * (0.18 + 0.12 * random());
  const dy = cy + height * (0.3 + 0.1 * random());
  const base = (random() - 0.5) * 0.4;
  const orientation = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let theta = 0.5 * (Math.atan2(y - cy, x - cx) - Math.atan2(y - dy, x - dx)) + base;
      theta = ((theta % Math.PI) + Math.PI) % Math.PI;
      orientation[y * width + x] = Math.round((theta / Math.PI) * ORIENTATIONS) % ORIENTATIONS;
    }
  }

  // Gabor kernels, one per orientation: a cosine across the ridge under a Gaussian envelope.
  const side = 2 * KERNEL_RADIUS + 1;
  const sigma = RIDGE_PERIOD * 0.45;
  const kernels: Float32Array[] = [];
  for (let k = 0; k < ORIENTATIONS; k++) {
    const theta = (k / ORIENTATIONS) * Math.PI;
    const kernel = new Float32Array(side * side);
    let mean = 0;
    for (let v = -KERNEL_RADIUS; v <= KERNEL_RADIUS; v++) {
      for (let u = -KERNEL_RADIUS; u <= KERNEL_RADIUS; u++) {
        const across = -u * Math.sin(theta) + v * Math.cos(theta);
        const value = Math.exp(-(u * u + v * v) / (2 * sigma * sigma)) * Math.cos((2 * Math.PI * across) / RIDGE_PERIOD);
        kernel[(v + KERNEL_RADIUS) * side + (u + KERNEL_RADIUS)] = value;
        mean += value;
      }
    }
    mean /= side * side;
    for (let i = 0; i < kernel.length; i++) kernel[i] = (kernel[i] ?? 0) - mean; // zero DC: flat areas stay flat
    kernels.push(kernel);
  }

  // Grow ridges from sparse noise.
  let field = new Float32Array(n);
  for (let i = 0; i < n; i++) field[i] = random() < 0.02 ? (random() < 0.5 ? -1 : 1) : 0;
  let next = new Float32Array(n);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    for (let y = 0; y < height; y++) {
      const inside = y >= KERNEL_RADIUS && y < height - KERNEL_RADIUS;
      for (let x = 0; x < width; x++) {
        const kernel = kernels[orientation[y * width + x] ?? 0] as Float32Array;
        let sum = 0;
        if (inside && x >= KERNEL_RADIUS && x < width - KERNEL_RADIUS) {
          // Away from the edges: the same sums in the same order, without the bounds work (most of the time here).
          for (let v = -KERNEL_RADIUS, krow = 0; v <= KERNEL_RADIUS; v++, krow += side) {
            const row = (y + v) * width + x - KERNEL_RADIUS;
            for (let u = 0; u < side; u++) sum += (field[row + u] as number) * (kernel[krow + u] as number);
          }
          next[y * width + x] = Math.tanh(sum * 1.5);
          continue;
        }
        const v0 = Math.max(-KERNEL_RADIUS, -y);
        const v1 = Math.min(KERNEL_RADIUS, height - 1 - y);
        const u0 = Math.max(-KERNEL_RADIUS, -x);
        const u1 = Math.min(KERNEL_RADIUS, width - 1 - x);
        for (let v = v0; v <= v1; v++) {
          const row = (y + v) * width + x;
          const krow = (v + KERNEL_RADIUS) * side + KERNEL_RADIUS;
          for (let u = u0; u <= u1; u++) sum += (field[row + u] ?? 0) * (kernel[krow + u] ?? 0);
        }
        next[y * width + x] = Math.tanh(sum * 1.5);
      }
      yield;
    }
    [field, next] = [next, field];
  }

  // Finger mask: an ellipse with a soft edge; 'partial' keeps only part of it.
  const mask = new Float32Array(n);
  const ex = width / 2 + (random() - 0.5) * width * 0.06;
  const ey = height / 2 + (random() - 0.5) * height * 0.06;
  const ax = width * 0.4;
  const ay = height * 0.46;
  // A straight cut for 'partial': the finger touched only one side of the window.
  const cutAngle = random() * 2 * Math.PI;
  const cutNx = Math.cos(cutAngle);
  const cutNy = Math.sin(cutAngle);
  const cutOffset = Math.min(ax, ay) * 0.15;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const r = Math.hypot((x - ex) / ax, (y - ey) / ay);
      let m = clamp01((1.05 - r) / 0.1);
      if (quality === 'partial') m *= clamp01(((x - ex) * cutNx + (y - ey) * cutNy - cutOffset) / 4);
      mask[y * width + x] = m;
    }
  }

  // Defects that act on the ridge field itself.
  if (quality === 'dry') {
    // Broken ridges: blotches where the ridge did not touch the glass.
    const blotches = smoothNoise(width, height, 6, random);
    for (let i = 0; i < n; i++) if ((blotches[i] ?? 0) > 0.5 && (field[i] ?? 0) > 0) field[i] = (field[i] ?? 0) * -0.3 - 0.4;
    // Fine speckle breaks as well.
    for (let i = 0; i < n; i++) if (random() < 0.08) field[i] = -1;
  } else if (quality === 'wet') {
    // Merged ridges: moisture fills the valleys; bias toward ridge and saturate.
    const puddles = smoothNoise(width, height, 10, random);
    for (let i = 0; i < n; i++) field[i] = Math.tanh(((field[i] ?? 0) + 0.55 + 0.8 * Math.max(0, (puddles[i] ?? 0) - 0.4)) * 3);
  }

  // Grey levels: field > 0 is ridge (dark).
  const [ridgeGrey, valleyGrey] = quality === 'poor_contrast' ? [165, 205] : quality === 'wet' ? [25, 190] : quality === 'dry' ? [70, 235] : [35, 225];
  const background = 242;
  let out: Float32Array = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = ((field[i] ?? 0) + 1) / 2; // 1 = ridge
    const finger = valleyGrey + (ridgeGrey - valleyGrey) * t;
    const m = mask[i] ?? 0;
    out[i] = background + (finger - background) * m + (random() - 0.5) * 8;
  }
  if (quality === 'smudged') out = boxBlur(boxBlur(boxBlur(out, width, height, 3), width, height, 3), width, height, 3);
  else if (quality === 'wet') out = boxBlur(out, width, height, 1);

  const pixels = new Uint8Array(n);
  for (let i = 0; i < n; i++) pixels[i] = Math.max(0, Math.min(255, Math.round(out[i] ?? 0)));
  return pixels;
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}

function boxBlur(input: Float32Array, width: number, height: number, radius: number): Float32Array {
  const temp = new Float32Array(input.length);
  const output = new Float32Array(input.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let count = 0;
      for (let u = Math.max(0, x - radius); u <= Math.min(width - 1, x + radius); u++, count++) sum += input[y * width + u] ?? 0;
      temp[y * width + x] = sum / count;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      let count = 0;
      for (let v = Math.max(0, y - radius); v <= Math.min(height - 1, y + radius); v++, count++) sum += temp[v * width + x] ?? 0;
      output[y * width + x] = sum / count;
    }
  }
  return output;
}

/** Value noise in [0, 1], smooth over `cell` pixels. */
function smoothNoise(width: number, height: number, cell: number, random: () => number): Float32Array {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const grid = new Float32Array(gw * gh);
  for (let i = 0; i < grid.length; i++) grid[i] = random();
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const gy = y / cell;
    const iy = Math.floor(gy);
    const fy = gy - iy;
    for (let x = 0; x < width; x++) {
      const gx = x / cell;
      const ix = Math.floor(gx);
      const fx = gx - ix;
      const a = grid[iy * gw + ix] ?? 0;
      const b = grid[iy * gw + ix + 1] ?? 0;
      const c = grid[(iy + 1) * gw + ix] ?? 0;
      const d = grid[(iy + 1) * gw + ix + 1] ?? 0;
      const sx = fx * fx * (3 - 2 * fx);
      const sy = fy * fy * (3 - 2 * fy);
      out[y * width + x] = a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy;
    }
  }
  return out;
}
