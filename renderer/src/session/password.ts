/**
 * The core's password rules (app/auth/passwords.ts), repeated here so the
 * form can say what is wrong before anything is sent. The core still checks;
 * if the two ever disagree, its auth.weak_password is shown instead.
 */
export type PasswordIssue = 'required' | 'tooShort' | 'onlySpaces' | 'hasUsername';

export function passwordIssue(password: string, username: string, minLength: number): PasswordIssue | null {
  if (password.length === 0) return 'required';
  // Counted in code points, as the core does, so that an emoji or accented letter counts once.
  if ([...password].length < minLength) return 'tooShort';
  if (password.trim().length === 0) return 'onlySpaces';
  const name = username.trim().toLowerCase();
  if (name.length > 0 && password.toLowerCase().includes(name)) return 'hasUsername';
  return null;
}

export const passwordIssueKeys: Record<PasswordIssue, string> = {
  required: 'validation.required',
  tooShort: 'validation.passwordTooShort',
  onlySpaces: 'validation.passwordOnlySpaces',
  hasUsername: 'validation.passwordHasUsername',
};
