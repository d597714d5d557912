import { beforeAll, describe, expect, it } from 'vitest';
import type { Locale } from '../../../app/contract/channels';
import { changeLanguage, ensureLanguage, i18n, initI18n, setLocaleLoader } from './index';
import { localeLoaders } from './loaders';
import { messages } from './resources';
import type { PartialMessages } from './types';

// What applyDocumentLanguage touches; the unit project has no DOM.
const root = { lang: '', dir: '' };
beforeAll(async () => {
  (globalThis as { document?: unknown }).document = { documentElement: root };
  setLocaleLoader(async () => {
    throw new Error('no chunk');
  });
  await initI18n('en');
});

/** A loader whose chunks arrive when the test says. */
function controlledLoader() {
  const asked: Locale[] = [];
  const arrivals = new Map<Locale, { resolve: () => void; reject: () => void }>();
  setLocaleLoader((language) => {
    asked.push(language);
    return new Promise<PartialMessages>((resolve, reject) => {
      arrivals.set(language, { resolve: () => resolve(messages[language]), reject: () => reject(new Error(`chunk ${language} lost`)) });
    });
  });
  const flush = () => new Promise((done) => setTimeout(done, 0));
  return { asked, arrive: async (l: Locale) => (arrivals.get(l)?.resolve(), flush()), fail: async (l: Locale) => (arrivals.get(l)?.reject(), flush()) };
}

describe('locale chunks', () => {
  it.each(Object.keys(localeLoaders) as (keyof typeof localeLoaders)[])('the %s chunk holds the same texts as the bundled table', async (language) => {
    expect(await localeLoaders[language]()).toBe(messages[language]);
  });

  it('starts in English with no chunk at all', () => {
    expect(i18n.language).toBe('en');
    expect(i18n.t('titles.login')).toBe(messages.en.titles?.login);
    expect(root).toEqual({ lang: 'en', dir: 'ltr' });
  });

  it('switches only once the language has arrived, and fetches each language once', async () => {
    const chunks = controlledLoader();
    const switched = changeLanguage('pt');
    await Promise.resolve();
    expect(i18n.language).toBe('en');
    await chunks.arrive('pt');
    await switched;
    expect(i18n.language).toBe('pt');
    expect(i18n.t('titles.login')).toBe(messages.pt.titles?.login);
    expect(root).toEqual({ lang: 'pt', dir: 'ltr' });
    await changeLanguage('en');
    await changeLanguage('pt');
    expect(chunks.asked).toEqual(['pt']);
  });

  it('keeps the last language asked for when chunks arrive out of order', async () => {
    const chunks = controlledLoader();
    const first = changeLanguage('uk');
    const second = changeLanguage('ar');
    await chunks.arrive('ar');
    await second;
    expect(i18n.language).toBe('ar');
    expect(root).toEqual({ lang: 'ar', dir: 'rtl' });
    await chunks.arrive('uk');
    await first;
    expect(i18n.language).toBe('ar');
    // Fetched all the same: a later switch to it needs no chunk.
    await changeLanguage('uk');
    expect(i18n.language).toBe('uk');
    expect(chunks.asked).toEqual(['uk', 'ar']);
  });

  it('stays in the current language when a chunk fails, and tries again next time', async () => {
    const chunks = controlledLoader();
    await changeLanguage('en');
    const failed = changeLanguage('ru');
    await chunks.fail('ru');
    await failed;
    expect(i18n.language).toBe('en');
    const retried = changeLanguage('ru');
    await chunks.arrive('ru');
    await retried;
    expect(i18n.language).toBe('ru');
    expect(chunks.asked).toEqual(['ru', 'ru']);
  });

  it('falls back to English for a key the loaded language lacks', async () => {
    setLocaleLoader(async () => ({ app: { retry: 'Zkusit znovu' } }));
    expect(await ensureLanguage('cs')).toBe(true);
    await changeLanguage('cs');
    expect(i18n.t('app.retry')).toBe('Zkusit znovu');
    expect(i18n.t('titles.login')).toBe(messages.en.titles?.login);
  });
});
