import { type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseStep, CaseView } from '../../../../app/contract/cases';
import { describeForm } from '../../../../app/contract/demographics';
import { formatTimestamp } from '../../i18n/format';
import { isLocale, nativeNames } from '../../i18n/languages';
import { useController } from '../../station/context';
import { VerificationResult } from './IdentityStep';
import { ActionError, CaseImage, QualityLine, StepFrame, useCaseActions, useDocumentTypeName, useLanguage, useServices } from './shared';
import { sealBlockers } from './stepper';
import type { StepProps } from './step-props';
import { useSupervisorCredentials } from './supervisor-credentials';

/** ISO/IEC 19794-4 positions 1–10, named as the capture screens name them. */
const fingerKeys = ['right_thumb', 'right_index', 'right_middle', 'right_ring', 'right_little', 'left_thumb', 'left_index', 'left_middle', 'left_ring', 'left_little'];

function ReviewSection({
  step,
  view,
  onChange,
  busy,
  children,
}: {
  step: CaseStep;
  view: CaseView;
  onChange: (step: CaseStep) => void;
  busy: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const complete = view.completed.includes(step);
  const title = t(`enrolment.steps.${step}`);
  return (
    <section className={`card case-card review-section${complete ? '' : ' review-section--incomplete'}`} aria-labelledby={`review-${step}`} data-review={step} data-complete={complete}>
      <div className="review-section__header">
        <h2 className="card__title" id={`review-${step}`}>
          {title}{' '}
          <span className={`badge ${complete ? 'badge--success' : 'badge--warning'}`}>
            <span aria-hidden="true" className="badge__dot" />
            {complete ? t('enrolment.review.complete') : t('enrolment.review.incomplete')}
          </span>
        </h2>
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => onChange(step)}
          aria-disabled={busy || undefined}
          aria-label={t('enrolment.review.changeStep', { step: title })}
        >
          {t('enrolment.review.change')}
        </button>
      </div>
      {children}
    </section>
  );
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="facts__list review-facts">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ApprovalBlock({ view, onView }: StepProps) {
  const { t } = useTranslation();
  const controller = useController();
  const language = useLanguage();
  const { busy, errors, run } = useCaseActions(onView);
  const credentials = useSupervisorCredentials('approval');
  const { approval } = view;
  if (!approval.required) return null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const supervisor = credentials.take();
    if (supervisor === null) return;
    // The password is never kept longer than the attempt; the username stays for another try.
    void run('approve', () => controller.api.call['cases.approve']({ caseId: view.id, supervisor })).then((ok) => credentials.clear(ok));
  };

  return (
    <section className={`card case-card approval${approval.by !== null ? ' approval--given' : ''}`} aria-labelledby="approval-heading" data-testid="approval" data-approved={approval.by !== null}>
      <h2 className="card__title" id="approval-heading">
        {t('enrolment.review.approvalHeading')}
      </h2>
      <p>{t('enrolment.review.approvalIntro')}</p>
      <ul className="approval__reasons" data-testid="approval-reasons">
        {approval.reasons.map((reason) => (
          <li key={reason} data-reason={reason}>
            {t(`enrolment.review.approvalReasons.${reason}`)}
          </li>
        ))}
      </ul>
      {approval.by !== null ? (
        <p className="approval__done" role="status">
          <span className="badge badge--success">
            <span aria-hidden="true" className="badge__dot" />
            {t('enrolment.review.approvedBy', { username: approval.by, time: approval.at === null ? '' : formatTimestamp(approval.at, language) })}
          </span>
        </p>
      ) : (
        <form className="approval__form" onSubmit={submit} noValidate>
          {credentials.fields}
          <ActionError error={errors.approve} testId="approve-error" />
          <div className="form__actions">
            <button type="submit" className="button button--primary" aria-disabled={busy !== null || undefined} data-testid="approve">
              {busy === 'approve' ? t('enrolment.review.approving') : t('enrolment.review.approve')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

/**
 * Everything captured, on one screen, each part with a way back to change
 * it; then the supervisor's approval where the case needs one, and Seal,
 * which says what is still missing while it cannot be done.
 */
export function ReviewStep({ view, onView }: StepProps) {
  const { t } = useTranslation();
  const typeName = useDocumentTypeName();
  const controller = useController();
  const language = useLanguage();
  const { services } = useServices();
  const { busy, errors, run } = useCaseActions(onView);
  const caseId = view.id;
  const has = (step: CaseStep) => view.steps.includes(step);
  const gotoStep = (step: CaseStep) => void run('goto', () => controller.api.call['cases.goto']({ caseId, step }));
  const blockers = sealBlockers(view);
  const blockerText = blockers.map((b) => (b.kind === 'approval' ? t('enrolment.review.needsApproval') : t('enrolment.review.needsStep', { step: t(`enrolment.steps.${b.step}`) })));
  const fields = services !== null ? describeForm(services.demographicsProfile).map((f) => f.name) : Object.keys(view.demographics);
  const { mrz, pages, verification } = view.identity;
  const identityPage = pages.at(-1) ?? null;
  const dash = t('app.dash');
  const fingerName = (position: number) => t(`capture.fingers.names.${fingerKeys[position - 1] ?? 'right_thumb'}`);

  return (
    <StepFrame step="review" intro={t('enrolment.review.intro')} enterIsNext={false}>
      <ActionError error={errors.goto} testId="goto-error" />
      <div className="review">
        {has('identity') ? (
          <ReviewSection step="identity" view={view} onChange={gotoStep} busy={busy !== null}>
            <Facts
              rows={[
                [t('enrolment.identity.mrzFields.documentNumber'), <span className="mono" dir="ltr">{mrz?.fields.documentNumber ?? dash}</span>],
                [t('enrolment.review.mrzState'), mrz === null ? t('enrolment.review.notRead') : mrz.valid ? t('enrolment.identity.mrzValid') : t('enrolment.identity.mrzInvalid')],
              ]}
            />
            {identityPage !== null ? (
              <figure className="review-thumb">
                <CaseImage caseId={caseId} imageRef={identityPage.image} alt={t('enrolment.identity.pageAlt')} className="review-thumb__image" />
                <figcaption>
                  <QualityLine quality={identityPage.quality} />
                </figcaption>
              </figure>
            ) : (
              <p className="muted">{t('enrolment.review.noIdentityPage')}</p>
            )}
            {verification !== null ? <VerificationResult verification={verification} /> : <p className="review-warning">{t('enrolment.review.notVerified')}</p>}
          </ReviewSection>
        ) : null}

        {has('demographics') ? (
          <ReviewSection step="demographics" view={view} onChange={gotoStep} busy={busy !== null}>
            <Facts
              rows={fields.map((name) => {
                const value = view.demographics[name] ?? '';
                const mismatch = view.mismatches.find((m) => m.field === name);
                const shown = value === '' ? dash : t(`enrolment.forms.options.${name}.${value}`, { defaultValue: value });
                return [
                  t(`enrolment.forms.fields.${name}`),
                  <span className={mismatch ? 'review-mismatch' : undefined} data-field={name}>
                    <span dir="auto">{shown}</span>
                    {mismatch ? (
                      <span className="review-mismatch__note">
                        {' '}
                        {t('enrolment.review.mrzSays')} <span className="mono" dir="ltr">{mismatch.mrz}</span>
                      </span>
                    ) : null}
                  </span>,
                ];
              })}
            />
          </ReviewSection>
        ) : null}

        {has('consent') ? (
          <ReviewSection step="consent" view={view} onChange={gotoStep} busy={busy !== null}>
            {view.consent === null ? (
              <p className="review-warning">{t('enrolment.review.noConsent')}</p>
            ) : (
              <Facts
                rows={[
                  [t('enrolment.consent.recordedVersion'), <span className="mono">{view.consent.textVersion}</span>],
                  [t('enrolment.consent.recordedLanguage'), isLocale(view.consent.language) ? nativeNames[view.consent.language] : view.consent.language],
                  [t('enrolment.consent.recordedAt'), formatTimestamp(view.consent.givenAt, language)],
                ]}
              />
            )}
          </ReviewSection>
        ) : null}

        {has('fingers') ? (
          <ReviewSection step="fingers" view={view} onChange={gotoStep} busy={busy !== null}>
            <ul className="finger-review">
              {view.fingers.map((slot) => (
                <li key={slot.position} className={`finger-review__item finger-review__item--${slot.state}`} data-finger={slot.position} data-state={slot.state}>
                  <p className="finger-review__name">{fingerName(slot.position)}</p>
                  {slot.state === 'captured' && slot.image !== null ? (
                    <CaseImage caseId={caseId} imageRef={slot.image} alt={fingerName(slot.position)} className="finger-review__image" />
                  ) : null}
                  {slot.state === 'captured' && slot.quality !== null ? (
                    <p className={`badge ${slot.quality.passed ? 'badge--success' : 'badge--warning'}`}>{t('enrolment.review.score', { score: Math.round(slot.quality.score) })}</p>
                  ) : null}
                  {slot.state === 'exception' && slot.exception !== null ? (
                    <p className="badge badge--warning">{t('enrolment.review.exception', { reason: t(`capture.fingers.exception.reasons.${slot.exception.reason}`) })}</p>
                  ) : null}
                  {slot.state === 'pending' ? <p className="badge badge--danger">{t('enrolment.review.fingerPending')}</p> : null}
                  {slot.forcedBy !== null ? <p className="finger-review__note">{t('enrolment.review.forcedBy', { username: slot.forcedBy })}</p> : null}
                  {slot.similarTo !== null ? (
                    <p className="finger-review__note finger-review__note--warning">{t('enrolment.review.similarTo', { finger: fingerName(slot.similarTo) })}</p>
                  ) : null}
                </li>
              ))}
            </ul>
          </ReviewSection>
        ) : null}

        {has('signature') ? (
          <ReviewSection step="signature" view={view} onChange={gotoStep} busy={busy !== null}>
            {view.signature.state === 'captured' && view.signature.image !== null ? (
              <figure className="review-thumb">
                <CaseImage caseId={caseId} imageRef={view.signature.image} alt={t('enrolment.review.signatureAlt')} className="signature-image" />
                {view.signature.quality !== null ? (
                  <figcaption>
                    <QualityLine quality={view.signature.quality} />
                  </figcaption>
                ) : null}
              </figure>
            ) : (
              <p className="review-warning">{t('enrolment.review.noSignature')}</p>
            )}
          </ReviewSection>
        ) : null}

        {has('documents') ? (
          <ReviewSection step="documents" view={view} onChange={gotoStep} busy={busy !== null}>
            {view.documents.checklist.length > 0 ? (
              <ul className="checklist-review">
                {view.documents.checklist.map((item) => (
                  <li key={item.type} data-document={item.type} data-satisfied={item.satisfied}>
                    <span className={`badge ${item.satisfied ? 'badge--success' : item.required ? 'badge--danger' : 'badge--muted'}`}>
                      <span aria-hidden="true" className="badge__dot" />
                      {item.satisfied ? t('enrolment.review.present') : item.required ? t('enrolment.review.missing') : t('enrolment.review.optional')}
                    </span>{' '}
                    {typeName(item.type)}{' '}
                    <span className="muted">{t('enrolment.review.pages', { count: item.pages, min: item.minPages })}</span>
                  </li>
                ))}
              </ul>
            ) : null}
            {view.documents.pages.length > 0 ? (
              <ul className="page-thumbs">
                {view.documents.pages.map((page, i) => (
                  <li key={page.id} data-page={page.id}>
                    <CaseImage
                      caseId={caseId}
                      imageRef={page.image}
                      alt={t('enrolment.review.pageAlt', { number: i + 1, type: typeName(page.type) })}
                      className="page-thumbs__image"
                    />
                    <span className={`badge ${page.quality.passed ? 'badge--success' : 'badge--warning'}`}>{t('enrolment.review.score', { score: Math.round(page.quality.score) })}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t('enrolment.review.noPages')}</p>
            )}
          </ReviewSection>
        ) : null}
      </div>

      <ApprovalBlock view={view} onView={onView} />

      <div className="case-step__footer seal">
        {blockers.length > 0 ? (
          <div className="next-action__reason" id="seal-blocked" data-testid="seal-blocked">
            <p>{t('enrolment.review.sealBlocked')}</p>
            <ul>
              {blockerText.map((text) => (
                <li key={text}>{text}</li>
              ))}
            </ul>
          </div>
        ) : (
          <p className="seal__hint">{t('enrolment.review.sealHint')}</p>
        )}
        <ActionError error={errors.seal} testId="seal-error" />
        <button
          type="button"
          className="button button--primary button--large"
          data-testid="seal"
          aria-disabled={blockers.length > 0 || busy !== null || undefined}
          aria-describedby={blockers.length > 0 ? 'seal-blocked' : undefined}
          onClick={() => {
            if (blockers.length > 0) return;
            void run('seal', () => controller.api.call['cases.seal']({ caseId }));
          }}
        >
          {busy === 'seal' ? t('enrolment.review.sealing') : t('enrolment.review.seal')}
        </button>
      </div>
    </StepFrame>
  );
}
