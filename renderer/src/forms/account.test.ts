import { describe, expect, it } from 'vitest';
import { firstProblem, validateAccount } from './account';

describe('validateAccount', () => {
  it('accepts what the contract accepts', () => {
    expect(validateAccount({ username: 'maria.santos', displayName: 'Maria Santos', password: 'a quiet river', confirm: 'a quiet river' }, 10)).toEqual({});
  });

  it('names each field that is wrong, with the key of the sentence to show', () => {
    const problems = validateAccount({ username: 'Maria Santos', displayName: ' ', password: 'short', confirm: 'other' }, 10);
    expect(problems.username?.key).toBe('validation.usernameFormat');
    expect(problems.displayName?.key).toBe('validation.required');
    expect(problems.password).toEqual({ key: 'validation.passwordTooShort', params: { minLength: 10 } });
    // A mismatch is not worth mentioning while the password itself must change.
    expect(problems.confirm).toBeUndefined();
    expect(firstProblem(problems, ['username', 'displayName', 'password', 'confirm'] as const)).toBe('username');
  });

  it('checks the repeated password once the password is acceptable', () => {
    expect(validateAccount({ username: 'ana', displayName: 'Ana', password: 'a quiet river', confirm: 'a quiet rivers' }, 10).confirm?.key).toBe(
      'validation.passwordMismatch',
    );
    expect(validateAccount({ username: 'ana', displayName: 'Ana', password: 'a quiet river', confirm: '' }, 10).confirm?.key).toBe('validation.required');
  });

  it('does not ask for a repeat when the form has none', () => {
    expect(validateAccount({ username: 'ana', displayName: 'Ana', password: 'a quiet river' }, 10)).toEqual({});
  });
});
