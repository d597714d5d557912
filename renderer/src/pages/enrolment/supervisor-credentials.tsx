import { useRef, useState, type ChangeEvent, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from '../../components/Field';

export interface SupervisorCredentials {
  username: string;
  password: string;
}

/**
 * A supervisor's username and password, typed at the operator's desk: for a
 * force-capture (FingersStep) and for the case's approval (ReviewStep). The
 * core checks them (cases.forceFinger, cases.approve); here only that both
 * are there, each field saying so itself.
 */
export function useSupervisorCredentials(idPrefix: string, onEdit?: () => void): {
  fields: ReactNode;
  /** The credentials, or null after marking the first empty field. */
  take: () => SupervisorCredentials | null;
  /** After an attempt: the password is never kept longer than that; `all` also clears the username. */
  clear: (all: boolean) => void;
  usernameRef: RefObject<HTMLInputElement | null>;
} {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<'username' | 'password' | null>(null);
  const usernameRef = useRef<HTMLInputElement>(null);

  const take = () => {
    if (username.trim() === '') {
      setMissing('username');
      usernameRef.current?.focus();
      return null;
    }
    if (password === '') {
      setMissing('password');
      return null;
    }
    setMissing(null);
    return { username: username.trim(), password };
  };
  const clear = (all: boolean) => {
    setPassword('');
    if (all) setUsername('');
  };

  const edit = (set: (value: string) => void) => (e: ChangeEvent<HTMLInputElement>) => {
    set(e.target.value);
    setMissing(null);
    onEdit?.();
  };
  const fields = (
    <>
      <TextField
        ref={usernameRef}
        id={`${idPrefix}-username`}
        label={t('capture.supervisor.username')}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        value={username}
        error={missing === 'username' ? t('capture.supervisor.usernameRequired') : null}
        onChange={edit(setUsername)}
      />
      <TextField
        id={`${idPrefix}-password`}
        type="password"
        label={t('capture.supervisor.password')}
        autoComplete="off"
        value={password}
        error={missing === 'password' ? t('capture.supervisor.passwordRequired') : null}
        onChange={edit(setPassword)}
      />
    </>
  );
  return { fields, take, clear, usernameRef };
}
