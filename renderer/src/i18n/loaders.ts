import type { Locale } from '../../../app/contract/channels';
import type { PartialMessages } from './types';

/**
 * Each language but English as a chunk of its own, fetched when first needed
 * (Vite makes one chunk per dynamic import, with the locale's enrolment and
 * capture files inside it). The first script used to carry all seven
 * languages, ~270 kB that every start evaluated before the sign-in screen
 * (docs/benchmarks.md, cold start); now it carries English only, the fallback
 * for any key a translation lacks. Chunks come from the station itself
 * (loopback or app://), as the CSP requires: nothing is fetched from elsewhere.
 */
export const localeLoaders: Record<Exclude<Locale, 'en'>, () => Promise<PartialMessages>> = {
  pt: () => import('./locales/pt').then((m) => m.pt),
  uk: () => import('./locales/uk').then((m) => m.uk),
  ru: () => import('./locales/ru').then((m) => m.ru),
  bg: () => import('./locales/bg').then((m) => m.bg),
  cs: () => import('./locales/cs').then((m) => m.cs),
  ar: () => import('./locales/ar').then((m) => m.ar),
};
