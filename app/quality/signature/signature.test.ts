import { describe, expect, it } from 'vitest';
import { createPrng } from '../../../device-simulators/random.js';
import { defaultQualityConfig } from '../config.js';
import { QualityInputError } from '../pixels.js';
import { assessSignature, measureSignature, type SignatureSample } from './index.js';

/** STU-530 tablet geometry (drivers/wacom-stu: 9600 × 6000 units, 1024 pressure levels). */
const pad = { maxX: 9600, maxY: 6000, maxPressure: 1023 };
const thresholds = defaultQualityConfig.signature;

/** A looping signature: `strokes` pen-down runs of `perStroke` samples at 5 ms, with pen-up gaps, across `width` units. */
function signature(options: { strokes?: number; perStroke?: number; width?: number; height?: number; pressure?: (i: number) => number } = {}): SignatureSample[] {
  const { strokes = 3, perStroke = 120, width = 5000, height = 1500 } = options;
  const random = createPrng(7);
  const pressure = options.pressure ?? ((i: number) => 300 + Math.round(200 * Math.sin(i / 9)) + Math.round(random() * 20));
  const out: SignatureSample[] = [];
  let t = 0;
  let i = 0;
  for (let s = 0; s < strokes; s++) {
    for (let k = 0; k < perStroke; k++, i++, t += 5) {
      const u = (s * perStroke + k) / (strokes * perStroke);
      out.push({ t, x: 2000 + u * width, y: 3000 + (height / 2) * Math.sin(u * 25), pressure: pressure(i), sw: 1 });
    }
    for (let k = 0; k < 10; k++, t += 5) out.push({ t, x: 2000 + width * ((s + 1) / strokes), y: 3000, pressure: 0, sw: 0 });
  }
  return out;
}
const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

describe('signature checks', () => {
  it('a real-looking signature passes, with its measures', () => {
    const r = assessSignature({ samples: signature(), pad }, thresholds);
    expect(r.reasons).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.measures).toMatchObject({ strokeCount: 3, pointCount: 360, pressurePresent: 1 });
    expect(r.measures['durationMs']).toBe(5 * (3 * 130 - 10 - 1));
    expect(r.measures['boxWidthFraction']).toBeCloseTo(5000 / 9600, 2);
    expect(r.score).toBeGreaterThanOrEqual(50);
  });

  it('no samples, or only hovering: signature_empty', () => {
    expect(assessSignature({ samples: [], pad }, thresholds).reasons).toEqual([{ code: 'signature_empty', params: {} }]);
    const hover = signature().map((s) => ({ ...s, sw: 0 }));
    expect(codes(assessSignature({ samples: hover, pad }, thresholds))).toEqual(['signature_empty']);
  });

  it('a tap (a few samples on one spot): signature_dot', () => {
    const tap = Array.from({ length: 30 }, (_, i) => ({ t: i * 5, x: 4000 + (i % 3), y: 3000, pressure: 200 + i, sw: 1 }));
    const r = assessSignature({ samples: tap, pad }, thresholds);
    expect(codes(r)).toEqual(['signature_dot']);
    expect(r.passed).toBe(false);
    expect(r.score).toBe(0);
    const fewPoints = signature({ strokes: 1, perStroke: 4 });
    expect(codes(assessSignature({ samples: fewPoints, pad }, thresholds))).toEqual(['signature_dot']);
  });

  it('a quick flick shorter than minDurationMs: signature_too_short (threshold from config)', () => {
    const flick = signature({ strokes: 1, perStroke: 40 }).map((s) => ({ ...s, t: s.t / 5 }));
    const r = assessSignature({ samples: flick, pad }, thresholds);
    expect(r.reasons).toEqual([{ code: 'signature_too_short', params: { durationMs: 39, minDurationMs: 300 } }]);
    expect(assessSignature({ samples: flick, pad }, { ...thresholds, minDurationMs: 20 }).passed).toBe(true);
  });

  it('a signature squeezed into a corner: signature_too_small', () => {
    const r = assessSignature({ samples: signature({ width: 600, height: 300 }), pad }, thresholds);
    expect(codes(r)).toEqual(['signature_too_small']);
    expect(r.reasons[0]!.params['boxAreaFraction']).toBeLessThan(0.01);
  });

  it('no pressure, or constant pressure (a mouse): signature_no_pressure, unless pressure is not required', () => {
    const zero = signature({ pressure: () => 0 });
    expect(codes(assessSignature({ samples: zero, pad }, thresholds))).toEqual(['signature_no_pressure']);
    const flat = signature({ pressure: () => 1023 });
    expect(codes(assessSignature({ samples: flat, pad }, thresholds))).toEqual(['signature_no_pressure']);
    expect(assessSignature({ samples: zero, pad }, { ...thresholds, requirePressure: false }).passed).toBe(true);
  });

  it('counts strokes as pen-down runs', () => {
    expect(measureSignature({ samples: signature({ strokes: 5, perStroke: 30 }), pad }).strokeCount).toBe(5);
  });

  it('rejects malformed input with a sentence', () => {
    expect(() => measureSignature({ samples: [], pad: { maxX: 0, maxY: 10, maxPressure: 1 } })).toThrow(QualityInputError);
    expect(() => measureSignature({ samples: [{ t: 0, x: Number.NaN, y: 0, pressure: 0, sw: 1 }], pad })).toThrow(/Pen sample 0/);
  });

  it('random sample lists never throw anything but QualityInputError (100 000 inputs)', () => {
    const random = createPrng(20260312);
    const pick = () => {
      const r = random();
      return r < 0.02 ? Number.NaN : r < 0.04 ? Infinity : Math.round((random() - 0.1) * 10000);
    };
    let assessed = 0;
    let rejected = 0;
    const wrong: unknown[] = [];
    for (let i = 0; i < 100_000; i++) {
      const samples = Array.from({ length: Math.floor(random() * 8) }, () => ({ t: pick(), x: pick(), y: pick(), pressure: pick(), sw: random() < 0.5 ? 0 : 1 }));
      try {
        const r = assessSignature({ samples, pad }, thresholds);
        if (!(r.score >= 0 && r.score <= 100) || r.passed !== (r.reasons.length === 0)) wrong.push(r);
        assessed++;
      } catch (error) {
        if (error instanceof QualityInputError) rejected++;
        else wrong.push(error);
      }
    }
    expect(wrong).toEqual([]);
    expect(assessed).toBeGreaterThan(10_000);
    expect(rejected).toBeGreaterThan(10_000);
  });
});
