import type { CaseStep, CaseView } from '../../../../app/contract/cases';

export type StepState = 'done' | 'current' | 'todo';

export interface StepperItem {
  step: CaseStep;
  state: StepState;
  /** A done step the technician may go back to (cases.goto): never once the packet is sealed. */
  canVisit: boolean;
}

/**
 * The stepper's model: every step of the service in order, each done,
 * current or still to do. "Done" is the core's word (view.completed), not
 * the position: a step revisited from review stays done, and a later step
 * can be done while an earlier one is current.
 */
export function stepperItems(view: Pick<CaseView, 'steps' | 'step' | 'completed' | 'status' | 'packet'>): StepperItem[] {
  const sealed = view.packet !== null || view.status === 'sealed';
  const closed = sealed || view.status === 'cancelled';
  return view.steps.map((step) => {
    const state: StepState = step === view.step ? 'current' : view.completed.includes(step) ? 'done' : 'todo';
    return { step, state, canVisit: !closed && state === 'done' && step !== 'receipt' };
  });
}

/** The steps that must be complete before sealing (everything before review), in the service's order. */
export function missingBeforeSeal(view: Pick<CaseView, 'steps' | 'completed'>): CaseStep[] {
  return view.steps.filter((step) => step !== 'review' && step !== 'receipt' && !view.completed.includes(step));
}

/** Why "Seal" is not possible yet, in order of what to do first; empty when it is. */
export type SealBlocker = { kind: 'step'; step: CaseStep } | { kind: 'approval' };

export function sealBlockers(view: Pick<CaseView, 'steps' | 'completed' | 'approval'>): SealBlocker[] {
  const blockers: SealBlocker[] = missingBeforeSeal(view).map((step) => ({ kind: 'step', step }));
  if (view.approval.required && view.approval.by === null) blockers.push({ kind: 'approval' });
  return blockers;
}
