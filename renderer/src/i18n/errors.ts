import { errorCodes, type ContractErrorBody, type ErrorCode } from '../../../app/contract/errors';
import type { Locale } from '../../../app/contract/channels';
import { formatMoment } from './format';

export interface Translator {
  t: (key: string, options?: Record<string, unknown>) => string;
  exists: (key: string) => boolean;
  language: Locale;
}

interface ErrorLike {
  code: string;
  message?: string;
  params?: ContractErrorBody['params'];
}

function isErrorLike(error: unknown): error is ErrorLike {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

function isKnownCode(code: string): code is ErrorCode {
  return (errorCodes as readonly string[]).includes(code);
}

/**
 * The sentence to show for a failed call. Known codes are translated, using
 * their params where a more precise sentence exists (attempts left, lock
 * end, minimum length). A code this build does not know yet (a newer core)
 * falls back to the core's own English message rather than a vague one.
 */
export function errorMessage(error: unknown, { t, exists, language }: Translator): string {
  if (!isErrorLike(error)) return t('errors.unknown');
  const { code, params } = error;
  if (!isKnownCode(code) || !exists(`errors.${code}`)) {
    return typeof error.message === 'string' && error.message.length > 0 ? error.message : t('errors.unknown');
  }
  switch (code) {
    case 'auth.invalid_credentials':
      if (typeof params?.attemptsLeft === 'number') {
        return `${t('errors.auth.invalid_credentials')} ${t('errorDetails.attemptsLeft', { count: params.attemptsLeft })}`;
      }
      break;
    case 'auth.locked':
      if (typeof params?.lockedUntil === 'string') {
        return t('errorDetails.lockedUntil', { time: formatMoment(params.lockedUntil, language) });
      }
      break;
    case 'auth.weak_password':
      // The core names the rule that failed; the sentences are the form's own validation messages.
      if (params?.rule === 'too_short' && typeof params.minLength === 'number') return t('validation.passwordTooShort', { minLength: params.minLength });
      if (params?.rule === 'only_spaces') return t('validation.passwordOnlySpaces');
      if (params?.rule === 'contains_username') return t('validation.passwordHasUsername');
      if (typeof params?.minLength === 'number') return t('errorDetails.weakPasswordMin', { minLength: params.minLength });
      break;
    case 'auth.username_taken':
      if (typeof params?.username === 'string') return t('errorDetails.usernameTaken', { username: params.username });
      break;
    default:
      break;
  }
  return t(`errors.${code}`);
}

/** The code of a failed call, when it has one: lets a form put the error beside the field it concerns. */
export function errorCode(error: unknown): string | null {
  return isErrorLike(error) ? error.code : null;
}
