import { useTranslation } from 'react-i18next';
import { useController, useStationState } from '../station/context';
import { TextField } from '../components/Field';
import { Notice } from '../components/Notice';
import { PageTitle } from '../components/PageTitle';
import { useAccountForm } from '../forms/use-account-form';

const fields = ['username', 'displayName', 'password', 'confirm'] as const;
type Field = (typeof fields)[number];
const ids: Record<Field, string> = {
  username: 'setup-username',
  displayName: 'setup-display-name',
  password: 'setup-password',
  confirm: 'setup-confirm',
};

/** First run: the administrator account, then straight in. */
export function SetupPage() {
  const { t } = useTranslation();
  const controller = useController();
  const { info } = useStationState();
  const minLength = info?.passwordMinLength ?? 10;
  const { values, busy, formError, message, change, submit } = useAccountForm({
    fields,
    ids,
    initial: { username: '', displayName: '', password: '', confirm: '' },
    minLength,
  });

  const onSubmit = submit(
    async (input) => {
      const session = await controller.api.call['auth.createFirstAdmin']({
        username: input.username.trim(),
        displayName: input.displayName.trim(),
        password: input.password,
      });
      controller.firstAdminCreated(session);
    },
    (code) => {
      // Someone else finished the first run meanwhile: station.info says so and the guard moves on to sign-in.
      if (code === 'auth.first_run_done') void controller.loadInfo();
    },
  );

  return (
    <div className="page page--narrow">
      <PageTitle>{t('titles.setup')}</PageTitle>
      <div className="card card--form">
        <h1 className="page__title" tabIndex={-1}>
          {t('setup.heading')}
        </h1>
        <p className="page__intro">{t('setup.intro')}</p>
        {formError !== null ? (
          <Notice tone="danger" live="alert">
            <p>{formError}</p>
          </Notice>
        ) : null}
        <form className="form" data-testid="setup-form" noValidate onSubmit={(e) => void onSubmit(e)} aria-busy={busy || undefined}>
          <TextField
            id={ids.username}
            label={t('setup.username')}
            hint={t('setup.usernameHint')}
            error={message('username')}
            value={values.username}
            onChange={(e) => change('username', e.target.value)}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            data-autofocus
            required
          />
          <TextField
            id={ids.displayName}
            label={t('setup.displayName')}
            hint={t('setup.displayNameHint')}
            error={message('displayName')}
            value={values.displayName}
            onChange={(e) => change('displayName', e.target.value)}
            autoComplete="name"
            required
          />
          <TextField
            id={ids.password}
            type="password"
            label={t('setup.password')}
            hint={t('setup.passwordRule', { minLength })}
            error={message('password')}
            value={values.password}
            onChange={(e) => change('password', e.target.value)}
            autoComplete="new-password"
            required
          />
          <TextField
            id={ids.confirm}
            type="password"
            label={t('setup.confirmPassword')}
            error={message('confirm')}
            value={values.confirm ?? ''}
            onChange={(e) => change('confirm', e.target.value)}
            autoComplete="new-password"
            required
          />
          <div className="form__actions">
            <button type="submit" className="button button--primary button--large" aria-disabled={busy || undefined}>
              {busy ? t('setup.submitting') : t('setup.submit')}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
