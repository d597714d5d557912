import type { FingerSlotView } from '../../../../../app/contract/cases';

/**
 * The finger sequence and the hand diagram's geometry: pure, so that the
 * order, the "next finger" rule and the drawing can be tested without a
 * browser. Positions are ISO/IEC 19794-4 (app/contract/cases.ts):
 * 1 right thumb … 5 right little, 6 left thumb … 10 left little.
 */

export type FingerName = 'thumb' | 'index' | 'middle' | 'ring' | 'little';
export type Hand = 'right' | 'left';

const names: readonly FingerName[] = ['thumb', 'index', 'middle', 'ring', 'little'];

/** The order the desk takes them: right thumb → right little, then left thumb → left little. */
export const fingerSequence: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

export function fingerHand(position: number): Hand {
  return position <= 5 ? 'right' : 'left';
}

export function fingerName(position: number): FingerName {
  return names[(position - 1) % 5] as FingerName;
}

/** The i18n key of a finger's name, e.g. capture.fingers.names.right_index. */
export function fingerKey(position: number): string {
  return `capture.fingers.names.${fingerHand(position)}_${fingerName(position)}`;
}

/** The i18n key of "Place the right index finger on the reader" (a sentence per finger: grammar differs by language). */
export function instructionKey(position: number): string {
  return `capture.fingers.instructions.${fingerHand(position)}_${fingerName(position)}`;
}

/** What the diagram and the strip show for a slot (colour and text together). */
export type SlotDisplay = 'pending' | 'current' | 'captured' | 'exception' | 'decision';

export function slotDisplay(slot: FingerSlotView, current: number | null): SlotDisplay {
  if (slot.state === 'captured') return 'captured';
  if (slot.state === 'exception') return 'exception';
  if (slot.needsDecision) return 'decision';
  return slot.position === current ? 'current' : 'pending';
}

/** A slot that still needs a capture attempt (not accepted, not an exception, retries not used up). */
export function isOpen(slot: FingerSlotView): boolean {
  return slot.state === 'pending' && !slot.needsDecision;
}

/**
 * The finger to take next: the first open slot after `after` in the
 * sequence, wrapping round to the start; failing that, the first slot that
 * waits for a decision (force or exception); null when every finger is done.
 */
export function nextFinger(slots: readonly FingerSlotView[], after: number | null = null): number | null {
  const byPosition = new Map(slots.map((s) => [s.position, s]));
  const start = after === null ? 0 : fingerSequence.indexOf(after) + 1;
  for (let i = 0; i < fingerSequence.length; i++) {
    const position = fingerSequence[(start + i) % fingerSequence.length] as number;
    const slot = byPosition.get(position);
    if (slot !== undefined && isOpen(slot)) return position;
  }
  for (const position of fingerSequence) {
    const slot = byPosition.get(position);
    if (slot?.state === 'pending' && slot.needsDecision) return position;
  }
  return null;
}

/** How many fingers are settled (captured or recorded as an exception). */
export function settledCount(slots: readonly FingerSlotView[]): number {
  return slots.filter((s) => s.state !== 'pending').length;
}

/**
 * What the screen should do after a capture attempt answered, from the slot
 * as the core now has it: advance (accepted, nothing odd), confirm (accepted
 * but looks like another finger), retry (failed, attempts left) or decide
 * (failed, no attempts left: force or exception).
 */
export type AttemptOutcome = 'advance' | 'similar' | 'retry' | 'decide';

export function attemptOutcome(slot: FingerSlotView): AttemptOutcome {
  if (slot.state === 'captured') return slot.similarTo !== null ? 'similar' : 'advance';
  if (slot.needsDecision) return 'decide';
  return 'retry';
}

// ---------------------------------------------------------------------------
// The hand diagram: two hands seen from above, palms down on the desk, the
// applicant's right hand on the right; thumbs point towards each other.

export const diagram = { width: 560, height: 300 } as const;

export interface FingerShape {
  position: number;
  hand: Hand;
  /** Centre of the fingertip end of the finger's base (where it joins the palm). */
  baseX: number;
  baseY: number;
  /** Finger length and width in diagram units. */
  length: number;
  width: number;
  /** Rotation in degrees about the base; 0 points straight up, positive leans outward (right on the right hand). */
  angle: number;
}

/** Per finger on the right hand: offset of its base from the palm's centre line, its length and lean. */
const rightHand: Record<FingerName, { dx: number; baseY: number; length: number; width: number; angle: number }> = {
  thumb: { dx: -78, baseY: 215, length: 74, width: 30, angle: -52 },
  index: { dx: -48, baseY: 150, length: 96, width: 27, angle: -8 },
  middle: { dx: -14, baseY: 142, length: 110, width: 27, angle: -1 },
  ring: { dx: 20, baseY: 148, length: 100, width: 26, angle: 6 },
  little: { dx: 52, baseY: 160, length: 76, width: 23, angle: 14 },
};

/** The palm's centre line for each hand. */
export const palmCentre: Record<Hand, number> = { right: 410, left: diagram.width - 410 };

export function fingerShape(position: number): FingerShape {
  const hand = fingerHand(position);
  const r = rightHand[fingerName(position)];
  // The left hand is the right hand mirrored about the diagram's vertical centre line.
  const sign = hand === 'right' ? 1 : -1;
  return { position, hand, baseX: palmCentre[hand] + sign * r.dx, baseY: r.baseY, length: r.length, width: r.width, angle: sign * r.angle };
}

/** Where the fingertip ends up (for labels and tests): the base moved `length` along the finger's direction. */
export function fingertip(shape: FingerShape): { x: number; y: number } {
  const rad = (shape.angle * Math.PI) / 180;
  return { x: shape.baseX + Math.sin(rad) * shape.length, y: shape.baseY - Math.cos(rad) * shape.length };
}
