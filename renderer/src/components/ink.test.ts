import { describe, expect, it } from 'vitest';
import type { InkPoint } from '../../../app/contract/cases';
import { InkSequencer, lastPoint, lineWidth, segmentsFor } from './ink';

const pt = (x: number, y: number, p = 0.5, down = true, t = 0): InkPoint => ({ x, y, p, down, t });

describe('ink drawing math', () => {
  it('widens the line with pressure, clamped to 0…1, never under one pixel', () => {
    expect(lineWidth(0, 400)).toBeCloseTo(1.4, 9);
    expect(lineWidth(1, 400)).toBeCloseTo(4.4, 9);
    expect(lineWidth(0.5, 400)).toBeGreaterThan(lineWidth(0.2, 400));
    expect(lineWidth(7, 400)).toBe(lineWidth(1, 400));
    expect(lineWidth(-1, 400)).toBe(lineWidth(0, 400));
    expect(lineWidth(Number.NaN, 400)).toBe(lineWidth(0, 400));
    expect(lineWidth(1, 10)).toBe(1);
  });

  it('scales 0…1 pad coordinates to the canvas and joins consecutive pen-down samples', () => {
    const segments = segmentsFor(null, [pt(0.1, 0.2, 0.4), pt(0.5, 0.5, 0.6)], 800, 480);
    expect(segments).toHaveLength(2);
    // The first sample of a stroke is a dot; then a line to the next, width from the mean pressure.
    expect(segments[0]).toMatchObject({ x0: 80, y0: 96, x1: 80, y1: 96 });
    expect(segments[1]).toMatchObject({ x0: 80, y0: 96, x1: 400, y1: 240 });
    expect(segments[1]!.width).toBeCloseTo(lineWidth(0.5, 480), 9);
  });

  it('continues a stroke from the previous batch without a gap', () => {
    const first = [pt(0.1, 0.1), pt(0.2, 0.1)];
    const second = [pt(0.3, 0.1)];
    const segments = segmentsFor(lastPoint(null, first), second, 100, 100);
    expect(segments).toEqual([{ x0: 20, y0: 10, x1: 30, y1: 10, width: lineWidth(0.5, 100) }]);
  });

  it('breaks the line where the pen lifts, and draws nothing for hovering samples', () => {
    const segments = segmentsFor(null, [pt(0.1, 0.1), pt(0.2, 0.1), pt(0.3, 0.3, 0, false), pt(0.5, 0.5, 0, false), pt(0.6, 0.6), pt(0.7, 0.6)], 100, 100);
    const lines = segments.filter((s) => s.x0 !== s.x1 || s.y0 !== s.y1);
    expect(lines.map((s) => [s.x0, s.x1])).toEqual([
      [10, 20],
      [60, 70],
    ]);
    // Two strokes, each starting with a dot.
    expect(segments.length - lines.length).toBe(2);
  });

  it('keeps where the pen was across an empty batch', () => {
    const p = pt(0.4, 0.4);
    expect(lastPoint(p, [])).toBe(p);
    expect(lastPoint(null, [pt(0, 0), p])).toBe(p);
  });

  it('takes batches in order, drops repeats and stragglers, and restarts on clear or seq 0', () => {
    const s = new InkSequencer();
    const b = (seq: number, clear = false) => ({ seq, clear, points: [] });
    expect(s.accept(b(0))).toBe(true);
    expect(s.accept(b(1))).toBe(true);
    expect(s.accept(b(3))).toBe(true);
    expect(s.accept(b(2))).toBe(false);
    expect(s.accept(b(3))).toBe(false);
    expect(s.accept(b(2, true))).toBe(true);
    expect(s.accept(b(3))).toBe(true);
    expect(s.accept(b(0))).toBe(true);
    s.reset();
    expect(s.accept(b(1))).toBe(true);
  });
});
