/**
 * The handful of OpenCV 4 operations NFIQ 2 (usnistgov/NFIQ2 v2.3) relies on,
 * re-implemented with OpenCV's own arithmetic so that the native quality
 * measures come out bit-for-bit where it matters (thresholds, histogram
 * bins, pixel counts). Each function says which OpenCV call it stands for and
 * which detail of that call it reproduces. All buffers are row-major typed
 * arrays; nothing here allocates per pixel.
 */

/** cvRound: round half to even (OpenCV's saturate_cast<int>(double) on x86-64, SSE2 cvtsd2si). */
export function cvRound(v: number): number {
  let r = Math.round(v); // half up
  if (r - v === 0.5 && (r & 1) !== 0) r -= 1;
  return r;
}

/** C `round`: half away from zero (NIST rounds the ridge/valley regression to 10 decimals with it). */
export function cRound(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}

/**
 * cv::sum of a run of doubles (sum64f in core/src/sum.simd.hpp): no SIMD for
 * 64F, and CV_ENABLE_UNROLLED adds four values to each other before adding
 * them to the running sum. The grouping matters in the last bit.
 */
export function cvSum64(v: ArrayLike<number>, start = 0, end = v.length): number {
  let s = 0;
  let i = start;
  for (; i <= end - 4; i += 4) s += v[i]! + v[i + 1]! + v[i + 2]! + v[i + 3]!;
  for (; i < end; i++) s += v[i]!;
  return s;
}

/** cv::mean of a run of doubles: the sum times 1/n (mean.dispatch.cpp), not the sum divided by n. */
export function cvMean64(v: ArrayLike<number>, start = 0, end = v.length): number {
  const n = end - start;
  return n === 0 ? 0 : cvSum64(v, start, end) * (1 / n);
}

/**
 * cv::meanStdDev of a run of doubles (sumsqr_ without SIMD for 64F: one
 * sequential pass of sum and sum of squares), population deviation computed
 * as sqrt(max(E[x²] − E[x]², 0)) with E[·] = Σ · × (1/n).
 */
export function cvMeanStdDev64(v: ArrayLike<number>, start = 0, end = v.length): { mean: number; stdDev: number } {
  const n = end - start;
  if (n === 0) return { mean: 0, stdDev: 0 };
  let s = 0;
  let sq = 0;
  for (let i = start; i < end; i++) {
    const x = v[i]!;
    s += x;
    sq += x * x;
  }
  const scale = 1 / n;
  const mean = s * scale;
  return { mean, stdDev: Math.sqrt(Math.max(sq * scale - mean * mean, 0)) };
}

/**
 * cv::meanStdDev of 8-bit pixels: exact integer sums, then × 1/n (population
 * standard deviation). Mu and the ridge segmentation both start from it.
 */
export function cvMeanStdDev8u(pixels: Uint8Array, n = pixels.length): { mean: number; stdDev: number } {
  let s = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const v = pixels[i]!;
    s += v;
    sq += v * v;
  }
  const scale = 1 / n;
  const mean = s * scale;
  return { mean, stdDev: Math.sqrt(Math.max(sq * scale - mean * mean, 0)) };
}

/** cv::borderInterpolate for BORDER_REFLECT_101 (gfedcb|abcdefgh|gfedcba), repeated for short rows. */
export function reflect101(p: number, len: number): number {
  if (len === 1) return 0;
  while (p < 0 || p >= len) p = p < 0 ? -p : 2 * len - 2 - p;
  return p;
}

/**
 * Correctly rounded a·b + c (softfloat's mulAdd, which OpenCV uses to derive
 * a Gaussian's σ from its size). Exact through BigInt, rounded once by
 * Number(bigint) (round half to even).
 */
/** One 8-byte view reused by fusedMulAdd (it runs 256 times per image for the ridge segmentation's table). */
const fmaView = new DataView(new ArrayBuffer(8));

export function fusedMulAdd(a: number, b: number, c: number): number {
  const parts = (x: number): { m: bigint; e: number } => {
    if (x === 0) return { m: 0n, e: 0 };
    const buf = fmaView;
    buf.setFloat64(0, x);
    const hi = buf.getUint32(0);
    const lo = buf.getUint32(4);
    const sign = hi >>> 31 ? -1n : 1n;
    const exp = (hi >>> 20) & 0x7ff;
    let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    if (exp !== 0) m |= 1n << 52n;
    return { m: sign * m, e: (exp === 0 ? 1 : exp) - 1075 };
  };
  const pa = parts(a);
  const pb = parts(b);
  const pc = parts(c);
  const prodM = pa.m * pb.m;
  const prodE = pa.e + pb.e;
  const e = Math.min(prodE, pc.e);
  const total = (prodM << BigInt(prodE - e)) + (pc.m << BigInt(pc.e - e));
  // Scale so that the BigInt→Number rounding is the only rounding.
  return Number(total) * 2 ** e;
}

const gaussianKernelCache = new Map<number, Int32Array>();

/**
 * The 8-bit fixed-point kernel cv::GaussianBlur(CV_8U, Size(n, n), 0) uses
 * (smooth.dispatch.cpp: getGaussianKernelBitExact, then
 * getGaussianKernelFixedPoint_ED with 8 fraction bits, i.e. ufixedpoint16):
 * σ = fma(n, 0.15, 0.35); k(x) = exp(−x²/(8σ²)) for x = 1−n, 3−n, … (twice
 * the offset, hence −0.125); normalised by 1/(2Σ + 1); then quantised to
 * 1/256 from the outside in, carrying the rounding error inwards, the centre
 * taking whatever makes the kernel sum to exactly 256.
 */
export function gaussianKernelQ8(n: number): Int32Array {
  const cached = gaussianKernelCache.get(n);
  if (cached) return cached;
  if (n < 9 || (n & 1) === 0) throw new RangeError(`gaussianKernelQ8 supports odd sizes ≥ 9 (asked ${n})`);
  const sigma = fusedMulAdd(n, 0.15, 0.35);
  const scale2 = -0.125 / (sigma * sigma);
  const half = (n - 1) / 2;
  const values = new Float64Array(half);
  let sum = 0;
  for (let i = 0, x = 1 - n; i < half; i++, x += 2) {
    const t = Math.exp(x * x * scale2);
    values[i] = t;
    sum += t;
  }
  sum *= 2;
  sum += 1;
  sum = 1 / sum;
  const out = new Int32Array(n);
  let err = 0;
  let total = 0;
  for (let i = 0; i < half; i++) {
    const adj = values[i]! * sum * 256 + err;
    const v = cvRound(adj);
    err = adj - v;
    out[i] = v;
    out[n - 1 - i] = v;
    total += v;
  }
  out[half] = 256 - 2 * total;
  gaussianKernelCache.set(n, out);
  return out;
}

/** Reusable buffers for gaussianBlur8u, sized for one image and the largest kernel. */
export interface BlurScratch {
  width: number;
  height: number;
  maxKernel: number;
  /** The source, three columns per double (see gaussianBlur8u). */
  packed: Float64Array;
  /**
   * Vertical-pass result, Σ k·p in units of 1/256, already packed for the horizontal pass: rows 2q and
   * 2q + 1 share row q of this buffer (gaussianBlur8u only).
   */
  vertical: Float64Array;
  /** Vertical running sums of one output row, three columns per double. */
  acc: Float64Array;
  /** Two rows of the vertical result with the reflected border, two rows per double. */
  padded: Float64Array;
  /** Horizontal slides of one row pair. */
  steps: Float64Array;
  /** Reflected source column / row offsets for the current kernel. */
  colIndex: Int32Array;
  rowIndex: Int32Array;
  /** Histogram of the last blur's output (256 bins), for Otsu without another pass. */
  hist: Float64Array;
  /** Per-term offsets of the current slide (at most (maxKernel + 1) / 2 terms). */
  near: Int32Array;
  far: Int32Array;
  farOffsets: Int32Array;
  /** Positions of the edges (0/1 changes) in one padded binary row (gaussianBlurBinary8u). */
  edges: Int32Array;
  /** Per packed column, how many row changes the vertical window holds (gaussianBlurBinary8u). */
  live: Int32Array;
  /** The binarised source, 0 or 255 (gaussianBlurBinary8u). */
  binary: Uint8Array;
  /** Prefix sums of the current kernel (gaussianBlurBinary8u). */
  kPrefix: Int32Array;
}

/**
 * Buffers for one image size. With `reuse`, its arrays are kept wherever they are long enough (the passes
 * index them from 0 and never rely on their length), so images of varying trimmed size do not reallocate
 * and collect megabytes per call.
 */
export function blurScratch(width: number, height: number, maxKernel: number, reuse?: BlurScratch): BlurScratch {
  const w3 = Math.ceil(width / 3);
  const f64 = (old: Float64Array | undefined, n: number) => (old !== undefined && old.length >= n ? old : new Float64Array(n));
  const i32 = (old: Int32Array | undefined, n: number) => (old !== undefined && old.length >= n ? old : new Int32Array(n));
  return {
    width,
    height,
    maxKernel,
    // Three columns per double.
    packed: f64(reuse?.packed, w3 * height),
    vertical: f64(reuse?.vertical, Math.ceil(height / 2) * width),
    acc: f64(reuse?.acc, w3),
    padded: f64(reuse?.padded, width + maxKernel),
    steps: f64(reuse?.steps, width),
    colIndex: i32(reuse?.colIndex, width + maxKernel),
    rowIndex: i32(reuse?.rowIndex, height + maxKernel),
    hist: f64(reuse?.hist, 256),
    near: i32(reuse?.near, maxKernel),
    far: i32(reuse?.far, maxKernel),
    farOffsets: i32(reuse?.farOffsets, maxKernel),
    edges: i32(reuse?.edges, width + maxKernel),
    live: i32(reuse?.live, w3),
    binary: reuse !== undefined && reuse.binary.length >= width * height ? reuse.binary : new Uint8Array(width * height),
    kPrefix: i32(reuse?.kPrefix, maxKernel + 1),
  };
}

/**
 * The kernel as its nonzero first differences d_m = k_{m−1} − k_m
 * (k_{−1} = k_n = 0), m = 0 … (n−1)/2. Sliding the window one pixel changes
 * Σ k_i·p_{x+i} by Σ_{m=0…n} d_m·p_{x+m}, and the kernel's symmetry gives
 * d_{n−m} = −d_m, so the change is Σ d_m·(p_{x+m} − p_{x+n−m}) over the
 * first half only: 12 terms for the 41-tap kernel, 16 for the 91-tap one.
 */
interface KernelSteps {
  offsets: Int32Array;
  weights: Int32Array;
}

const kernelStepsCache = new Map<number, KernelSteps>();

function kernelSteps(n: number): KernelSteps {
  const cached = kernelStepsCache.get(n);
  if (cached) return cached;
  const k = gaussianKernelQ8(n);
  const offsets: number[] = [];
  const weights: number[] = [];
  for (let m = 0; m <= (n - 1) / 2; m++) {
    const d = (m === 0 ? 0 : k[m - 1]!) - k[m]!;
    if (d !== 0) {
      offsets.push(m);
      weights.push(d);
    }
  }
  const steps = { offsets: Int32Array.from(offsets), weights: Int32Array.from(weights) };
  kernelStepsCache.set(n, steps);
  return steps;
}

// Lane multipliers for the packed (SWAR) passes of gaussianBlur8u. A lane of the vertical pass ends each
// row between 0 and 255 · 256 = 65280 < 2¹⁷; a lane of the horizontal pass ends between 0 and 65280 · 256 =
// 16711680 < 2²⁵. Three 17-bit lanes (< 2⁵¹) or two 25-bit lanes (< 2⁵⁰) stay exact in a double, including
// the partial sums in between (|·| < 2⁵²), so every packed sum is the exact packed value of the lane sums.
const LANE17 = 2 ** 17;
const LANE34 = 2 ** 34;
const INV17 = 2 ** -17;
const INV34 = 2 ** -34;
const LANE25 = 2 ** 25;
const INV25 = 2 ** -25;

/**
 * acc[j] += Σ_t w_t · (src[near_t + j] − src[far_t + j]) for start ≤ j < end: one slide of the kernel. The terms go
 * four at a time so that acc is loaded and stored once per four terms. Exact: integers below 2⁵³.
 */
function addSteps(acc: Float64Array, src: Float64Array, start: number, end: number, near: Int32Array, far: Int32Array, weights: Int32Array, nt: number): void {
  let t = 0;
  for (; t + 8 <= nt; t += 8) {
    const a0 = near[t]!, b0 = far[t]!, w0 = weights[t]!;
    const a1 = near[t + 1]!, b1 = far[t + 1]!, w1 = weights[t + 1]!;
    const a2 = near[t + 2]!, b2 = far[t + 2]!, w2 = weights[t + 2]!;
    const a3 = near[t + 3]!, b3 = far[t + 3]!, w3 = weights[t + 3]!;
    const a4 = near[t + 4]!, b4 = far[t + 4]!, w4 = weights[t + 4]!;
    const a5 = near[t + 5]!, b5 = far[t + 5]!, w5 = weights[t + 5]!;
    const a6 = near[t + 6]!, b6 = far[t + 6]!, w6 = weights[t + 6]!;
    const a7 = near[t + 7]!, b7 = far[t + 7]!, w7 = weights[t + 7]!;
    for (let j = start; j < end; j++) {
      acc[j] =
        acc[j]! +
        (w0 * (src[a0 + j]! - src[b0 + j]!) +
          w1 * (src[a1 + j]! - src[b1 + j]!) +
          w2 * (src[a2 + j]! - src[b2 + j]!) +
          w3 * (src[a3 + j]! - src[b3 + j]!) +
          (w4 * (src[a4 + j]! - src[b4 + j]!) + w5 * (src[a5 + j]! - src[b5 + j]!) + w6 * (src[a6 + j]! - src[b6 + j]!) + w7 * (src[a7 + j]! - src[b7 + j]!)));
    }
  }
  for (; t + 4 <= nt; t += 4) {
    const a0 = near[t]!, b0 = far[t]!, w0 = weights[t]!;
    const a1 = near[t + 1]!, b1 = far[t + 1]!, w1 = weights[t + 1]!;
    const a2 = near[t + 2]!, b2 = far[t + 2]!, w2 = weights[t + 2]!;
    const a3 = near[t + 3]!, b3 = far[t + 3]!, w3 = weights[t + 3]!;
    for (let j = start; j < end; j++) {
      acc[j] = acc[j]! + (w0 * (src[a0 + j]! - src[b0 + j]!) + w1 * (src[a1 + j]! - src[b1 + j]!) + w2 * (src[a2 + j]! - src[b2 + j]!) + w3 * (src[a3 + j]! - src[b3 + j]!));
    }
  }
  for (; t < nt; t++) {
    const a = near[t]!, b = far[t]!, w = weights[t]!;
    for (let j = start; j < end; j++) acc[j] = acc[j]! + w * (src[a + j]! - src[b + j]!);
  }
}

/**
 * cv::GaussianBlur(src, dst, Size(n, n), 0) on an 8-bit image: OpenCV 4's
 * bit-exact fixed-point path (GaussianBlurFixedPoint, BORDER_REFLECT_101):
 * the result is (Σ_j k_j Σ_i k_i p + 2¹⁵) >> 16 with the Q8 kernel, an exact
 * integer double sum, so the passes may run in either order and the terms
 * in any grouping. Here:
 * - vertical pass first, three columns packed per double (lanes of 2¹⁷),
 *   the first row of sums computed directly and every next row by adding the
 *   kernel's nonzero first differences (kernelSteps: 12 terms for 41 taps,
 *   16 for 91, instead of 41 or 91);
 * - horizontal pass on two rows at once (lanes of 2²⁵), same sliding form.
 * cv-reference.ts holds the direct form; fast-paths.test.ts checks both
 * agree bit for bit on hundreds of images.
 */
export function gaussianBlur8u(src: Uint8Array, dst: Uint8Array, width: number, height: number, n: number, s: BlurScratch): void {
  if (s.width !== width || s.height !== height || s.maxKernel < n) throw new RangeError(`blur scratch is for ${s.width} × ${s.height}, kernel ≤ ${s.maxKernel}`);
  const k = gaussianKernelQ8(n);
  const { offsets, weights } = kernelSteps(n);
  const nt = offsets.length;
  const near = s.near;
  const far = s.far;
  for (let t = 0; t < nt; t++) s.farOffsets[t] = n - offsets[t]!;
  const r = (n - 1) / 2;
  const w3 = Math.ceil(width / 3);
  const full3 = Math.floor(width / 3);

  // Pack the source, three columns per double.
  const pk = s.packed;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const prow = y * w3;
    for (let j = 0, x = row; j < full3; j++, x += 3) pk[prow + j] = src[x]! + src[x + 1]! * LANE17 + src[x + 2]! * LANE34;
    if (full3 < w3) {
      const x = row + 3 * full3;
      pk[prow + full3] = src[x]! + (3 * full3 + 1 < width ? src[x + 1]! * LANE17 : 0);
    }
  }

  // Vertical pass.
  const rowIndex = s.rowIndex;
  const padH = height + n - 1;
  for (let i = 0; i < padH; i++) rowIndex[i] = reflect101(i - r, height) * w3;
  const acc = s.acc;
  const v = s.vertical;
  acc.fill(0);
  for (let i = 0; i < n; i++) {
    const ki = k[i]!;
    if (ki === 0) continue;
    const from = rowIndex[i]!;
    for (let j = 0; j < w3; j++) acc[j] = acc[j]! + ki * pk[from + j]!;
  }
  for (let y = 0; ; y++) {
    // Unpack three columns, repack as the low (even y) or high (odd y) lane of a row pair.
    const out = (y >> 1) * width;
    const odd = (y & 1) === 1;
    for (let j = 0; j < full3; j++) {
      let a = acc[j]!;
      const c = Math.floor(a * INV34);
      a -= c * LANE34;
      const b = Math.floor(a * INV17);
      a -= b * LANE17;
      const x = out + 3 * j;
      if (odd) {
        v[x] = v[x]! + a * LANE25;
        v[x + 1] = v[x + 1]! + b * LANE25;
        v[x + 2] = v[x + 2]! + c * LANE25;
      } else {
        v[x] = a;
        v[x + 1] = b;
        v[x + 2] = c;
      }
    }
    if (full3 < w3) {
      let a = acc[full3]!;
      const c = Math.floor(a * INV34);
      a -= c * LANE34;
      const b = Math.floor(a * INV17);
      a -= b * LANE17;
      const x = out + 3 * full3;
      const lanes = width - 3 * full3;
      v[x] = odd ? v[x]! + a * LANE25 : a;
      if (lanes > 1) v[x + 1] = odd ? v[x + 1]! + b * LANE25 : b;
    }
    if (y === height - 1) break;
    for (let t = 0; t < nt; t++) {
      near[t] = rowIndex[y + offsets[t]!]!;
      far[t] = rowIndex[y + n - offsets[t]!]!;
    }
    addSteps(acc, pk, 0, w3, near, far, weights, nt);
  }

  // Horizontal pass, two rows at a time.
  const colIndex = s.colIndex;
  const padW = width + n - 1;
  for (let i = 0; i < padW; i++) colIndex[i] = reflect101(i - r, width);
  const pad = s.padded;
  const steps = s.steps;
  const hist = s.hist;
  hist.fill(0);
  for (let y = 0; y < height; y += 2) {
    const row0 = y * width;
    const pair = y + 1 < height;
    const row1 = row0 + width;
    const packedRow = (y >> 1) * width;
    // The row itself is copied whole; only the reflected borders go through colIndex.
    pad.set(v.subarray(packedRow, packedRow + width), r);
    for (let i = 0; i < r; i++) pad[i] = v[packedRow + colIndex[i]!]!;
    for (let i = r + width; i < padW; i++) pad[i] = v[packedRow + colIndex[i]!]!;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += k[i]! * pad[i]!;
    steps.fill(0, 0, width - 1);
    addSteps(steps, pad, 0, width - 1, offsets, s.farOffsets, weights, nt);
    // The histogram is counted in runs of equal values (blurred rows are smooth): incrementing one bin
    // per pixel would chain every pixel's store to the next one's load.
    let last0 = 0;
    let run0 = 0;
    let last1 = 0;
    let run1 = 0;
    for (let x = 0; ; x++) {
      const hi = Math.floor(sum * INV25);
      const lo = sum - hi * LANE25;
      // (Σ + 2¹⁵) >> 16 ≤ (255 · 2¹⁶ + 2¹⁵) >> 16 = 255: no clamp needed.
      const va = (lo + 32768) >> 16;
      dst[row0 + x] = va;
      if (va === last0) run0++;
      else {
        hist[last0] = hist[last0]! + run0;
        last0 = va;
        run0 = 1;
      }
      if (pair) {
        const vb = (hi + 32768) >> 16;
        dst[row1 + x] = vb;
        if (vb === last1) run1++;
        else {
          hist[last1] = hist[last1]! + run1;
          last1 = vb;
          run1 = 1;
        }
      }
      if (x === width - 1) break;
      sum += steps[x]!;
    }
    hist[last0] = hist[last0]! + run0;
    hist[last1] = hist[last1]! + run1;
  }
}

/**
 * gaussianBlur8u of binarise(src, threshold) — an image whose pixels are all
 * 0 or 255, as the second blur of NIST's ROI — without binarising first
 * (the default threshold 0 takes a 0/255 image as it is). Same result: with
 * b = p / 255 ∈ {0, 1} the result is (255 · Σ_i k_i Σ_j k_j b + 2¹⁵) >> 16,
 * an exact integer sum, so the passes may run in either order. Here:
 * - horizontal pass first, in event form: a binary row is piecewise constant,
 *   and sliding the window one pixel changes Σ k_j b by Σ k_{z−x−1}·(b_z −
 *   b_{z−1}) over the edges z the window reaches, so a row costs one pass
 *   plus n adds per edge (rows with many edges, such as noise, take the
 *   sliding-difference form of gaussianBlur8u instead);
 * - vertical pass on three columns per double (lanes of 2¹⁷: Σ k·h ≤ 65536),
 *   sliding by the kernel's first differences, but only in the packed
 *   columns where the horizontal result changes within the window (a
 *   constant window slides by exactly 0). Away from the ROI's outline, which
 *   is most of a fingerprint image, nothing is computed.
 * fast-paths.test.ts checks it against binarise + the direct form. Like
 * gaussianBlur8u, it leaves the histogram of its output in s.hist.
 */
export function gaussianBlurBinary8u(src: Uint8Array, dst: Uint8Array, width: number, height: number, n: number, s: BlurScratch, threshold = 0): void {
  if (s.width !== width || s.height !== height || s.maxKernel < n) throw new RangeError(`blur scratch is for ${s.width} × ${s.height}, kernel ≤ ${s.maxKernel}`);
  const k = gaussianKernelQ8(n);
  const { offsets, weights } = kernelSteps(n);
  const nt = offsets.length;
  const near = s.near;
  const far = s.far;
  for (let t = 0; t < nt; t++) s.farOffsets[t] = n - offsets[t]!;
  const r = (n - 1) / 2;
  const w3 = Math.ceil(width / 3);
  const full3 = Math.floor(width / 3);
  const tail = width - 3 * full3; // pixels in the last, partly filled packed column (0, 1 or 2)
  const t = threshold;

  // Horizontal pass, one row at a time, into pk: three columns per double.
  const colIndex = s.colIndex;
  const padW = width + n - 1;
  for (let i = 0; i < padW; i++) colIndex[i] = reflect101(i - r, width);
  const bp = s.padded; // the binary row with its reflected border, 0 or 1
  // The image binarised once, word-wise (255 where p > t): rows then yield their edges through indexOf.
  const bin = s.binary;
  binariseWords(src, bin, t, width * height);
  const kPrefix = s.kPrefix; // kPrefix[i] = Σ_{j<i} k_j
  kPrefix[0] = 0;
  for (let i = 0; i < n; i++) kPrefix[i + 1] = kPrefix[i]! + k[i]!;
  const hs = s.steps; // hs[x] = h(x + 1) − h(x)
  const edges = s.edges;
  const pk = s.packed;
  // An edge costs n adds, the sliding form nt per pixel: take whichever is cheaper for the row.
  const maxEdges = Math.floor((nt * width) / n);
  const ones = LANE17 + LANE34 + 1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const prow = y * w3;
    // (t − p) >>> 31 is 1 exactly when p > t (both 0 … 255). The reflected borders go through colIndex, the
    // row itself is read in order.
    let prev = (t - src[row + colIndex[0]!]!) >>> 31;
    bp[0] = prev;
    let count = 0;
    for (let i = 1; i < r; i++) {
      const b = (t - src[row + colIndex[i]!]!) >>> 31;
      bp[i] = b;
      if (b !== prev) {
        edges[count++] = i;
        prev = b;
      }
    }
    // The row itself: its edges straight from the binarised copy, one native indexOf per run (a binarised
    // blur has a few runs per row); bp is filled here only for rows that take the sliding form below.
    const brow = bin.subarray(row, row + width);
    const bp0 = bp[0]!;
    for (let x = 0; x < width; ) {
      const next = brow.indexOf(prev === 1 ? 0 : 255, x);
      if (next === -1) break;
      edges[count++] = next + r;
      prev ^= 1;
      x = next + 1;
    }
    for (let i = r + width; i < padW; i++) {
      const b = (t - src[row + colIndex[i]!]!) >>> 31;
      bp[i] = b;
      if (b !== prev) {
        edges[count++] = i;
        prev = b;
      }
    }
    if (count === 0) {
      // Uniform row (reflection included): h = 256 · b everywhere.
      const h = 256 * prev;
      pk.fill(h * ones, prow, prow + full3);
      if (tail > 0) pk[prow + full3] = tail === 1 ? h : h + h * LANE17;
      continue;
    }
    // h(0) = Σ_{i<n} k_i·bp_i, from the edges: bp is 1 on every other stretch between them (prefix sums of k).
    let h = 0;
    {
      let v = bp0;
      let from = 0;
      for (let e = 0; e < count; e++) {
        const z = edges[e]!;
        if (z >= n) break;
        if (v === 1) h += kPrefix[z]! - kPrefix[from]!;
        v ^= 1;
        from = z;
      }
      if (v === 1) h += kPrefix[n]! - kPrefix[from]!;
    }
    hs.fill(0, 0, width);
    if (count <= maxEdges) {
      for (let e = 0; e < count; e++) {
        // An edge at z moves h(x + 1) − h(x) by ±k[z − 1 − x] for every x whose window [x, x + n] holds z.
        // Values alternate at the edges, so the value after edge e is bp0 flipped e + 1 times.
        const z = edges[e]!;
        const lo = z - n > 0 ? z - n : 0;
        const hi = z - 1 < width - 2 ? z - 1 : width - 2;
        if ((bp0 ^ (e & 1)) === 0) for (let x = lo; x <= hi; x++) hs[x] = hs[x]! + k[z - 1 - x]!;
        else for (let x = lo; x <= hi; x++) hs[x] = hs[x]! - k[z - 1 - x]!;
      }
    } else {
      for (let x = 0; x < width; x++) bp[r + x] = brow[x]! & 1;
      addSteps(hs, bp, 0, width - 1, offsets, s.farOffsets, weights, nt);
    }
    for (let j = 0, x = 0; j < full3; j++, x += 3) {
      const h0 = h;
      h += hs[x]!;
      const h1 = h;
      h += hs[x + 1]!;
      pk[prow + j] = h0 + h1 * LANE17 + h * LANE34;
      h += hs[x + 2]!;
    }
    if (tail > 0) pk[prow + full3] = tail === 1 ? h : h + (h + hs[width - 2]!) * LANE17;
  }

  // Vertical pass.
  const rowIndex = s.rowIndex;
  const padH = height + n - 1;
  for (let i = 0; i < padH; i++) rowIndex[i] = reflect101(i - r, height) * w3;
  const acc = s.acc;
  acc.fill(0, 0, w3);
  for (let i = 0; i < n; i++) {
    const ki = k[i]!;
    if (ki === 0) continue;
    const from = rowIndex[i]!;
    for (let j = 0; j < w3; j++) acc[j] = acc[j]! + ki * pk[from + j]!;
  }
  // live[j] = how many padded rows z in (y, y + n] differ from row z − 1 in packed column j: the slide from
  // row y to y + 1 is Σ d_m · pk(y + m), m = 0 … n, which is exactly 0 when live[j] is 0.
  const live = s.live;
  live.fill(0, 0, w3);
  for (let z = 1; z <= n; z++) {
    const a = rowIndex[z]!;
    const b = rowIndex[z - 1]!;
    if (a === b) continue;
    for (let j = 0; j < w3; j++) if (pk[a + j] !== pk[b + j]) live[j]!++;
  }
  const hist = s.hist;
  hist.fill(0);
  for (let y = 0; ; y++) {
    // Decode three lanes per double: (255 · c + 2¹⁵) >> 16. Neighbouring packed columns are often equal
    // (all 0 or all 255 off the outline), so a repeated value is not decoded again. The histogram is
    // counted in runs, as in gaussianBlur8u.
    const out = y * width;
    let lastA = -1;
    let v0 = 0;
    let v1 = 0;
    let v2 = 0;
    let last = 0;
    let run = 0;
    for (let j = 0, x = out; j < full3; j++, x += 3) {
      const a = acc[j]!;
      if (a !== lastA) {
        lastA = a;
        const c2 = Math.floor(a * INV34);
        const rest = a - c2 * LANE34;
        const c1 = Math.floor(rest * INV17);
        v0 = (255 * (rest - c1 * LANE17) + 32768) >> 16;
        v1 = (255 * c1 + 32768) >> 16;
        v2 = (255 * c2 + 32768) >> 16;
      }
      dst[x] = v0;
      dst[x + 1] = v1;
      dst[x + 2] = v2;
      if (v0 === last && v1 === last && v2 === last) run += 3;
      else {
        hist[last] = hist[last]! + run;
        if (v0 === v1 && v1 === v2) {
          last = v0;
          run = 3;
        } else {
          hist[v0] = hist[v0]! + 1;
          hist[v1] = hist[v1]! + 1;
          last = v2;
          run = 1;
        }
      }
    }
    hist[last] = hist[last]! + run;
    if (tail > 0) {
      const a = acc[full3]!;
      const c1 = Math.floor(a * INV17);
      const u0 = (255 * (a - c1 * LANE17) + 32768) >> 16;
      dst[out + 3 * full3] = u0;
      hist[u0] = hist[u0]! + 1;
      if (tail === 2) {
        const u1 = (255 * c1 + 32768) >> 16;
        dst[out + 3 * full3 + 1] = u1;
        hist[u1] = hist[u1]! + 1;
      }
    }
    if (y === height - 1) break;
    for (let q = 0; q < nt; q++) {
      near[q] = rowIndex[y + offsets[q]!]!;
      far[q] = rowIndex[y + n - offsets[q]!]!;
    }
    for (let j = 0; j < w3; ) {
      while (j < w3 && live[j] === 0) j++;
      if (j === w3) break;
      const start = j;
      while (j < w3 && live[j] !== 0) j++;
      addSteps(acc, pk, start, j, near, far, weights, nt);
    }
    // Slide the window of row changes: (y + 1, y + n + 1] for the next step.
    const enter = y + n + 1;
    if (enter < padH) {
      const a = rowIndex[enter]!;
      const b = rowIndex[enter - 1]!;
      if (a !== b) for (let j = 0; j < w3; j++) if (pk[a + j] !== pk[b + j]) live[j]!++;
    }
    const leave = rowIndex[y + 1]!;
    const before = rowIndex[y]!;
    if (leave !== before) for (let j = 0; j < w3; j++) if (pk[leave + j] !== pk[before + j]) live[j]!--;
  }
}

/**
 * cv::erode with a size×size rectangle of ones, default anchor and border
 * (BORDER_CONSTANT with morphologyDefaultBorderValue: outside pixels never
 * win the minimum), as min over rows then over columns (a rectangle is
 * separable). For sizes up to 7 (NIST uses 5) four pixels are handled at once
 * in a 32-bit word (erodeSwar); larger sizes take the scalar path
 * (erodeScalar). fast-paths.test.ts checks both against the direct minimum.
 */
export function erodeRect(src: Uint8Array, dst: Uint8Array, width: number, height: number, size: number, tmp: Uint8Array): void {
  if (size < 2) {
    dst.set(src.subarray(0, width * height));
    return;
  }
  const r = size >> 1;
  const after = size - 1 - r;
  if (LITTLE_ENDIAN && r <= 3 && after <= 3) erodeSwar(src, dst, width, height, r, after);
  else erodeScalar(src, dst, width, height, r, after, tmp);
}

/** The word tricks below assume byte 0 of a Uint32 is its low byte (x86, ARM as Node runs them). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const HIGH = 0x80808080 | 0;
const LOW = 0x7f7f7f7f;

/**
 * Byte-wise unsigned minimum of two words (SWAR). Per byte, (a | 0x80) − (b & 0x7f) lies in 1…255, so no
 * borrow crosses bytes, and its top bit says whether a's low 7 bits ≥ b's; with the top bits compared
 * directly that gives a ≥ b per byte, spread to a byte mask by × 255 (each byte 0 or 1 before, no carry).
 */
function minBytes(a: number, b: number): number {
  const t = ((a | HIGH) - (b & LOW)) | 0;
  const ge = ((a & ~b) | (~(a ^ b) & t)) & HIGH;
  const mask = Math.imul(ge >>> 7, 255);
  return (b & mask) | (a & ~mask);
}

interface ErodeScratch {
  stride: number;
  height: number;
  row: Uint8Array;
  rowWords: Uint32Array;
  tmpWords: Uint32Array;
  out: Uint32Array;
  outBytes: Uint8Array;
  /** Pair rows of erodeSwar5 (allocated on first use). */
  pairWords: Uint32Array;
}

let erodeScratch: ErodeScratch | undefined;

function erodeBuffers(width: number, height: number): ErodeScratch {
  // 4 bytes of 255 before each row, at least 4 after, rows a whole number of words.
  const stride = (Math.ceil(width / 4) + 2) * 4;
  if (erodeScratch?.stride !== stride || erodeScratch.height !== height) {
    const row = new Uint8Array(stride);
    const out = new Uint32Array(stride / 4);
    // The image-sized arrays are kept when long enough (trimmed images vary in size); rows are indexed from 0.
    const words = (stride / 4) * height;
    const old = erodeScratch;
    erodeScratch = {
      stride,
      height,
      row,
      rowWords: new Uint32Array(row.buffer),
      tmpWords: old !== undefined && old.tmpWords.length >= words ? old.tmpWords : new Uint32Array(words),
      out,
      outBytes: new Uint8Array(out.buffer),
      pairWords: old?.pairWords ?? new Uint32Array(0),
    };
  }
  return erodeScratch;
}

/**
 * erodeRect four pixels per 32-bit word. Rows are copied into a buffer padded with 255 (which never wins a
 * minimum, exactly like the constant border), so the window needs no clipping. Row pass: the minimum of the
 * word and its neighbours shifted by 1…r bytes one way and 1…after the other (little-endian: byte k of a
 * word is bits 8k…8k+7). Column pass: word-wise minimum of whole padded rows.
 */
function erodeSwar(src: Uint8Array, dst: Uint8Array, width: number, height: number, r: number, after: number): void {
  const b = erodeBuffers(width, height);
  const words = b.stride / 4;
  const { row, rowWords, tmpWords, out, outBytes } = b;
  const lastWord = 1 + Math.ceil(width / 4); // words 1 … lastWord − 1 hold pixels; 0 and lastWord are padding
  row.fill(255);
  if (r === 2 && after === 2) {
    erodeSwar5(src, dst, width, height, b);
    return;
  }
  for (let y = 0; y < height; y++) {
    row.set(src.subarray(y * width, y * width + width), 4);
    const base = y * words;
    for (let j = 1; j < lastWord; j++) {
      const w = rowWords[j]!;
      const prev = rowWords[j - 1]!;
      const next = rowWords[j + 1]!;
      let m = w;
      for (let k = 1; k <= r; k++) m = minBytes(m, (w << (8 * k)) | (prev >>> (32 - 8 * k)));
      for (let k = 1; k <= after; k++) m = minBytes(m, (w >>> (8 * k)) | (next << (32 - 8 * k)));
      tmpWords[base + j] = m;
    }
  }
  for (let y = 0; y < height; y++) {
    const y0 = y < r ? 0 : y - r;
    const y1 = y + after >= height ? height - 1 : y + after;
    out.set(tmpWords.subarray(y0 * words + 1, y0 * words + lastWord), 1);
    for (let v = y0 + 1; v <= y1; v++) {
      const base = v * words;
      for (let j = 1; j < lastWord; j++) out[j] = minBytes(out[j]!, tmpWords[base + j]!);
    }
    dst.set(outBytes.subarray(4, 4 + width), y * width);
  }
}

/**
 * erodeSwar for NIST's 5 × 5 with three word minima per pass instead of four: the minimum of pixels
 * x … x + 1 (pairs) is shared, min(x − 2 … x + 2) = min(pair(x − 2), pair(x), x + 2), along rows within a
 * word and down columns with pair rows. Rows within 2 of the top or bottom take the clipped window.
 */
function erodeSwar5(src: Uint8Array, dst: Uint8Array, width: number, height: number, b: ErodeScratch): void {
  const words = b.stride / 4;
  const { row, rowWords, tmpWords, out, outBytes } = b;
  const pairWords = b.pairWords.length >= words * height ? b.pairWords : (b.pairWords = new Uint32Array(words * height));
  const lastWord = 1 + Math.ceil(width / 4);
  for (let y = 0; y < height; y++) {
    row.set(src.subarray(y * width, y * width + width), 4);
    const base = y * words;
    // Pair word of word 0 (padding), whose top bytes are the pairs of pixels −2 and −1.
    let w = rowWords[0]!;
    let next = rowWords[1]!;
    let pPrev = minBytes(w, (w >>> 8) | (next << 24));
    for (let j = 1; j < lastWord; j++) {
      w = next;
      next = rowWords[j + 1]!;
      const p = minBytes(w, (w >>> 8) | (next << 24));
      tmpWords[base + j] = minBytes(minBytes((p << 16) | (pPrev >>> 16), p), (w >>> 16) | (next << 16));
      pPrev = p;
    }
  }
  // Pair rows: pairWords row y = min(rows y, y + 1).
  for (let y = 0; y + 1 < height; y++) {
    const base = y * words;
    for (let j = 1; j < lastWord; j++) pairWords[base + j] = minBytes(tmpWords[base + j]!, tmpWords[base + words + j]!);
  }
  for (let y = 0; y < height; y++) {
    if (y >= 2 && y + 2 < height) {
      const p0 = (y - 2) * words;
      const p1 = y * words;
      const last = (y + 2) * words;
      for (let j = 1; j < lastWord; j++) out[j] = minBytes(minBytes(pairWords[p0 + j]!, pairWords[p1 + j]!), tmpWords[last + j]!);
    } else {
      const y0 = y < 2 ? 0 : y - 2;
      const y1 = y + 2 >= height ? height - 1 : y + 2;
      out.set(tmpWords.subarray(y0 * words + 1, y0 * words + lastWord), 1);
      for (let v = y0 + 1; v <= y1; v++) {
        const base = v * words;
        for (let j = 1; j < lastWord; j++) out[j] = minBytes(out[j]!, tmpWords[base + j]!);
      }
    }
    dst.set(outBytes.subarray(4, 4 + width), y * width);
  }
}

/** erodeRect one pixel at a time (sizes above 7). */
function erodeScalar(src: Uint8Array, dst: Uint8Array, width: number, height: number, r: number, after: number, tmp: Uint8Array): void {
  const pairs = erodePairs(Math.max(width, height));
  for (let y = 0; y < height; y++) runMin(src, y * width, 1, width, r, after, tmp, y * width, 1, pairs);
  // Columns, a whole row at a time so that memory is read in order.
  for (let y = 0; y < height; y++) {
    const y0 = y < r ? 0 : y - r;
    const y1 = y + after >= height ? height - 1 : y + after;
    const out = y * width;
    dst.set(tmp.subarray(y0 * width, y0 * width + width), out);
    for (let j = y0 + 1; j <= y1; j++) {
      const from = j * width;
      for (let x = 0; x < width; x++) {
        const m = dst[out + x]!;
        const d = tmp[from + x]! - m;
        dst[out + x] = m + (d & (d >> 31));
      }
    }
  }
}

const pairScratch: { buf: Int32Array } = { buf: new Int32Array(0) };
function erodePairs(len: number): Int32Array {
  if (pairScratch.buf.length < len) pairScratch.buf = new Int32Array(len);
  return pairScratch.buf;
}

/** Minimum over the window [i − r, i + after] ∩ [0, len) of a strided run, for every i. */
function runMin(src: Uint8Array, start: number, stride: number, len: number, r: number, after: number, dst: Uint8Array, outStart: number, outStride: number, pairs: Int32Array): void {
  // pairs[i] = min(src[i], src[i + 1]) (the last element alone).
  for (let i = 0, p = start; i < len; i++, p += stride) {
    const a = src[p]!;
    if (i + 1 < len) {
      const d = src[p + stride]! - a;
      pairs[i] = a + (d & (d >> 31));
    } else pairs[i] = a;
  }
  for (let i = 0, o = outStart; i < len; i++, o += outStride) {
    const lo = i < r ? 0 : i - r;
    const hi = i + after >= len ? len - 1 : i + after;
    let m = lo < hi ? pairs[lo]! : src[start + lo * stride]!;
    let j = lo + 2;
    for (; j < hi; j += 2) {
      const d = pairs[j]! - m;
      m += d & (d >> 31);
    }
    if (j === hi) {
      const d = src[start + hi * stride]! - m;
      m += d & (d >> 31);
    }
    dst[o] = m;
  }
}

/**
 * The threshold cv::threshold(src, dst, 0, 255, THRESH_OTSU) picks
 * (thresh.cpp getThreshVal_Otsu_8u): maximises the between-class variance
 * over the 256-bin histogram, skipping splits where a class holds less than
 * FLT_EPSILON of the pixels; first maximum wins.
 */
export function otsuThreshold(src: Uint8Array, count = src.length): number {
  const hist = new Float64Array(256);
  for (let i = 0; i < count; i++) hist[src[i]!]!++;
  return otsuThresholdOfHistogram(hist, count);
}

/** otsuThreshold from a ready 256-bin histogram of `count` pixels (the blurs leave one in their scratch). */
export function otsuThresholdOfHistogram(hist: Float64Array, count: number): number {
  const FLT_EPSILON = 1.1920928955078125e-7;
  const scale = 1 / count;
  let mu = 0;
  for (let i = 0; i < 256; i++) mu += i * hist[i]!;
  mu *= scale;
  let mu1 = 0;
  let q1 = 0;
  let maxSigma = 0;
  let maxVal = 0;
  for (let i = 0; i < 256; i++) {
    const p = hist[i]! * scale;
    mu1 *= q1;
    q1 += p;
    const q2 = 1 - q1;
    if (Math.min(q1, q2) < FLT_EPSILON || Math.max(q1, q2) > 1 - FLT_EPSILON) continue;
    mu1 = (mu1 + i * p) / q1;
    const mu2 = (mu - q1 * mu1) / q2;
    const sigma = q1 * q2 * (mu1 - mu2) * (mu1 - mu2);
    if (sigma > maxSigma) {
      maxSigma = sigma;
      maxVal = i;
    }
  }
  return maxVal;
}

/** THRESH_BINARY with an integer threshold: 255 where src > t, else 0 (in place allowed). */
export function binarise(src: Uint8Array, dst: Uint8Array, t: number, count = src.length): void {
  for (let i = 0; i < count; i++) dst[i] = src[i]! > t ? 255 : 0;
}

/**
 * binarise four pixels per 32-bit word (byte-wise p ≥ t + 1 as in minBytes, spread to 0xff), for buffers
 * that start on a word boundary; otherwise, or with t ≥ 255 (nothing is above it), the plain form.
 * fast-paths.test.ts checks it against binarise.
 */
export function binariseWords(src: Uint8Array, dst: Uint8Array, t: number, count = src.length): void {
  if (!LITTLE_ENDIAN || t >= 255 || t < 0 || src.byteOffset % 4 !== 0 || dst.byteOffset % 4 !== 0) {
    binarise(src, dst, t, count);
    return;
  }
  const words = count >>> 2;
  const s32 = new Uint32Array(src.buffer, src.byteOffset, words);
  const d32 = new Uint32Array(dst.buffer, dst.byteOffset, words);
  const b = Math.imul(t + 1, 0x01010101);
  const notB = ~b;
  const lowB = b & LOW;
  for (let i = 0; i < words; i++) {
    const a = s32[i]!;
    const ge = ((a & notB) | (~(a ^ b) & (((a | HIGH) - lowB) | 0))) & HIGH;
    d32[i] = Math.imul(ge >>> 7, 255);
  }
  for (let i = words * 4; i < count; i++) dst[i] = src[i]! > t ? 255 : 0;
}

/**
 * NIST's getRotatedBlock: getRotationMatrix2D(centre = (in/2, in/2),
 * degrees(orientation), 1) then warpAffine(INTER_NEAREST, BORDER_CONSTANT 0)
 * into an out×out block. warpAffine inverts the matrix and walks the
 * destination in 10-bit fixed point (imgwarp.cpp: AB_BITS = 10, coordinates
 * cvRound(v·1024), nearest = (X0 + 512 + Δx) >> 10), which decides which
 * source pixel is "nearest" on ties; reproduced here. Every destination
 * pixel depends only on its own coordinates, so computing just the `crop`
 * the caller reads gives the same values there.
 */
const rotateDeltas = { dx: new Int32Array(64), dy: new Int32Array(64) };

/** The part of the rotated block a caller reads (NIST crops the slanted block out of it); the rest of dst is left as it was. */
export interface RotateCrop {
  top: number;
  left: number;
  rows: number;
  cols: number;
}

export function rotateBlockNearest(
  src: Uint8Array,
  inSize: number,
  dst: Uint8Array,
  outSize: number,
  orientation: number,
  crop: RotateCrop = { top: 0, left: 0, rows: outSize, cols: outSize },
): void {
  rotateNearestFrom(src, inSize, 0, 0, inSize, 0, inSize, inSize, dst, outSize, orientation, crop);
}

/**
 * rotateBlockNearest of an inSize × inSize window that is not copied out first: window pixel (sx, sy) is
 * src[base + sy·stride + sx] when xLo ≤ sx < xHi and yLo ≤ sy < yHi, else 0. With the window's own
 * bounds [0, inSize) that is the window itself (rotateBlockNearest); narrowed to the part of the window
 * that lies inside the image, it is the zero-padded window extractWindow (blocks.ts) copies, read in place.
 * Same matrix, same fixed-point walk, so the same pixels.
 */
export function rotateNearestFrom(
  src: Uint8Array,
  stride: number,
  base: number,
  xLo: number,
  xHi: number,
  yLo: number,
  yHi: number,
  inSize: number,
  dst: Uint8Array,
  outSize: number,
  orientation: number,
  crop: RotateCrop,
): void {
  if (outSize > rotateDeltas.dx.length) rotateDeltas.dx = new Int32Array(outSize);
  if (outSize > rotateDeltas.dy.length) rotateDeltas.dy = new Int32Array(outSize);
  const degrees = orientation * (180 / Math.PI);
  const angle = degrees * (Math.PI / 180);
  const alpha = Math.cos(angle);
  const beta = Math.sin(angle);
  const c = inSize / 2;
  let m0 = alpha;
  let m1 = beta;
  let m2 = (1 - alpha) * c - beta * c;
  let m3 = -beta;
  let m4 = alpha;
  let m5 = beta * c + (1 - alpha) * c;
  // Invert (warpAffine without WARP_INVERSE_MAP).
  let d = m0 * m4 - m1 * m3;
  d = d !== 0 ? 1 / d : 0;
  const a11 = m4 * d;
  const a22 = m0 * d;
  m0 = a11;
  m1 *= -d;
  m3 *= -d;
  m4 = a22;
  const b1 = -m0 * m2 - m1 * m5;
  const b2 = -m3 * m2 - m4 * m5;
  m2 = b1;
  m5 = b2;
  // The per-column terms are the same on every row (warpAffine precomputes them as adelta/bdelta).
  const dx = rotateDeltas.dx;
  const dy = rotateDeltas.dy;
  const xEnd = crop.left + crop.cols;
  const yEnd = crop.top + crop.rows;
  for (let x = crop.left; x < xEnd; x++) {
    dx[x] = cvRound(m0 * x * 1024);
    dy[x] = cvRound(m3 * x * 1024);
  }
  // One unsigned comparison per axis: (s − lo) >>> 0 < span ⇔ lo ≤ s < hi.
  const xSpan = xHi - xLo;
  const ySpan = yHi - yLo;
  for (let y = crop.top; y < yEnd; y++) {
    const x0 = cvRound((m1 * y + m2) * 1024) + 512;
    const y0 = cvRound((m4 * y + m5) * 1024) + 512;
    const out = y * outSize;
    for (let x = crop.left; x < xEnd; x++) {
      const sx = (x0 + dx[x]!) >> 10;
      const sy = (y0 + dy[x]!) >> 10;
      dst[out + x] = (sx - xLo) >>> 0 < xSpan && (sy - yLo) >>> 0 < ySpan ? src[base + sy * stride + sx]! : 0;
    }
  }
}
