import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MrzView, VerificationView } from '../../../../app/contract/cases';
import { formatMoment } from '../../i18n/format';
import { useController } from '../../station/context';
import { mrzLinesOf, mrzShapeOk } from './demographics-form';
import { DeviceProblem, isDeviceProblem } from './capture/DeviceProblem';
import { ActionError, CaseImage, NextButton, QualityLine, StepFrame, useCaseActions, useLanguage } from './shared';
import type { StepProps } from './step-props';

/** The MRZ fields in the order a document shows them. */
const mrzFieldOrder = ['documentCode', 'issuingState', 'documentNumber', 'surname', 'givenNames', 'nationality', 'birthDate', 'sex', 'expiryDate'];

/** ICAO 9303: a passport (document code P…) is a TD3 page; everything else at the desk is an ID-1 card. */
function paperFor(mrz: MrzView | null): 'td3' | 'id1' {
  if (mrz === null) return 'td3';
  const code = mrz.fields.documentCode ?? mrz.lines[0]?.slice(0, 1) ?? '';
  if (code.startsWith('P')) return 'td3';
  return mrz.lines.length === 3 ? 'id1' : mrz.lines[0]?.length === 44 ? 'td3' : 'id1';
}

function MrzEntry({ caseId, onView }: { caseId: string; onView: StepProps['onView'] }) {
  const { t } = useTranslation();
  const controller = useController();
  const { busy, errors, run } = useCaseActions(onView);
  const [text, setText] = useState('');
  const [shapeError, setShapeError] = useState(false);
  const lines = mrzLinesOf(text);
  const submit = () => {
    if (!mrzShapeOk(lines)) {
      setShapeError(true);
      return;
    }
    setShapeError(false);
    void run('enterMrz', () => controller.api.call['cases.enterMrz']({ caseId, lines }));
  };
  return (
    <details className="mrz-entry" open={text !== '' || undefined}>
      <summary className="mrz-entry__summary">{t('enrolment.identity.typeMrz')}</summary>
      <div className={`field${shapeError ? ' field--invalid' : ''}`}>
        <label className="field__label" htmlFor="mrz-text">
          {t('enrolment.identity.mrzLabel')}
        </label>
        <p className="field__hint" id="mrz-text-hint">
          {t('enrolment.identity.mrzHint')}
        </p>
        {shapeError ? (
          <p className="field__error" id="mrz-text-error" role="alert">
            {t('enrolment.identity.mrzShape')}
          </p>
        ) : null}
        <textarea
          id="mrz-text"
          className="field__input mrz-entry__input"
          rows={3}
          dir="ltr"
          lang="en"
          spellCheck={false}
          autoCapitalize="characters"
          autoComplete="off"
          value={text}
          aria-invalid={shapeError || undefined}
          aria-describedby={`mrz-text-hint mrz-text-count${shapeError ? ' mrz-text-error' : ''}`}
          onChange={(event) => setText(event.target.value.toUpperCase())}
        />
        <p className="mrz-entry__count" id="mrz-text-count" aria-live="polite" data-testid="mrz-count">
          {lines.length === 0
            ? t('enrolment.identity.mrzNoLines')
            : lines.map((line, i) => t('enrolment.identity.mrzLineCount', { line: i + 1, count: line.length })).join(' · ')}
        </p>
      </div>
      <ActionError error={errors.enterMrz} testId="enter-mrz-error" />
      <button type="button" className="button button--secondary" onClick={submit} aria-disabled={busy !== null || undefined}>
        {busy === 'enterMrz' ? t('enrolment.common.saving') : t('enrolment.identity.useTypedMrz')}
      </button>
    </details>
  );
}

function MrzResult({ mrz }: { mrz: MrzView }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const fields = mrzFieldOrder.filter((name) => name in mrz.fields).concat(Object.keys(mrz.fields).filter((name) => !mrzFieldOrder.includes(name)));
  return (
    <div className="mrz-result" data-testid="mrz-result" data-valid={mrz.valid}>
      <p>
        <span className={`badge ${mrz.valid ? 'badge--success' : 'badge--danger'}`}>
          <span aria-hidden="true" className="badge__dot" />
          {mrz.valid ? t('enrolment.identity.mrzValid') : t('enrolment.identity.mrzInvalid')}
        </span>{' '}
        <span className="muted">
          {t(mrz.source === 'reader' ? 'enrolment.identity.sourceReader' : 'enrolment.identity.sourceTyped', { time: formatMoment(mrz.readAt, language) })}
        </span>
      </p>
      <pre className="mrz-result__lines mono" dir="ltr" lang="en">
        {mrz.lines.join('\n')}
      </pre>
      <dl className="facts__list mrz-result__fields">
        {fields.map((name) => {
          const value = mrz.fields[name];
          return (
            <div key={name} data-mrz-field={name}>
              <dt>{t(`enrolment.identity.mrzFields.${name}`, { defaultValue: name })}</dt>
              <dd dir="ltr">{value === null || value === undefined ? <span className="field-invalid-value">{t('enrolment.identity.mrzFieldInvalid')}</span> : value}</dd>
            </div>
          );
        })}
      </dl>
    </div>
  );
}

const statusTone: Record<string, 'success' | 'danger' | 'warning'> = {
  VALID: 'success',
  EXPIRED: 'danger',
  REPORTED_LOST: 'danger',
  REPORTED_STOLEN: 'danger',
  REVOKED: 'danger',
  UNKNOWN: 'warning',
};

export function VerificationResult({ verification }: { verification: VerificationView }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { identity, document } = verification;
  const identityTone = identity.ok ? (identity.match ? 'success' : 'danger') : 'warning';
  const documentTone = document.ok ? (statusTone[document.status] ?? 'warning') : 'warning';
  return (
    <div className="verification" data-testid="verification">
      <p className="muted">{t('enrolment.identity.verifiedAt', { time: formatMoment(verification.at, language) })}</p>
      <div className={`verdict verdict--${identityTone}`} data-testid="verification-identity" data-match={identity.ok ? String(identity.match) : 'error'}>
        <p className="verdict__label">{t('enrolment.identity.identityCheck')}</p>
        {identity.ok ? (
          <>
            <p className="verdict__value">{identity.match ? t('enrolment.identity.identityMatch') : t('enrolment.identity.identityNoMatch')}</p>
            {identity.match ? null : <p>{t('enrolment.identity.identityNoMatchMeaning')}</p>}
            {identity.openCases.length > 0 ? <p>{t('enrolment.identity.openCases', { cases: identity.openCases.join(', ') })}</p> : null}
          </>
        ) : (
          <>
            <p className="verdict__value">{t('enrolment.identity.lookupFailed')}</p>
            <p className="case-detail" lang="en">
              {identity.message}
            </p>
          </>
        )}
      </div>
      <div className={`verdict verdict--${documentTone}`} data-testid="verification-document" data-status={document.ok ? document.status : 'error'}>
        <p className="verdict__label">{t('enrolment.identity.documentCheck')}</p>
        {document.ok ? (
          <>
            <p className="verdict__value">{t(`enrolment.identity.documentStatus.${document.status}`)}</p>
            <p>{t(`enrolment.identity.documentMeaning.${document.status}`)}</p>
          </>
        ) : (
          <>
            <p className="verdict__value">{t('enrolment.identity.lookupFailed')}</p>
            <p className="case-detail" lang="en">
              {document.message}
            </p>
          </>
        )}
      </div>
    </div>
  );
}

/**
 * The identity document: read the MRZ (or type it), scan the data page,
 * ask the agency. The typed MRZ is kept in the box if the core refuses it.
 */
export function IdentityStep({ view, onView }: StepProps) {
  const { t } = useTranslation();
  const controller = useController();
  const { busy, errors, run } = useCaseActions(onView);
  const caseId = view.id;
  const { mrz, pages, verification } = view.identity;
  const [paper, setPaper] = useState<'td3' | 'id1'>(() => paperFor(mrz));
  const page = pages.at(-1) ?? null;
  const isBusy = busy !== null || undefined;
  const readMrz = () => void run('readMrz', () => controller.api.call['cases.readMrz']({ caseId }));
  const scanPage = () => void run('scan', () => controller.api.call['cases.scanIdentityPage']({ caseId, paper }));

  return (
    <StepFrame step="identity" intro={t('enrolment.identity.intro')} footer={<NextButton view={view} onView={onView} />}>
      <section className="card case-card" aria-labelledby="mrz-heading">
        <h2 className="card__title" id="mrz-heading">
          {t('enrolment.identity.mrzHeading')}
        </h2>
        <div className="case-actions">
          <button
            type="button"
            className={`button ${mrz === null ? 'button--primary' : 'button--secondary'} button--large`}
            onClick={readMrz}
            aria-disabled={isBusy}
            data-testid="read-mrz"
          >
            {busy === 'readMrz' ? t('enrolment.identity.reading') : mrz === null ? t('enrolment.identity.readMrz') : t('enrolment.identity.readAgain')}
          </button>
        </div>
        {busy === 'readMrz' ? (
          <p role="status" className="case-progress">
            {t('enrolment.identity.readingHint')}
          </p>
        ) : null}
        {errors.readMrz !== undefined && errors.readMrz !== null && isDeviceProblem(errors.readMrz) ? (
          <DeviceProblem error={errors.readMrz} kind="mrz" onRetry={readMrz} retrying={busy === 'readMrz'} testId="read-mrz-device-problem" />
        ) : (
          <ActionError error={errors.readMrz} testId="read-mrz-error" />
        )}
        {mrz !== null ? <MrzResult mrz={mrz} /> : null}
        <MrzEntry caseId={caseId} onView={onView} />
      </section>

      <section className="card case-card" aria-labelledby="page-heading">
        <h2 className="card__title" id="page-heading">
          {t('enrolment.identity.pageHeading')}
        </h2>
        <fieldset className="choice">
          <legend className="field__label">{t('enrolment.identity.paper')}</legend>
          <label className="choice__option">
            <input type="radio" name="identity-paper" value="td3" checked={paper === 'td3'} onChange={() => setPaper('td3')} />
            {t('enrolment.identity.paperTd3')}
          </label>
          <label className="choice__option">
            <input type="radio" name="identity-paper" value="id1" checked={paper === 'id1'} onChange={() => setPaper('id1')} />
            {t('enrolment.identity.paperId1')}
          </label>
        </fieldset>
        <div className="case-actions">
          <button
            type="button"
            className={`button ${mrz !== null && page === null ? 'button--primary' : 'button--secondary'} button--large`}
            onClick={scanPage}
            aria-disabled={isBusy}
            data-testid="scan-identity-page"
          >
            {busy === 'scan' ? t('enrolment.identity.scanning') : page === null ? t('enrolment.identity.scanPage') : t('enrolment.identity.scanAgain')}
          </button>
        </div>
        {busy === 'scan' ? (
          <p role="status" className="case-progress">
            {t('enrolment.identity.scanningHint')}
          </p>
        ) : null}
        {errors.scan !== undefined && errors.scan !== null && isDeviceProblem(errors.scan) ? (
          <DeviceProblem error={errors.scan} kind="scanner" onRetry={scanPage} retrying={busy === 'scan'} testId="scan-device-problem" />
        ) : (
          <ActionError error={errors.scan} testId="scan-error" />
        )}
        {page !== null ? (
          <figure className="page-preview" data-testid="identity-page">
            <CaseImage caseId={caseId} imageRef={page.image} alt={t('enrolment.identity.pageAlt')} className="page-preview__image" />
            <figcaption>
              <QualityLine quality={page.quality} testId="identity-page-quality" />
            </figcaption>
          </figure>
        ) : null}
      </section>

      <section className="card case-card" aria-labelledby="verify-heading">
        <h2 className="card__title" id="verify-heading">
          {t('enrolment.identity.verifyHeading')}
        </h2>
        <p className="card__intro">{t('enrolment.identity.verifyIntro')}</p>
        <div className="case-actions">
          <button
            type="button"
            className={`button ${mrz !== null && verification === null ? 'button--primary' : 'button--secondary'} button--large`}
            onClick={() => void run('verify', () => controller.api.call['cases.verify']({ caseId }))}
            aria-disabled={isBusy}
            data-testid="verify"
          >
            {busy === 'verify' ? t('enrolment.identity.verifying') : verification === null ? t('enrolment.identity.verify') : t('enrolment.identity.verifyAgain')}
          </button>
        </div>
        <ActionError error={errors.verify} testId="verify-error" />
        {verification !== null ? <VerificationResult verification={verification} /> : null}
      </section>
    </StepFrame>
  );
}
