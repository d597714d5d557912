import { useCallback, useEffect, useRef, useState, type ComponentType, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { CaseStep, CaseView } from '../../../../app/contract/cases';
import { locales } from '../../../../app/contract/channels';
import { Modal } from '../../components/Modal';
import { Notice } from '../../components/Notice';
import { PageTitle } from '../../components/PageTitle';
import { isLocale, nativeNames } from '../../i18n/languages';
import { paths } from '../../routing/access';
import { useController, useStationState } from '../../station/context';
import { DocumentsStep } from './capture/DocumentsStep';
import { FingersStep } from './capture/FingersStep';
import { SignatureStep } from './capture/SignatureStep';
import { ConsentStep } from './ConsentStep';
import { DemographicsStep } from './DemographicsStep';
import { IdentityStep } from './IdentityStep';
import { ReceiptStep } from './ReceiptStep';
import { ReviewStep } from './ReviewStep';
import { ActionError, NextButton, useCaseActions } from './shared';
import { stepperItems } from './stepper';
import type { StepProps } from './step-props';
import '../../styles/enrolment.css';

const stepScreens: Record<CaseStep, ComponentType<StepProps>> = {
  identity: IdentityStep,
  demographics: DemographicsStep,
  consent: ConsentStep,
  fingers: FingersStep,
  signature: SignatureStep,
  documents: DocumentsStep,
  review: ReviewStep,
  receipt: ReceiptStep,
};

const captureSteps = new Set<CaseStep>(['fingers', 'signature', 'documents']);

function Stepper({ view, onGoto, busy }: { view: CaseView; onGoto: (step: CaseStep) => void; busy: boolean }) {
  const { t } = useTranslation();
  const items = stepperItems(view);
  return (
    <nav className="stepper" aria-label={t('enrolment.case.stepsLabel')}>
      <ol className="stepper__list">
        {items.map((item, index) => {
          const label = t(`enrolment.steps.${item.step}`);
          const stateText = t(`enrolment.case.stepState.${item.state}`);
          const content = (
            <>
              <span className="stepper__marker" aria-hidden="true">
                {item.state === 'done' ? '✓' : index + 1}
              </span>
              <span className="stepper__label">{label}</span>
              <span className="visually-hidden">{`(${stateText})`}</span>
            </>
          );
          return (
            <li key={item.step} className={`stepper__item stepper__item--${item.state}`} data-step-state={item.state} data-stepper-step={item.step}>
              {item.canVisit ? (
                <button type="button" className="stepper__button" onClick={() => onGoto(item.step)} aria-disabled={busy || undefined}>
                  {content}
                </button>
              ) : (
                <span className="stepper__static" aria-current={item.state === 'current' ? 'step' : undefined}>
                  {content}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

function CancelDialog({ onClose, onConfirm, error, busy }: { onClose: () => void; onConfirm: (reason: string) => void; error: unknown; busy: boolean }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim() === '') {
      setMissing(true);
      field.current?.focus();
      return;
    }
    onConfirm(reason.trim());
  };
  return (
    <Modal labelledBy="cancel-case-title" describedBy="cancel-case-body" role="alertdialog" onCancel={onClose} initialFocus={field} testId="cancel-case-dialog">
      <form className="modal__content" onSubmit={submit} noValidate>
        <h2 className="modal__title" id="cancel-case-title">
          {t('enrolment.case.cancelTitle')}
        </h2>
        <p id="cancel-case-body">{t('enrolment.case.cancelBody')}</p>
        <div className={`field${missing ? ' field--invalid' : ''}`}>
          <label className="field__label" htmlFor="cancel-reason">
            {t('enrolment.case.cancelReason')}
          </label>
          {missing ? (
            <p className="field__error" id="cancel-reason-error" role="alert">
              {t('validation.required')}
            </p>
          ) : null}
          <textarea
            id="cancel-reason"
            ref={field}
            className="field__input case-textarea"
            rows={3}
            maxLength={200}
            dir="auto"
            value={reason}
            aria-invalid={missing || undefined}
            aria-describedby={missing ? 'cancel-reason-error' : undefined}
            onChange={(event) => {
              setReason(event.target.value);
              if (event.target.value.trim() !== '') setMissing(false);
            }}
          />
        </div>
        <ActionError error={error} />
        <div className="modal__actions">
          <button type="button" className="button button--secondary" onClick={onClose}>
            {t('enrolment.case.keepCase')}
          </button>
          <button type="submit" className="button button--danger" aria-disabled={busy || undefined}>
            {busy ? t('enrolment.case.cancelling') : t('enrolment.case.confirmCancel')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/**
 * One enrolment case. The URL holds the case id and the view comes from the
 * core (cases.get), so a reload, or another window moving the case on,
 * shows the same step with everything captured so far. Every call answers
 * with the whole view, which replaces the one shown.
 */
export function CasePage() {
  const { t } = useTranslation();
  const { caseId = '' } = useParams();
  const controller = useController();
  const navigate = useNavigate();
  const { info } = useStationState();
  const [view, setView] = useState<CaseView | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [cancelOpen, setCancelOpen] = useState(false);
  const viewRef = useRef<CaseView | null>(null);

  const onView = useCallback((next: CaseView) => {
    // An older answer (a slow call overtaken by an event's refetch) never replaces a newer view.
    const current = viewRef.current;
    if (current !== null && current.id === next.id && next.revision < current.revision) return;
    viewRef.current = next;
    setView(next);
  }, []);
  const { busy, errors, run } = useCaseActions(onView);

  const load = useCallback(async () => {
    try {
      let next = await controller.api.call['cases.get']({ caseId });
      // A paused case opened by its address (a bookmark, another window) is taken up again.
      if (next.status === 'paused') next = await controller.api.call['cases.resume']({ caseId });
      onView(next);
      setLoadError(null);
    } catch (error) {
      setLoadError(error);
    }
  }, [controller, caseId, onView]);

  useEffect(() => {
    viewRef.current = null;
    setView(null);
    void load();
  }, [load]);

  useEffect(
    () =>
      controller.api.on['cases.changed']((event) => {
        if (event.caseId !== caseId) return;
        const current = viewRef.current;
        if (current !== null && event.revision <= current.revision) return;
        void controller.api.call['cases.get']({ caseId }).then(onView, () => undefined);
      }),
    [controller, caseId, onView],
  );

  // A new step replaces the screen under the keyboard: move focus to its heading, so Tab and screen readers start there.
  const shownStep = view?.step ?? null;
  const previousStep = useRef<string | null>(null);
  useEffect(() => {
    if (shownStep === null) return;
    if (previousStep.current !== null && previousStep.current !== shownStep) {
      const heading = document.querySelector<HTMLElement>(`[data-step="${shownStep}"] h1, [data-step="${shownStep}"] h2`);
      if (heading !== null) {
        if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
        heading.focus();
      }
    }
    previousStep.current = shownStep;
  }, [shownStep]);

  if (view === null) {
    return (
      <div className="page">
        <PageTitle>{t('enrolment.case.title')}</PageTitle>
        {loadError !== null ? (
          <>
            <h1 className="page__title" tabIndex={-1}>
              {t('enrolment.case.title')}
            </h1>
            <ActionError error={loadError} testId="case-load-error" />
            <div className="form__actions">
              <button type="button" className="button button--primary" onClick={() => void load()}>
                {t('app.retry')}
              </button>
              <Link className="button button--secondary" to={paths.enrolment}>
                {t('enrolment.case.backToList')}
              </Link>
            </div>
          </>
        ) : (
          <p className="loading" role="status">
            {t('app.loading')}
          </p>
        )}
      </div>
    );
  }

  const offered = info?.languages ?? locales;
  const closed = view.status === 'cancelled' || view.status === 'sealed';
  const name = [view.demographics.surname, view.demographics.givenNames].filter((v) => v !== undefined && v.trim() !== '').join(', ');
  const Screen = stepScreens[view.step];

  const pause = () => void run('pause', () => controller.api.call['cases.pause']({ caseId }), () => void navigate(paths.enrolment));
  const cancel = (reason: string) =>
    void run(
      'cancel',
      () => controller.api.call['cases.cancel']({ caseId, reason }),
      () => {
        setCancelOpen(false);
        void navigate(paths.enrolment);
      },
    );
  const gotoStep = (step: CaseStep) => void run('goto', () => controller.api.call['cases.goto']({ caseId, step }));

  return (
    <div className="page case-page" data-testid="case-page" data-case-id={view.id} data-current-step={view.step} data-status={view.status}>
      <PageTitle>{`${t(`enrolment.steps.${view.step}`)} · ${t(`enrolment.services.${view.serviceType}`)}`}</PageTitle>
      <div className="case-header">
        <div className="case-header__who">
          <p className="case-header__service">{t(`enrolment.services.${view.serviceType}`)}</p>
          <p className="case-header__name" dir="auto" data-testid="case-applicant">
            {name !== '' ? name : <span className="muted">{t('enrolment.start.noName')}</span>}
          </p>
          <p className="case-header__id mono">{view.id}</p>
        </div>
        <div className="case-header__tools">
          <div className="case-header__language">
            <label className="field__label" htmlFor="case-applicant-language">
              {t('enrolment.case.applicantLanguage')}
            </label>
            <select
              id="case-applicant-language"
              className="field__input field__select"
              value={view.applicantLanguage}
              disabled={closed}
              onChange={(event) => {
                const language = event.target.value;
                if (isLocale(language)) void run('language', () => controller.api.call['cases.setApplicantLanguage']({ caseId, language }));
              }}
            >
              {offered.map((l) => (
                <option key={l} value={l} lang={l}>
                  {nativeNames[l]}
                </option>
              ))}
            </select>
          </div>
          {!closed ? (
            <div className="case-header__actions">
              <button type="button" className="button button--secondary" onClick={pause} aria-disabled={busy !== null || undefined} data-testid="case-pause">
                {busy === 'pause' ? t('enrolment.case.pausing') : t('enrolment.case.pause')}
              </button>
              <button type="button" className="button button--secondary case-header__cancel" onClick={() => setCancelOpen(true)} data-testid="case-cancel">
                {t('enrolment.case.cancel')}
              </button>
            </div>
          ) : (
            <Link className="button button--secondary" to={paths.enrolment}>
              {t('enrolment.case.backToList')}
            </Link>
          )}
        </div>
      </div>
      <ActionError error={errors.language} />
      <ActionError error={errors.pause} />

      <Stepper view={view} onGoto={gotoStep} busy={busy !== null} />
      <ActionError error={errors.goto} testId="goto-error" />

      {view.status === 'cancelled' ? (
        <Notice tone="warning" live="status" testId="case-cancelled">
          <p>{t('enrolment.case.cancelled')}</p>
        </Notice>
      ) : (
        <>
          {/* The capture screens title themselves with an h2; the page still needs its h1. */}
          {captureSteps.has(view.step) ? (
            <h1 className="visually-hidden" tabIndex={-1}>
              {t(`enrolment.steps.${view.step}`)}
            </h1>
          ) : null}
          <Screen key={view.step} view={view} onView={onView} />
          {/* The capture screens have no Next of their own: without this the flow stops at the fingers. */}
          {captureSteps.has(view.step) && !closed ? (
            <div className="case-step__footer">
              <NextButton view={view} onView={onView} />
            </div>
          ) : null}
        </>
      )}

      {cancelOpen ? <CancelDialog onClose={() => setCancelOpen(false)} onConfirm={cancel} error={errors.cancel} busy={busy === 'cancel'} /> : null}
    </div>
  );
}
