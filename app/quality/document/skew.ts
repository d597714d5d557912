/**
 * Skew by projection profiles (quality.md, Documents): rotate the ink's
 * coordinates by each candidate angle, count ink per row, and keep the angle
 * whose row counts vary most — text lines then fall into few, full rows.
 * Coarse to fine: 1° steps over ±15°, then 0.1° around the best, then 0.02°.
 *
 * Sign: positive = the page is turned clockwise as seen on screen (image y
 * grows downwards), the convention of device-simulators/documents/page.ts.
 * A line y = c turned clockwise by θ satisfies y·cosθ − x·sinθ = c, so the
 * profile of r = y·cosθ − x·sinθ is sharpest at θ = the skew.
 */
import type { GreyPixels } from '../pixels.js';

export const MAX_SKEW_DEGREES = 15;
/** Fewer dark pixels than this and there is nothing to align (a blank page): no estimate. */
export const MIN_INK_PIXELS = 200;

/**
 * Estimated skew in degrees within ±15°, or null when the page carries too
 * little ink. `inkBelow`: grey levels below this count as ink.
 */
export function estimateSkew(image: GreyPixels, inkBelow: number): number | null {
  const { width: w, height: h, pixels } = image;
  let n = 0;
  for (let i = 0; i < pixels.length; i++) if ((pixels[i] as number) < inkBelow) n++;
  if (n < MIN_INK_PIXELS) return null;
  // Centred coordinates keep r small and the bins few.
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let k = 0;
  const cx = w / 2;
  const cy = h / 2;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if ((pixels[row + x] as number) < inkBelow) {
        xs[k] = x - cx;
        ys[k] = y - cy;
        k++;
      }
    }
  }
  const half = Math.ceil(Math.hypot(w, h) / 2) + 2;
  const bins = new Float64Array(2 * half + 1);
  const score = (degrees: number, stride: number): number => {
    const t = (degrees * Math.PI) / 180;
    const c = Math.cos(t);
    const s = Math.sin(t);
    bins.fill(0);
    for (let j = 0; j < n; j += stride) bins[Math.round((ys[j] as number) * c - (xs[j] as number) * s) + half]! += 1;
    // Same number of points and bins at every angle, so the sum of squares orders angles as the variance does.
    let sq = 0;
    for (let b = 0; b < bins.length; b++) sq += (bins[b] as number) * (bins[b] as number);
    return sq;
  };
  let best = 0;
  let bestScore = -1;
  const search = (from: number, to: number, step: number, stride: number) => {
    const centre = best;
    bestScore = -1;
    for (let a = from; a <= to + 1e-9; a += step) {
      const angle = Math.max(-MAX_SKEW_DEGREES, Math.min(MAX_SKEW_DEGREES, centre + a));
      const sc = score(angle, stride);
      if (sc > bestScore) {
        bestScore = sc;
        best = angle;
      }
    }
  };
  // The coarse pass looks at every 4th ink pixel (plenty for whole-degree steps; a quarter of the time),
  // the fine passes at all of them: ±0.5° in 0.1° steps around the best degree, then ±0.1° in 0.02° steps.
  search(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES, 1, n >= 4 * MIN_INK_PIXELS ? 4 : 1);
  search(-0.5, 0.5, 0.1, 1);
  search(-0.1, 0.1, 0.02, 1);
  return Math.round(best * 100) / 100;
}
