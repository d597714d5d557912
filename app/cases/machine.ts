/**
 * The enrolment case as an explicit state machine (XState 5).
 *
 *   open ─┬─ identity ─NEXT→ demographics ─NEXT→ consent ─NEXT→ fingers ─NEXT→ signature ─NEXT→ documents ─NEXT→ review
 *         │   (GOTO any step of the service: back always, forward only past completed steps)
 *         ├─PAUSE→ paused ─RESUME→ open (the step it was at: shallow history)
 *         ├─CANCEL→ cancelled (final)              paused ─CANCEL→ cancelled
 *         └─ review ─SEALED→ sealed (the receipt step; final)
 *
 * A service uses a subset of the steps (context.steps, from app/cases/
 * services.ts): NEXT goes to the next step *of the service*, GOTO refuses a
 * step the service does not take. Whether a step's content is complete is the
 * rules' business (app/cases/rules.ts), not the machine's: the service tells
 * the machine with SYNC (which steps are complete now) and NEXT carries what
 * is still missing; the machine only moves when nothing is.
 *
 * The machine is pure (no I/O): the case service restores it from the
 * persisted snapshot kept in the encrypted draft, sends one event, and stores
 * the new snapshot before the call returns (so a restart resumes the same
 * state). Tests drive it without a station (machine.test.ts).
 */
import { assign, createActor, setup, type SnapshotFrom } from 'xstate';
import { caseSteps, type CaseStep } from '../contract/cases.js';

/** The steps that are states under `open` (the receipt is the `sealed` state). */
const openSteps = caseSteps.filter((s): s is Exclude<CaseStep, 'receipt'> => s !== 'receipt');
type OpenStep = (typeof openSteps)[number];

export interface CaseContext {
  steps: CaseStep[];
  /** Steps marked complete with NEXT and still complete (SYNC removes those whose content was removed). */
  completed: CaseStep[];
  /** Where the case is (mirrors the active step state; kept while paused or cancelled). */
  step: CaseStep;
}

export type CaseEvent =
  | { type: 'NEXT'; missing: string[] }
  | { type: 'GOTO'; step: CaseStep }
  | { type: 'PAUSE' }
  | { type: 'RESUME' }
  | { type: 'CANCEL' }
  | { type: 'SEALED'; approved: boolean }
  | { type: 'SYNC'; complete: CaseStep[] };

const nextStepOf = (context: CaseContext): CaseStep | null => {
  const i = context.steps.indexOf(context.step);
  return i >= 0 && i + 1 < context.steps.length ? (context.steps[i + 1] as CaseStep) : null;
};

/** GOTO's rule: a step of the service; back freely; forward only if every step before it is complete. */
export function canGoTo(context: CaseContext, target: CaseStep): boolean {
  const to = context.steps.indexOf(target);
  if (to < 0 || target === 'receipt') return false;
  const from = context.steps.indexOf(context.step);
  if (to <= from) return true;
  return context.steps.slice(0, to).every((s) => context.completed.includes(s));
}

/** SEALED's rule: at review, every step before it complete, and approval given where needed. */
export function canSeal(context: CaseContext, approved: boolean): boolean {
  if (context.step !== 'review' || !approved) return false;
  const at = context.steps.indexOf('review');
  return context.steps.slice(0, at).every((s) => context.completed.includes(s));
}

const markComplete = (context: CaseContext): CaseStep[] => (context.completed.includes(context.step) ? context.completed : [...context.completed, context.step]);

function stepState(step: OpenStep) {
  return {
    entry: { type: 'enterStep' as const, params: { step } },
    on: {
      NEXT: openSteps
        .filter((s) => caseSteps.indexOf(s) > caseSteps.indexOf(step))
        .map((target) => ({
          target,
          guard: { type: 'nextIs' as const, params: { target } },
          actions: 'complete' as const,
        })),
    },
  };
}

export const caseMachine = setup({
  types: {
    context: {} as CaseContext,
    events: {} as CaseEvent,
    input: {} as { steps: CaseStep[] },
  },
  guards: {
    isFirst: ({ context }, params: { step: CaseStep }) => context.steps[0] === params.step,
    nextIs: ({ context, event }, params: { target: CaseStep }) => event.type === 'NEXT' && event.missing.length === 0 && nextStepOf(context) === params.target,
    canGoTo: ({ context, event }, params: { target: CaseStep }) => event.type === 'GOTO' && event.step === params.target && canGoTo(context, params.target),
    canSeal: ({ context, event }) => event.type === 'SEALED' && canSeal(context, event.approved),
  },
  actions: {
    enterStep: assign((_, params: { step: CaseStep }) => ({ step: params.step })),
    complete: assign(({ context }) => ({ completed: markComplete(context) })),
    sync: assign(({ context, event }) => (event.type === 'SYNC' ? { completed: context.completed.filter((s) => event.complete.includes(s)) } : {})),
  },
}).createMachine({
  id: 'case',
  context: ({ input }) => ({ steps: [...input.steps], completed: [], step: input.steps[0] as CaseStep }),
  initial: 'open',
  on: {
    SYNC: { actions: 'sync' },
  },
  states: {
    open: {
      initial: 'start',
      on: {
        PAUSE: 'paused',
        CANCEL: 'cancelled',
        GOTO: openSteps.map((target) => ({ target: `.${target}`, guard: { type: 'canGoTo' as const, params: { target } } })),
      },
      states: {
        // Transient: into the service's first step.
        start: { always: openSteps.map((step) => ({ target: step, guard: { type: 'isFirst' as const, params: { step } } })) },
        identity: stepState('identity'),
        demographics: stepState('demographics'),
        consent: stepState('consent'),
        fingers: stepState('fingers'),
        signature: stepState('signature'),
        documents: stepState('documents'),
        review: {
          ...stepState('review'),
          on: { SEALED: { target: '#case.sealed', guard: 'canSeal', actions: 'complete' } },
        },
        history: { type: 'history', history: 'shallow' },
      },
    },
    paused: { on: { RESUME: 'open.history', CANCEL: 'cancelled' } },
    sealed: { type: 'final', entry: { type: 'enterStep', params: { step: 'receipt' } } },
    cancelled: { type: 'final' },
  },
});

export type CaseSnapshot = SnapshotFrom<typeof caseMachine>;
export type CaseStatusOf = 'open' | 'paused' | 'sealed' | 'cancelled';

/** Where a snapshot is: status, step, and the steps the machine holds complete. */
export function describeSnapshot(snapshot: CaseSnapshot): { status: CaseStatusOf; step: CaseStep; completed: CaseStep[] } {
  const value = snapshot.value;
  if (typeof value === 'string') {
    const status = value as CaseStatusOf;
    return { status, step: status === 'sealed' ? 'receipt' : snapshot.context.step, completed: [...snapshot.context.completed] };
  }
  const inner = (value as { open?: string }).open;
  return { status: 'open', step: (inner as CaseStep | undefined) ?? snapshot.context.step, completed: [...snapshot.context.completed] };
}

/**
 * One case machine, restored from a persisted snapshot or fresh for a
 * service's steps. `send` answers whether the event was taken (the snapshot
 * changed state or context) and keeps context.step in line with the state.
 */
export class CaseMachine {
  #snapshot: CaseSnapshot;

  private constructor(snapshot: CaseSnapshot) {
    this.#snapshot = snapshot;
  }

  static create(steps: CaseStep[]): CaseMachine {
    const actor = createActor(caseMachine, { input: { steps } });
    actor.start();
    const m = new CaseMachine(actor.getSnapshot());
    actor.stop();
    return m;
  }

  /** From what persisted() returned (stored in the draft). */
  static restore(persisted: unknown): CaseMachine {
    const actor = createActor(caseMachine, { snapshot: persisted as never, input: { steps: [] } });
    actor.start();
    const m = new CaseMachine(actor.getSnapshot());
    actor.stop();
    return m;
  }

  get snapshot(): CaseSnapshot {
    return this.#snapshot;
  }

  get context(): CaseContext {
    return this.#snapshot.context;
  }

  describe() {
    return describeSnapshot(this.#snapshot);
  }

  can(event: CaseEvent): boolean {
    return this.#snapshot.can(event);
  }

  /** Sends one event; false when the machine did not take it (nothing changed). */
  send(event: CaseEvent): boolean {
    if (!this.#snapshot.can(event)) return false;
    const actor = createActor(caseMachine, { snapshot: this.#snapshot, input: { steps: this.#snapshot.context.steps } });
    actor.start();
    actor.send(event);
    this.#snapshot = actor.getSnapshot();
    actor.stop();
    return true;
  }

  persisted(): unknown {
    return JSON.parse(JSON.stringify(caseMachine.getPersistedSnapshot(this.#snapshot))) as unknown;
  }
}
