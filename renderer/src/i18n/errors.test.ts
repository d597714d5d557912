import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../app/contract/errors';
import { errorMessage, type Translator } from './errors';
import { messages } from './resources';

async function translator(language: 'en' | 'pt' | 'uk'): Promise<Translator> {
  const instance = i18next.createInstance();
  await instance.init({
    lng: language,
    fallbackLng: 'en',
    resources: Object.fromEntries(Object.entries(messages).map(([lng, translation]) => [lng, { translation }])),
    interpolation: { escapeValue: false },
    showSupportNotice: false,
  });
  return { t: (key, options) => instance.t(key, options ?? {}), exists: (key) => instance.exists(key), language };
}

describe('errorMessage', () => {
  it('adds the attempts left to wrong credentials, with the right plural', async () => {
    const en = await translator('en');
    expect(errorMessage(new ContractError('auth.invalid_credentials', 'x', { attemptsLeft: 3 }), en)).toBe(
      'Wrong username or password. 3 attempts left before the account is locked.',
    );
    expect(errorMessage(new ContractError('auth.invalid_credentials', 'x', { attemptsLeft: 1 }), en)).toContain('One more failed attempt');
    const uk = await translator('uk');
    expect(errorMessage(new ContractError('auth.invalid_credentials', 'x', { attemptsLeft: 2 }), uk)).toContain('Залишилося 2 спроби');
    expect(errorMessage(new ContractError('auth.invalid_credentials', 'x', { attemptsLeft: 5 }), uk)).toContain('Залишилося 5 спроб,');
  });

  it('says without attemptsLeft only that the credentials are wrong (unknown user)', async () => {
    const pt = await translator('pt');
    expect(errorMessage(new ContractError('auth.invalid_credentials', 'x'), pt)).toBe('Nome de utilizador ou palavra-passe incorretos.');
  });

  it('names the end of a lockout in local time', async () => {
    const en = await translator('en');
    const until = new Date(Date.now() + 15 * 60_000);
    const text = errorMessage(new ContractError('auth.locked', 'x', { lockedUntil: until.toISOString() }), en);
    const hhmm = new Intl.DateTimeFormat('en-GB', { timeStyle: 'short' }).format(until);
    expect(text).toContain('locked until');
    expect(text).toContain(hhmm);
  });

  it('puts the minimum length into the weak-password message', async () => {
    const pt = await translator('pt');
    expect(errorMessage(new ContractError('auth.weak_password', 'x', { minLength: 12 }), pt)).toContain('12');
    expect(errorMessage(new ContractError('auth.weak_password', 'x', { rule: 'contains_username', minLength: 12 }), pt)).toBe(messages.pt.validation?.passwordHasUsername);
  });

  it('falls back to the core’s English message for a code this build does not know', async () => {
    const pt = await translator('pt');
    expect(errorMessage({ code: 'devices.jammed', message: 'The scanner is jammed.' }, pt)).toBe('The scanner is jammed.');
    expect(errorMessage({ code: 'devices.jammed' }, pt)).toContain('Ocorreu um problema');
  });

  it('gives the generic message for anything that is not a contract error', async () => {
    const en = await translator('en');
    expect(errorMessage(new TypeError('boom'), en)).toBe(errorMessage(null, en));
    expect(errorMessage(null, en)).toContain('Something went wrong');
  });
});
