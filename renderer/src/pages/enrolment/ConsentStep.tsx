import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsentTextView } from '../../../../app/contract/cases';
import { locales } from '../../../../app/contract/channels';
import { InkCanvas } from '../../components/InkCanvas';
import { formatTimestamp } from '../../i18n/format';
import { isLocale, nativeNames } from '../../i18n/languages';
import { useController, useStationState } from '../../station/context';
import { DeviceProblem, isDeviceProblem } from './capture/DeviceProblem';
import { ActionError, CaseImage, NextButton, StepFrame, dirOf, useCaseActions, useLanguage } from './shared';
import type { StepProps } from './step-props';

type PadAction = 'accept' | 'clear' | 'cancel';

/**
 * Consent: the versioned text in the applicant's language, large enough to
 * read across the desk, then the applicant's signature on the pad as
 * confirmation. The ink shows here as it is written; the pad's buttons and
 * these ones do the same.
 */
export function ConsentStep({ view, onView }: StepProps) {
  const { t } = useTranslation();
  const controller = useController();
  const operatorLanguage = useLanguage();
  const { info } = useStationState();
  const caseId = view.id;
  const language = isLocale(view.applicantLanguage) ? view.applicantLanguage : 'pt';
  const offered = info?.languages ?? locales;
  const { busy, errors, run } = useCaseActions(onView);
  const [text, setText] = useState<ConsentTextView | null>(null);
  const [textError, setTextError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [padError, setPadError] = useState<unknown>(null);
  const [padBusy, setPadBusy] = useState<PadAction | null>(null);
  const [hasInk, setHasInk] = useState(false);
  const [captureKey, setCaptureKey] = useState(0);

  useEffect(() => {
    let live = true;
    setText(null);
    setTextError(null);
    controller.api.call['cases.consentText']({ language }).then(
      (result) => {
        if (live) setText(result);
      },
      (error: unknown) => {
        if (live) setTextError(error);
      },
    );
    return () => {
      live = false;
    };
  }, [controller, language, attempt]);

  const capturing = busy === 'capture';
  const consent = view.consent;

  const startCapture = () => {
    setPadError(null);
    setCaptureKey((k) => k + 1);
    void run('capture', () => controller.api.call['cases.captureConsent']({ caseId, language }));
  };

  const padAction = async (action: PadAction) => {
    setPadBusy(action);
    setPadError(null);
    try {
      await controller.api.call['cases.signatureAction']({ caseId, action });
    } catch (error) {
      setPadError(error);
    } finally {
      setPadBusy(null);
    }
  };

  return (
    <StepFrame step="consent" intro={t('enrolment.consent.intro')} footer={<NextButton view={view} onView={onView} />} enterIsNext={!capturing}>
      <div className="consent-language field">
        <label className="field__label" htmlFor="consent-language">
          {t('enrolment.consent.languageLabel')}
        </label>
        <select
          id="consent-language"
          className="field__input field__select"
          value={language}
          disabled={capturing}
          onChange={(event) => {
            const next = event.target.value;
            if (isLocale(next)) void run('language', () => controller.api.call['cases.setApplicantLanguage']({ caseId, language: next }));
          }}
        >
          {offered.map((l) => (
            <option key={l} value={l} lang={l}>
              {nativeNames[l]}
            </option>
          ))}
        </select>
      </div>
      <ActionError error={errors.language} />

      <article className="consent-text card" lang={language} dir={dirOf(language)} data-testid="consent-text" data-version={text?.version ?? ''} aria-busy={text === null || undefined}>
        {textError !== null ? (
          <div lang={operatorLanguage} dir={dirOf(operatorLanguage)}>
            <ActionError error={textError} />
            <button type="button" className="button button--secondary" onClick={() => setAttempt((n) => n + 1)}>
              {t('app.retry')}
            </button>
          </div>
        ) : text === null ? (
          <p className="loading" role="status" lang={operatorLanguage}>
            {t('app.loading')}
          </p>
        ) : (
          <>
            <h2 className="consent-text__title">{text.title}</h2>
            {text.paragraphs.map((paragraph, i) => (
              <p key={i}>{paragraph}</p>
            ))}
            <p className="consent-text__version" lang={operatorLanguage} dir={dirOf(operatorLanguage)}>
              {t('enrolment.consent.version', { version: text.version })}
            </p>
          </>
        )}
      </article>

      <section className="card case-card" aria-labelledby="consent-sign-heading">
        <h2 className="card__title" id="consent-sign-heading">
          {t('enrolment.consent.signHeading')}
        </h2>
        {!capturing ? (
          <div className="case-actions">
            <button
              type="button"
              className={`button ${consent === null ? 'button--primary' : 'button--secondary'} button--large`}
              onClick={startCapture}
              aria-disabled={busy !== null || text === null || undefined}
              data-testid="consent-sign"
            >
              {consent === null ? t('enrolment.consent.sign') : t('enrolment.consent.signAgain')}
            </button>
          </div>
        ) : (
          <div className="pad-capture" data-testid="consent-capture">
            <p role="status" className="case-progress">
              {t('enrolment.consent.signing')}
            </p>
            <InkCanvas caseId={caseId} purpose="consent" label={t('enrolment.consent.inkLabel')} resetKey={captureKey} onInk={setHasInk} testId="consent-ink" />
            <div className="case-actions">
              <button type="button" className="button button--primary button--large" onClick={() => void padAction('accept')} aria-disabled={padBusy !== null || !hasInk || undefined}>
                {t('enrolment.consent.accept')}
              </button>
              <button type="button" className="button button--secondary button--large" onClick={() => void padAction('clear')} aria-disabled={padBusy !== null || undefined}>
                {t('enrolment.consent.clear')}
              </button>
              <button type="button" className="button button--secondary button--large" onClick={() => void padAction('cancel')} aria-disabled={padBusy !== null || undefined}>
                {t('enrolment.consent.cancelSigning')}
              </button>
            </div>
            <ActionError error={padError} testId="pad-action-error" />
          </div>
        )}
        {isDeviceProblem(errors.capture) && !capturing ? (
          <DeviceProblem error={errors.capture} kind="signature" onRetry={startCapture} retrying={busy !== null} testId="consent-device-problem" />
        ) : (
          <ActionError error={errors.capture} testId="consent-capture-error" />
        )}

        {consent !== null && !capturing ? (
          <div className="consent-record" data-testid="consent-record" data-version={consent.textVersion} data-language={consent.language}>
            <dl className="facts__list">
              <div>
                <dt>{t('enrolment.consent.recordedVersion')}</dt>
                <dd className="mono">{consent.textVersion}</dd>
              </div>
              <div>
                <dt>{t('enrolment.consent.recordedLanguage')}</dt>
                <dd>{isLocale(consent.language) ? nativeNames[consent.language] : consent.language}</dd>
              </div>
              <div>
                <dt>{t('enrolment.consent.recordedAt')}</dt>
                <dd>{formatTimestamp(consent.givenAt, operatorLanguage)}</dd>
              </div>
            </dl>
            {consent.signature !== null ? (
              <CaseImage caseId={caseId} imageRef={consent.signature} alt={t('enrolment.consent.signatureAlt')} className="signature-image" />
            ) : null}
          </div>
        ) : null}
      </section>
    </StepFrame>
  );
}
