/**
 * The password rules, shared by the core (which enforces them) and the UI
 * (which says what is wrong before anything is sent), so the two cannot
 * disagree. Length is what matters (NIST SP 800-63B §3.1.1.2): no
 * composition rules; length counts code points, so an accented letter or an
 * emoji counts once.
 */
export type PasswordRule = 'too_short' | 'only_spaces' | 'contains_username';

export function brokenPasswordRule(password: string, username: string, minLength: number): PasswordRule | null {
  if ([...password].length < minLength) return 'too_short';
  if (password.trim().length === 0) return 'only_spaces';
  const name = username.trim().toLowerCase();
  if (name.length > 0 && password.toLowerCase().includes(name)) return 'contains_username';
  return null;
}
