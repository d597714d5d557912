/**
 * The one image shape every quality measure outside app/quality/fingerprint
 * takes: 8-bit grey, row-major, one byte per pixel (drivers/capture.ts
 * GreyImage without the ppi, which documents and faces do not trust).
 */
export interface GreyPixels {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export type QualityInputErrorCode = 'invalid_input' | 'image_too_large' | 'image_too_small';

/** Thrown when the input cannot be measured at all (as opposed to measured and found poor, which is a reason). */
export class QualityInputError extends Error {
  constructor(
    readonly code: QualityInputErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'QualityInputError';
  }
}

/**
 * Limit on the pixels a measure accepts: an A4 page at 600 dpi is 4960 × 7016
 * ≈ 34.8 MP; 40 MP leaves room and keeps one page's working memory (the
 * image, its tiles and a downsampled copy) well under 100 MB.
 */
export const MAX_PIXELS = 40_000_000;

export function assertGreyPixels(image: GreyPixels, what: string, minSide = 3): void {
  const { width, height, pixels } = image ?? ({} as GreyPixels);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new QualityInputError('invalid_input', `The ${what} needs a positive whole-number width and height, got ${String(width)} × ${String(height)}.`);
  }
  if (!(pixels instanceof Uint8Array) || pixels.length !== width * height) {
    const got = pixels instanceof Uint8Array ? `${pixels.length} bytes` : typeof pixels;
    throw new QualityInputError('invalid_input', `The ${what} of ${width} × ${height} pixels needs ${width * height} grey bytes, got ${got}.`);
  }
  if (width * height > MAX_PIXELS) {
    throw new QualityInputError('image_too_large', `The ${what} has ${width} × ${height} pixels, more than the ${MAX_PIXELS / 1e6} million the quality stage measures.`);
  }
  if (width < minSide || height < minSide) {
    throw new QualityInputError('image_too_small', `The ${what} is ${width} × ${height} pixels; it needs at least ${minSide} × ${minSide} to be measured.`);
  }
}

/** Histogram of grey levels (256 bins). */
export function greyHistogram(pixels: Uint8Array): Uint32Array {
  const hist = new Uint32Array(256);
  for (let i = 0; i < pixels.length; i++) hist[pixels[i] as number]! += 1;
  return hist;
}

/** The smallest grey level g such that at least p (0…1) of the pixels are ≤ g. */
export function histogramPercentile(hist: Uint32Array, p: number): number {
  let total = 0;
  for (let g = 0; g < 256; g++) total += hist[g] as number;
  const target = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (let g = 0; g < 256; g++) {
    seen += hist[g] as number;
    if (seen >= target) return g;
  }
  return 255;
}

/** Fraction of pixels with grey in [lo, hi]. */
export function histogramFraction(hist: Uint32Array, lo: number, hi: number): number {
  let total = 0;
  let inside = 0;
  for (let g = 0; g < 256; g++) {
    const n = hist[g] as number;
    total += n;
    if (g >= lo && g <= hi) inside += n;
  }
  return total === 0 ? 0 : inside / total;
}

export function histogramMean(hist: Uint32Array): number {
  let total = 0;
  let sum = 0;
  for (let g = 0; g < 256; g++) {
    total += hist[g] as number;
    sum += g * (hist[g] as number);
  }
  return total === 0 ? 0 : sum / total;
}

/**
 * Box-averages the image by an integer factor (each output pixel the rounded
 * mean of a factor × factor block; partial blocks at the right and bottom
 * edge are dropped). Factor 1 returns the input.
 */
export function downsample(image: GreyPixels, factor: number): GreyPixels {
  if (factor <= 1) return image;
  const { width, pixels } = image;
  const w = Math.floor(image.width / factor);
  const h = Math.floor(image.height / factor);
  const used = w * factor;
  const out = new Uint8Array(w * h);
  // Column sums over the block's rows first (one sequential add per pixel), then f neighbouring sums per output pixel.
  const columns = new Uint32Array(used);
  const area = factor * factor;
  const half = area >> 1;
  for (let oy = 0; oy < h; oy++) {
    columns.fill(0);
    for (let dy = 0; dy < factor; dy++) {
      const row = (oy * factor + dy) * width;
      for (let x = 0; x < used; x++) columns[x]! += pixels[row + x] as number;
    }
    const o = oy * w;
    for (let ox = 0, x = 0; ox < w; ox++) {
      let s = 0;
      for (let k = 0; k < factor; k++) s += columns[x++] as number;
      out[o + ox] = (s + half) / area;
    }
  }
  return { width: w, height: h, pixels: out };
}
