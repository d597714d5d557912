/**
 * How alike two fingerprint images are, 0…1: a cheap check that the same
 * finger was not captured at two positions (the applicant put the right
 * index down twice), not a matcher.
 *
 * Method: both images are brought to 250 ppi (box average; 500 ppi captures
 * halve, which keeps the ridges: 9.5 px at 500 ppi → ~4.75 px, above the
 * 2-px Nyquist limit), then each is band-normalised — the local mean (7 × 7
 * box) removed and divided by the local spread — so that pressure, contrast
 * and background do not count, only the ridge pattern. Pixels outside the
 * finger (local spread below a floor) are left out. The score is the best
 * normalised cross-correlation of the two patterns over shifts of up to
 * ±MAX_SHIFT_MM (every other pixel, the best few refined to the pixel, the best of
 * those refined at 500 ppi) in both directions (the finger lands a little elsewhere each
 * time), counted only where both have finger and only when the overlap is at
 * least MIN_OVERLAP of the smaller finger area; negative correlation counts
 * as 0.
 *
 * What it gives (similarity.test.ts, on device-simulators/fingerprint
 * synthetic prints): the same finger captured twice ≥ 0.99 (a shifted copy
 * too), a smudged capture of the same finger ≈ 0.6–0.8, different fingers
 * (positions) ≤ 0.15. SIMILAR_FINGER_THRESHOLD (0.9, index.ts) therefore
 * flags near-identical impressions: the same finger placed the same way, or
 * an image replayed. It does not model rotation or skin distortion, so two
 * real impressions of one finger placed differently may score below it —
 * the warning is a safety net, never a verdict.
 */
import type { GreyImage } from '../../../drivers/capture.js';

/** The search resolution: half of the 500 ppi every reader here gives. */
const WORK_PPI = 250;
/** The refinement resolution: the readers' own. */
const FINE_PPI = 500;
/** Shift search, millimetres (≈ ±15 px at 250 ppi): a finger rarely lands further off on a small sensor. */
const MAX_SHIFT_MM = 1.5;
/** Local window for the normalisation: 7 px at 250 ppi ≈ 0.7 mm, a ridge period and a half. */
const LOCAL_RADIUS = 3;
/** Local standard deviation (grey levels) below which a pixel is background, not ridge pattern. */
const SPREAD_FLOOR = 6;
/** Shifts whose shared finger area is below this share of the smaller finger are not scored. */
const MIN_OVERLAP = 0.5;
/**
 * The search: every COARSE_STEP pixels at WORK_PPI, then the REFINE_PEAKS best
 * refined to the pixel. Ridges are ~4.75 px apart, so a peak is never more
 * than a pixel from a coarse point and still stands out there.
 */
const COARSE_STEP = 2;
/* The coarse pass also reads every COARSE_STEP-th row and column: four times fewer pixels, the same peak. */
const REFINE_PEAKS = 4;

interface Pattern {
  width: number;
  height: number;
  /** Normalised value per pixel; 0 outside the finger. */
  values: Float32Array;
  /** 1 inside the finger. */
  mask: Uint8Array;
  area: number;
}

function resample(image: GreyImage, ppi: number): { width: number; height: number; pixels: Float32Array } {
  const factor = Math.max(1, Math.round((image.ppi > 0 ? image.ppi : 500) / ppi));
  const width = Math.max(1, Math.floor(image.width / factor));
  const height = Math.max(1, Math.floor(image.height / factor));
  const pixels = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let v = 0; v < factor; v++) for (let u = 0; u < factor; u++) sum += image.pixels[(y * factor + v) * image.width + x * factor + u] ?? 255;
      pixels[y * width + x] = sum / (factor * factor);
    }
  }
  return { width, height, pixels };
}

/** Box sums over (2r+1)² by an integral image. */
function boxMean(input: Float32Array, width: number, height: number, r: number): Float32Array {
  const integral = new Float64Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += input[y * width + x] ?? 0;
      integral[(y + 1) * (width + 1) + x + 1] = (integral[y * (width + 1) + x + 1] ?? 0) + row;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(width, x + r + 1);
      const sum = (integral[y1 * (width + 1) + x1] ?? 0) - (integral[y0 * (width + 1) + x1] ?? 0) - (integral[y1 * (width + 1) + x0] ?? 0) + (integral[y0 * (width + 1) + x0] ?? 0);
      out[y * width + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

function pattern(image: GreyImage, ppi: number): Pattern {
  const { width, height, pixels } = resample(image, ppi);
  const radius = Math.round((LOCAL_RADIUS * ppi) / WORK_PPI);
  const mean = boxMean(pixels, width, height, radius);
  const squares = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) squares[i] = (pixels[i] ?? 0) * (pixels[i] ?? 0);
  const meanSq = boxMean(squares, width, height, radius);
  const values = new Float32Array(pixels.length);
  const mask = new Uint8Array(pixels.length);
  let area = 0;
  for (let i = 0; i < pixels.length; i++) {
    const m = mean[i] ?? 0;
    const spread = Math.sqrt(Math.max(0, (meanSq[i] ?? 0) - m * m));
    if (spread < SPREAD_FLOOR) continue;
    values[i] = ((pixels[i] ?? 0) - m) / spread;
    mask[i] = 1;
    area++;
  }
  return { width, height, values, mask, area };
}

/**
 * Patterns already made, by image: the case compares a new finger with each of the others in turn, and its
 * patterns are more than half the cost of a pair. Keyed by the pixel array, so they go with the image; each
 * entry also holds a hash of the pixels (FNV-1a, about 0.3 ms for 416 × 560 against ~8 ms for the patterns),
 * so a buffer that was written over since is never answered with the patterns of what it held before.
 */
const made = new WeakMap<Uint8Array, Map<string, { hash: number; pattern: Pattern }>>();

function pixelHash(pixels: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < pixels.length; i++) h = Math.imul(h ^ (pixels[i] as number), 0x01000193);
  return h >>> 0;
}

function patternOf(image: GreyImage, ppi: number): Pattern {
  let byPpi = made.get(image.pixels);
  if (byPpi === undefined) {
    byPpi = new Map();
    made.set(image.pixels, byPpi);
  }
  // The key holds the geometry too, so the same bytes read as another size are not mixed up.
  const key = `${ppi}:${image.ppi}:${image.width}x${image.height}`;
  const hash = pixelHash(image.pixels);
  const found = byPpi.get(key);
  if (found !== undefined && found.hash === hash) return found.pattern;
  const fresh = pattern(image, ppi);
  byPpi.set(key, { hash, pattern: fresh });
  return fresh;
}

/** The normalised correlation of a and b with b's origin at (ox, oy) in a; null when the shared finger area is too small. */
function correlate(pa: Pattern, pb: Pattern, ox: number, oy: number, minPixels: number, stride = 1): number | null {
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  let n = 0;
  const yEnd = Math.min(pa.height, oy + pb.height);
  const xStart = Math.max(0, ox);
  const xEnd = Math.min(pa.width, ox + pb.width);
  for (let y = Math.max(0, oy); y < yEnd; y += stride) {
    const rowA = y * pa.width;
    const rowB = (y - oy) * pb.width - ox;
    for (let x = xStart; x < xEnd; x += stride) {
      if (pa.mask[rowA + x] === 0 || pb.mask[rowB + x] === 0) continue;
      const va = pa.values[rowA + x] as number;
      const vb = pb.values[rowB + x] as number;
      sab += va * vb;
      saa += va * va;
      sbb += vb * vb;
      n++;
    }
  }
  if (n * stride * stride < minPixels || saa === 0 || sbb === 0) return null;
  return sab / Math.sqrt(saa * sbb);
}

/** 0…1: how alike two fingerprint images are (1 = the same impression). Images need not be the same size. */
export function fingerSimilarity(a: GreyImage, b: GreyImage): number {
  const pa = patternOf(a, WORK_PPI);
  const pb = patternOf(b, WORK_PPI);
  const minPixels = MIN_OVERLAP * Math.min(pa.area, pb.area);
  if (minPixels === 0) return 0;
  const maxShift = Math.round((MAX_SHIFT_MM / 25.4) * WORK_PPI);
  // b centred on a, then shifts around that: every other pixel first, then the best few refined to the pixel.
  const cx = Math.round((pa.width - pb.width) / 2);
  const cy = Math.round((pa.height - pb.height) / 2);
  const coarse: { dx: number; dy: number; r: number }[] = [];
  for (let dy = -maxShift; dy <= maxShift; dy += COARSE_STEP) {
    for (let dx = -maxShift; dx <= maxShift; dx += COARSE_STEP) {
      const r = correlate(pa, pb, cx + dx, cy + dy, minPixels, COARSE_STEP);
      if (r !== null) coarse.push({ dx, dy, r });
    }
  }
  coarse.sort((p, q) => q.r - p.r);
  const peaks = coarse.slice(0, REFINE_PEAKS);
  if (peaks.length === 0) return 0;
  // Each coarse peak refined to the pixel at WORK_PPI (its 3 × 3 neighbours); the best of those is the shift.
  let best = { dx: 0, dy: 0, r: Number.NEGATIVE_INFINITY };
  for (const peak of peaks) {
    for (let ry = -1; ry <= 1; ry++) {
      for (let rx = -1; rx <= 1; rx++) {
        const r = correlate(pa, pb, cx + peak.dx + rx, cy + peak.dy + ry, minPixels);
        if (r !== null && r > best.r) best = { dx: peak.dx + rx, dy: peak.dy + ry, r };
      }
    }
  }
  if (best.r === Number.NEGATIVE_INFINITY) return 0;
  // Then once more at the images' own resolution (500 ppi), around twice that shift: half a pixel off a 4.75-px
  // ridge period at 250 ppi costs a fifth of the correlation, so the last half-pixel is found where it is a whole
  // one. Only the winner is refined there — a full-resolution correlation costs four coarse ones.
  const fa = patternOf(a, FINE_PPI);
  const fb = patternOf(b, FINE_PPI);
  const scale = fa.width / pa.width;
  const fineMin = MIN_OVERLAP * Math.min(fa.area, fb.area);
  const bx = Math.round((fa.width - fb.width) / 2) + Math.round(best.dx * scale);
  const by = Math.round((fa.height - fb.height) / 2) + Math.round(best.dy * scale);
  const reach = Math.ceil(scale / 2);
  let value = 0;
  for (let ry = -reach; ry <= reach; ry++) {
    for (let rx = -reach; rx <= reach; rx++) {
      const r = correlate(fa, fb, bx + rx, by + ry, fineMin);
      if (r !== null && r > value) value = r;
    }
  }
  return Math.max(0, Math.min(1, value));
}
