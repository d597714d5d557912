import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseView, QualityView } from '../../../../app/contract/cases';
import type { Locale, ResponseOf } from '../../../../app/contract/channels';
import { documentTypeName } from '../../../../app/contract/document-types';
import { Notice } from '../../components/Notice';
import { errorCode } from '../../i18n/errors';
import { isLocale } from '../../i18n/languages';
import { useErrorText } from '../../i18n/use-error-text';
import { useController } from '../../station/context';
import type { StationController } from '../../station/controller';
import { QualitySummary } from './capture/QualitySummary';

export function useLanguage(): Locale {
  const { i18n } = useTranslation();
  return isLocale(i18n.language) ? i18n.language : 'en';
}

/** A document type's name in the operator's language (app/contract/document-types.ts; a station's own type in words). */
export function useDocumentTypeName(): (type: string) => string {
  const language = useLanguage();
  return (type) => documentTypeName(type, language);
}

type Services = ResponseOf<'cases.services'>;
const servicesCache = new WeakMap<StationController, Promise<Services>>();

/** cases.services, asked once per window (the station's configuration does not change while it runs); a failure is not kept. */
export function useServices(): { services: Services | null; error: unknown; retry: () => void } {
  const controller = useController();
  const [services, setServices] = useState<Services | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    let pending = servicesCache.get(controller);
    if (pending === undefined) {
      pending = controller.api.call['cases.services']({});
      servicesCache.set(controller, pending);
      pending.catch(() => servicesCache.delete(controller));
    }
    pending.then(
      (result) => {
        if (live) {
          setServices(result);
          setError(null);
        }
      },
      (failure: unknown) => {
        if (live) setError(failure);
      },
    );
    return () => {
      live = false;
    };
  }, [controller, attempt]);
  return { services, error, retry: () => setAttempt((n) => n + 1) };
}

/**
 * One case call at a time per step, each remembered under its own name so
 * that its error shows beside the control that failed, and cleared when
 * that control is used again. Every call answers with the whole view.
 */
export function useCaseActions(onView: (view: CaseView) => void) {
  const [busy, setBusy] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, unknown>>({});
  const running = useRef(false);

  const run = useCallback(
    async <T,>(name: string, call: () => Promise<T>, then?: (result: T) => void): Promise<boolean> => {
      if (running.current) return false;
      running.current = true;
      setBusy(name);
      setErrors((current) => {
        if (!(name in current)) return current;
        const next = { ...current };
        delete next[name];
        return next;
      });
      try {
        const result = await call();
        if (isCaseView(result)) onView(result);
        then?.(result);
        return true;
      } catch (error) {
        setErrors((current) => ({ ...current, [name]: error }));
        return false;
      } finally {
        running.current = false;
        setBusy(null);
      }
    },
    [onView],
  );

  const clearError = useCallback((name: string) => {
    setErrors((current) => {
      if (!(name in current)) return current;
      const next = { ...current };
      delete next[name];
      return next;
    });
  }, []);

  return { busy, errors, run, clearError };
}

function isCaseView(value: unknown): value is CaseView {
  return typeof value === 'object' && value !== null && 'revision' in value && 'steps' in value && 'id' in value;
}

/** The core's English sentence names what is missing; shown under the translated one where it helps the technician. */
const detailedCodes = new Set(['case.step_incomplete', 'case.invalid_demographics', 'case.invalid_mrz', 'case.seal_failed', 'case.agency_unreachable']);

/** A failed call's message in the operator's language, placed where the failed control is. */
export function ActionError({ error, testId }: { error: unknown; testId?: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  if (error === undefined || error === null) return null;
  const code = errorCode(error);
  const message = (error as { message?: unknown }).message;
  const detail = code !== null && (detailedCodes.has(code) || code.startsWith('device.')) && typeof message === 'string' && message.length > 0 ? message : null;
  return (
    <Notice tone="danger" live="alert" testId={testId}>
      <p data-code={code ?? ''}>{errorText(error)}</p>
      {detail !== null ? (
        <p className="case-detail">
          {t('enrolment.common.technicalDetail')} <span lang="en">{detail}</span>
        </p>
      ) : null}
    </Notice>
  );
}

const imageCache = new Map<string, string>();

/** A case image (finger, signature, page) fetched with cases.image; refs name immutable images, so they are kept for the window's life. */
export function CaseImage({ caseId, imageRef, alt, className, testId }: { caseId: string; imageRef: string; alt: string; className?: string; testId?: string }) {
  const controller = useController();
  const key = `${caseId}/${imageRef}`;
  const [src, setSrc] = useState<string | null>(imageCache.get(key) ?? null);
  const [failed, setFailed] = useState<unknown>(null);
  useEffect(() => {
    const cached = imageCache.get(key);
    if (cached !== undefined) {
      setSrc(cached);
      return;
    }
    let live = true;
    setSrc(null);
    controller.api.call['cases.image']({ caseId, ref: imageRef }).then(
      ({ png }) => {
        const url = `data:image/png;base64,${png}`;
        if (imageCache.size > 200) imageCache.clear();
        imageCache.set(key, url);
        if (live) setSrc(url);
      },
      (error: unknown) => {
        if (live) setFailed(error);
      },
    );
    return () => {
      live = false;
    };
  }, [controller, caseId, imageRef, key]);
  if (failed !== null) return <ActionError error={failed} />;
  if (src === null) return <span className={`case-image case-image--loading ${className ?? ''}`} role="img" aria-label={alt} aria-busy="true" />;
  return <img className={`case-image ${className ?? ''}`} src={src} alt={alt} data-testid={testId} />;
}

/** Quality as the capture screens show it (score, pass, reasons in words): one look across the flow. */
export function QualityLine({ quality, testId }: { quality: QualityView; testId?: string }) {
  return <QualitySummary quality={quality} testId={testId} />;
}

/** Text in the applicant's language (consent, names): the right language tag and direction for it. */
export function dirOf(language: string): 'rtl' | 'ltr' {
  return language === 'ar' ? 'rtl' : 'ltr';
}

/**
 * The frame of a step screen: its root carries data-step (tests find each
 * step by it), the step's name as the page's heading, and the primary
 * action at the end. Enter on the frame itself (nothing focused inside)
 * presses Next, the way a busy desk moves on.
 */
export function StepFrame({
  step,
  intro,
  children,
  footer,
  enterIsNext = true,
}: {
  step: string;
  intro?: string;
  children: ReactNode;
  footer?: ReactNode;
  /** false where Enter must not move on (nothing safe to do by default). */
  enterIsNext?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <section
      className="case-step"
      data-step={step}
      aria-labelledby={`step-${step}-title`}
      onKeyDown={(event) => {
        if (event.key !== 'Enter' || !enterIsNext || event.defaultPrevented) return;
        const target = event.target as HTMLElement;
        // Only where Enter means nothing else: not in a field, a button, a link or a select.
        if (target.closest('input, textarea, select, button, a, [contenteditable="true"]') !== null) return;
        const next = event.currentTarget.querySelector<HTMLButtonElement>('[data-testid="step-next"]');
        if (next === null) return;
        event.preventDefault();
        next.click();
      }}
    >
      <h1 className="case-step__title" id={`step-${step}-title`} tabIndex={-1}>
        {t(`enrolment.steps.${step}`)}
      </h1>
      {intro !== undefined ? <p className="page__intro case-step__intro">{intro}</p> : null}
      {children}
      {footer !== undefined ? <div className="case-step__footer">{footer}</div> : null}
    </section>
  );
}

/** "Next": cases.next, refused with what is missing (shown here, beside the button). */
export function NextButton({ view, onView, label, disabledReason }: { view: CaseView; onView: (view: CaseView) => void; label?: string; disabledReason?: string | null }) {
  const { t } = useTranslation();
  const controller = useController();
  const { busy, errors, run } = useCaseActions(onView);
  return (
    <div className="next-action">
      <ActionError error={errors.next} testId="next-error" />
      {disabledReason ? <p className="next-action__reason">{disabledReason}</p> : null}
      <button
        type="button"
        className="button button--primary button--large"
        data-testid="step-next"
        aria-disabled={busy !== null || undefined}
        onClick={() => void run('next', () => controller.api.call['cases.next']({ caseId: view.id }))}
      >
        {busy === 'next' ? t('enrolment.common.saving') : (label ?? t('enrolment.common.next'))}
      </button>
    </div>
  );
}
