import { describe, expect, it } from 'vitest';
import type { FingerSlotView } from '../../../../../app/contract/cases';
import { en } from '../../../i18n/locales/en';
import {
  attemptOutcome,
  diagram,
  fingerHand,
  fingerKey,
  fingerName,
  fingerSequence,
  fingerShape,
  fingerTally,
  fingertip,
  instructionKey,
  isOpen,
  nextFinger,
  nextSlap,
  palmCentre,
  settledCount,
  slapFingers,
  slapOf,
  slapRequest,
  slapSequence,
  slapStatus,
  slotDisplay,
} from './fingers';

function slot(position: number, over: Partial<FingerSlotView> = {}): FingerSlotView {
  return {
    position,
    state: 'pending',
    attempts: 0,
    quality: null,
    image: null,
    needsDecision: false,
    forcedBy: null,
    exception: null,
    similarTo: null,
    device: null,
    capturedAt: null,
    ...over,
  };
}

const ten = () => fingerSequence.map((p) => slot(p));

function lookup(key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], en);
}

describe('finger sequence', () => {
  it('runs right thumb to right little, then left thumb to left little (ISO 1–10)', () => {
    expect(fingerSequence).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(fingerSequence.map((p) => `${fingerHand(p)}_${fingerName(p)}`)).toEqual([
      'right_thumb',
      'right_index',
      'right_middle',
      'right_ring',
      'right_little',
      'left_thumb',
      'left_index',
      'left_middle',
      'left_ring',
      'left_little',
    ]);
  });

  it('names every finger and gives an instruction for each in English', () => {
    for (const p of fingerSequence) {
      expect(typeof lookup(fingerKey(p))).toBe('string');
      expect(typeof lookup(instructionKey(p))).toBe('string');
    }
    expect(lookup(instructionKey(2))).toBe('Place the right index finger on the reader');
    expect(lookup(fingerKey(10))).toBe('Left little finger');
  });

  it('starts with the right thumb on a fresh case', () => {
    expect(nextFinger(ten())).toBe(1);
  });

  it('moves to the next open finger after the one just taken, skipping settled ones', () => {
    const slots = ten();
    slots[1] = slot(2, { state: 'captured' });
    slots[2] = slot(3, { state: 'exception', exception: { reason: 'amputated', note: null } });
    expect(nextFinger(slots, 1)).toBe(4);
    expect(nextFinger(slots, 5)).toBe(6);
  });

  it('wraps round to an earlier finger left open', () => {
    const slots: FingerSlotView[] = ten().map((s) => (s.position === 3 ? s : { ...s, state: 'captured' as const }));
    expect(nextFinger(slots, 9)).toBe(3);
  });

  it('offers a finger waiting for a decision only once no finger is open', () => {
    const slots: FingerSlotView[] = ten().map((s) => ({ ...s, state: 'captured' as const }));
    slots[6] = slot(7, { attempts: 3, needsDecision: true });
    expect(nextFinger(slots, 1)).toBe(7);
    slots[8] = slot(9);
    expect(nextFinger(slots, 1)).toBe(9);
  });

  it('answers null when every finger is settled, and counts them', () => {
    const slots: FingerSlotView[] = ten().map((s, i) => (i % 2 ? { ...s, state: 'captured' as const } : { ...s, state: 'exception' as const }));
    expect(nextFinger(slots)).toBeNull();
    expect(settledCount(slots)).toBe(10);
    expect(settledCount(ten())).toBe(0);
  });

  it('treats a pending slot with attempts left as open, and one needing a decision as not', () => {
    expect(isOpen(slot(1, { attempts: 2 }))).toBe(true);
    expect(isOpen(slot(1, { attempts: 3, needsDecision: true }))).toBe(false);
    expect(isOpen(slot(1, { state: 'captured' }))).toBe(false);
  });
});

describe('slot display and attempt outcome', () => {
  it('shows captured, exception and decision whatever is selected; current only for the selected pending finger', () => {
    expect(slotDisplay(slot(1, { state: 'captured' }), 1)).toBe('captured');
    expect(slotDisplay(slot(1, { state: 'exception' }), 1)).toBe('exception');
    expect(slotDisplay(slot(1, { needsDecision: true }), 1)).toBe('decision');
    expect(slotDisplay(slot(1), 1)).toBe('current');
    expect(slotDisplay(slot(1), 2)).toBe('pending');
  });

  it('advances after an accepted capture, asks to confirm a look-alike, retries or asks for a decision', () => {
    expect(attemptOutcome(slot(1, { state: 'captured', attempts: 1 }))).toBe('advance');
    expect(attemptOutcome(slot(6, { state: 'captured', similarTo: 1 }))).toBe('similar');
    expect(attemptOutcome(slot(1, { attempts: 1 }))).toBe('retry');
    expect(attemptOutcome(slot(1, { attempts: 3, needsDecision: true }))).toBe('decide');
  });
});

describe('hand diagram geometry', () => {
  it('puts positions 1–5 on the right hand (right side) and 6–10 on the left', () => {
    for (const p of fingerSequence) {
      const shape = fingerShape(p);
      expect(shape.hand).toBe(p <= 5 ? 'right' : 'left');
      if (p <= 5) expect(shape.baseX).toBeGreaterThan(diagram.width / 2);
      else expect(shape.baseX).toBeLessThan(diagram.width / 2);
    }
  });

  it('draws the left hand as the mirror image of the right', () => {
    for (let p = 1; p <= 5; p++) {
      const right = fingerShape(p);
      const left = fingerShape(p + 5);
      expect(left.baseX).toBeCloseTo(diagram.width - right.baseX, 9);
      expect(left.baseY).toBe(right.baseY);
      expect(left.angle).toBe(-right.angle);
      expect(left.length).toBe(right.length);
      expect(fingertip(left).x).toBeCloseTo(diagram.width - fingertip(right).x, 9);
    }
  });

  it('points the thumbs towards each other and orders the fingers outward from the thumb', () => {
    const rightXs = [1, 2, 3, 4, 5].map((p) => fingerShape(p).baseX);
    expect(rightXs).toEqual([...rightXs].sort((a, b) => a - b));
    expect(fingertip(fingerShape(1)).x).toBeLessThan(palmCentre.right);
    expect(fingertip(fingerShape(6)).x).toBeGreaterThan(palmCentre.left);
    // The middle finger is the longest, so it reaches highest.
    const tips = [2, 3, 4, 5].map((p) => fingertip(fingerShape(p)).y);
    expect(Math.min(...tips)).toBe(tips[1]);
  });

  it('keeps every fingertip inside the drawing and apart from its neighbours', () => {
    for (const p of fingerSequence) {
      const tip = fingertip(fingerShape(p));
      expect(tip.x).toBeGreaterThan(0);
      expect(tip.x).toBeLessThan(diagram.width);
      expect(tip.y).toBeGreaterThan(0);
    }
    for (const p of [1, 2, 3, 4, 6, 7, 8, 9]) {
      const a = fingertip(fingerShape(p));
      const b = fingertip(fingerShape(p + 1));
      expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThan(Math.max(fingerShape(p).width, fingerShape(p + 1).width));
    }
  });
});

describe('slaps (4-4-2)', () => {
  const ten = (over: Record<number, Partial<FingerSlotView>> = {}): FingerSlotView[] =>
    Array.from({ length: 10 }, (_, i) => ({
      position: i + 1,
      state: 'pending' as const,
      attempts: 0,
      quality: null,
      image: null,
      needsDecision: false,
      forcedBy: null,
      exception: null,
      similarTo: null,
      device: null,
      capturedAt: null,
      ...over[i + 1],
    }));
  const captured = { state: 'captured' as const, attempts: 1 };
  const failed = { state: 'pending' as const, attempts: 1 };
  const missing = { state: 'exception' as const, exception: { reason: 'amputated' as const, note: null } };

  it('goes left four, right four, thumbs; every position is in exactly one slap', () => {
    expect(slapSequence).toEqual(['left', 'right', 'thumbs']);
    expect(slapFingers('left')).toEqual([7, 8, 9, 10]);
    expect(slapFingers('right')).toEqual([2, 3, 4, 5]);
    expect(slapFingers('thumbs')).toEqual([6, 1]);
    expect([...slapSequence.flatMap((s) => slapFingers(s))].sort((a, b) => a - b)).toEqual(fingerSequence);
    for (const p of fingerSequence) expect(slapFingers(slapOf(p))).toContain(p);
  });

  it('asks for the whole slap first, then only the fingers that failed', () => {
    expect(slapRequest(ten(), 'left')).toEqual({});
    // An exception does not make it a partial request: the device is told of the exception.
    expect(slapRequest(ten({ 9: missing }), 'left')).toEqual({});
    expect(slapRequest(ten({ 7: captured, 8: failed, 9: captured, 10: captured }), 'left')).toEqual({ positions: [8] });
    expect(slapRequest(ten({ 7: captured, 8: failed, 9: missing, 10: failed }), 'left')).toEqual({ positions: [8, 10] });
    // A finger waiting for a decision is not taken again; nothing open → nothing to ask.
    expect(slapRequest(ten({ 6: captured, 1: { ...failed, attempts: 3, needsDecision: true } }), 'thumbs')).toBeNull();
  });

  it('says where each slap stands and which one comes next', () => {
    expect(slapStatus(ten(), 'left')).toBe('todo');
    const afterLeft = ten({ 7: captured, 8: failed, 9: missing, 10: captured });
    expect(slapStatus(afterLeft, 'left')).toBe('retry');
    expect(nextSlap(afterLeft)).toBe('left');
    expect(nextSlap(afterLeft, 'left')).toBe('right');
    const leftDone = ten({ 7: captured, 8: captured, 9: missing, 10: captured });
    expect(slapStatus(leftDone, 'left')).toBe('done');
    expect(nextSlap(leftDone)).toBe('right');
    const allButDecision = ten(Object.fromEntries(fingerSequence.map((p) => [p, p === 1 ? { ...failed, attempts: 3, needsDecision: true } : captured])));
    expect(slapStatus(allButDecision, 'thumbs')).toBe('decision');
    expect(nextSlap(allButDecision)).toBe('thumbs');
    const all = ten(Object.fromEntries(fingerSequence.map((p) => [p, p === 9 ? missing : captured])));
    expect(nextSlap(all)).toBeNull();
    expect(fingerTally(all)).toEqual({ captured: 9, exceptions: 1, complete: true });
    expect(fingerTally(afterLeft)).toEqual({ captured: 2, exceptions: 1, complete: false });
  });

  it('names and instructs each slap (en; the other languages have the same shape by type)', () => {
    for (const s of slapSequence) {
      expect(en.capture.slaps.names[s].length).toBeGreaterThan(0);
      expect(en.capture.slaps.instructions[s].length).toBeGreaterThan(0);
    }
  });
});
