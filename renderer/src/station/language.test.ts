import { describe, expect, it } from 'vitest';
import { pickLanguage } from './language';

describe('pickLanguage', () => {
  it('takes the first candidate the station offers, matching full tags by language', () => {
    expect(pickLanguage(['pt', 'en', 'uk'], 'pt', [null, 'uk-UA', 'en'])).toBe('uk');
    expect(pickLanguage(['pt', 'en', 'uk'], 'pt', ['ar', 'EN-gb'])).toBe('en');
  });

  it('falls back to the station default, or the first offered language', () => {
    expect(pickLanguage(['pt', 'en'], 'pt', ['ru', undefined, 'garbage'])).toBe('pt');
    expect(pickLanguage(['en', 'uk'], 'pt', [])).toBe('en');
  });
});
