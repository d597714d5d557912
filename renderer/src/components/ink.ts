import type { InkPoint } from '../../../app/contract/cases';

/**
 * The drawing math of InkCanvas, without a canvas: which batches to take
 * (capture.ink seq order, `clear`), and which line segments a batch adds
 * given the pen's previous sample. Coordinates arrive scaled 0…1 over the
 * pad's display area; the canvas multiplies by its pixel size.
 */

export interface InkBatch {
  seq: number;
  clear: boolean;
  points: readonly InkPoint[];
}

export interface Segment {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  width: number;
}

/** Line width in canvas pixels for a pressure 0…1: a thin line at a light touch, about three times as wide at full pressure. */
export function lineWidth(pressure: number, scale: number): number {
  const p = Number.isFinite(pressure) ? Math.min(1, Math.max(0, pressure)) : 0;
  return Math.max(1, scale * (0.0035 + 0.0075 * p));
}

/**
 * Keeps the ink in order: batches whose seq is not newer than the last one
 * taken are duplicates or stragglers and are dropped, except a `clear`
 * (a new capture may start its numbering again) or seq 0 (a new capture).
 */
export class InkSequencer {
  private last = -1;

  accept(batch: InkBatch): boolean {
    if (batch.clear || batch.seq === 0 || batch.seq > this.last) {
      this.last = batch.seq;
      return true;
    }
    return false;
  }

  reset(): void {
    this.last = -1;
  }
}

/**
 * The segments one batch adds: between consecutive pen-down samples
 * (the previous batch's last sample continues into this one). A pen-down
 * sample after a pen-up starts a stroke: drawn as a dot so a tap shows.
 * Width follows the pressure at the segment's end, averaged with its start.
 */
export function segmentsFor(previous: InkPoint | null, points: readonly InkPoint[], width: number, height: number): Segment[] {
  const out: Segment[] = [];
  const scale = Math.min(width, height);
  let prev = previous;
  for (const point of points) {
    if (point.down) {
      const x1 = point.x * width;
      const y1 = point.y * height;
      if (prev !== null && prev.down) {
        out.push({ x0: prev.x * width, y0: prev.y * height, x1, y1, width: lineWidth((prev.p + point.p) / 2, scale) });
      } else {
        out.push({ x0: x1, y0: y1, x1, y1, width: lineWidth(point.p, scale) });
      }
    }
    prev = point;
  }
  return out;
}

/** The last sample of a batch (or the previous one if the batch is empty): where the next batch continues from. */
export function lastPoint(previous: InkPoint | null, points: readonly InkPoint[]): InkPoint | null {
  return points.length > 0 ? (points[points.length - 1] as InkPoint) : previous;
}
