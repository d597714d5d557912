import { slapNames, slapPositions, type FingerSlotView, type SlapName } from '../../../../../app/contract/cases';

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

/** How many fingers are captured and how many recorded as missing; complete when none is pending. */
export function fingerTally(slots: readonly FingerSlotView[]): { captured: number; exceptions: number; complete: boolean } {
  const captured = slots.filter((s) => s.state === 'captured').length;
  const exceptions = slots.filter((s) => s.state === 'exception').length;
  return { captured, exceptions, complete: slots.length > 0 && captured + exceptions === slots.length };
}

// ---------------------------------------------------------------------------
// Slaps (4-4-2): the left four, the right four, the two thumbs, in that
// order (MOSIP's registration client takes them so; deviceSubId 1, 2, 3).

export const slapSequence: readonly SlapName[] = slapNames;

/** The slap's positions, in the slap's order. */
export function slapFingers(slap: SlapName): readonly number[] {
  return slapPositions[slap];
}

/** The slap that holds a finger. */
export function slapOf(position: number): SlapName {
  return slapSequence.find((s) => slapPositions[s].includes(position)) ?? 'left';
}

/**
 * Where a slap stands: done (every finger captured or missing), decision
 * (nothing left to try, but a finger waits for force or exception), retry
 * (some fingers still open after an attempt), todo (not tried yet).
 */
export type SlapStatus = 'todo' | 'retry' | 'decision' | 'done';

export function slapStatus(slots: readonly FingerSlotView[], slap: SlapName): SlapStatus {
  const mine = slots.filter((s) => slapPositions[slap].includes(s.position));
  const open = mine.filter(isOpen);
  if (open.length > 0) return mine.some((s) => s.attempts > 0) ? 'retry' : 'todo';
  return mine.some((s) => s.state === 'pending') ? 'decision' : 'done';
}

/** The slap to take next: the first (after `after`, wrapping) with fingers to capture; then one waiting for a decision; null when all are done. */
export function nextSlap(slots: readonly FingerSlotView[], after: SlapName | null = null): SlapName | null {
  const start = after === null ? 0 : slapSequence.indexOf(after) + 1;
  for (let i = 0; i < slapSequence.length; i++) {
    const slap = slapSequence[(start + i) % slapSequence.length] as SlapName;
    const status = slapStatus(slots, slap);
    if (status === 'todo' || status === 'retry') return slap;
  }
  return slapSequence.find((s) => slapStatus(slots, s) === 'decision') ?? null;
}

/**
 * What to ask cases.captureSlap for: null when no finger of the slap is open;
 * `{}` (the whole slap less its exceptions) when every finger not missing is
 * open; else `{ positions }`, only the open ones — the retry of the fingers
 * that failed (the accepted ones and those waiting for a decision are not
 * taken again).
 */
export function slapRequest(slots: readonly FingerSlotView[], slap: SlapName): { positions?: number[] } | null {
  const mine = slots.filter((s) => slapPositions[slap].includes(s.position));
  const open = mine.filter(isOpen).map((s) => s.position);
  if (open.length === 0) return null;
  const notMissing = mine.filter((s) => s.state !== 'exception');
  return open.length === notMissing.length ? {} : { positions: open };
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
