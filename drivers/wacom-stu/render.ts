/**
 * Renders captured pen samples as an 8-bit grey image (white paper, black
 * ink) at a chosen resolution: the picture of a signature that goes into the
 * packet beside the raw samples. Pure TypeScript: no canvas exists under
 * plain Node, and a signature is a few thousand short capsules, which a small
 * anti-aliased rasteriser draws in milliseconds.
 */
import type { GreyImage } from '../capture.js';
import type { PenSample, TabletGeometry } from './driver.js';
import { DEFAULT_UNITS_PER_INCH } from './protocol.js';

export interface RenderOptions {
  /** Output resolution in pixels per inch (default 300). */
  ppi?: number;
  /** Ink width at the lightest touch and at full pressure, in millimetres (defaults 0.25 and 0.8: a ballpoint to a felt tip). */
  minWidthMm?: number;
  maxWidthMm?: number;
  /** 'tablet': the whole writing surface; 'ink': cropped to the ink plus `marginMm`. */
  area?: 'tablet' | 'ink';
  marginMm?: number;
}

/** Where the rendered image sits on the tablet, for callers that need to map back. */
export interface RenderedSignature {
  image: GreyImage;
  /** Tablet units at the image's top-left pixel corner. */
  originX: number;
  originY: number;
  /** Pixels per tablet unit. */
  scale: number;
}

/** Renders `samples` (strokes are runs of samples with the pen down: rdy and sw ≠ 0); see RenderOptions. */
export function renderSignature(samples: readonly PenSample[], tablet: TabletGeometry, options: RenderOptions = {}): RenderedSignature {
  const ppi = options.ppi ?? 300;
  if (!(ppi > 0) || ppi > 2400) throw new RangeError(`ppi must be in (0, 2400], got ${ppi}.`);
  const unitsPerInch = tablet.unitsPerInch || DEFAULT_UNITS_PER_INCH;
  const scale = ppi / unitsPerInch;
  const pxPerMm = ppi / 25.4;
  const minR = ((options.minWidthMm ?? 0.25) * pxPerMm) / 2;
  const maxR = ((options.maxWidthMm ?? 0.8) * pxPerMm) / 2;
  const maxPressure = Math.max(1, tablet.maxPressure);
  const down = (s: PenSample) => s.rdy && s.sw !== 0;
  const radius = (s: PenSample) => minR + (maxR - minR) * Math.min(1, Math.max(0, s.pressure / maxPressure));

  let originX = 0;
  let originY = 0;
  let width = Math.max(1, Math.ceil(tablet.maxX * scale));
  let height = Math.max(1, Math.ceil(tablet.maxY * scale));
  if (options.area === 'ink') {
    const inked = samples.filter(down);
    const margin = ((options.marginMm ?? 3) * unitsPerInch) / 25.4;
    if (inked.length > 0) {
      const xs = inked.map((s) => s.x);
      const ys = inked.map((s) => s.y);
      originX = Math.max(0, Math.min(...xs) - margin);
      originY = Math.max(0, Math.min(...ys) - margin);
      width = Math.max(1, Math.ceil((Math.min(tablet.maxX, Math.max(...xs) + margin) - originX) * scale));
      height = Math.max(1, Math.ceil((Math.min(tablet.maxY, Math.max(...ys) + margin) - originY) * scale));
    } else {
      width = height = Math.max(1, Math.ceil(2 * margin * scale));
    }
  }
  const pixels = new Uint8Array(width * height).fill(255);
  const px = (s: PenSample) => ({ x: (s.x - originX) * scale, y: (s.y - originY) * scale, r: radius(s) });

  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as PenSample;
    if (!down(s)) continue;
    const prev = i > 0 ? (samples[i - 1] as PenSample) : null;
    const a = px(s);
    // A stroke starts where the pen comes down: its first sample is a dot; later samples join the previous one.
    if (prev !== null && down(prev)) capsule(pixels, width, height, px(prev), a);
    else capsule(pixels, width, height, a, a);
  }
  return { image: { width, height, ppi, pixels }, originX, originY, scale };
}

/** A line from a to b whose radius goes from a.r to b.r, with round ends; coverage-based anti-aliasing, darkest wins. */
function capsule(pixels: Uint8Array, width: number, height: number, a: { x: number; y: number; r: number }, b: { x: number; y: number; r: number }): void {
  const reach = Math.max(a.r, b.r) + 1;
  const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - reach));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(a.x, b.x) + reach));
  const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - reach));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(a.y, b.y) + reach));
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length2 = dx * dx + dy * dy;
  for (let y = y0; y <= y1; y++) {
    const cy = y + 0.5;
    for (let x = x0; x <= x1; x++) {
      const cx = x + 0.5;
      const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((cx - a.x) * dx + (cy - a.y) * dy) / length2));
      const ex = a.x + dx * t - cx;
      const ey = a.y + dy * t - cy;
      const d = Math.sqrt(ex * ex + ey * ey);
      const r = a.r + (b.r - a.r) * t;
      const coverage = Math.min(1, Math.max(0, r + 0.5 - d));
      if (coverage <= 0) continue;
      const value = Math.round(255 * (1 - coverage));
      const at = y * width + x;
      if (value < (pixels[at] ?? 255)) pixels[at] = value;
    }
  }
}

/**
 * PNG bytes of a grey image, one 8-bit channel, via sharp (loaded on first
 * use: it is a native module the pad itself does not need). The resolution
 * travels in the image record beside it, not in the PNG.
 */
export async function greyImageToPng(image: GreyImage): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp(Buffer.from(image.pixels.buffer, image.pixels.byteOffset, image.pixels.byteLength), { raw: { width: image.width, height: image.height, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
}

/** Renders and encodes in one step. */
export async function renderSignaturePng(samples: readonly PenSample[], tablet: TabletGeometry, options: RenderOptions = {}): Promise<Buffer> {
  return greyImageToPng(renderSignature(samples, tablet, options).image);
}
