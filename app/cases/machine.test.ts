import { describe, expect, it } from 'vitest';
import { CaseMachine, canGoTo } from './machine.js';
import { defaultServices } from './services.js';

const biometric = defaultServices.legalisation.steps;
const digitisation = defaultServices.digitisation.steps;

describe('case machine', () => {
  it('starts at the service first step, open, nothing complete', () => {
    const m = CaseMachine.create(biometric);
    expect(m.describe()).toEqual({ status: 'open', step: 'identity', completed: [] });
  });

  it('NEXT moves only when nothing is missing, marking the step complete', () => {
    const m = CaseMachine.create(biometric);
    expect(m.send({ type: 'NEXT', missing: ['mrz'] })).toBe(false);
    expect(m.describe().step).toBe('identity');
    expect(m.send({ type: 'NEXT', missing: [] })).toBe(true);
    expect(m.describe()).toEqual({ status: 'open', step: 'demographics', completed: ['identity'] });
  });

  it('NEXT follows the service steps (digitisation skips fingers and signature)', () => {
    const m = CaseMachine.create(digitisation);
    for (const expected of ['demographics', 'consent', 'documents', 'review'] as const) {
      expect(m.send({ type: 'NEXT', missing: [] })).toBe(true);
      expect(m.describe().step).toBe(expected);
    }
    // From review only SEALED leads on.
    expect(m.send({ type: 'NEXT', missing: [] })).toBe(false);
  });

  it('GOTO: back freely, forward only past completed steps, never a step the service lacks', () => {
    const m = CaseMachine.create(digitisation);
    expect(m.send({ type: 'GOTO', step: 'documents' })).toBe(false);
    m.send({ type: 'NEXT', missing: [] });
    m.send({ type: 'NEXT', missing: [] });
    expect(m.describe().step).toBe('consent');
    expect(m.send({ type: 'GOTO', step: 'identity' })).toBe(true);
    expect(m.describe().step).toBe('identity');
    // identity and demographics complete: consent is reachable, documents (after consent, not complete) is not.
    expect(m.send({ type: 'GOTO', step: 'consent' })).toBe(true);
    expect(m.send({ type: 'GOTO', step: 'documents' })).toBe(false);
    expect(m.send({ type: 'GOTO', step: 'fingers' })).toBe(false);
    expect(canGoTo(m.context, 'receipt')).toBe(false);
  });

  it('SYNC drops steps whose content was removed, which closes the way forward again', () => {
    const m = CaseMachine.create(biometric);
    m.send({ type: 'NEXT', missing: [] });
    m.send({ type: 'NEXT', missing: [] });
    m.send({ type: 'GOTO', step: 'identity' });
    m.send({ type: 'SYNC', complete: ['demographics'] });
    expect(m.describe().completed).toEqual(['demographics']);
    expect(m.send({ type: 'GOTO', step: 'consent' })).toBe(false);
  });

  it('PAUSE / RESUME return to the same step; the persisted snapshot restores it', () => {
    const m = CaseMachine.create(biometric);
    m.send({ type: 'NEXT', missing: [] });
    m.send({ type: 'NEXT', missing: [] });
    expect(m.send({ type: 'PAUSE' })).toBe(true);
    expect(m.describe()).toMatchObject({ status: 'paused', step: 'consent' });
    const restored = CaseMachine.restore(JSON.parse(JSON.stringify(m.persisted())));
    expect(restored.describe()).toMatchObject({ status: 'paused', step: 'consent', completed: ['identity', 'demographics'] });
    expect(restored.send({ type: 'NEXT', missing: [] })).toBe(false);
    expect(restored.send({ type: 'RESUME' })).toBe(true);
    expect(restored.describe()).toMatchObject({ status: 'open', step: 'consent' });
    const again = CaseMachine.restore(restored.persisted());
    expect(again.send({ type: 'NEXT', missing: [] })).toBe(true);
    expect(again.describe().step).toBe('fingers');
  });

  it('SEALED only from review with every step before it complete and approval given; then final', () => {
    const m = CaseMachine.create(digitisation);
    expect(m.send({ type: 'SEALED', approved: true })).toBe(false);
    for (let i = 0; i < 4; i += 1) m.send({ type: 'NEXT', missing: [] });
    expect(m.describe().step).toBe('review');
    expect(m.send({ type: 'SEALED', approved: false })).toBe(false);
    m.send({ type: 'GOTO', step: 'consent' });
    m.send({ type: 'SYNC', complete: ['identity', 'demographics', 'documents'] });
    m.send({ type: 'GOTO', step: 'identity' });
    // consent no longer complete: review cannot be reached by GOTO.
    expect(m.send({ type: 'GOTO', step: 'review' })).toBe(false);
    m.send({ type: 'GOTO', step: 'consent' });
    m.send({ type: 'NEXT', missing: [] });
    m.send({ type: 'NEXT', missing: [] });
    expect(m.describe().step).toBe('review');
    expect(m.send({ type: 'SEALED', approved: true })).toBe(true);
    expect(m.describe()).toMatchObject({ status: 'sealed', step: 'receipt' });
    expect(m.send({ type: 'GOTO', step: 'identity' })).toBe(false);
    expect(m.send({ type: 'CANCEL' })).toBe(false);
  });

  it('CANCEL from open or paused is final', () => {
    const m = CaseMachine.create(biometric);
    m.send({ type: 'PAUSE' });
    expect(m.send({ type: 'CANCEL' })).toBe(true);
    expect(m.describe().status).toBe('cancelled');
    expect(m.send({ type: 'RESUME' })).toBe(false);
    const n = CaseMachine.create(biometric);
    expect(n.send({ type: 'CANCEL' })).toBe(true);
    expect(CaseMachine.restore(n.persisted()).describe().status).toBe('cancelled');
  });
});
