import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fingerExceptionReasons, type capturePhases, type CaseView, type FingerExceptionReason, type FingerSlotView, type SlapName } from '../../../../../app/contract/cases';
import { SelectField, TextField } from '../../../components/Field';
import { Modal } from '../../../components/Modal';
import { Notice } from '../../../components/Notice';
import { probe } from '../../../components/bench-probe';
import { useController } from '../../../station/context';
import { useErrorText } from '../../../i18n/use-error-text';
import type { StepProps } from '../step-props';
import { useSupervisorCredentials } from '../supervisor-credentials';
import { HandDiagram } from './HandDiagram';
import { QualitySummary } from './QualitySummary';
import { useCaseImage } from './case-image';
import {
  attemptOutcome,
  fingerKey,
  fingerTally,
  instructionKey,
  fingerSequence,
  isOpen,
  nextFinger,
  nextSlap,
  settledCount,
  slapFingers,
  slapOf,
  slapRequest,
  slapSequence,
  slapStatus,
  slotDisplay,
  type AttemptOutcome,
} from './fingers';
import { PreviewPainter, base64Bytes } from './preview';
import { DeviceProblem, isDeviceProblem } from './DeviceProblem';
import './capture.css';

type CapturePhase = (typeof capturePhases)[number];

const phaseKeys: Record<CapturePhase, string> = {
  waiting: 'capture.fingers.phase.waiting',
  reading: 'capture.fingers.phase.reading',
  assessing: 'capture.fingers.phase.assessing',
  done: 'capture.fingers.phase.done',
  failed: 'capture.fingers.phase.failed',
};

/** Keys that start a capture when nothing else on the page has focus. */
function isCaptureKey(event: KeyboardEvent): boolean {
  if (event.key !== ' ' && event.key !== 'Enter') return false;
  if (event.altKey || event.ctrlKey || event.metaKey || event.repeat) return false;
  const target = event.target as Element | null;
  // A focused control handles its own Space/Enter; an open dialog owns the keyboard.
  if (target?.closest('button, a, input, select, textarea, [role="button"], [contenteditable="true"], dialog') != null) return false;
  return document.querySelector('dialog[open]') === null;
}

function slotOf(view: CaseView, position: number): FingerSlotView | undefined {
  return view.fingers.find((s) => s.position === position);
}

/**
 * The live preview: a canvas fed by capture.preview frames for this case and
 * the chosen finger (newest frame wins). Subscribed while the finger is
 * chosen, not only once a capture has begun, so the first frames of a capture
 * are not lost to a render; begin() starts a capture's numbering afresh.
 */
function usePreview(caseId: string, position: number | null, slap: SlapName | null = null) {
  const controller = useController();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const painterRef = useRef<PreviewPainter<ImageBitmap> | null>(null);
  const firstRef = useRef(true);
  const [phase, setPhase] = useState<CapturePhase | null>(null);
  const [hasFrame, setHasFrame] = useState(false);

  useEffect(() => {
    setPhase(null);
    setHasFrame(false);
    if (position === null && slap === null) return;
    const painter = new PreviewPainter<ImageBitmap>({
      decode: (frame) => createImageBitmap(new Blob([base64Bytes(frame.png)], { type: 'image/png' })),
      draw: (image) => {
        const canvas = canvasRef.current;
        if (canvas === null) return;
        if (canvas.width !== image.width || canvas.height !== image.height) {
          canvas.width = image.width;
          canvas.height = image.height;
        }
        canvas.getContext('2d')?.drawImage(image, 0, 0);
      },
      release: (image) => image.close(),
      schedule: (callback) => void requestAnimationFrame(callback),
      now: () => performance.now(),
      probe: probe('__balcaoPreviewTimings'),
    });
    painterRef.current = painter;
    firstRef.current = true;
    const off = controller.api.on['capture.preview']((event) => {
      if (event.caseId !== caseId) return;
      // A slap's frames carry the slap; one finger's carry only its position.
      if (slap !== null ? event.slap !== slap : event.slap !== undefined || event.position !== position) return;
      // Phase changes are few; frames are many and never go through React state.
      setPhase((current) => (current === event.phase ? current : event.phase));
      if (event.frame !== null) {
        painter.offer({ seq: event.seq, ...event.frame });
        if (firstRef.current) {
          firstRef.current = false;
          setHasFrame(true);
        }
      }
    });
    return () => {
      off();
      painter.stop();
      if (painterRef.current === painter) painterRef.current = null;
    };
  }, [controller, caseId, position, slap]);

  const begin = useCallback(() => {
    painterRef.current?.reset();
    firstRef.current = true;
    setPhase(null);
    setHasFrame(false);
  }, []);

  return { canvasRef, phase, hasFrame, begin };
}

function FingerImage({ caseId, slot, label }: { caseId: string; slot: FingerSlotView; label: string }) {
  const { image } = useCaseImage(caseId, slot.image);
  if (image === null) return <div className="finger-image finger-image--empty" aria-hidden="true" />;
  return <img className="finger-image" src={image.src} width={image.width} height={image.height} alt={label} />;
}

function Thumbnail({ caseId, slot, current, onSelect }: { caseId: string; slot: FingerSlotView; current: number | null; onSelect: () => void }) {
  const { t } = useTranslation();
  const state = slotDisplay(slot, current);
  const name = t(fingerKey(slot.position));
  return (
    <li>
      <button
        type="button"
        className={`thumb thumb--${state}${slot.position === current ? ' thumb--selected' : ''}`}
        onClick={onSelect}
        aria-current={slot.position === current ? 'step' : undefined}
        data-thumb={slot.position}
        data-state={state}
      >
        <FingerImage caseId={caseId} slot={slot} label="" />
        <span className="thumb__name">{name}</span>
        <span className="thumb__state">
          {t(`capture.fingers.state.${state}`)}
          {slot.quality !== null && slot.state !== 'exception' ? ` · ${Math.round(slot.quality.score)}` : ''}
        </span>
      </button>
    </li>
  );
}

function ExceptionDialog({ view, position, onView, onClose }: { view: CaseView; position: number; onView: (v: CaseView) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const controller = useController();
  const errorText = useErrorText();
  const [reason, setReason] = useState<FingerExceptionReason | ''>('');
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const selectRef = useRef<HTMLSelectElement>(null);
  const finger = t(fingerKey(position));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (reason === '') {
      setProblem(t('capture.fingers.exception.reasonRequired'));
      selectRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const trimmed = note.trim();
      onView(await controller.api.call['cases.fingerException']({ caseId: view.id, position, reason, ...(trimmed ? { note: trimmed } : {}) }));
      onClose();
    } catch (error) {
      setFailure(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal labelledBy="finger-exception-title" describedBy="finger-exception-intro" onCancel={onClose} initialFocus={selectRef} testId="finger-exception-dialog">
      <form className="modal__content form" noValidate onSubmit={(e) => void submit(e)}>
        <h2 id="finger-exception-title" className="modal__title">
          {t('capture.fingers.exception.title', { finger })}
        </h2>
        <p id="finger-exception-intro">{t('capture.fingers.exception.intro')}</p>
        {failure !== null ? (
          <Notice tone="danger" live="alert">
            <p>{failure}</p>
          </Notice>
        ) : null}
        <SelectField
          ref={selectRef}
          id="finger-exception-reason"
          label={t('capture.fingers.exception.reason')}
          error={problem}
          value={reason}
          onChange={(e) => {
            setReason(e.target.value as FingerExceptionReason | '');
            setProblem(null);
          }}
        >
          <option value="">{t('capture.fingers.exception.choose')}</option>
          {fingerExceptionReasons.map((r) => (
            <option key={r} value={r}>
              {t(`capture.fingers.exception.reasons.${r}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          id="finger-exception-note"
          label={t('capture.fingers.exception.note')}
          hint={t('capture.fingers.exception.noteHint')}
          value={note}
          maxLength={200}
          onChange={(e) => setNote(e.target.value)}
        />
        <div className="modal__actions">
          <button type="button" className="button button--secondary" onClick={onClose}>
            {t('capture.actions.cancel')}
          </button>
          <button type="submit" className="button button--primary" aria-disabled={busy || undefined} data-testid="finger-exception-submit">
            {t('capture.fingers.exception.submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function ForceDialog({ view, position, onView, onClose }: { view: CaseView; position: number; onView: (v: CaseView) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const controller = useController();
  const errorText = useErrorText();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const credentials = useSupervisorCredentials('finger-force', () => setProblem(null));
  const finger = t(fingerKey(position));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const supervisor = credentials.take();
    if (supervisor === null) return;
    setBusy(true);
    try {
      onView(await controller.api.call['cases.forceFinger']({ caseId: view.id, position, supervisor }));
      onClose();
    } catch (error) {
      credentials.clear(false);
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal labelledBy="finger-force-title" describedBy="finger-force-intro" onCancel={onClose} initialFocus={credentials.usernameRef} testId="finger-force-dialog">
      <form className="modal__content form" noValidate onSubmit={(e) => void submit(e)}>
        <h2 id="finger-force-title" className="modal__title">
          {t('capture.fingers.force.title', { finger })}
        </h2>
        <p id="finger-force-intro">{t('capture.fingers.force.intro')}</p>
        {problem !== null ? (
          <Notice tone="danger" live="alert" testId="finger-force-error">
            <p>{problem}</p>
          </Notice>
        ) : null}
        {credentials.fields}
        <div className="modal__actions">
          <button type="button" className="button button--secondary" onClick={onClose}>
            {t('capture.actions.cancel')}
          </button>
          <button type="submit" className="button button--primary" aria-disabled={busy || undefined} data-testid="finger-force-submit">
            {t('capture.fingers.force.submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/**
 * The ten fingers: a hand diagram and a strip to choose one, the chosen
 * finger's instruction and live preview, Capture (Space or Enter), the
 * quality and its reasons, then on to the next finger. A failed attempt
 * asks for another while attempts remain; after the last one the choice is
 * a supervisor's force-capture or a missing-finger exception.
 */
export function FingersStep({ view, onView }: StepProps) {
  const { t } = useTranslation();
  const controller = useController();
  const errorText = useErrorText();
  const [current, setCurrent] = useState<number | null>(() => nextFinger(view.fingers));
  const [capturing, setCapturing] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [maxAttempts, setMaxAttempts] = useState<number | null>(null);
  const [autoRetryMs, setAutoRetryMs] = useState(0);
  const [outcome, setOutcome] = useState<{ position: number; outcome: AttemptOutcome } | null>(null);
  const [announce, setAnnounce] = useState('');
  const [dialog, setDialog] = useState<{ kind: 'exception' | 'force'; position: number } | null>(null);
  const preview = usePreview(view.id, current);
  const beginPreview = preview.begin;
  const captureRef = useRef<HTMLButtonElement>(null);
  const [autoCapture, setAutoCapture] = useState<number | null>(null);
  // Slaps (4-4-2) where the reader takes them: the station's default (cases.fingerMode), then the technician's choice.
  const [configMode, setConfigMode] = useState<'slap' | 'single' | null>(null);
  const [slapReader, setSlapReader] = useState(false);
  const [chosenMode, setChosenMode] = useState<'slap' | 'single' | null>(null);
  const [slap, setSlap] = useState<SlapName | null>(() => nextSlap(view.fingers));
  const [slapCapturing, setSlapCapturing] = useState(false);
  const slapMode = slapReader && (chosenMode ?? configMode) === 'slap';
  const slapPreview = usePreview(view.id, null, slapMode ? slap : null);
  const beginSlapPreview = slapPreview.begin;
  const slapCaptureRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    let live = true;
    controller.api.call['cases.services']({}).then(
      (r) => {
        if (!live) return;
        setMaxAttempts(r.maxFingerAttempts);
        setAutoRetryMs(r.fingerAutoRetryMs);
        setConfigMode(r.fingerMode);
      },
      () => undefined,
    );
    const takesSlaps = (d: { kind: string; slaps?: boolean | undefined; approved: boolean; status: string }) => d.kind === 'fingerprint' && d.slaps === true && d.approved && d.status !== 'disconnected' && d.status !== 'error';
    controller.api.call['devices.list']({}).then(
      (r) => live && setSlapReader(r.devices.some(takesSlaps)),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [controller]);

  // Keep a slap chosen while there is one to take.
  useEffect(() => {
    if (slap === null) setSlap(nextSlap(view.fingers));
  }, [view.fingers, slap]);

  // Another window or a restart may have settled the chosen finger: keep a sensible one selected.
  useEffect(() => {
    if (current === null) setCurrent(nextFinger(view.fingers));
  }, [view.fingers, current]);

  const slot = current === null ? undefined : slotOf(view, current);
  const finger = current === null ? '' : t(fingerKey(current));

  const select = (position: number) => {
    if (busy) return;
    setCurrent(position);
    setOutcome(null);
    setError(null);
  };

  const capture = useCallback(
    async (position: number) => {
      if (busy) return;
      setBusy(true);
      setError(null);
      setOutcome(null);
      beginPreview();
      setCapturing(position);
      try {
        const next = await controller.api.call['cases.captureFinger']({ caseId: view.id, position });
        onView(next);
        const after = slotOf(next, position);
        if (after !== undefined) {
          const result = attemptOutcome(after);
          setOutcome({ position, outcome: result });
          const name = t(fingerKey(position));
          if (result === 'advance') {
            const following = nextFinger(next.fingers, position);
            setAnnounce(
              following === null
                ? t('capture.fingers.announce.allDone', { finger: name })
                : t('capture.fingers.announce.advance', { finger: name, next: t(fingerKey(following)) }),
            );
            if (following !== null) setCurrent(following);
          } else if (result === 'retry') {
            setAnnounce(t('capture.fingers.announce.retry', { finger: name }));
          } else if (result === 'decide') {
            setAnnounce(t('capture.fingers.announce.decide', { finger: name }));
          }
        }
      } catch (e) {
        setError(e);
      } finally {
        setCapturing(null);
        setBusy(false);
        captureRef.current?.focus();
      }
    },
    [busy, beginPreview, controller, onView, t, view.id],
  );

  const act = async (run: () => Promise<CaseView>, then?: (v: CaseView) => void) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const next = await run();
      onView(next);
      then?.(next);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  /** Back to pending; a retake then starts the capture at once (the applicant's finger is still at the reader). */
  const clear = (position: number, thenCapture: boolean) =>
    act(
      () => controller.api.call['cases.clearFinger']({ caseId: view.id, position }),
      () => {
        setOutcome(null);
        setCurrent(position);
        if (thenCapture) setAutoCapture(position);
      },
    );

  useEffect(() => {
    if (autoCapture === null || busy) return;
    setAutoCapture(null);
    void capture(autoCapture);
  }, [autoCapture, busy, capture]);

  const fingerList = useCallback((positions: readonly number[]) => positions.map((p) => t(fingerKey(p))).join(', '), [t]);

  /** One slap: the whole slap less its exceptions, or only its fingers still open (the retry of those that failed). */
  const captureSlap = useCallback(
    async (which: SlapName) => {
      if (busy) return;
      const request = slapRequest(view.fingers, which);
      if (request === null) return;
      setBusy(true);
      setError(null);
      beginSlapPreview();
      setSlapCapturing(true);
      try {
        const next = await controller.api.call['cases.captureSlap']({ caseId: view.id, slap: which, ...request });
        onView(next);
        const name = t(`capture.slaps.names.${which}`);
        const mine = next.fingers.filter((f) => slapFingers(which).includes(f.position));
        const status = slapStatus(next.fingers, which);
        if (status === 'done') setAnnounce(t('capture.slaps.announce.done', { slap: name }));
        else if (status === 'decision') setAnnounce(t('capture.slaps.announce.decide', { slap: name, fingers: fingerList(mine.filter((f) => f.state === 'pending').map((f) => f.position)) }));
        else setAnnounce(t('capture.slaps.announce.retry', { slap: name, fingers: fingerList(mine.filter(isOpen).map((f) => f.position)) }));
      } catch (e) {
        setError(e);
      } finally {
        setSlapCapturing(false);
        setBusy(false);
        slapCaptureRef.current?.focus();
      }
    },
    [busy, beginSlapPreview, controller, fingerList, onView, t, view.fingers, view.id],
  );

  // Space or Enter anywhere on the step (not on another control) captures the chosen finger (or slap).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (slapMode) {
        if (!isCaptureKey(event) || slap === null || busy || slapRequest(view.fingers, slap) === null) return;
        event.preventDefault();
        void captureSlap(slap);
        return;
      }
      if (!isCaptureKey(event) || current === null || busy) return;
      const s = slotOf(view, current);
      if (s === undefined || !isOpen(s)) return;
      event.preventDefault();
      void capture(current);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [capture, captureSlap, current, busy, view, slapMode, slap]);

  const attemptsText =
    slot === undefined
      ? ''
      : maxAttempts === null
        ? t('capture.fingers.attemptsUsed', { attempts: slot.attempts })
        : t('capture.fingers.attempts', { attempts: slot.attempts, max: maxAttempts });

  const showOutcome = outcome !== null && outcome.position === current ? outcome.outcome : null;

  // After a poor attempt the next one starts by itself (cases.fingerAutoRetryMs): the applicant lifts the finger and
  // places it again while the technician reads the reasons. Anything the technician does first — Capture, another
  // finger, a dialog — or a device problem cancels it; the last attempt's outcome is a decision, never a retry.
  const retryDue = autoRetryMs > 0 && showOutcome === 'retry' && current !== null && dialog === null && !busy && error === null && !slapMode;
  useEffect(() => {
    if (!retryDue || current === null) return;
    const position = current;
    const timer = setTimeout(() => setAutoCapture(position), autoRetryMs);
    return () => clearTimeout(timer);
  }, [retryDue, current, autoRetryMs]);
  const done = settledCount(view.fingers);
  const tally = fingerTally(view.fingers);

  const switchMode = () => {
    if (busy) return;
    setChosenMode(slapMode ? 'single' : 'slap');
    setError(null);
    setOutcome(null);
    if (!slapMode) setSlap(nextSlap(view.fingers));
  };

  const slapFingerRow = (s: FingerSlotView) => {
    const display = slotDisplay(s, null);
    const name = t(fingerKey(s.position));
    return (
      <li key={s.position} className={`thumb thumb--${display}`} data-testid="slap-finger" data-finger={s.position} data-state={display} style={{ display: 'flex', gap: '0.75rem', alignItems: 'flex-start', padding: '0.5rem' }}>
        <div style={{ width: 72, flex: 'none' }}>
          <FingerImage caseId={view.id} slot={s} label={t('capture.fingers.imageLabel', { finger: name })} />
        </div>
        <div style={{ flex: 1, minWidth: 0 }}>
          <p>
            <strong>{name}</strong> · {t(`capture.fingers.state.${display}`)}
            {maxAttempts !== null && s.attempts > 0 ? ` · ${t('capture.slaps.attempts', { attempts: s.attempts, max: maxAttempts })}` : ''}
          </p>
          {s.quality !== null && s.state !== 'exception' ? (
            <QualitySummary quality={s.quality} compact testId={`slap-quality-${s.position}`} />
          ) : s.state === 'pending' && s.attempts === 0 ? (
            <p>{t('capture.slaps.notYet')}</p>
          ) : null}
          {s.state === 'exception' && s.exception !== null ? (
            <p data-testid="slap-finger-exception-recorded">
              {t('capture.fingers.exceptionRecorded', { reason: t(`capture.fingers.exception.reasons.${s.exception.reason}`) })}
              {s.exception.note !== null ? ` — ${s.exception.note}` : ''}
            </p>
          ) : null}
          {s.state === 'captured' && s.forcedBy !== null ? <p>{t('capture.fingers.forcedBy', { supervisor: s.forcedBy })}</p> : null}
          {s.state === 'captured' && s.similarTo !== null ? (
            <Notice tone="warning" title={t('capture.fingers.similar.title')} testId="slap-finger-similar">
              <p>{t('capture.fingers.similar.text', { other: t(fingerKey(s.similarTo)) })}</p>
            </Notice>
          ) : null}
          {s.needsDecision && s.state === 'pending' ? <p>{t('capture.fingers.decision.text', { finger: name })}</p> : null}
          <div className="capture__actions">
            {s.needsDecision && s.state === 'pending' ? (
              <button type="button" className="button button--primary" onClick={() => setDialog({ kind: 'force', position: s.position })} aria-disabled={busy || undefined} data-testid="slap-finger-force">
                {t('capture.fingers.force.open')}
              </button>
            ) : null}
            {s.state === 'pending' ? (
              <button type="button" className="button button--secondary" onClick={() => setDialog({ kind: 'exception', position: s.position })} aria-disabled={busy || undefined} data-testid="slap-finger-exception">
                {t('capture.fingers.exception.open')}
              </button>
            ) : null}
            {s.state === 'exception' ? (
              <button type="button" className="button button--secondary" onClick={() => void clear(s.position, false)} aria-disabled={busy || undefined} data-testid="slap-finger-undo">
                {t('capture.fingers.undoException')}
              </button>
            ) : null}
            {s.state === 'captured' ? (
              <button type="button" className="button button--secondary" onClick={() => void clear(s.position, false)} aria-disabled={busy || undefined} data-testid="slap-finger-retake">
                {t('capture.fingers.retake')}
              </button>
            ) : null}
          </div>
        </div>
      </li>
    );
  };

  const slapPanel = () => {
    if (slap === null) {
      return (
        <Notice tone="success" testId="fingers-all-done">
          <p>{t('capture.fingers.allDone')}</p>
        </Notice>
      );
    }
    const name = t(`capture.slaps.names.${slap}`);
    const status = slapStatus(view.fingers, slap);
    const request = slapRequest(view.fingers, slap);
    const mine = slapFingers(slap)
      .map((p) => slotOf(view, p))
      .filter((x): x is FingerSlotView => x !== undefined);
    const failed = mine.filter((x) => isOpen(x) && x.attempts > 0).map((x) => x.position);
    const following = nextSlap(view.fingers, slap);
    return (
      <div className="slap" data-testid="slap-panel" data-slap={slap} data-status={status}>
        <ol className="capture__actions" aria-label={t('capture.slaps.sequenceLabel')} style={{ listStyle: 'none', padding: 0 }}>
          {slapSequence.map((x) => {
            const st = slapStatus(view.fingers, x);
            return (
              <li key={x}>
                <button
                  type="button"
                  className={`button ${x === slap ? 'button--primary' : 'button--secondary'}`}
                  aria-current={x === slap ? 'step' : undefined}
                  data-slap-step={x}
                  data-state={st}
                  onClick={() => {
                    if (busy) return;
                    setSlap(x);
                    setError(null);
                  }}
                >
                  {t(`capture.slaps.names.${x}`)} · {t(`capture.slaps.state.${st}`)}
                </button>
              </li>
            );
          })}
        </ol>
        <h3 className="fingers__finger" data-testid="current-slap">
          {name}
        </h3>
        <p className="fingers__instruction" data-testid="slap-instruction">
          {slapCapturing && slapPreview.phase !== null && slapPreview.phase !== 'waiting' ? t(phaseKeys[slapPreview.phase]) : t(`capture.slaps.instructions.${slap}`)}
        </p>
        {slapCapturing ? (
          <div className="fingers__preview" aria-busy="true">
            <canvas
              ref={slapPreview.canvasRef}
              className={`preview-canvas${slapPreview.hasFrame ? '' : ' preview-canvas--empty'}`}
              role="img"
              aria-label={t('capture.slaps.previewLabel', { slap: name })}
              data-testid="slap-preview"
            />
            {!slapPreview.hasFrame ? <p className="fingers__waiting">{t(phaseKeys[slapPreview.phase ?? 'waiting'])}</p> : null}
          </div>
        ) : null}
        {error !== null && isDeviceProblem(error) ? (
          <DeviceProblem error={error} kind="fingerprint" onRetry={() => void captureSlap(slap)} retrying={slapCapturing} testId="finger-device-problem" />
        ) : error !== null ? (
          <Notice tone="danger" live="alert" testId="fingers-error">
            <p>{errorText(error)}</p>
            <p>{t('capture.keptSoFar')}</p>
          </Notice>
        ) : null}
        {failed.length > 0 && !slapCapturing ? (
          <Notice tone="warning" testId="slap-retry">
            <p>{t('capture.slaps.retryPrompt', { fingers: fingerList(failed) })}</p>
          </Notice>
        ) : null}
        <h4>{t('capture.slaps.results')}</h4>
        <ul className="slap__results" data-testid="slap-results" style={{ listStyle: 'none', padding: 0, display: 'grid', gap: '0.5rem' }}>
          {mine.map(slapFingerRow)}
        </ul>
        <div className="capture__actions capture__actions--main">
          {request !== null ? (
            <button
              ref={slapCaptureRef}
              type="button"
              className="button button--primary button--large"
              onClick={() => void captureSlap(slap)}
              aria-disabled={busy || undefined}
              aria-keyshortcuts="Space Enter"
              data-testid="slap-capture"
              data-positions={request.positions?.join(',') ?? ''}
            >
              {slapCapturing
                ? t('capture.fingers.capturing')
                : failed.length > 0
                  ? t('capture.slaps.retryFailed', { fingers: fingerList(request.positions ?? mine.filter(isOpen).map((x) => x.position)) })
                  : t('capture.slaps.capture', { slap: name })}
            </button>
          ) : null}
          {status === 'done' && following !== null ? (
            <button type="button" className="button button--primary button--large" onClick={() => setSlap(following)} aria-disabled={busy || undefined} data-testid="slap-next">
              {t('capture.slaps.next', { slap: t(`capture.slaps.names.${following}`) })}
            </button>
          ) : null}
        </div>
        {request !== null ? <p className="capture__hint">{t('capture.fingers.keyHint')}</p> : null}
      </div>
    );
  };

  return (
    <section className="capture capture--fingers" data-step="fingers" aria-labelledby="fingers-heading">
      <header className="capture__header">
        <h2 id="fingers-heading" className="capture__title">
          {t('capture.fingers.heading')}
        </h2>
        <p className="capture__progress" data-testid="fingers-progress">
          {t('capture.fingers.progress', { done, total: view.fingers.length })}
        </p>
      </header>

      <div className="visually-hidden" role="status" data-testid="fingers-announce">
        {announce}
      </div>

      {tally.complete ? (
        <Notice tone="success" testId="fingers-complete">
          <p>{t('capture.fingers.complete', { captured: tally.captured, exceptions: tally.exceptions })}</p>
        </Notice>
      ) : null}

      {slapReader ? (
        <div className="capture__actions" data-testid="finger-mode" data-mode={slapMode ? 'slap' : 'single'}>
          {slapMode ? <p className="capture__hint">{t('capture.slaps.modeHint')}</p> : null}
          <button type="button" className="button button--secondary" onClick={switchMode} aria-disabled={busy || undefined} data-testid={slapMode ? 'finger-mode-single' : 'finger-mode-slap'}>
            {slapMode ? t('capture.slaps.switchToSingle') : t('capture.slaps.switchToSlaps')}
          </button>
        </div>
      ) : null}

      <div className="fingers">
        <div className="fingers__diagram">
          <HandDiagram
            slots={view.fingers}
            current={slapMode ? null : current}
            onSelect={(position) => {
              if (!slapMode) return select(position);
              if (!busy) setSlap(slapOf(position));
            }}
            highlight={slapMode && slap !== null ? slapFingers(slap) : []}
          />
          <ul className="fingers__legend" aria-hidden="true">
            {(['current', 'captured', 'exception', 'decision', 'pending'] as const).map((s) => (
              <li key={s}>
                <span className={`legend-swatch legend-swatch--${s}`} />
                {t(`capture.fingers.state.${s}`)}
              </li>
            ))}
          </ul>
        </div>

        {slapMode ? (
          <div className="fingers__panel">{slapPanel()}</div>
        ) : (
        <div className="fingers__panel" data-testid="finger-panel" data-finger={current ?? undefined}>
          {slot === undefined ? (
            <Notice tone="success" testId="fingers-all-done">
              <p>{t('capture.fingers.allDone')}</p>
            </Notice>
          ) : (
            <>
              <h3 className="fingers__finger" data-testid="current-finger">
                {finger}
              </h3>
              <p className="fingers__instruction" data-testid="finger-instruction">
                {capturing !== null && preview.phase !== null
                  ? preview.phase === 'waiting'
                    ? t(instructionKey(slot.position))
                    : t(phaseKeys[preview.phase])
                  : slot.state === 'captured'
                    ? t('capture.fingers.capturedInstruction')
                    : slot.state === 'exception'
                      ? t('capture.fingers.exceptionInstruction')
                      : t(instructionKey(slot.position))}
              </p>

              {/* A finger recorded as missing has no picture and no attempts to show: the exception notice below says it all. */}
              {slot.state === 'exception' && capturing === null && slot.image === null ? null : (
                <>
                  <div className="fingers__preview" aria-busy={capturing !== null || undefined}>
                    {capturing !== null ? (
                      <>
                        <canvas
                          ref={preview.canvasRef}
                          className={`preview-canvas${preview.hasFrame ? '' : ' preview-canvas--empty'}`}
                          role="img"
                          aria-label={t('capture.fingers.previewLabel', { finger })}
                          data-testid="finger-preview"
                        />
                        {!preview.hasFrame ? <p className="fingers__waiting">{t(phaseKeys[preview.phase ?? 'waiting'])}</p> : null}
                      </>
                    ) : slot.image !== null ? (
                      <FingerImage caseId={view.id} slot={slot} label={t('capture.fingers.imageLabel', { finger })} />
                    ) : (
                      <p className="fingers__waiting">{t('capture.fingers.noImage')}</p>
                    )}
                  </div>

                  <p className="fingers__attempts" data-testid="finger-attempts">
                    {attemptsText}
                  </p>
                </>
              )}

              {slot.quality !== null && slot.state !== 'exception' && capturing === null ? <QualitySummary quality={slot.quality} testId="finger-quality" /> : null}

              {error !== null && isDeviceProblem(error) ? (
                <DeviceProblem error={error} kind="fingerprint" onRetry={() => void capture(slot.position)} retrying={capturing !== null} testId="finger-device-problem" />
              ) : error !== null ? (
                <Notice tone="danger" live="alert" testId="fingers-error">
                  <p>{errorText(error)}</p>
                  <p>{t('capture.keptSoFar')}</p>
                </Notice>
              ) : null}

              {slot.state === 'captured' && slot.similarTo !== null ? (
                <Notice tone="warning" live="alert" title={t('capture.fingers.similar.title')} testId="finger-similar">
                  <p>{t('capture.fingers.similar.text', { other: t(fingerKey(slot.similarTo)) })}</p>
                  <div className="capture__actions">
                    <button type="button" className="button button--primary" onClick={() => void clear(slot.position, true)} data-testid="finger-similar-retake">
                      {t('capture.fingers.retake')}
                    </button>
                    {showOutcome === 'similar' ? (
                      <button
                        type="button"
                        className="button button--secondary"
                        onClick={() => {
                          setOutcome(null);
                          const following = nextFinger(view.fingers, slot.position);
                          if (following !== null) setCurrent(following);
                        }}
                      >
                        {t('capture.fingers.similar.keep')}
                      </button>
                    ) : null}
                  </div>
                </Notice>
              ) : null}

              {showOutcome === 'retry' && isOpen(slot) ? (
                <Notice tone="warning" testId="finger-retry">
                  <p>
                    {maxAttempts === null
                      ? t('capture.fingers.retryPrompt', { finger })
                      : t('capture.fingers.retryPromptCount', { finger, attempt: slot.attempts + 1, max: maxAttempts })}
                  </p>
                  {retryDue ? <p data-testid="finger-auto-retry">{t('capture.fingers.autoRetry')}</p> : null}
                </Notice>
              ) : null}

              {slot.needsDecision && slot.state === 'pending' ? (
                <Notice tone="warning" live="alert" title={t('capture.fingers.decision.title')} testId="finger-decision">
                  <p>{t('capture.fingers.decision.text', { finger })}</p>
                </Notice>
              ) : null}

              {slot.state === 'exception' && slot.exception !== null ? (
                <Notice tone="info" testId="finger-exception">
                  <p>
                    {t('capture.fingers.exceptionRecorded', { reason: t(`capture.fingers.exception.reasons.${slot.exception.reason}`) })}
                    {slot.exception.note !== null ? ` — ${slot.exception.note}` : ''}
                  </p>
                </Notice>
              ) : null}

              {slot.state === 'captured' && slot.forcedBy !== null ? (
                <p className="fingers__forced" data-testid="finger-forced">
                  {t('capture.fingers.forcedBy', { supervisor: slot.forcedBy })}
                </p>
              ) : null}

              <div className="capture__actions capture__actions--main">
                {isOpen(slot) ? (
                  <button
                    ref={captureRef}
                    type="button"
                    className="button button--primary button--large"
                    onClick={() => void capture(slot.position)}
                    aria-disabled={busy || undefined}
                    aria-keyshortcuts="Space Enter"
                    data-testid="finger-capture"
                  >
                    {capturing !== null ? t('capture.fingers.capturing') : slot.attempts > 0 ? t('capture.fingers.tryAgain') : t('capture.fingers.capture')}
                  </button>
                ) : null}
                {slot.needsDecision && slot.state === 'pending' ? (
                  <button
                    type="button"
                    className="button button--primary button--large"
                    onClick={() => setDialog({ kind: 'force', position: slot.position })}
                    aria-disabled={busy || undefined}
                    data-testid="finger-force"
                  >
                    {t('capture.fingers.force.open')}
                  </button>
                ) : null}
                {slot.state === 'pending' ? (
                  <button
                    type="button"
                    className="button button--secondary button--large"
                    onClick={() => setDialog({ kind: 'exception', position: slot.position })}
                    aria-disabled={busy || undefined}
                    data-testid="finger-exception-open"
                  >
                    {t('capture.fingers.exception.open')}
                  </button>
                ) : null}
                {slot.state === 'captured' && slot.similarTo === null ? (
                  <button type="button" className="button button--secondary button--large" onClick={() => void clear(slot.position, true)} aria-disabled={busy || undefined} data-testid="finger-retake">
                    {t('capture.fingers.retake')}
                  </button>
                ) : null}
                {slot.state === 'exception' ? (
                  <button type="button" className="button button--secondary button--large" onClick={() => void clear(slot.position, false)} aria-disabled={busy || undefined} data-testid="finger-undo-exception">
                    {t('capture.fingers.undoException')}
                  </button>
                ) : null}
              </div>
              {isOpen(slot) ? <p className="capture__hint">{t('capture.fingers.keyHint')}</p> : null}
            </>
          )}
        </div>
        )}
      </div>

      <section className="fingers__strip-section" aria-labelledby="fingers-strip-heading">
        <h3 id="fingers-strip-heading" className="visually-hidden">
          {t('capture.fingers.stripHeading')}
        </h3>
        <ol className="fingers__strip">
          {fingerSequence.map((position) => {
            const s = slotOf(view, position);
            // In slap mode no single finger is "now": the slap panel says which fingers are.
            return s === undefined ? null : <Thumbnail key={position} caseId={view.id} slot={s} current={slapMode ? null : current} onSelect={() => (slapMode ? undefined : select(position))} />;
          })}
        </ol>
      </section>

      {dialog !== null ? (
        (() => {
          // Either way the finger is settled: on to the next one.
          const settled = (next: CaseView) => {
            onView(next);
            setOutcome(null);
            const following = nextFinger(next.fingers, dialog.position);
            if (following !== null) setCurrent(following);
          };
          return dialog.kind === 'exception' ? (
            <ExceptionDialog view={view} position={dialog.position} onView={settled} onClose={() => setDialog(null)} />
          ) : (
            <ForceDialog view={view} position={dialog.position} onView={settled} onClose={() => setDialog(null)} />
          );
        })()
      ) : null}
    </section>
  );
}
