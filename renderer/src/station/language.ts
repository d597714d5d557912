import { locales, type Locale } from '../../../app/contract/channels';
import { isLocale } from '../i18n/languages';

const storageKey = 'balcao.language';

/** The first candidate the station offers, else the station's default. Candidates may be full tags such as "uk-UA". */
export function pickLanguage(offered: readonly Locale[], fallback: Locale, candidates: readonly (string | null | undefined)[]): Locale {
  for (const candidate of candidates) {
    const base = candidate?.toLowerCase().split('-')[0];
    if (isLocale(base) && offered.includes(base)) return base;
  }
  return offered.includes(fallback) ? fallback : (offered[0] ?? fallback);
}

/** The language chosen at this station before anyone signed in. */
export function storedLanguage(): string | null {
  try {
    return window.localStorage.getItem(storageKey);
  } catch {
    // Storage can be refused (private windows, policies); the station default then applies.
    return null;
  }
}

export function storeLanguage(language: Locale): void {
  try {
    window.localStorage.setItem(storageKey, language);
  } catch {
    // See storedLanguage: not remembering is acceptable.
  }
}

/** Before station.info arrives (the connecting and no-token screens), any language the UI has will do. */
export function bootLanguage(): Locale {
  return pickLanguage(locales, 'pt', [storedLanguage(), ...(navigator.languages ?? [])]);
}
