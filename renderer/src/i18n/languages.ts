import { locales, type Locale } from '../../../app/contract/channels';

/** Each language named in itself, so that a reader of that language finds it whatever the screen currently shows. */
export const nativeNames: Record<Locale, string> = {
  pt: 'Português',
  en: 'English',
  uk: 'Українська',
  ru: 'Русский',
  bg: 'Български',
  cs: 'Čeština',
  ar: 'العربية',
};

/**
 * The Intl locale behind each UI language. Portuguese is the European
 * variety (the stations are in Portugal); English uses British conventions,
 * which keep the 24-hour clock and day-month order people here expect.
 */
export const intlLocales: Record<Locale, string> = {
  pt: 'pt-PT',
  en: 'en-GB',
  uk: 'uk-UA',
  ru: 'ru-RU',
  bg: 'bg-BG',
  cs: 'cs-CZ',
  ar: 'ar',
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

export function directionOf(language: Locale): 'rtl' | 'ltr' {
  return language === 'ar' ? 'rtl' : 'ltr';
}
