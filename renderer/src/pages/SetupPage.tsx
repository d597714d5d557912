import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useController, useStationState } from '../station/context';
import { TextField } from '../components/Field';
import { Notice } from '../components/Notice';
import { PageTitle } from '../components/PageTitle';
import { firstProblem, validateAccount, type AccountProblems, type Problem } from '../forms/account';
import { errorCode } from '../i18n/errors';
import { useErrorText } from '../i18n/use-error-text';

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
  const errorText = useErrorText();
  const minLength = info?.passwordMinLength ?? 10;
  const [values, setValues] = useState<Record<Field, string>>({ username: '', displayName: '', password: '', confirm: '' });
  const [problems, setProblems] = useState<AccountProblems>({});
  const [serverProblems, setServerProblems] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const message = (field: Field): string | null => {
    const problem: Problem | undefined = problems[field];
    if (problem !== undefined) return t(problem.key, problem.params);
    return serverProblems[field] ?? null;
  };

  const change = (field: Field) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setProblems((p) => ({ ...p, [field]: undefined }));
    setServerProblems((p) => ({ ...p, [field]: undefined }));
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setFormError(null);
    setServerProblems({});
    const found = validateAccount(values, minLength);
    setProblems(found);
    const first = firstProblem(found, fields);
    if (first !== null) {
      document.getElementById(ids[first])?.focus();
      return;
    }
    setBusy(true);
    try {
      const session = await controller.api.call['auth.createFirstAdmin']({
        username: values.username.trim(),
        displayName: values.displayName.trim(),
        password: values.password,
      });
      controller.firstAdminCreated(session);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'auth.username_taken') {
        setServerProblems({ username: errorText(error) });
        document.getElementById(ids.username)?.focus();
      } else if (code === 'auth.weak_password') {
        setServerProblems({ password: errorText(error) });
        document.getElementById(ids.password)?.focus();
      } else {
        setFormError(errorText(error));
        // Someone else finished the first run meanwhile: station.info says so and the guard moves on to sign-in.
        if (code === 'auth.first_run_done') void controller.loadInfo();
      }
    } finally {
      setBusy(false);
    }
  };

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
        <form className="form" data-testid="setup-form" noValidate onSubmit={(e) => void submit(e)} aria-busy={busy || undefined}>
          <TextField
            id={ids.username}
            label={t('setup.username')}
            hint={t('setup.usernameHint')}
            error={message('username')}
            value={values.username}
            onChange={(e) => change('username')(e.target.value)}
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
            onChange={(e) => change('displayName')(e.target.value)}
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
            onChange={(e) => change('password')(e.target.value)}
            autoComplete="new-password"
            required
          />
          <TextField
            id={ids.confirm}
            type="password"
            label={t('setup.confirmPassword')}
            error={message('confirm')}
            value={values.confirm}
            onChange={(e) => change('confirm')(e.target.value)}
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
