/**
 * Connected regions on the downsampled page: the largest saturated blob
 * (glare) and the scanner background reached from the frame's edge
 * (coverage). Iterative flood fill with an explicit stack: pages are large
 * and recursion would overflow.
 */
import type { GreyPixels } from '../pixels.js';

/**
 * Size in pixels of the largest 8-connected region of pixels ≥ level.
 * 8-connected: a glare spot crossed by a one-pixel diagonal print line is
 * still one spot.
 */
export function largestBrightBlob(image: GreyPixels, level: number): number {
  const { width: w, height: h, pixels } = image;
  return regionSizes(w, h, (i) => (pixels[i] as number) >= level, true).reduce((a, b) => Math.max(a, b), 0);
}

/**
 * Sizes of the connected regions of the pixels for which `inside` holds, 8-connected or 4-connected. One pass
 * with an explicit stack: a region may be most of a page.
 */
function regionSizes(w: number, h: number, inside: (i: number) => boolean, eightConnected: boolean): number[] {
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const sizes: number[] = [];
  for (let start = 0; start < w * h; start++) {
    if (seen[start] || !inside(start)) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let size = 0;
    while (top > 0) {
      const i = stack[--top] as number;
      size++;
      const x = i % w;
      const y = (i - x) / w;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w || (!eightConnected && dx !== 0 && dy !== 0)) continue;
          const j = yy * w + xx;
          if (seen[j] || !inside(j)) continue;
          seen[j] = 1;
          stack[top++] = j;
        }
      }
    }
    sizes.push(size);
  }
  return sizes;
}

/**
 * Pixels of scanner background: the 4-connected region reached from the
 * frame's edge through pixels within `tolerance` of `level`, not counting
 * pixels already marked in `seen` (which it marks).
 * 4-connected so the fill cannot slip diagonally through a page's
 * anti-aliased edge.
 */
export function backgroundFromEdge(image: GreyPixels, level: number, tolerance: number, seen = new Uint8Array(image.width * image.height)): number {
  const { width: w, height: h, pixels } = image;
  const stack = new Int32Array(w * h);
  let top = 0;
  const isBackground = (i: number) => Math.abs((pixels[i] as number) - level) <= tolerance;
  const seed = (i: number) => {
    if (!seen[i] && isBackground(i)) {
      seen[i] = 1;
      stack[top++] = i;
    }
  };
  for (let x = 0; x < w; x++) {
    seed(x);
    seed((h - 1) * w + x);
  }
  for (let y = 0; y < h; y++) {
    seed(y * w);
    seed(y * w + w - 1);
  }
  let size = 0;
  while (top > 0) {
    const i = stack[--top] as number;
    size++;
    const x = i % w;
    if (x > 0) seed(i - 1);
    if (x < w - 1) seed(i + 1);
    if (i >= w) seed(i - w);
    if (i + w < w * h) seed(i + w);
  }
  return size;
}

/** Scanner background must differ from the page's own tone by more than this to be told apart from it. */
export const BACKGROUND_CONTRAST = 8;
/** Grey levels around the background's level that still count as background (noise, the lid's unevenness). */
export const BACKGROUND_TOLERANCE = 6;
/** A side of the frame is all background when at least this share of its outermost line is within tolerance of one level. */
export const UNIFORM_SIDE_SHARE = 0.8;

/**
 * Share of the frame that is page. Where the page slid off the glass (or
 * does not reach the frame's edge), one or more sides of the frame show only
 * scanner background: a line of one grey that differs from the page's own
 * tone (the most frequent grey of the frame's central half). Each such
 * level is flood-filled from the frame's edge; what it reaches is not page.
 * A page that fills the frame, or a background the same tone as the paper
 * (white lid, white paper), reads as 1: coverage cannot be seen then.
 */
export function estimateCoverage(image: GreyPixels): number {
  const { width: w, height: h } = image;
  const page = centralMode(image);
  const sides = [
    sideLine(image, (k) => k, w),
    sideLine(image, (k) => (h - 1) * w + k, w),
    sideLine(image, (k) => k * w, h),
    sideLine(image, (k) => k * w + w - 1, h),
  ];
  const levels = new Set<number>();
  for (const side of sides) {
    if (side.share >= UNIFORM_SIDE_SHARE && Math.abs(side.level - page) > BACKGROUND_CONTRAST) levels.add(side.level);
  }
  let background = 0;
  const seen = new Uint8Array(w * h);
  for (const level of levels) {
    const before = seen.slice();
    const size = backgroundFromEdge(image, level, BACKGROUND_TOLERANCE, seen);
    // A band of the page's own along an edge — a passport's MRZ zone, lighter than the rest of the data page —
    // is one grey reaching the edge too; but it holds print, islands the fill flowed around. Bare lid holds none.
    if (size > 0 && enclosedShare(seen, w, h) * (w * h) > ISLAND_SHARE * size) seen.set(before);
    else background += size;
  }
  return 1 - background / (w * h);
}

/**
 * Islands inside a region that reached the edge, as a share of that region: the background is flood-filled
 * first; what is left unfilled apart from its largest 4-connected piece (the page itself) is enclosed by the
 * fill — print on a band of the page, not anything a scanner lid shows. A few specks of dust stay below this.
 */
export const ISLAND_SHARE = 0.01;

/** Share of the frame not marked in `filled` and not part of its largest 4-connected unmarked piece. */
function enclosedShare(filled: Uint8Array, w: number, h: number): number {
  const pieces = regionSizes(w, h, (i) => filled[i] === 0, false);
  const unfilled = pieces.reduce((sum, size) => sum + size, 0);
  return (unfilled - pieces.reduce((a, b) => Math.max(a, b), 0)) / (w * h);
}

/** The most frequent grey of one side's outermost line and the share of the line within tolerance of it. */
function sideLine(image: GreyPixels, at: (k: number) => number, length: number): { level: number; share: number } {
  const hist = new Uint32Array(256);
  for (let k = 0; k < length; k++) hist[image.pixels[at(k)] as number]! += 1;
  let level = 0;
  for (let g = 1; g < 256; g++) if ((hist[g] as number) > (hist[level] as number)) level = g;
  let near = 0;
  for (let g = Math.max(0, level - BACKGROUND_TOLERANCE); g <= Math.min(255, level + BACKGROUND_TOLERANCE); g++) near += hist[g] as number;
  return { level, share: length === 0 ? 0 : near / length };
}

/** The most frequent grey of the central half (in each direction) of the frame: the page's own tone. */
export function centralMode(image: GreyPixels): number {
  const { width: w, height: h, pixels } = image;
  const hist = new Uint32Array(256);
  for (let y = Math.floor(h / 4); y < Math.ceil((3 * h) / 4); y++) {
    for (let x = Math.floor(w / 4); x < Math.ceil((3 * w) / 4); x++) hist[pixels[y * w + x] as number]! += 1;
  }
  let level = 0;
  for (let g = 1; g < 256; g++) if ((hist[g] as number) > (hist[level] as number)) level = g;
  return level;
}
