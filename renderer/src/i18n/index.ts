import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '../../../app/contract/channels';
import { directionOf } from './languages';
import { messages } from './resources';

export const i18n: I18n = i18next.createInstance();

export function initI18n(language: Locale): void {
  void i18n.use(initReactI18next).init({
    resources: Object.fromEntries(Object.entries(messages).map(([lng, translation]) => [lng, { translation }])),
    lng: language,
    fallbackLng: 'en',
    // Resources are in the bundle, so initialisation can finish before the first render.
    initAsync: false,
    // React escapes text; escaping here as well would show entities such as &amp; to the operator.
    interpolation: { escapeValue: false },
    showSupportNotice: false,
  });
  applyDocumentLanguage(language);
}

/** The document language drives screen-reader pronunciation, hyphenation and, for Arabic, the writing direction of the whole page. */
export function applyDocumentLanguage(language: Locale): void {
  const root = document.documentElement;
  root.lang = language;
  root.dir = directionOf(language);
}

export async function changeLanguage(language: Locale): Promise<void> {
  if (i18n.language !== language) await i18n.changeLanguage(language);
  applyDocumentLanguage(language);
}
