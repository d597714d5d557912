import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { brokenPasswordRule, type PasswordRule } from '../contract/password-rules.js';

/**
 * scrypt, stored as `scrypt$N$r$p$salt$hash` (base64). N = 2^15, r = 8, p = 1
 * follows OWASP's password storage guidance for scrypt; the parameters travel
 * with each hash so they can be raised later without breaking old ones.
 */
const defaults = { N: 1 << 15, r: 8, p: 1 };
const keyLength = 32;

function derive(password: string, salt: Buffer, options: { N: number; r: number; p: number }): Promise<Buffer> {
  const scryptOptions: ScryptOptions = { ...options, maxmem: 256 * options.N * options.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, scryptOptions, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, defaults);
  return ['scrypt', defaults.N, defaults.r, defaults.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (!N || !r || !p) return false;
  const expected = Buffer.from(parts[5] ?? '', 'base64');
  const key = await derive(password, Buffer.from(parts[4] ?? '', 'base64'), { N, r, p });
  return expected.length === key.length && timingSafeEqual(expected, key);
}

/** A hash of nothing in particular: checked against when the username is unknown, so both cases take the same time. */
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

export interface PasswordRules {
  minLength: number;
}

/** The rule a password breaks (app/contract/password-rules.ts) and an English sentence for logs and the CLI, or null. */
export function passwordProblem(password: string, username: string, rules: PasswordRules): { rule: PasswordRule; text: string } | null {
  const rule = brokenPasswordRule(password, username, rules.minLength);
  if (rule === null) return null;
  const text: Record<PasswordRule, string> = {
    too_short: `must be at least ${rules.minLength} characters long`,
    only_spaces: 'must not be only spaces',
    contains_username: 'must not contain the username',
  };
  return { rule, text: text[rule] };
}
