/**
 * Signature capture checks on the pen samples a signature pad reports
 * (drivers/wacom-stu/driver.ts PenSample and TabletGeometry fit these
 * shapes). Nothing here judges whose signature it is; it only turns away
 * captures that cannot be a hand signature: nothing, a tap, a flick, a
 * scribble too small to see, or a "pen" with no pressure (a mouse or a
 * finger on a touch screen).
 */
import type { SignatureThresholds } from '../config.js';
import { atLeast, failedReasons, mustHold, scoreChecks, type Check, type QualityReason } from '../reasons.js';
import { QualityInputError } from '../pixels.js';

export interface SignatureSample {
  /** Milliseconds. */
  t: number;
  /** Tablet units. */
  x: number;
  y: number;
  pressure: number;
  /** Tip switch: non-zero = the pen touches the pad (STU reports 0–7). */
  sw: number;
}

export interface PadArea {
  maxX: number;
  maxY: number;
  maxPressure: number;
}

export interface SignatureInput {
  samples: readonly SignatureSample[];
  pad: PadArea;
}

export interface SignatureMeasures {
  /** Pen-down runs. */
  strokeCount: number;
  /** First to last pen-down sample, ms. */
  durationMs: number;
  /** Pen-down samples. */
  pointCount: number;
  /** Ink bounding box: width and height as shares of the pad's, and its area as a share of the pad's area. */
  boxWidthFraction: number;
  boxHeightFraction: number;
  boxAreaFraction: number;
  /** Bounding-box diagonal as a share of the pad's diagonal. */
  boxDiagonalFraction: number;
  /** 1 when pen-down pressure is somewhere non-zero and not constant, else 0. */
  pressurePresent: number;
  /** Mean pen-down pressure as a share of the pad's maximum. */
  meanPressureFraction: number;
}

/** A signature has at most this many samples: 200 Hz for 10 minutes, far beyond any pad's capture window. */
export const MAX_SAMPLES = 120_000;

function assertInput(input: SignatureInput): void {
  const pad = input?.pad;
  if (!pad || !(pad.maxX > 0) || !(pad.maxY > 0) || !(pad.maxPressure >= 0) || ![pad.maxX, pad.maxY, pad.maxPressure].every(Number.isFinite)) {
    throw new QualityInputError('invalid_input', `The signature pad's area needs positive maxX and maxY and a maxPressure of 0 or more, got ${JSON.stringify(pad)}.`);
  }
  if (!Array.isArray(input.samples)) throw new QualityInputError('invalid_input', 'The signature needs a list of pen samples.');
  if (input.samples.length > MAX_SAMPLES) {
    throw new QualityInputError('image_too_large', `The signature has ${input.samples.length} pen samples, more than the ${MAX_SAMPLES} the quality stage measures.`);
  }
  input.samples.forEach((s, i) => {
    if (!s || ![s.t, s.x, s.y, s.pressure, s.sw].every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new QualityInputError('invalid_input', `Pen sample ${i} needs finite numbers t, x, y, pressure and sw, got ${JSON.stringify(s)}.`);
    }
  });
}

export function measureSignature(input: SignatureInput): SignatureMeasures {
  assertInput(input);
  const { samples, pad } = input;
  let strokes = 0;
  let points = 0;
  let down = false;
  let t0 = Infinity;
  let t1 = -Infinity;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  let minP = Infinity;
  let maxP = -Infinity;
  let sumP = 0;
  for (const s of samples) {
    const isDown = s.sw !== 0;
    if (isDown) {
      if (!down) strokes++;
      points++;
      t0 = Math.min(t0, s.t);
      t1 = Math.max(t1, s.t);
      minX = Math.min(minX, s.x);
      maxX = Math.max(maxX, s.x);
      minY = Math.min(minY, s.y);
      maxY = Math.max(maxY, s.y);
      minP = Math.min(minP, s.pressure);
      maxP = Math.max(maxP, s.pressure);
      sumP += s.pressure;
    }
    down = isDown;
  }
  if (points === 0) {
    return { strokeCount: 0, durationMs: 0, pointCount: 0, boxWidthFraction: 0, boxHeightFraction: 0, boxAreaFraction: 0, boxDiagonalFraction: 0, pressurePresent: 0, meanPressureFraction: 0 };
  }
  const bw = Math.min(1, (maxX - minX) / pad.maxX);
  const bh = Math.min(1, (maxY - minY) / pad.maxY);
  return {
    strokeCount: strokes,
    durationMs: t1 - t0,
    pointCount: points,
    boxWidthFraction: round4(bw),
    boxHeightFraction: round4(bh),
    boxAreaFraction: round4(bw * bh),
    boxDiagonalFraction: round4(Math.hypot(maxX - minX, maxY - minY) / Math.hypot(pad.maxX, pad.maxY)),
    pressurePresent: maxP > 0 && maxP > minP ? 1 : 0,
    meanPressureFraction: pad.maxPressure > 0 ? round4(sumP / points / pad.maxPressure) : 0,
  };
}

export interface SignatureAssessment {
  score: number;
  passed: boolean;
  measures: Record<string, number>;
  reasons: QualityReason[];
}

/**
 * The checks, most basic first; once one of empty / dot fails the later
 * ones would only repeat it, so the result carries that one reason.
 */
export function assessSignature(input: SignatureInput, thresholds: SignatureThresholds): SignatureAssessment {
  const m = measureSignature(input);
  const measures = { ...m };
  if (m.pointCount === 0) {
    return { score: 0, passed: false, measures, reasons: [{ code: 'signature_empty', params: {} }] };
  }
  const dot = m.pointCount < thresholds.minPoints || m.boxDiagonalFraction < thresholds.dotDiagonalFraction;
  if (dot) {
    return {
      score: 0,
      passed: false,
      measures,
      reasons: [{ code: 'signature_dot', params: { pointCount: m.pointCount, minPoints: thresholds.minPoints, boxDiagonalFraction: m.boxDiagonalFraction, minDiagonalFraction: thresholds.dotDiagonalFraction } }],
    };
  }
  const checks: Check[] = [
    atLeast(m.durationMs, thresholds.minDurationMs, { code: 'signature_too_short', params: { durationMs: m.durationMs, minDurationMs: thresholds.minDurationMs } }),
    atLeast(m.boxAreaFraction, thresholds.minBoxFraction, { code: 'signature_too_small', params: { boxAreaFraction: m.boxAreaFraction, minBoxFraction: thresholds.minBoxFraction } }),
  ];
  if (thresholds.requirePressure) checks.push(mustHold(m.pressurePresent === 1, { code: 'signature_no_pressure', params: {} }));
  const reasons = failedReasons(checks);
  return { score: scoreChecks(checks), passed: reasons.length === 0, measures, reasons };
}

const round4 = (v: number) => Math.round(v * 1e4) / 1e4;
