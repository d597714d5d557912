/**
 * Pen movement of a plausible handwritten signature, as an STU pad would
 * sample it: one frame per report (200 a second over USB HID, [hpp]
 * setReportRate), in tablet units. A signature is a few strokes written left
 * to right — a capital with a loop, cursive runs, a flourish underneath —
 * with the pen hovering (rdy = 1, sw = 0, pressure 0) on the way in, between
 * strokes and on the way out, and leaving proximity (rdy = 0) at the end.
 * Pressure rises over the first ~40 ms of a stroke, wavers, and falls before
 * the lift, as it does with a real pen. Seeded: the same seed gives the same
 * signature.
 */
import type { PenData } from '../../drivers/wacom-stu/protocol.js';
import { createPrng } from '../random.js';

export interface StrokeOptions {
  seed?: number;
  tabletMaxX: number;
  tabletMaxY: number;
  maxPressure: number;
  /** Tablet units per inch (STU: 2540). */
  unitsPerInch?: number;
  /** Reports per second (HID: 200). */
  reportRate?: number;
  /** Number of strokes (pen-down to pen-up); 3–5 when not given. */
  strokes?: number;
}

export interface GeneratedSignature {
  /** Every report in order: hover in, strokes with hover between them, hover out, and a last rdy = 0. */
  frames: PenData[];
  /** The pen-down frames of each stroke (sw = 1), for tests that check where ink must be. */
  strokes: PenData[][];
  /** Milliseconds between frames (1000 / reportRate). */
  intervalMs: number;
}

export function generateSignature(options: StrokeOptions): GeneratedSignature {
  const random = createPrng((options.seed ?? 1) ^ 0x5bd1e995);
  const rate = options.reportRate ?? 200;
  const unitsPerMm = (options.unitsPerInch ?? 2540) / 25.4;
  const { tabletMaxX: maxX, tabletMaxY: maxY, maxPressure } = options;
  const between = (a: number, b: number) => a + (b - a) * random();
  const clampX = (x: number) => Math.max(0, Math.min(maxX, Math.round(x)));
  const clampY = (y: number) => Math.max(0, Math.min(maxY, Math.round(y)));

  // Written in the middle band of the pad: baseline at ~62 % of the height, letters ~14 % tall.
  const left = maxX * between(0.1, 0.16);
  const right = maxX * between(0.82, 0.9);
  const baseline = maxY * between(0.58, 0.66);
  const letter = maxY * between(0.11, 0.16);
  const count = options.strokes ?? 3 + Math.floor(random() * 3);

  const frames: PenData[] = [];
  const strokes: PenData[][] = [];
  const hover = (from: { x: number; y: number }, to: { x: number; y: number }, ms: number) => {
    const n = Math.max(2, Math.round((ms / 1000) * rate));
    for (let i = 0; i < n; i++) {
      const t = i / (n - 1);
      // The pen lifts a little mid-air: hover samples do not follow the ink line.
      frames.push({ rdy: true, sw: 0, pressure: 0, x: clampX(from.x + (to.x - from.x) * t), y: clampY(from.y + (to.y - from.y) * t - Math.sin(Math.PI * t) * letter * 0.3) });
    }
  };

  // Stroke extents: the capital takes a wider share, the flourish runs under the whole name.
  const span = right - left;
  const shares = Array.from({ length: count - 1 }, (_, i) => (i === 0 ? 1.6 : 1) * between(0.8, 1.2));
  const total = shares.reduce((a, b) => a + b, 0);
  let cursor = left;
  let last = { x: left - 8 * unitsPerMm, y: baseline - letter * 2 };
  for (let s = 0; s < count; s++) {
    const flourish = s === count - 1;
    const width = flourish ? span * between(0.7, 0.95) : (span * (shares[s] ?? 1)) / total;
    const x0 = flourish ? left + span * between(0.02, 0.2) : cursor;
    cursor += width;
    // Writing speed 60–140 mm/s along x, letters drawn as loops (amplitude wide enough to double back).
    const speed = between(60, 140) * unitsPerMm;
    const durationS = Math.max(0.25, width / speed);
    const n = Math.max(12, Math.round(durationS * rate));
    const loops = flourish ? between(0.5, 1.2) : between(2, 5) * (s === 0 ? 0.7 : 1);
    const loopX = flourish ? 0 : (width / loops) * between(0.25, 0.45);
    const tall = s === 0 ? letter * 2.2 : letter * between(0.9, 1.4);
    const phase = between(0, Math.PI * 2);
    const peak = maxPressure * between(0.55, 0.8);
    const start = {
      x: x0 + loopX * Math.sin(phase),
      y: flourish ? baseline + letter * 0.9 : baseline - tall * 0.5 * (1 - Math.cos(phase)),
    };
    hover(last, start, between(120, 320));

    const stroke: PenData[] = [];
    for (let i = 0; i < n; i++) {
      const t = i / (n - 1);
      const angle = phase + 2 * Math.PI * loops * t;
      let x = x0 + width * t + loopX * Math.sin(angle);
      let y = flourish ? baseline + letter * (0.9 + 0.35 * Math.sin(Math.PI * t * 1.5)) : baseline - tall * 0.5 * (1 - Math.cos(angle)) * (0.75 + 0.25 * Math.sin(Math.PI * t));
      // Hand tremor: a fraction of a millimetre.
      x += (random() - 0.5) * 0.3 * unitsPerMm;
      y += (random() - 0.5) * 0.3 * unitsPerMm;
      const ramp = Math.min(1, (i + 1) / 8) * Math.min(1, (n - i) / 6);
      const pressure = Math.max(1, Math.min(maxPressure, Math.round(peak * ramp * (0.85 + 0.15 * Math.sin(angle * 0.5)) + (random() - 0.5) * maxPressure * 0.03)));
      const frame: PenData = { rdy: true, sw: 1, pressure, x: clampX(x), y: clampY(y) };
      stroke.push(frame);
      frames.push(frame);
    }
    strokes.push(stroke);
    const end = stroke[stroke.length - 1] as PenData;
    last = { x: end.x, y: end.y };
  }
  hover(last, { x: last.x + 10 * unitsPerMm, y: last.y - letter }, between(100, 200));
  const exit = frames[frames.length - 1] as PenData;
  frames.push({ rdy: false, sw: 0, pressure: 0, x: exit.x, y: exit.y });
  return { frames, strokes, intervalMs: 1000 / rate };
}
