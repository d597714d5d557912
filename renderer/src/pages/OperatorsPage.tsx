import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { roles, type OperatorView, type Role } from '../../../app/contract/channels';
import { useController, useStationState } from '../station/context';
import { SelectField, TextField } from '../components/Field';
import { Modal } from '../components/Modal';
import { Notice } from '../components/Notice';
import { PageTitle } from '../components/PageTitle';
import { useAccountForm } from '../forms/use-account-form';
import { errorCode } from '../i18n/errors';
import { formatMoment } from '../i18n/format';
import { isLocale } from '../i18n/languages';
import { useErrorText } from '../i18n/use-error-text';
import { passwordIssue, passwordIssueKeys } from '../session/password';

type Feedback = { tone: 'success' | 'danger'; text: string } | null;

function useLanguage() {
  const { i18n } = useTranslation();
  return isLocale(i18n.language) ? i18n.language : 'en';
}

function StatusBadge({ operator }: { operator: OperatorView }) {
  const { t } = useTranslation();
  const language = useLanguage();
  if (operator.disabled) return <span className="badge badge--muted">{t('operators.disabled')}</span>;
  if (operator.lockedUntil !== null && Date.parse(operator.lockedUntil) > Date.now()) {
    return <span className="badge badge--warning">{t('operators.lockedUntil', { time: formatMoment(operator.lockedUntil, language) })}</span>;
  }
  return <span className="badge badge--success">{t('operators.active')}</span>;
}

function OperatorsTable({
  operators,
  selfId,
  busyId,
  onToggle,
  onReset,
}: {
  operators: OperatorView[];
  selfId: number;
  busyId: number | null;
  onToggle: (operator: OperatorView) => void;
  onReset: (operator: OperatorView) => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  return (
    <div className="table-wrap" role="region" aria-labelledby="operators-list-heading" tabIndex={0}>
      <table className="table" data-testid="operators-table">
        <thead>
          <tr>
            <th scope="col">{t('operators.username')}</th>
            <th scope="col">{t('operators.displayName')}</th>
            <th scope="col">{t('operators.role')}</th>
            <th scope="col">{t('operators.status')}</th>
            <th scope="col">{t('operators.lastLogin')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('operators.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {operators.map((operator) => (
            <tr key={operator.id} data-username={operator.username}>
              <th scope="row" className="mono">
                {operator.username}
              </th>
              <td>
                {operator.displayName}
                {operator.id === selfId ? <span className="badge badge--info badge--inline">{t('operators.you')}</span> : null}
              </td>
              <td>{t(`roles.${operator.role}`)}</td>
              <td>
                <StatusBadge operator={operator} />
              </td>
              <td>{operator.lastLoginAt === null ? t('app.never') : formatMoment(operator.lastLoginAt, language)}</td>
              <td>
                <div className="table__actions">
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    onClick={() => onToggle(operator)}
                    aria-disabled={busyId === operator.id || undefined}
                  >
                    {operator.disabled ? t('operators.enable') : t('operators.disable')}
                    <span className="visually-hidden"> {operator.username}</span>
                  </button>
                  <button type="button" className="button button--secondary button--small" onClick={() => onReset(operator)}>
                    {t('operators.resetPassword')}
                    <span className="visually-hidden"> {operator.username}</span>
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const addFields = ['username', 'displayName', 'password'] as const;
const addIds = { username: 'new-username', displayName: 'new-display-name', password: 'new-password', role: 'new-role' } as const;

function AddOperatorForm({ minLength, onAdded }: { minLength: number; onAdded: (operator: OperatorView) => void }) {
  const { t } = useTranslation();
  const controller = useController();
  const [role, setRole] = useState<Role>('operator');
  const { values, busy, formError, message, change, submit, reset } = useAccountForm({
    fields: addFields,
    ids: addIds,
    initial: { username: '', displayName: '', password: '' },
    minLength,
  });

  const onSubmit = submit(async (input) => {
    const created = await controller.api.call['operators.create']({
      username: input.username.trim(),
      displayName: input.displayName.trim(),
      role,
      password: input.password,
    });
    reset();
    setRole('operator');
    onAdded(created);
  });

  return (
    <section className="card" aria-labelledby="add-operator-heading">
      <h2 id="add-operator-heading" className="card__title">
        {t('operators.addHeading')}
      </h2>
      <p className="card__intro">{t('operators.addIntro')}</p>
      {formError !== null ? (
        <Notice tone="danger" live="alert">
          <p>{formError}</p>
        </Notice>
      ) : null}
      <form className="form form--grid" noValidate onSubmit={(e) => void onSubmit(e)} aria-busy={busy || undefined}>
        <TextField
          id={addIds.username}
          label={t('setup.username')}
          hint={t('setup.usernameHint')}
          error={message('username')}
          value={values.username}
          onChange={(e) => change('username', e.target.value)}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
        />
        <TextField
          id={addIds.displayName}
          label={t('setup.displayName')}
          error={message('displayName')}
          value={values.displayName}
          onChange={(e) => change('displayName', e.target.value)}
          autoComplete="off"
        />
        <SelectField id={addIds.role} label={t('operators.role')} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          id={addIds.password}
          type="password"
          label={t('operators.password')}
          hint={t('operators.passwordRule', { minLength })}
          error={message('password')}
          value={values.password}
          onChange={(e) => change('password', e.target.value)}
          autoComplete="new-password"
        />
        <div className="form__actions form__actions--span">
          <button type="submit" className="button button--primary" aria-disabled={busy || undefined}>
            {busy ? t('operators.adding') : t('operators.add')}
          </button>
        </div>
      </form>
    </section>
  );
}

function ResetPasswordDialog({
  operator,
  minLength,
  onDone,
  onClose,
}: {
  operator: OperatorView;
  minLength: number;
  onDone: (operator: OperatorView) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const controller = useController();
  const errorText = useErrorText();
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const issue = passwordIssue(password, operator.username, minLength);
    if (issue !== null) {
      setProblem(t(passwordIssueKeys[issue], { minLength }));
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      onDone(await controller.api.call['operators.resetPassword']({ id: operator.id, password }));
    } catch (error) {
      setProblem(errorText(error));
      inputRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal labelledBy="reset-title" describedBy="reset-intro" onCancel={onClose} initialFocus={inputRef} testId="reset-dialog">
      <form className="modal__content form" noValidate onSubmit={(e) => void submit(e)}>
        <h2 id="reset-title" className="modal__title">
          {t('operators.resetTitle', { name: operator.displayName })}
        </h2>
        <p id="reset-intro">{t('operators.resetIntro', { name: operator.displayName })}</p>
        <TextField
          ref={inputRef}
          id="reset-password"
          type="password"
          label={t('operators.newPassword')}
          hint={t('operators.passwordRule', { minLength })}
          error={problem}
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            setProblem(null);
          }}
          autoComplete="new-password"
        />
        <div className="modal__actions">
          <button type="button" className="button button--secondary" onClick={onClose}>
            {t('app.cancel')}
          </button>
          <button type="submit" className="button button--primary" aria-disabled={busy || undefined}>
            {busy ? t('operators.resetting') : t('operators.resetSubmit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function DisableSelfDialog({ onConfirm, onClose }: { onConfirm: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <Modal role="alertdialog" labelledBy="disable-self-title" describedBy="disable-self-body" onCancel={onClose} initialFocus={cancelRef}>
      <div className="modal__content">
        <h2 id="disable-self-title" className="modal__title">
          {t('operators.disableSelfTitle')}
        </h2>
        <p id="disable-self-body">{t('operators.disableSelfBody')}</p>
        <div className="modal__actions">
          <button ref={cancelRef} type="button" className="button button--secondary" onClick={onClose}>
            {t('app.cancel')}
          </button>
          <button type="button" className="button button--danger" onClick={onConfirm}>
            {t('operators.disableSelfConfirm')}
          </button>
        </div>
      </div>
    </Modal>
  );
}

export function OperatorsPage() {
  const { t } = useTranslation();
  const controller = useController();
  const { info, session } = useStationState();
  const errorText = useErrorText();
  const [operators, setOperators] = useState<OperatorView[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [busyId, setBusyId] = useState<number | null>(null);
  const [resetting, setResetting] = useState<OperatorView | null>(null);
  const [confirmingSelf, setConfirmingSelf] = useState<OperatorView | null>(null);
  const minLength = info?.passwordMinLength ?? 10;
  const selfId = session?.operator.id ?? -1;

  const load = useCallback(async () => {
    try {
      setOperators(await controller.api.call['operators.list']({}));
      setLoadError(null);
    } catch (error) {
      setLoadError(error);
    }
  }, [controller]);

  useEffect(() => {
    void load();
  }, [load]);

  const replace = (updated: OperatorView) => setOperators((list) => list?.map((o) => (o.id === updated.id ? updated : o)) ?? null);

  const setDisabled = async (operator: OperatorView, disabled: boolean) => {
    setBusyId(operator.id);
    setFeedback(null);
    try {
      const updated = await controller.api.call['operators.setDisabled']({ id: operator.id, disabled });
      replace(updated);
      setFeedback({ tone: 'success', text: t(disabled ? 'operators.disabledDone' : 'operators.enabledDone', { username: operator.username }) });
    } catch (error) {
      setFeedback({ tone: 'danger', text: errorText(error) });
      if (errorCode(error) === 'auth.unknown_operator') void load();
    } finally {
      setBusyId(null);
    }
  };

  const toggle = (operator: OperatorView) => {
    if (busyId !== null) return;
    // Disabling oneself ends the session at once: worth one question first.
    if (!operator.disabled && operator.id === selfId) setConfirmingSelf(operator);
    else void setDisabled(operator, !operator.disabled);
  };

  return (
    <div className="page">
      <PageTitle>{t('titles.operators')}</PageTitle>
      <div className="page__header">
        <h1 className="page__title" tabIndex={-1}>
          {t('operators.heading')}
        </h1>
        <p className="page__intro">{t('operators.intro')}</p>
      </div>

      {/* Always in the page, so that screen readers notice when a confirmation appears in it. */}
      <div className="live-slot" role="status">
        {feedback?.tone === 'success' ? (
          <Notice tone="success" testId="operators-feedback">
            <p>{feedback.text}</p>
          </Notice>
        ) : null}
      </div>
      {feedback?.tone === 'danger' ? (
        <Notice tone="danger" live="alert" testId="operators-feedback">
          <p>{feedback.text}</p>
        </Notice>
      ) : null}

      <section className="section" aria-labelledby="operators-list-heading">
        <div className="section__header">
          <h2 id="operators-list-heading" className="section__title">
            {t('operators.listHeading')}
          </h2>
          <button type="button" className="button button--secondary button--small" onClick={() => void load()}>
            {t('app.refresh')}
          </button>
        </div>
        {loadError !== null ? (
          <Notice tone="danger" live="alert">
            <p>{errorText(loadError)}</p>
          </Notice>
        ) : operators === null ? (
          <p className="loading" role="status">
            {t('app.loading')}
          </p>
        ) : operators.length === 0 ? (
          <p>{t('operators.empty')}</p>
        ) : (
          <OperatorsTable operators={operators} selfId={selfId} busyId={busyId} onToggle={toggle} onReset={setResetting} />
        )}
      </section>

      <AddOperatorForm
        minLength={minLength}
        onAdded={(created) => {
          setOperators((list) => (list === null ? [created] : [...list, created]));
          setFeedback({ tone: 'success', text: t('operators.added', { username: created.username }) });
        }}
      />

      {resetting !== null ? (
        <ResetPasswordDialog
          operator={resetting}
          minLength={minLength}
          onClose={() => setResetting(null)}
          onDone={(updated) => {
            replace(updated);
            setResetting(null);
            setFeedback({ tone: 'success', text: t('operators.resetDone', { username: updated.username }) });
          }}
        />
      ) : null}
      {confirmingSelf !== null ? (
        <DisableSelfDialog
          onClose={() => setConfirmingSelf(null)}
          onConfirm={() => {
            const operator = confirmingSelf;
            setConfirmingSelf(null);
            void setDisabled(operator, true);
          }}
        />
      ) : null}
    </div>
  );
}
