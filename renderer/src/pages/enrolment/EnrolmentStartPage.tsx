import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { CaseSummaryView, ServiceTypeId } from '../../../../app/contract/cases';
import { locales, type Locale } from '../../../../app/contract/channels';
import { PageTitle } from '../../components/PageTitle';
import { formatMoment } from '../../i18n/format';
import { isLocale, nativeNames } from '../../i18n/languages';
import { casePath } from '../../routing/access';
import { useController, useStationState } from '../../station/context';
import { ActionError, useLanguage, useServices } from './shared';
import '../../styles/enrolment.css';

/**
 * Where an enrolment starts: the applicant's language, then one large tile
 * per service (a click starts the case), and below, the cases left open or
 * paused at this station to pick up again.
 */
export function EnrolmentStartPage() {
  const { t } = useTranslation();
  const controller = useController();
  const navigate = useNavigate();
  const language = useLanguage();
  const { info } = useStationState();
  const { services, error: servicesError, retry } = useServices();
  const offered = info?.languages ?? locales;
  const [applicantLanguage, setApplicantLanguage] = useState<Locale>(language);
  const [starting, setStarting] = useState<ServiceTypeId | null>(null);
  const [startError, setStartError] = useState<unknown>(null);
  const [cases, setCases] = useState<CaseSummaryView[] | null>(null);
  const [listError, setListError] = useState<unknown>(null);
  const [resuming, setResuming] = useState<string | null>(null);
  const [resumeError, setResumeError] = useState<{ id: string; error: unknown } | null>(null);

  const loadCases = useCallback(async () => {
    try {
      const { cases: list } = await controller.api.call['cases.list']({});
      setCases(list);
      setListError(null);
    } catch (error) {
      setListError(error);
    }
  }, [controller]);

  useEffect(() => {
    void loadCases();
    // Another window may open, pause or seal a case: the list follows.
    return controller.api.on['cases.changed'](() => void loadCases());
  }, [controller, loadCases]);

  const start = async (serviceType: ServiceTypeId) => {
    if (starting !== null) return;
    setStarting(serviceType);
    setStartError(null);
    try {
      const view = await controller.api.call['cases.start']({ serviceType, applicantLanguage });
      void navigate(casePath(view.id));
    } catch (error) {
      setStartError(error);
      setStarting(null);
    }
  };

  const resume = async (summary: CaseSummaryView) => {
    if (resuming !== null) return;
    setResuming(summary.id);
    setResumeError(null);
    try {
      if (summary.status === 'paused') await controller.api.call['cases.resume']({ caseId: summary.id });
      void navigate(casePath(summary.id));
    } catch (error) {
      setResumeError({ id: summary.id, error });
      setResuming(null);
    }
  };

  return (
    <div className="page enrolment-start" data-testid="enrolment-start">
      <PageTitle>{t('enrolment.start.title')}</PageTitle>
      <div className="page__header">
        <h1 className="page__title" tabIndex={-1}>
          {t('enrolment.start.heading')}
        </h1>
        <p className="page__intro">{t('enrolment.start.intro')}</p>
      </div>

      <section className="section" aria-labelledby="applicant-language-label">
        <div className="field enrolment-start__language">
          <label className="field__label" id="applicant-language-label" htmlFor="applicant-language">
            {t('enrolment.start.applicantLanguage')}
          </label>
          <p className="field__hint" id="applicant-language-hint">
            {t('enrolment.start.applicantLanguageHint')}
          </p>
          <select
            id="applicant-language"
            className="field__input field__select"
            aria-describedby="applicant-language-hint"
            value={applicantLanguage}
            onChange={(event) => {
              if (isLocale(event.target.value)) setApplicantLanguage(event.target.value);
            }}
          >
            {offered.map((l) => (
              <option key={l} value={l} lang={l}>
                {nativeNames[l]}
              </option>
            ))}
          </select>
        </div>
      </section>

      <section className="section" aria-labelledby="services-heading">
        <h2 id="services-heading" className="section__title">
          {t('enrolment.start.servicesHeading')}
        </h2>
        {servicesError !== null ? (
          <>
            <ActionError error={servicesError} />
            <button type="button" className="button button--secondary" onClick={retry}>
              {t('app.retry')}
            </button>
          </>
        ) : null}
        {services === null && servicesError === null ? (
          <p className="loading" role="status">
            {t('app.loading')}
          </p>
        ) : null}
        <ActionError error={startError} testId="start-error" />
        {services !== null ? (
          <ul className="service-grid">
            {services.services.map((service) => (
              <li key={service.id}>
                <button
                  type="button"
                  className="service-tile"
                  data-testid={`service-${service.id}`}
                  aria-disabled={starting !== null || undefined}
                  aria-describedby={`service-${service.id}-steps`}
                  onClick={() => void start(service.id)}
                >
                  <span className="service-tile__name">{t(`enrolment.services.${service.id}`)}</span>
                  <span className="service-tile__steps" id={`service-${service.id}-steps`}>
                    {starting === service.id
                      ? t('enrolment.start.starting')
                      : service.steps
                          .filter((s) => s !== 'review' && s !== 'receipt')
                          .map((s) => t(`enrolment.steps.${s}`))
                          .join(' · ')}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <section className="section" aria-labelledby="open-cases-heading">
        <h2 id="open-cases-heading" className="section__title">
          {t('enrolment.start.openCasesHeading')}
        </h2>
        <ActionError error={listError} />
        {cases === null ? null : cases.length === 0 ? (
          <p data-testid="open-cases-empty">{t('enrolment.start.noOpenCases')}</p>
        ) : (
          <div className="table-wrap" role="region" aria-labelledby="open-cases-heading" tabIndex={0}>
            <table className="table" data-testid="open-cases">
              <thead>
                <tr>
                  <th scope="col">{t('enrolment.start.applicant')}</th>
                  <th scope="col">{t('enrolment.start.service')}</th>
                  <th scope="col">{t('enrolment.start.step')}</th>
                  <th scope="col">{t('enrolment.start.status')}</th>
                  <th scope="col">{t('enrolment.start.updated')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('enrolment.start.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {cases.map((summary) => (
                  <tr key={summary.id} data-testid="open-case" data-case-id={summary.id} data-status={summary.status}>
                    <th scope="row">
                      {summary.applicantName !== null ? <span dir="auto">{summary.applicantName}</span> : <span className="muted">{t('enrolment.start.noName')}</span>}
                      <span className="table__code mono">{summary.id}</span>
                    </th>
                    <td>{t(`enrolment.services.${summary.serviceType}`)}</td>
                    <td>{t(`enrolment.steps.${summary.step}`)}</td>
                    <td>
                      <span className={`badge ${summary.status === 'paused' ? 'badge--warning' : 'badge--info'}`}>{t(`enrolment.status.${summary.status}`)}</span>
                    </td>
                    <td className="nowrap">{formatMoment(summary.updatedAt, language)}</td>
                    <td>
                      <button
                        type="button"
                        className="button button--secondary"
                        aria-disabled={resuming !== null || undefined}
                        aria-label={t('enrolment.start.resumeFor', { name: summary.applicantName ?? summary.id })}
                        onClick={() => void resume(summary)}
                      >
                        {resuming === summary.id ? t('enrolment.start.resuming') : t('enrolment.start.resume')}
                      </button>
                      {resumeError?.id === summary.id ? <ActionError error={resumeError.error} /> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
