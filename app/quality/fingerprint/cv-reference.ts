/**
 * Straightforward forms of the operations whose fast versions live in
 * cv.ts and roi.ts: direct convolution, direct minimum, pixel-by-pixel flood
 * fill, per-pixel rounding in the rotation. They follow the OpenCV/NIST
 * definitions literally and are slow on purpose; fast-paths.test.ts checks
 * that the fast code gives the same bytes on hundreds of images, so that
 * speed work cannot silently change a measure. Not used in production.
 */
import { BLOCK } from './blocks.js';
import { binarise, cvRound, gaussianKernelQ8, otsuThreshold, reflect101 } from './cv.js';
import type { GreyPixels } from './preprocess.js';
import type { Covariance } from './blocks.js';
import type { RoiBlock, RoiResult } from './roi.js';

/** GaussianBlurFixedPoint as written: row pass Σ k·p (1/256), column pass Σ k·h (1/65536), (v + 2¹⁵) >> 16. */
export function referenceGaussianBlur8u(src: Uint8Array, dst: Uint8Array, width: number, height: number, n: number): void {
  const k = gaussianKernelQ8(n);
  const r = (n - 1) / 2;
  const rows = new Int32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += k[i]! * src[y * width + reflect101(x + i - r, width)]!;
      rows[y * width + x] = s;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += k[i]! * rows[reflect101(y + i - r, height) * width + x]!;
      dst[y * width + x] = Math.min(255, (s + 32768) >> 16);
    }
  }
}

/** cv::erode with a size × size rectangle: the minimum over the window clipped to the image. */
export function referenceErodeRect(src: Uint8Array, dst: Uint8Array, width: number, height: number, size: number): void {
  const r = size >> 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let m = 255;
      for (let v = y - r; v < y - r + size; v++) {
        for (let u = x - r; u < x - r + size; u++) {
          if (v >= 0 && v < height && u >= 0 && u < width) m = Math.min(m, src[v * width + u]!);
        }
      }
      dst[y * width + x] = m;
    }
  }
}

/** 4-connected flood fill, one pixel at a time; returns the bounding-box area. */
export function referenceFloodFill(img: Uint8Array, width: number, height: number, seed: number, from: number, to: number): number {
  const stack = [seed];
  img[seed] = to;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  while (stack.length > 0) {
    const p = stack.pop()!;
    const x = p % width;
    const y = (p - x) / width;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
    const neighbours = [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, y > 0 ? p - width : -1, y < height - 1 ? p + width : -1];
    for (const q of neighbours) {
      if (q >= 0 && img[q] === from) {
        img[q] = to;
        stack.push(q);
      }
    }
  }
  return (maxX - minX + 1) * (maxY - minY + 1);
}

/** computeRoi (roi.ts) built from the reference operations above. */
export function referenceComputeRoi(img: GreyPixels): RoiResult {
  const { width, height, pixels } = img;
  const n = width * height;
  const eroded = new Uint8Array(n);
  referenceErodeRect(pixels, eroded, width, height, 5);
  const blur1 = new Uint8Array(n);
  referenceGaussianBlur8u(eroded, blur1, width, height, 41);
  binarise(blur1, blur1, otsuThreshold(blur1));
  const mask = new Uint8Array(n);
  referenceGaussianBlur8u(blur1, mask, width, height, 91);
  binarise(mask, mask, otsuThreshold(mask));

  const work = Uint8Array.from(mask);
  for (let i = 0; i < n; i++) {
    const x = i % width;
    const y = (i - x) / width;
    const edge = x === 0 || y === 0 || x === width - 1 || y === height - 1;
    if (edge && work[i] === 255) referenceFloodFill(work, width, height, i, 255, 128);
  }
  for (let i = 0; i < n; i++) if (work[i] === 255) mask[i] = 0;

  work.set(mask);
  const regions: { seed: number; area: number }[] = [];
  for (let i = 0; i < n; i++) if (work[i] === 0) regions.push({ seed: i, area: referenceFloodFill(work, width, height, i, 0, 255) });
  let best = -1;
  for (let i = 0; i < regions.length; i++) if (best < 0 || regions[i]!.area > regions[best]!.area) best = i;
  regions.forEach((region, i) => {
    if (i !== best) referenceFloodFill(mask, width, height, region.seed, 0, 255);
  });

  let count = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (mask[i] === 0) {
      count++;
      sum += pixels[i]!;
    }
  }
  const blocks: RoiBlock[] = [];
  for (let y = 0; y < height; y += BLOCK) {
    for (let x = 0; x < width; x += BLOCK) {
      const w = Math.min(BLOCK, width - x);
      const h = Math.min(BLOCK, height - y);
      let any = false;
      for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) if (mask[yy * width + xx] === 0) any = true;
      if (any) blocks.push({ x, y, width: w, height: h });
    }
  }
  return { mask, pixelCount: count, mean: count === 0 ? 255 : sum / count, blocks };
}

/** getRotatedBlock (cv.ts rotateBlockNearest) with every rounding done per pixel, as warpAffine's definition. */
export function referenceRotateBlockNearest(src: Uint8Array, inSize: number, dst: Uint8Array, outSize: number, orientation: number): void {
  const angle = orientation * (180 / Math.PI) * (Math.PI / 180);
  const alpha = Math.cos(angle);
  const beta = Math.sin(angle);
  const c = inSize / 2;
  const m = [alpha, beta, (1 - alpha) * c - beta * c, -beta, alpha, beta * c + (1 - alpha) * c];
  let d = m[0]! * m[4]! - m[1]! * m[3]!;
  d = d !== 0 ? 1 / d : 0;
  const i0 = m[4]! * d;
  const i1 = m[1]! * -d;
  const i3 = m[3]! * -d;
  const i4 = m[0]! * d;
  const i2 = -i0 * m[2]! - i1 * m[5]!;
  const i5 = -i3 * m[2]! - i4 * m[5]!;
  for (let y = 0; y < outSize; y++) {
    for (let x = 0; x < outSize; x++) {
      const sx = (cvRound((i1 * y + i2) * 1024) + 512 + cvRound(i0 * x * 1024)) >> 10;
      const sy = (cvRound((i4 * y + i5) * 1024) + 512 + cvRound(i3 * x * 1024)) >> 10;
      dst[y * outSize + x] = sx >= 0 && sx < inSize && sy >= 0 && sy < inSize ? src[sy * inSize + sx]! : 0;
    }
  }
}

/** covcoef (blocks.ts) as NIST writes it: floating-point gradients, fx = (p[j+1] − p[j−1]) / 2 inside, one-sided on the edges. */
export function referenceCovcoef(img: GreyPixels, top: number, left: number): Covariance {
  const at = (y: number, x: number) => img.pixels[(top + y) * img.width + left + x]!;
  let a = 0;
  let b = 0;
  let c = 0;
  for (let i = 0; i < BLOCK; i++) {
    for (let j = 0; j < BLOCK; j++) {
      const fx = j === 0 ? at(i, 1) - at(i, 0) : j === BLOCK - 1 ? at(i, j) - at(i, j - 1) : (at(i, j + 1) - at(i, j - 1)) / 2;
      const fy = i === 0 ? at(1, j) - at(0, j) : i === BLOCK - 1 ? at(i, j) - at(i - 1, j) : (at(i + 1, j) - at(i - 1, j)) / 2;
      a += fx * fx;
      b += fy * fy;
      c += fx * fy;
    }
  }
  return { a: a / (BLOCK * BLOCK), b: b / (BLOCK * BLOCK), c: c / (BLOCK * BLOCK) };
}

/** blockCoherence (coherence.ts) with NIST's gradient function called per pixel and per axis. */
export function referenceBlockCoherence(img: GreyPixels, block: RoiBlock): number {
  const grad = (p: number, step: number, k: number, len: number): number => {
    if (len < 2) return 0;
    if (k === 0) return img.pixels[p + step]! - img.pixels[p]!;
    if (k === len - 1) return img.pixels[p]! - img.pixels[p - step]!;
    return (img.pixels[p + step]! - img.pixels[p - step]!) / 2;
  };
  let sumY = 0;
  let sumX = 0;
  let cohSum2 = 0;
  for (let k = 0; k < block.height; k++) {
    for (let l = 0; l < block.width; l++) {
      const p = (block.y + k) * img.width + block.x + l;
      const gx = grad(p, 1, l, block.width);
      const gy = grad(p, img.width, k, block.height);
      const y2 = 2 * gx * gy;
      const x2 = gx * gx - gy * gy;
      sumY += y2;
      sumX += x2;
      cohSum2 += Math.sqrt(y2 * y2 + x2 * x2);
    }
  }
  const cohSum1 = Math.sqrt(sumX * sumX + sumY * sumY);
  return cohSum2 !== 0 ? cohSum1 / cohSum2 : 0;
}
