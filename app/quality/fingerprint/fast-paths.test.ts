// The optimised operations (cv.ts, roi.ts) against their literal reference forms (cv-reference.ts), bit for
// bit, on a few hundred seeded images of varied size and content: noise, smooth blobs, binary shapes,
// near-constant images, and synthetic fingerprints. Speed work must not change a single byte.
import { describe, expect, it } from 'vitest';
import { createPrng } from '../../../device-simulators/random.js';
import { fingerprintQualities, synthesizeFingerprint } from '../../../device-simulators/fingerprint/synthetic.js';
import { binarise, binariseWords, blurScratch, cvMeanStdDev8u, erodeRect, gaussianBlur8u, gaussianBlurBinary8u, rotateBlockNearest } from './cv.js';
import { computeContrast } from './mu.js';
import { referenceBlockCoherence, referenceComputeRoi, referenceCovcoef, referenceErodeRect, referenceGaussianBlur8u, referenceRotateBlockNearest } from './cv-reference.js';
import { WINDOW, covcoef, extractWindow, rotateWindow } from './blocks.js';
import { blockCoherence } from './coherence.js';
import { computeRoi } from './roi.js';

type Image = { width: number; height: number; pixels: Uint8Array };

/** Index of the first byte where a and b differ, −1 when equal (vitest's deep equality is slow on big arrays). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function binarise8(pixels: Uint8Array, threshold: number): Uint8Array {
  return pixels.map((v) => (v > threshold ? 255 : 0));
}

/** One seeded test image; `kind` cycles through content types that stress different paths. */
function makeImage(random: () => number, kind: number, width: number, height: number): Image {
  const n = width * height;
  const pixels = new Uint8Array(n);
  switch (kind % 5) {
    case 0: // white noise, full range
      for (let i = 0; i < n; i++) pixels[i] = Math.floor(random() * 256);
      break;
    case 1: {
      // ridge-like stripes with noise under an elliptical mask on white
      const period = 6 + random() * 8;
      const angle = random() * Math.PI;
      const cx = width * (0.3 + 0.4 * random());
      const cy = height * (0.3 + 0.4 * random());
      const rx = width * (0.2 + 0.4 * random());
      const ry = height * (0.2 + 0.4 * random());
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const inside = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
          const stripe = Math.sin(((x * Math.cos(angle) + y * Math.sin(angle)) * 2 * Math.PI) / period);
          pixels[y * width + x] = inside ? Math.max(0, Math.min(255, Math.round(130 + 90 * stripe + 30 * (random() - 0.5)))) : 240 + Math.floor(random() * 16);
        }
      }
      break;
    }
    case 2: // binary rectangles and holes (0/255 only): many ROI components and holes
      pixels.fill(255);
      for (let r = 0, count = 1 + Math.floor(random() * 12); r < count; r++) {
        const x0 = Math.floor(random() * width);
        const y0 = Math.floor(random() * height);
        const x1 = Math.min(width, x0 + 1 + Math.floor(random() * width * 0.6));
        const y1 = Math.min(height, y0 + 1 + Math.floor(random() * height * 0.6));
        const v = r % 3 === 2 ? 255 : 0;
        for (let y = y0; y < y1; y++) pixels.fill(v, y * width + x0, y * width + x1);
      }
      break;
    case 3: // near-constant with a few outliers
      pixels.fill(Math.floor(random() * 256));
      for (let i = 0; i < 5; i++) pixels[Math.floor(random() * n)] = Math.floor(random() * 256);
      break;
    default: // extreme values only
      for (let i = 0; i < n; i++) pixels[i] = random() < 0.5 ? 0 : 255;
  }
  return { width, height, pixels };
}

describe('optimised image operations match their literal reference forms bit for bit', () => {
  it('Gaussian blur 41 and 91 (general and binary forms), erosion and the whole ROI on 240 seeded images', () => {
    const random = createPrng(0x5eed_2026);
    let images = 0;
    for (let i = 0; i < 240; i++) {
      // Mostly small (the reference is slow), some tiny (reflection wraps several times), a few large.
      const big = i % 120 === 0;
      const width = big ? 120 + Math.floor(random() * 60) : 1 + Math.floor(random() * (i % 3 === 0 ? 12 : 40));
      const height = big ? 120 + Math.floor(random() * 60) : 1 + Math.floor(random() * (i % 3 === 1 ? 12 : 40));
      const img = makeImage(random, i, width, height);
      const n = width * height;
      const scratch = blurScratch(width, height, 91);
      const tmp = new Uint8Array(n);
      for (const k of [41, 91]) {
        const fast = new Uint8Array(n);
        const slow = new Uint8Array(n);
        gaussianBlur8u(img.pixels, fast, width, height, k, scratch);
        const hist = Array.from(scratch.hist);
        referenceGaussianBlur8u(img.pixels, slow, width, height, k);
        expect(firstDifference(fast, slow), `blur ${k} of image ${i} (${width} × ${height})`).toBe(-1);
        const expected = new Array<number>(256).fill(0);
        for (const v of slow) expected[v]!++;
        expect(hist, `histogram left by blur ${k} of image ${i}`).toEqual(expected);
      }
      const threshold = Math.floor(random() * 256);
      const binary = img.pixels.map((v) => (v > threshold ? 255 : 0));
      for (const k of [41, 91]) {
        const fast = new Uint8Array(n);
        const fused = new Uint8Array(n);
        const slow = new Uint8Array(n);
        gaussianBlurBinary8u(binary, fast, width, height, k, scratch);
        gaussianBlurBinary8u(img.pixels, fused, width, height, k, scratch, threshold);
        referenceGaussianBlur8u(binary, slow, width, height, k);
        expect(firstDifference(fast, slow), `binary blur ${k} of image ${i} (${width} × ${height})`).toBe(-1);
        expect(firstDifference(fused, slow), `thresholding blur ${k} > ${threshold} of image ${i}`).toBe(-1);
        const hist = new Float64Array(256);
        for (const v of slow) hist[v]!++;
        expect(Array.from(scratch.hist), `histogram left by the blur of image ${i}`).toEqual(Array.from(hist));
      }
      for (const size of [1, 2, 3, 5, 8]) {
        const fast = new Uint8Array(n);
        const slow = new Uint8Array(n);
        erodeRect(img.pixels, fast, width, height, size, tmp);
        referenceErodeRect(img.pixels, slow, width, height, size);
        expect(firstDifference(fast, slow), `erode ${size} of image ${i} (${width} × ${height})`).toBe(-1);
      }
      if (width >= 2 && height >= 2) {
        const fast = computeRoi(img);
        const slow = referenceComputeRoi(img);
        expect(firstDifference(fast.mask, slow.mask), `ROI mask of image ${i}`).toBe(-1);
        expect({ ...fast, mask: undefined }).toEqual({ ...slow, mask: undefined });
      }
      images++;
    }
    expect(images).toBe(240);
  }, 90_000); // 240 images through both forms: ~8 s alone, several times that while the whole suite shares two cores.

  it('ROI of synthetic fingerprints of every quality', () => {
    for (const [i, quality] of fingerprintQualities.entries()) {
      const width = 80 + 6 * i;
      const height = 100 + 5 * i;
      const img = { width, height, pixels: synthesizeFingerprint({ width, height, quality, seed: 100 + i }) };
      const fast = computeRoi(img);
      const slow = referenceComputeRoi(img);
      expect(firstDifference(fast.mask, slow.mask), quality).toBe(-1);
      expect(fast.pixelCount).toBe(slow.pixelCount);
      expect(fast.mean).toBe(slow.mean);
      expect(fast.blocks).toEqual(slow.blocks);
    }
  });

  it('binary blur (edge events, live columns) and the whole ROI on large smooth shapes', () => {
    // The event form of gaussianBlurBinary8u pays off on large smooth shapes, which the small images above
    // rarely have: blobs with holes and slits, rows that mix edge-poor and edge-rich (noise) stretches so
    // that both per-row forms run in one image, at enrolment size (416 × 560) for the blur and at
    // 160 × 220 for the whole ROI (the reference forms are slow), plus a synthetic fingerprint.
    for (let i = 0; i < 3; i++) {
      const big = i === 0;
      const width = big ? 416 : 160;
      const height = big ? 560 : 220;
      const n = width * height;
      const random = createPrng(0xb10b + i);
      const scratch = blurScratch(width, height, 91);
      const pixels = new Uint8Array(n);
      const cx = width * (0.4 + 0.2 * random());
      const cy = height * (0.4 + 0.2 * random());
      const rx = width * (0.25 + 0.2 * random());
      const ry = height * (0.25 + 0.2 * random());
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
          let v = d <= 1 ? 40 + Math.floor(random() * 60) : 200 + Math.floor(random() * 56);
          if (d < 0.05 || (i % 2 === 0 && Math.abs(x - cx) < 8)) v = 230; // a hole, a slit
          if (i !== 1 && y > height * 0.8 && x < width / 3) v = Math.floor(random() * 256); // noise band
          pixels[y * width + x] = v;
        }
      }
      const threshold = 100 + Math.floor(random() * 100);
      const fused = new Uint8Array(n);
      const slow = new Uint8Array(n);
      gaussianBlurBinary8u(pixels, fused, width, height, 91, scratch, threshold);
      referenceGaussianBlur8u(binarise8(pixels, threshold), slow, width, height, 91);
      expect(firstDifference(fused, slow), `binary blur of blob ${i}`).toBe(-1);
      const hist = new Float64Array(256);
      for (const v of slow) hist[v]!++;
      expect(Array.from(scratch.hist), `histogram of blob ${i}`).toEqual(Array.from(hist));
      if (big) continue;
      const fast = computeRoi({ width, height, pixels });
      const ref = referenceComputeRoi({ width, height, pixels });
      expect(firstDifference(fast.mask, ref.mask), `ROI mask of blob ${i}`).toBe(-1);
      expect({ ...fast, mask: undefined }).toEqual({ ...ref, mask: undefined });
    }
    const img = { width: 160, height: 220, pixels: synthesizeFingerprint({ width: 160, height: 220, quality: 'good', seed: 4242 }) };
    const fast = computeRoi(img);
    const slow = referenceComputeRoi(img);
    expect(firstDifference(fast.mask, slow.mask), 'ROI mask of a 160 × 220 synthetic fingerprint').toBe(-1);
    expect({ ...fast, mask: undefined }).toEqual({ ...slow, mask: undefined });
  });

  it('word-wise binarise against the plain form, every threshold, aligned and not', () => {
    const random = createPrng(4096);
    const buffer = new Uint8Array(1031);
    for (let i = 0; i < buffer.length; i++) buffer[i] = i % 7 === 0 ? 255 * (i & 1) : Math.floor(random() * 256);
    for (let t = -1; t <= 256; t++) {
      for (const offset of [0, 1, 4]) {
        const src = buffer.subarray(offset);
        const fast = new Uint8Array(buffer.length);
        const slow = new Uint8Array(buffer.length);
        binariseWords(src, fast.subarray(offset === 4 ? 4 : 0), t);
        binarise(src, slow.subarray(offset === 4 ? 4 : 0), t);
        expect(firstDifference(fast, slow), `binarise > ${t} at offset ${offset}`).toBe(-1);
      }
    }
  });

  it('rotation with per-column rounding hoisted out of the row loop, whole and cropped', () => {
    const random = createPrng(77);
    const src = new Uint8Array(40 * 40);
    const fast = new Uint8Array(36 * 36);
    const slow = new Uint8Array(36 * 36);
    for (let i = 0; i < 2000; i++) {
      for (let j = 0; j < src.length; j++) src[j] = Math.floor(random() * 256);
      const inSize = i % 2 === 0 ? 36 : 40;
      // Random angles plus the exact multiples of π/4 where rounding ties are likeliest.
      const orientation = i % 10 === 0 ? ((i / 10) % 8) * (Math.PI / 4) - Math.PI : (random() - 0.5) * 2 * Math.PI;
      rotateBlockNearest(src, inSize, fast, 36, orientation);
      referenceRotateBlockNearest(src, inSize, slow, 36, orientation);
      expect(firstDifference(fast, slow), `rotation ${i} by ${orientation}`).toBe(-1);
      // The cropped form (what FDA, LCS and RVUP ask for) gives the same pixels inside the crop.
      const crop = i % 2 === 0 ? { top: 2, left: 10, rows: 32, cols: 16 } : { top: 10, left: 2, rows: 16, cols: 32 };
      const cropped = new Uint8Array(36 * 36);
      rotateBlockNearest(src, inSize, cropped, 36, orientation, crop);
      for (let y = crop.top; y < crop.top + crop.rows; y++) {
        for (let x = crop.left; x < crop.left + crop.cols; x++) if (cropped[y * 36 + x] !== slow[y * 36 + x]) expect.fail(`cropped rotation ${i} differs at ${x}, ${y}`);
      }
    }
  });

  it('rotation read in place from the image equals extracting the zero-padded window first, 3000 windows', () => {
    // FDA, LCS and RVUP rotate their window straight out of the image (rotateWindow); NIST copies it out
    // with copyMakeBorder first (extractWindow). Windows anywhere, including partly or mostly off the image
    // on any side, with the paddings (0, 2) and crops the three measures use.
    const random = createPrng(0xf1a7);
    const viaCopy = new Uint8Array(WINDOW * WINDOW);
    const inPlace = new Uint8Array(WINDOW * WINDOW);
    const window = new Uint8Array(40 * 40);
    const crops = [
      { top: 2, left: 10, rows: 32, cols: 16 },
      { top: 10, left: 2, rows: 16, cols: 32 },
      { top: 0, left: 0, rows: WINDOW, cols: WINDOW },
    ];
    for (let i = 0; i < 3000; i++) {
      const width = 20 + Math.floor(random() * 60);
      const height = 20 + Math.floor(random() * 60);
      const img = makeImage(random, i, width, height);
      const top = Math.floor(random() * (height + 20)) - 10;
      const left = Math.floor(random() * (width + 20)) - 10;
      const pad = i % 2 === 0 ? 2 : 0;
      const orientation = i % 10 === 0 ? ((i / 10) % 8) * (Math.PI / 4) - Math.PI : (random() - 0.5) * 2 * Math.PI;
      const crop = crops[i % 3]!;
      viaCopy.fill(7);
      inPlace.fill(7);
      const size = extractWindow(img, top, left, window, pad);
      rotateBlockNearest(window, size, viaCopy, WINDOW, orientation, crop);
      expect(rotateWindow(img, top, left, pad, inPlace, WINDOW, orientation, crop)).toBe(size);
      expect(firstDifference(inPlace, viaCopy), `window ${i} at ${left}, ${top} of ${width} × ${height}, pad ${pad}`).toBe(-1);
    }
  });

  it('Mu and σ from the fused block pass equal cv::meanStdDev on 500 images', () => {
    const random = createPrng(0x3a0);
    for (let i = 0; i < 500; i++) {
      const img = makeImage(random, i, 1 + Math.floor(random() * 90), 1 + Math.floor(random() * 90));
      const { mean, stdDev } = cvMeanStdDev8u(img.pixels);
      const c = computeContrast(img);
      expect(Object.is(c.Mu, mean) && Object.is(c.sigma, stdDev), `image ${i}`).toBe(true);
    }
  });

  it('integer covcoef and inlined coherence gradients on 2000 random blocks', () => {
    const random = createPrng(31337);
    for (let i = 0; i < 2000; i++) {
      const width = 34 + Math.floor(random() * 30);
      const height = 34 + Math.floor(random() * 30);
      const img = makeImage(random, i, width, height);
      const top = Math.floor(random() * (height - 31));
      const left = Math.floor(random() * (width - 31));
      expect(covcoef(img, top, left, { a: 0, b: 0, c: 0 }), `covcoef ${i}`).toEqual(referenceCovcoef(img, top, left));
      // Partial blocks (1 × n, n × 1 included) as the ROI's right and bottom edge produce.
      const block = { x: left, y: top, width: 1 + Math.floor(random() * 32), height: 1 + Math.floor(random() * 32) };
      expect(Object.is(blockCoherence(img, block), referenceBlockCoherence(img, block)), `coherence ${i}`).toBe(true);
    }
  });
});
