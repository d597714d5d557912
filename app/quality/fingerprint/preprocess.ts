/**
 * Input checks and NIST's near-white frame removal
 * (usnistgov/NFIQ2 v2.3, nfiq2_fingerprintimagedata.cpp,
 * copyRemovingNearWhiteFrame), which every native measure runs after.
 */

/** An 8-bit grey image, row-major, one byte per pixel (500 ppi is the caller's promise). */
export interface GreyPixels {
  width: number;
  height: number;
  pixels: Uint8Array;
}

export type FingerprintQualityErrorCode =
  | 'invalid_image' // dimensions and buffer disagree, or are not positive integers
  | 'image_too_large' // wider than 800 or taller than 1000 after trimming (NIST InvalidImageSize)
  | 'image_too_small' // too small for NIST's 32-pixel local regions
  | 'not_enough_data'; // a histogram measure found fewer local regions than NIST accepts

export class FingerprintQualityError extends Error {
  constructor(
    readonly code: FingerprintQualityErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FingerprintQualityError';
  }
}

/** Rows/columns whose mean grey is above this are near-white frame (NIST MU_THRESHOLD, "<= this is fingerprint"). */
export const NEAR_WHITE_MEAN = 250;
/** FingerJetFX limits NIST enforces after trimming (nfiq2_fingerprintimagedata.cpp: fingerJetMaxWidth/Height). */
export const MAX_TRIMMED_WIDTH = 800;
export const MAX_TRIMMED_HEIGHT = 1000;

export function assertGreyPixels(image: GreyPixels): void {
  const { width, height, pixels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new FingerprintQualityError('invalid_image', `Fingerprint quality needs a positive integer width and height, got ${width} × ${height}.`);
  }
  if (!(pixels instanceof Uint8Array) || pixels.length !== width * height) {
    throw new FingerprintQualityError(
      'invalid_image',
      `Fingerprint quality needs ${width} × ${height} = ${width * height} grey bytes, got ${pixels instanceof Uint8Array ? pixels.length : typeof pixels}.`,
    );
  }
}

/** Where the trimmed image sits inside the input. */
export interface TrimBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * NIST's border search: from each edge, the first row/column whose mean is
 * ≤ 250 is found, and the crop keeps one near-white line outside it (index
 * − 1 from the top/left, + 1 from the bottom/right) unless it is the edge
 * itself. An all-white image is kept whole.
 */
export function findNearWhiteFrame(image: GreyPixels): TrimBox {
  const { width, height, pixels } = image;
  const rowMean = (y: number): number => {
    let s = 0;
    for (let x = 0, i = y * width; x < width; x++, i++) s += pixels[i]!;
    return s / width;
  };
  const colMean = (x: number): number => {
    let s = 0;
    for (let y = 0, i = x; y < height; y++, i += width) s += pixels[i]!;
    return s / height;
  };
  let top = 0;
  for (let i = 0; i < height; i++) {
    if (rowMean(i) <= NEAR_WHITE_MEAN) {
      top = i;
      break;
    }
  }
  let bottom = height - 1;
  for (let i = height - 1; i >= 0; i--) {
    if (rowMean(i) <= NEAR_WHITE_MEAN) {
      bottom = i;
      break;
    }
  }
  let left = 0;
  for (let j = 0; j < width; j++) {
    if (colMean(j) <= NEAR_WHITE_MEAN) {
      left = j;
      break;
    }
  }
  let right = width - 1;
  for (let j = width - 1; j >= 0; j--) {
    if (colMean(j) <= NEAR_WHITE_MEAN) {
      right = j;
      break;
    }
  }
  let w = right - left + 1;
  if (w <= 0) {
    left = 0;
    w = width;
  }
  let h = bottom - top + 1;
  if (h <= 0) {
    top = 0;
    h = height;
  }
  return { left, top, width: w, height: h };
}

/** Validates, trims the near-white frame and enforces NIST's size limits; returns a new image. */
export function trimNearWhiteFrame(image: GreyPixels): GreyPixels & { box: TrimBox } {
  assertGreyPixels(image);
  const box = findNearWhiteFrame(image);
  if (box.width > MAX_TRIMMED_WIDTH) {
    throw new FingerprintQualityError(
      'image_too_large',
      `Fingerprint image is ${box.width} × ${box.height} after trimming its near-white frame; NFIQ 2 accepts at most ${MAX_TRIMMED_WIDTH} pixels across.`,
    );
  }
  if (box.height > MAX_TRIMMED_HEIGHT) {
    throw new FingerprintQualityError(
      'image_too_large',
      `Fingerprint image is ${box.width} × ${box.height} after trimming its near-white frame; NFIQ 2 accepts at most ${MAX_TRIMMED_HEIGHT} pixels down.`,
    );
  }
  const pixels = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const from = (box.top + y) * image.width + box.left;
    pixels.set(image.pixels.subarray(from, from + box.width), y * box.width);
  }
  return { width: box.width, height: box.height, pixels, box };
}
