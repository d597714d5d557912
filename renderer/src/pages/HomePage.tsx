import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { ActivityId, ActivityView } from '../../../app/contract/channels';
import { casePath, paths, roleAtLeast } from '../routing/access';
import { useController, useStationState } from '../station/context';
import { Notice } from '../components/Notice';
import { useErrorText } from '../i18n/use-error-text';
import { ActivityIcon } from '../components/icons';
import { PageTitle } from '../components/PageTitle';
import { formatMoment } from '../i18n/format';
import { isLocale } from '../i18n/languages';

/** Activities this build has a page for. One the core marks available but the UI cannot open is shown as unavailable. */
const activityPaths: Partial<Record<ActivityId, string>> = {
  enrolment: paths.enrolment,
  digitisation: paths.enrolment,
  operators: paths.operators,
  audit: paths.audit,
  devices: paths.devices,
  outbox: paths.outbox,
};

/**
 * Digitisation has no service to choose: the card starts a 'digitisation'
 * case at once, in the operator's language (changeable on the case page).
 */
function DigitisationCard({ activity, body, nameId, descriptionId }: { activity: ActivityView; body: ReactNode; nameId: string; descriptionId: string }) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const start = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const view = await controller.api.call['cases.start']({ serviceType: 'digitisation', applicantLanguage: isLocale(i18n.language) ? i18n.language : 'pt' });
      void navigate(casePath(view.id));
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return (
    <li className="activity-grid__item">
      <button
        type="button"
        className="activity-card activity-card--button"
        aria-labelledby={nameId}
        aria-describedby={descriptionId}
        aria-disabled={busy || undefined}
        data-testid={`activity-${activity.id}`}
        onClick={() => void start()}
      >
        {body}
        <span className="activity-card__chevron" aria-hidden="true" />
      </button>
      {busy ? (
        <p className="visually-hidden" role="status">
          {t('enrolment.start.starting')}
        </p>
      ) : null}
      {error !== null ? (
        <Notice tone="danger" live="alert">
          <p>{errorText(error)}</p>
        </Notice>
      ) : null}
    </li>
  );
}

function ActivityCard({ activity }: { activity: ActivityView }) {
  const { t } = useTranslation();
  const path = activity.available ? activityPaths[activity.id] : undefined;
  const nameId = `activity-${activity.id}-name`;
  const descriptionId = `activity-${activity.id}-description`;
  const body = (
    <>
      <span className="activity-card__icon">
        <ActivityIcon id={activity.id} />
      </span>
      <span className="activity-card__text">
        <span className="activity-card__name" id={nameId}>
          {t(`activities.${activity.id}.name`)}
        </span>
        <span className="activity-card__description" id={descriptionId}>
          {t(`activities.${activity.id}.description`)}
        </span>
      </span>
    </>
  );
  if (path !== undefined && activity.id === 'digitisation') {
    return <DigitisationCard activity={activity} body={body} nameId={nameId} descriptionId={descriptionId} />;
  }
  if (path !== undefined) {
    return (
      <li className="activity-grid__item">
        <Link to={path} className="activity-card" aria-labelledby={nameId} aria-describedby={descriptionId}>
          {body}
          <span className="activity-card__chevron" aria-hidden="true" />
        </Link>
      </li>
    );
  }
  // Deliberately not a button or link, not even a disabled one: there is nothing to do here yet.
  return (
    <li className="activity-grid__item">
      <div className="activity-card activity-card--unavailable" aria-disabled="true">
        {body}
        <span className="activity-card__badge">{t('home.unavailable')}</span>
      </div>
    </li>
  );
}

export function HomePage() {
  const { t, i18n } = useTranslation();
  const { info, session } = useStationState();
  if (info === null || session === null) return null;
  const language = isLocale(i18n.language) ? i18n.language : 'en';
  const role = session.operator.role;
  const activities = info.activities.filter((activity) => roleAtLeast(role, activity.minRole));
  // Working activities first, so the buttons that do something are where the eye lands.
  const ordered = [...activities.filter((a) => a.available && activityPaths[a.id]), ...activities.filter((a) => !(a.available && activityPaths[a.id]))];

  return (
    <div className="page" data-testid="home">
      <PageTitle>{t('titles.home')}</PageTitle>
      <div className="page__header">
        <h1 className="page__title" tabIndex={-1}>
          {t('home.heading', { name: session.operator.displayName })}
        </h1>
        <p className="page__intro">{t('home.intro')}</p>
      </div>

      <section aria-labelledby="activities-heading" className="section">
        <h2 id="activities-heading" className="section__title">
          {t('home.activitiesHeading')}
        </h2>
        <ul className="activity-grid">
          {ordered.map((activity) => (
            <ActivityCard key={activity.id} activity={activity} />
          ))}
        </ul>
      </section>

      <div className="facts">
        <section className="card facts__card" aria-labelledby="station-heading">
          <h2 id="station-heading" className="card__title">
            {t('home.stationHeading')}
          </h2>
          <dl className="facts__list">
            <div>
              <dt>{t('home.stationName')}</dt>
              <dd>{info.stationName}</dd>
            </div>
            <div>
              <dt>{t('home.centreId')}</dt>
              <dd className="mono">{info.centreId}</dd>
            </div>
            <div>
              <dt>{t('home.stationId')}</dt>
              <dd className="mono">{info.stationId}</dd>
            </div>
            <div>
              <dt>{t('home.mode')}</dt>
              <dd>{t(`modes.${info.mode}`)}</dd>
            </div>
            <div>
              <dt>{t('home.version')}</dt>
              <dd className="mono">{info.version}</dd>
            </div>
          </dl>
        </section>
        <section className="card facts__card" aria-labelledby="operator-heading">
          <h2 id="operator-heading" className="card__title">
            {t('home.operatorHeading')}
          </h2>
          <dl className="facts__list">
            <div>
              <dt>{t('operators.displayName')}</dt>
              <dd>{session.operator.displayName}</dd>
            </div>
            <div>
              <dt>{t('operators.username')}</dt>
              <dd className="mono">{session.operator.username}</dd>
            </div>
            <div>
              <dt>{t('home.role')}</dt>
              <dd>{t(`roles.${role}`)}</dd>
            </div>
            <div>
              <dt>{t('home.since')}</dt>
              <dd>{formatMoment(session.startedAt, language)}</dd>
            </div>
          </dl>
        </section>
      </div>
    </div>
  );
}
