import { describe, expect, it } from 'vitest';
import type { CaseView } from '../../../../app/contract/cases';
import { missingBeforeSeal, sealBlockers, stepperItems } from './stepper';

const steps: CaseView['steps'] = ['identity', 'demographics', 'consent', 'fingers', 'signature', 'documents', 'review', 'receipt'];
const base = { steps, status: 'open' as const, packet: null, approval: { required: false, reasons: [], by: null, at: null } };

describe('stepperItems', () => {
  it('marks completed steps done, the current one current and the rest to do', () => {
    const items = stepperItems({ ...base, step: 'consent', completed: ['identity', 'demographics'] });
    expect(items.map((i) => i.state)).toEqual(['done', 'done', 'current', 'todo', 'todo', 'todo', 'todo', 'todo']);
    expect(items.filter((i) => i.canVisit).map((i) => i.step)).toEqual(['identity', 'demographics']);
  });

  it('keeps later steps done while an earlier one is revisited from review', () => {
    const items = stepperItems({ ...base, step: 'demographics', completed: ['identity', 'demographics', 'consent', 'fingers', 'signature', 'documents'] });
    const byStep = Object.fromEntries(items.map((i) => [i.step, i]));
    expect(byStep.demographics?.state).toBe('current');
    expect(byStep.demographics?.canVisit).toBe(false);
    expect(byStep.documents?.state).toBe('done');
    expect(byStep.documents?.canVisit).toBe(true);
    expect(byStep.review?.state).toBe('todo');
  });

  it('offers no revisit once the packet is sealed', () => {
    const items = stepperItems({
      ...base,
      status: 'sealed',
      step: 'receipt',
      completed: ['identity', 'demographics', 'consent', 'fingers', 'signature', 'documents', 'review'],
      packet: { packetId: 'p-1', sealedAt: '2026-01-01T00:00:00Z' },
    });
    expect(items.some((i) => i.canVisit)).toBe(false);
    expect(items.at(-1)?.state).toBe('current');
  });

  it('follows the service: a digitisation case has only its own steps', () => {
    const items = stepperItems({ ...base, steps: ['identity', 'documents', 'review', 'receipt'], step: 'documents', completed: ['identity'] });
    expect(items.map((i) => `${i.step}:${i.state}`)).toEqual(['identity:done', 'documents:current', 'review:todo', 'receipt:todo']);
  });
});

describe('seal blockers', () => {
  it('lists incomplete steps before review, then a missing approval', () => {
    const view = { ...base, completed: ['identity', 'demographics', 'consent', 'fingers', 'documents'] as CaseView['completed'] };
    expect(missingBeforeSeal(view)).toEqual(['signature']);
    expect(sealBlockers({ ...view, approval: { required: true, reasons: ['finger_exception'], by: null, at: null } })).toEqual([
      { kind: 'step', step: 'signature' },
      { kind: 'approval' },
    ]);
  });

  it('is empty when every step is complete and any approval given', () => {
    const completed: CaseView['completed'] = ['identity', 'demographics', 'consent', 'fingers', 'signature', 'documents'];
    expect(sealBlockers({ ...base, completed })).toEqual([]);
    expect(sealBlockers({ ...base, completed, approval: { required: true, reasons: ['force_capture'], by: 'sup', at: '2026-01-01T00:00:00Z' } })).toEqual([]);
  });
});
