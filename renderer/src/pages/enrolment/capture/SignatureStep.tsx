import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { InkCanvas } from '../../../components/InkCanvas';
import { Notice } from '../../../components/Notice';
import { errorCode } from '../../../i18n/errors';
import { useErrorText } from '../../../i18n/use-error-text';
import { useController } from '../../../station/context';
import type { StepProps } from '../step-props';
import { QualitySummary } from './QualitySummary';
import { useCaseImage } from './case-image';
import { DeviceProblem, isDeviceProblem } from './DeviceProblem';
import './capture.css';

type PadAction = 'accept' | 'clear' | 'cancel';

/** A capture ended by Cancel (pad or screen) is not an error to show: the operator asked for it. */
function isCancelled(error: unknown): boolean {
  const code = errorCode(error);
  return code !== null && /cancel/.test(code);
}


function SignatureImage({ caseId, imageRef, label }: { caseId: string; imageRef: string; label: string }) {
  const { image, failed } = useCaseImage(caseId, imageRef);
  const { t } = useTranslation();
  if (failed) return <p className="signature__missing">{t('capture.imageUnavailable')}</p>;
  if (image === null) return <div className="signature__image signature__image--loading" aria-hidden="true" />;
  return <img className="signature__image" src={image.src} width={image.width} height={image.height} alt={label} data-testid="signature-image" />;
}

/**
 * The applicant signs on the pad: the pad shows the prompt, the ink appears
 * here as it is written (capture.ink), and Clear / Accept / Cancel work on
 * the pad or on this screen. The call returns when the signature is accepted;
 * then the captured image and its quality, with Retake.
 */
export function SignatureStep({ view, onView }: StepProps) {
  const { t } = useTranslation();
  const controller = useController();
  const errorText = useErrorText();
  const [running, setRunning] = useState(false);
  const [pendingAction, setPendingAction] = useState<PadAction | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [hasInk, setHasInk] = useState(false);
  const [round, setRound] = useState(0);
  const [announce, setAnnounce] = useState('');
  const startRef = useRef<HTMLButtonElement>(null);
  const signature = view.signature;

  const start = async () => {
    if (running) return;
    setRunning(true);
    setError(null);
    setRound((r) => r + 1);
    setAnnounce(t('capture.signature.signNow'));
    try {
      const next = await controller.api.call['cases.captureSignature']({ caseId: view.id });
      onView(next);
      const q = next.signature.quality;
      setAnnounce(q === null ? '' : q.passed ? t('capture.signature.accepted', { score: Math.round(q.score) }) : t('capture.signature.rejected'));
    } catch (e) {
      if (!isCancelled(e)) setError(e);
      else setAnnounce(t('capture.signature.cancelled'));
    } finally {
      setRunning(false);
      setPendingAction(null);
      queueMicrotask(() => startRef.current?.focus());
    }
  };

  const act = async (action: PadAction) => {
    if (!running || pendingAction !== null) return;
    setPendingAction(action);
    try {
      await controller.api.call['cases.signatureAction']({ caseId: view.id, action });
    } catch (e) {
      setError(e);
    } finally {
      setPendingAction(null);
    }
  };

  const captured = signature.state === 'captured';
  const showResult = !running && signature.image !== null && signature.quality !== null;

  return (
    <section className="capture capture--signature" data-step="signature" aria-labelledby="signature-heading">
      <header className="capture__header">
        <h2 id="signature-heading" className="capture__title">
          {t('capture.signature.heading')}
        </h2>
        <p className="capture__progress">{running ? t('capture.signature.signNow') : captured ? t('capture.signature.done') : t('capture.signature.intro')}</p>
      </header>

      <div className="visually-hidden" role="status" data-testid="signature-announce">
        {announce}
      </div>

      {error !== null && isDeviceProblem(error) ? (
        <DeviceProblem error={error} kind="signature" onRetry={() => void start()} retrying={running} testId="signature-device-problem" />
      ) : error !== null ? (
        <Notice tone="danger" live="alert" testId="signature-error">
          <p>{errorText(error)}</p>
          <p>{t('capture.keptSoFar')}</p>
        </Notice>
      ) : null}

      {running || !showResult ? (
        <div className="signature__live">
          <InkCanvas
            caseId={view.id}
            purpose="signature"
            label={t('capture.signature.inkLabel')}
            resetKey={round}
            onInk={setHasInk}
            testId="signature-ink"
          />
          {running && !hasInk ? <p className="signature__waiting">{t('capture.signature.waiting')}</p> : null}
        </div>
      ) : (
        <figure className="signature__result" data-testid="signature-result" data-state={signature.state}>
          {signature.image !== null ? <SignatureImage caseId={view.id} imageRef={signature.image} label={t('capture.signature.imageLabel')} /> : null}
          <figcaption>{signature.quality !== null ? <QualitySummary quality={signature.quality} testId="signature-quality" /> : null}</figcaption>
        </figure>
      )}

      <div className="capture__actions capture__actions--main">
        {running ? (
          <>
            <button
              type="button"
              className="button button--primary button--large"
              onClick={() => void act('accept')}
              aria-disabled={pendingAction !== null || undefined}
              data-testid="signature-accept"
            >
              {t('capture.signature.accept')}
            </button>
            <button type="button" className="button button--secondary button--large" onClick={() => void act('clear')} aria-disabled={pendingAction !== null || undefined} data-testid="signature-clear">
              {t('capture.signature.clear')}
            </button>
            <button type="button" className="button button--secondary button--large" onClick={() => void act('cancel')} aria-disabled={pendingAction !== null || undefined} data-testid="signature-cancel">
              {t('capture.actions.cancel')}
            </button>
          </>
        ) : (
          <button ref={startRef} type="button" className="button button--primary button--large" onClick={() => void start()} data-testid="signature-start">
            {signature.attempts > 0 ? t('capture.signature.retake') : t('capture.signature.start')}
          </button>
        )}
      </div>
      {running ? <p className="capture__hint">{t('capture.signature.padHint')}</p> : null}
      {signature.attempts > 0 ? (
        <p className="capture__hint" data-testid="signature-attempts">
          {t('capture.signature.attempts', { attempts: signature.attempts })}
        </p>
      ) : null}
    </section>
  );
}
