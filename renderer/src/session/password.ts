import { brokenPasswordRule } from '../../../app/contract/password-rules';

/** What the form says about a password: the core's own rules (app/contract/password-rules.ts), plus "fill this in". */
export type PasswordIssue = 'required' | 'tooShort' | 'onlySpaces' | 'hasUsername';

const fromRule = { too_short: 'tooShort', only_spaces: 'onlySpaces', contains_username: 'hasUsername' } as const;

export function passwordIssue(password: string, username: string, minLength: number): PasswordIssue | null {
  if (password.length === 0) return 'required';
  const rule = brokenPasswordRule(password, username, minLength);
  return rule === null ? null : fromRule[rule];
}

export const passwordIssueKeys: Record<PasswordIssue, string> = {
  required: 'validation.required',
  tooShort: 'validation.passwordTooShort',
  onlySpaces: 'validation.passwordOnlySpaces',
  hasUsername: 'validation.passwordHasUsername',
};
