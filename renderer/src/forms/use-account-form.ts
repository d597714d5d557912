import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorCode } from '../i18n/errors';
import { useErrorText } from '../i18n/use-error-text';
import { firstProblem, validateAccount, type AccountField, type AccountInput, type AccountProblems } from './account';

export interface AccountFormOptions {
  /** The fields this form shows, in screen order (focus goes to the first with a problem). */
  fields: readonly AccountField[];
  ids: Partial<Record<AccountField, string>>;
  initial: AccountInput;
  minLength: number;
}

/**
 * The state both account forms share (first-run admin, add operator): values,
 * the form's own checks before sending, the core's refusals put beside the
 * field they concern, and a form-level error for the rest.
 */
export function useAccountForm({ fields, ids, initial, minLength }: AccountFormOptions) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [values, setValues] = useState<AccountInput>(initial);
  const [problems, setProblems] = useState<AccountProblems>({});
  const [serverProblems, setServerProblems] = useState<Partial<Record<AccountField, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const focus = (field: AccountField) => {
    const id = ids[field];
    if (id !== undefined) document.getElementById(id)?.focus();
  };

  const message = (field: AccountField): string | null => {
    const problem = problems[field];
    return problem !== undefined ? t(problem.key, problem.params) : (serverProblems[field] ?? null);
  };

  const change = (field: AccountField, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setProblems((p) => ({ ...p, [field]: undefined }));
    setServerProblems((p) => ({ ...p, [field]: undefined }));
  };

  /** Checks the form, then runs `send`; a refusal about one field is shown beside it, any other at the top. */
  const submit =
    (send: (values: AccountInput) => Promise<void>, onOtherError?: (code: string | null) => void) =>
    async (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      if (busy) return;
      setFormError(null);
      setServerProblems({});
      const found = validateAccount(values, minLength);
      setProblems(found);
      const first = firstProblem(found, fields);
      if (first !== null) {
        focus(first);
        return;
      }
      setBusy(true);
      try {
        await send(values);
      } catch (error) {
        const code = errorCode(error);
        const field: AccountField | null = code === 'auth.username_taken' ? 'username' : code === 'auth.weak_password' ? 'password' : null;
        if (field !== null) {
          setServerProblems({ [field]: errorText(error) });
          focus(field);
        } else {
          setFormError(errorText(error));
          onOtherError?.(code);
        }
      } finally {
        setBusy(false);
      }
    };

  return { values, busy, formError, message, change, submit, reset: () => setValues(initial) };
}
