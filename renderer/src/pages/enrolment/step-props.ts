import type { CaseView } from '../../../../app/contract/cases';

/**
 * What every step screen of the enrolment gets from the case page: the case
 * as the core last returned it, and a way to hand back the view a call
 * returned (the case page keeps one view; every call answers with the
 * whole case). Steps call the core through useController().api.call.
 */
export interface StepProps {
  view: CaseView;
  /** Replace the case page's view with the one a call returned. */
  onView(view: CaseView): void;
}
