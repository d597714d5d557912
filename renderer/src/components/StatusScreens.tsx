import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { useErrorText } from '../i18n/use-error-text';
import { BrandMark } from './icons';
import { LanguageSelect } from './LanguageSelect';
import { Modal } from './Modal';
import { PageTitle } from './PageTitle';

function FullPage({ title, children, busy }: { title: string; children: ReactNode; busy?: boolean }) {
  return (
    <div className="full-page">
      <PageTitle>{title}</PageTitle>
      <main className="full-page__card" aria-busy={busy || undefined}>
        <div className="full-page__brand">
          <BrandMark />
          <span className="brand__name">Balcão</span>
        </div>
        {children}
      </main>
    </div>
  );
}

function Spinner() {
  return <span className="spinner" aria-hidden="true" />;
}

/** Opened without the token: the station's address carries it, so the only fix is to open that address. */
export function NoTokenScreen() {
  const { t } = useTranslation();
  return (
    <FullPage title={t('titles.noToken')}>
      <h1 className="full-page__title">{t('boot.noTokenTitle')}</h1>
      <p className="full-page__text">
        <Trans i18nKey="boot.noTokenBody" components={{ code: <code /> }} />
      </p>
      <p className="full-page__hint">{t('boot.noTokenHint')}</p>
    </FullPage>
  );
}

export function ConnectingScreen() {
  const { t } = useTranslation();
  return (
    <FullPage title={t('titles.connecting')} busy>
      <div className="full-page__status" role="status" aria-live="polite">
        <Spinner />
        <p className="full-page__title">{t('boot.connecting')}</p>
      </div>
    </FullPage>
  );
}

/** After this long, a restart of the station (new address, new key) is the likely cause rather than a blip. */
const longOutageMs = 10_000;

function ReconnectingMessage({ titleId }: { titleId?: string }) {
  const { t } = useTranslation();
  const [long, setLong] = useState(false);
  useEffect(() => {
    const timer = window.setTimeout(() => setLong(true), longOutageMs);
    return () => window.clearTimeout(timer);
  }, []);
  return (
    <div className="full-page__status" role="status" aria-live="assertive">
      <Spinner />
      <p className="full-page__title" id={titleId}>
        {t('boot.reconnecting')}
      </p>
      <p className="full-page__text">{t('boot.reconnectingHint')}</p>
      {long ? <p className="full-page__text">{t('boot.reconnectingLong')}</p> : null}
    </div>
  );
}

/** Lost before anything was loaded: nothing to keep, so the whole page says so. */
export function ReconnectingScreen() {
  const { t } = useTranslation();
  return (
    <FullPage title={t('titles.connecting')} busy>
      <ReconnectingMessage />
    </FullPage>
  );
}

/**
 * Lost while working: the page stays mounted underneath (forms keep what was
 * typed) but a modal covers it, since nothing can be done until the station
 * is back. Escape does not dismiss it.
 */
export function ReconnectingOverlay() {
  const focusRef = useRef<HTMLDivElement>(null);
  return (
    <Modal labelledBy="reconnecting-title" onCancel={() => undefined} initialFocus={focusRef} className="modal--blocking" testId="reconnecting">
      <div className="modal__content" ref={focusRef} tabIndex={-1}>
        <ReconnectingMessage titleId="reconnecting-title" />
      </div>
    </Modal>
  );
}

export function LoadFailedScreen({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  return (
    <FullPage title={t('titles.connecting')}>
      <h1 className="full-page__title">{t('boot.failed')}</h1>
      <p className="full-page__text" role="alert">
        {errorText(error)}
      </p>
      <div className="full-page__actions">
        <button type="button" className="button button--primary" onClick={onRetry}>
          {t('app.retry')}
        </button>
        <LanguageSelect />
      </div>
    </FullPage>
  );
}
