import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useController, useStationState } from '../station/context';
import { TextField } from '../components/Field';
import { Notice } from '../components/Notice';
import { PageTitle } from '../components/PageTitle';
import { errorCode } from '../i18n/errors';
import { useErrorText } from '../i18n/use-error-text';


export function LoginPage() {
  const { t } = useTranslation();
  const controller = useController();
  const { info, signedOutBecause } = useStationState();
  const errorText = useErrorText();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<{ username?: boolean; password?: boolean }>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setError(null);
    const empty = { username: username.trim() === '', password: password === '' };
    setMissing(empty);
    if (empty.username) return usernameRef.current?.focus();
    if (empty.password) return passwordRef.current?.focus();
    setBusy(true);
    try {
      const session = await controller.api.call['auth.login']({ username: username.trim(), password });
      // The guard takes the operator on from here (home, or the page they were on).
      controller.signedIn(session, true);
    } catch (failure) {
      setError(errorText(failure));
      setPassword('');
      if (errorCode(failure) === 'auth.first_run_required') void controller.loadInfo();
      else passwordRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page page--login">
      <PageTitle>{t('titles.login')}</PageTitle>
      <div className="login-layout">
        <div className="card card--form">
          <h1 className="page__title" tabIndex={-1}>
            {t('login.heading')}
          </h1>
          <p className="page__intro">{t('login.intro')}</p>
          {signedOutBecause === 'idle' ? (
            <Notice tone="info" live="status" testId="idle-notice">
              <p>{t('login.idleNotice')}</p>
            </Notice>
          ) : null}
          {signedOutBecause === 'disabled' ? (
            <Notice tone="warning" live="status" testId="disabled-notice">
              <p>{t('login.disabledNotice')}</p>
            </Notice>
          ) : null}
          <form className="form" data-testid="login-form" noValidate onSubmit={(e) => void submit(e)} aria-busy={busy || undefined}>
            <TextField
              ref={usernameRef}
              id="login-username"
              label={t('login.username')}
              error={missing.username ? t('validation.required') : null}
              value={username}
              onChange={(e) => {
                setUsername(e.target.value);
                setMissing((m) => ({ ...m, username: false }));
              }}
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              data-autofocus
              required
            />
            <TextField
              ref={passwordRef}
              id="login-password"
              type="password"
              label={t('login.password')}
              error={missing.password ? t('validation.required') : null}
              value={password}
              onChange={(e) => {
                setPassword(e.target.value);
                setMissing((m) => ({ ...m, password: false }));
              }}
              autoComplete="current-password"
              alsoDescribedBy={error !== null ? 'login-error' : null}
              required
            />
            {error !== null ? (
              <div className="form__error" role="alert" data-testid="login-error" id="login-error">
                {error}
              </div>
            ) : null}
            <div className="form__actions">
              <button type="submit" className="button button--primary button--large button--block" aria-disabled={busy || undefined}>
                {busy ? t('login.submitting') : t('login.submit')}
              </button>
            </div>
          </form>
        </div>
        {info?.demoLogin ? (
          <aside className="card card--demo" data-testid="demo-accounts" aria-labelledby="demo-title">
            <h2 id="demo-title" className="card__title">
              {t('login.demoTitle')}
            </h2>
            <p>{t('login.demoIntro')}</p>
            <ul className="demo-accounts">
              {info.demoLogin.accounts.map((account) => (
                <li key={account.username}>
                  <code className="demo-accounts__user">{account.username}</code>
                  <span className="demo-accounts__role">{t(`roles.${account.role}`)}</span>
                </li>
              ))}
            </ul>
            <p>
              {t('login.demoPassword')} <code>{info.demoLogin.password}</code>
            </p>
          </aside>
        ) : null}
      </div>
    </div>
  );
}
