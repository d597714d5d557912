import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet, useLocation } from 'react-router';
import { IdleDialog } from '../components/IdleDialog';
import { BrandMark } from '../components/icons';
import { LanguageSelect } from '../components/LanguageSelect';
import { activityEvents } from '../session/activity';
import { paths, roleAtLeast } from './access';
import { useController, useStationState } from '../station/context';

/**
 * The frame around every page: skip link, header (product, station,
 * language, operator, sign-out), the main menu once signed in, and the
 * idle warning. Also reports activity while someone is signed in.
 */
export function Shell() {
  const { t } = useTranslation();
  const controller = useController();
  const { info, session, idleDeadline } = useStationState();
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const [loggingOut, setLoggingOut] = useState(false);
  const firstPage = useRef(true);
  const signedIn = session !== null;

  useEffect(() => {
    if (!signedIn) return;
    const report = () => controller.reportActivity();
    const options = { capture: true, passive: true } as const;
    for (const type of activityEvents) window.addEventListener(type, report, options);
    return () => {
      for (const type of activityEvents) window.removeEventListener(type, report, options);
    };
  }, [signedIn, controller]);

  // After a navigation, move focus into the new page so screen readers announce it and Tab starts there.
  useEffect(() => {
    const main = mainRef.current;
    if (main === null || main.contains(document.activeElement)) return;
    const field = main.querySelector<HTMLElement>('[data-autofocus]');
    // On the first page only a form's first field takes focus; the browser otherwise starts at the top, as people expect.
    const target = firstPage.current ? field : (field ?? main.querySelector<HTMLElement>('h1'));
    firstPage.current = false;
    target?.focus();
  }, [location.pathname]);

  const skipToMain = (event: MouseEvent<HTMLAnchorElement>) => {
    // Handled here rather than as a fragment navigation, which the router would treat as a new location.
    event.preventDefault();
    mainRef.current?.focus();
  };

  const logout = () => {
    setLoggingOut(true);
    controller
      .logout()
      .catch(() => controller.loadInfo())
      .finally(() => setLoggingOut(false));
  };

  const role = session?.operator.role ?? null;

  return (
    <div className="shell">
      <a href="#main" className="skip-link" onClick={skipToMain}>
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <div className="app-header__bar">
          <div className="brand">
            <BrandMark />
            <div className="brand__text">
              <span className="brand__name">{t('app.product')}</span>
              {info ? <span className="brand__station">{info.stationName}</span> : null}
            </div>
          </div>
          <div className="app-header__tools">
            <LanguageSelect />
            {session ? (
              <>
                <p className="operator-chip">
                  <span className="visually-hidden">{t('app.signedInAs')} </span>
                  <span className="operator-chip__name">{session.operator.displayName}</span>
                  <span className="operator-chip__role">{t(`roles.${session.operator.role}`)}</span>
                </p>
                <button type="button" className="button button--on-dark" data-testid="logout" onClick={logout} disabled={loggingOut}>
                  {loggingOut ? t('app.loggingOut') : t('app.logout')}
                </button>
              </>
            ) : null}
          </div>
        </div>
        {role !== null ? (
          <nav className="app-nav" aria-label={t('app.mainNav')}>
            <ul className="app-nav__list">
              <li>
                <NavLink to={paths.home} end className="app-nav__link">
                  {t('titles.home')}
                </NavLink>
              </li>
              <li>
                <NavLink to={paths.devices} className="app-nav__link">
                  {t('titles.devices')}
                </NavLink>
              </li>
              {roleAtLeast(role, 'admin') ? (
                <li>
                  <NavLink to={paths.operators} className="app-nav__link">
                    {t('titles.operators')}
                  </NavLink>
                </li>
              ) : null}
              {roleAtLeast(role, 'supervisor') ? (
                <li>
                  <NavLink to={paths.outbox} className="app-nav__link">
                    {t('titles.outbox')}
                  </NavLink>
                </li>
              ) : null}
              {roleAtLeast(role, 'supervisor') ? (
                <li>
                  <NavLink to={paths.audit} className="app-nav__link">
                    {t('titles.audit')}
                  </NavLink>
                </li>
              ) : null}
            </ul>
          </nav>
        ) : null}
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="app-main">
        <Outlet />
      </main>
      {info ? (
        <footer className="app-footer">
          <span>
            {t('app.product')} {info.version}
          </span>
          <span aria-hidden="true">·</span>
          <span>
            {t('home.centreId')} {info.centreId}
          </span>
          <span aria-hidden="true">·</span>
          <span>
            {t('home.stationId')} {info.stationId}
          </span>
        </footer>
      ) : null}
      {session !== null && idleDeadline !== null ? <IdleDialog key={idleDeadline} deadline={idleDeadline} /> : null}
    </div>
  );
}
