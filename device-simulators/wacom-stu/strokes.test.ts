import { describe, expect, it } from 'vitest';
import { generateSignature } from './strokes.js';

const tablet = { tabletMaxX: 10800, tabletMaxY: 6480, maxPressure: 1023 };

describe('generated signature strokes', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(generateSignature({ ...tablet, seed: 5 })).toEqual(generateSignature({ ...tablet, seed: 5 }));
    expect(generateSignature({ ...tablet, seed: 6 }).frames).not.toEqual(generateSignature({ ...tablet, seed: 5 }).frames);
  });

  it('looks like handwriting: a few strokes, hover between, pressure rising and falling, plausible speed, inside the tablet', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const { frames, strokes, intervalMs } = generateSignature({ ...tablet, seed });
      expect(intervalMs).toBe(5);
      expect(strokes.length).toBeGreaterThanOrEqual(3);
      expect(strokes.length).toBeLessThanOrEqual(5);
      // Starts hovering, ends out of proximity.
      expect(frames[0]).toMatchObject({ rdy: true, sw: 0, pressure: 0 });
      expect(frames[frames.length - 1]).toMatchObject({ rdy: false, sw: 0 });
      // Pen lifts: the strokes are separated by hover samples (rdy 1, sw 0).
      let runs = 0;
      for (let i = 0; i < frames.length; i++) if (frames[i]?.sw && !frames[i - 1]?.sw) runs++;
      expect(runs).toBe(strokes.length);
      for (const stroke of strokes) {
        const p = stroke.map((f) => f.pressure);
        const peak = Math.max(...p);
        expect(p[0]).toBeLessThan(peak * 0.3);
        expect(p[p.length - 1]).toBeLessThan(peak * 0.3);
        expect(peak).toBeGreaterThan(1023 * 0.4);
        expect(peak).toBeLessThanOrEqual(1023);
        // Speed: < 1 m/s between samples 5 ms apart (100 units per mm).
        for (let i = 1; i < stroke.length; i++) {
          const a = stroke[i - 1];
          const b = stroke[i];
          expect(Math.hypot((b?.x ?? 0) - (a?.x ?? 0), (b?.y ?? 0) - (a?.y ?? 0))).toBeLessThan(500);
        }
      }
      for (const f of frames) {
        expect(f.x).toBeGreaterThanOrEqual(0);
        expect(f.x).toBeLessThanOrEqual(tablet.tabletMaxX);
        expect(f.y).toBeGreaterThanOrEqual(0);
        expect(f.y).toBeLessThanOrEqual(tablet.tabletMaxY);
      }
      // Written across most of the width.
      const xs = strokes.flat().map((f) => f.x);
      expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(tablet.tabletMaxX * 0.5);
    }
  });
});
