import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '../../../app/contract/channels';
import { directionOf } from './languages';
import { localeLoaders } from './loaders';
import { en } from './locales/en';
import type { PartialMessages } from './types';

export const i18n: I18n = i18next.createInstance();

type Loader = (language: Exclude<Locale, 'en'>) => Promise<PartialMessages>;

/** The languages whose texts are in the instance, or on their way. English is in the first script. */
const pending = new Map<Locale, Promise<boolean>>([['en', Promise.resolve(true)]]);
let load: Loader = (language) => localeLoaders[language]();

/** Tests replace the chunk loader (a failing or slow one); the app never calls this. */
export function setLocaleLoader(loader: Loader): void {
  load = loader;
  pending.clear();
  pending.set('en', Promise.resolve(true));
}

/**
 * Brings a language's texts into the instance, once; resolves false when its
 * chunk could not be loaded (the UI then stays in the language it shows).
 */
export function ensureLanguage(language: Locale): Promise<boolean> {
  let ready = pending.get(language);
  if (ready === undefined) {
    ready = language === 'en'
      ? Promise.resolve(true)
      : load(language).then(
          (messages) => {
            i18n.addResourceBundle(language, 'translation', messages, true, true);
            return true;
          },
          () => {
            // Forget the failure so that a later choice of the language tries again (a chunk lost to a restart, say).
            pending.delete(language);
            return false;
          },
        );
    pending.set(language, ready);
  }
  return ready;
}

/**
 * The language last asked for. Chunks can arrive out of order (the boot
 * language's, then the station's default an instant later): only the last
 * request is carried out, whichever chunk lands last.
 */
let wanted: Locale = 'en';

/**
 * Starts i18next with English (the fallback, always in the first script) and
 * fetches the boot language's chunk. Resolves when that language can be
 * shown, so that main.tsx renders nothing in English first; if the chunk
 * fails, English is shown.
 */
export async function initI18n(language: Locale): Promise<void> {
  void i18n.use(initReactI18next).init({
    resources: { en: { translation: en } },
    lng: 'en',
    fallbackLng: 'en',
    // English is in the bundle, so initialisation finishes before the first render.
    initAsync: false,
    // React escapes text; escaping here as well would show entities such as &amp; to the operator.
    interpolation: { escapeValue: false },
    showSupportNotice: false,
  });
  // What the page shows until the language's chunk is in (nothing yet: main.tsx renders after), and if it never comes.
  applyDocumentLanguage('en');
  await changeLanguage(language);
}

/** The document language drives screen-reader pronunciation, hyphenation and, for Arabic, the writing direction of the whole page. */
export function applyDocumentLanguage(language: Locale): void {
  const root = document.documentElement;
  root.lang = language;
  root.dir = directionOf(language);
}

/** Switches the UI to a language, fetching its texts first if this window has not shown it yet (a few ms from the station). */
export async function changeLanguage(language: Locale): Promise<void> {
  wanted = language;
  const loaded = await ensureLanguage(language);
  // Asked for another language meanwhile, or the chunk failed: that request (or the current language) stands.
  if (!loaded || wanted !== language) return;
  if (i18n.language !== language) await i18n.changeLanguage(language);
  applyDocumentLanguage(language);
}

/**
 * Fetches the offered languages' chunks while the station is idle, after the
 * first screen, so that choosing one later switches at once. One at a time,
 * each in an idle moment: none of it competes with the first screen.
 */
export function preloadLanguages(languages: readonly Locale[]): void {
  const idle = (run: () => void) =>
    typeof requestIdleCallback === 'function' ? requestIdleCallback(run, { timeout: 5000 }) : setTimeout(run, 200);
  const queue = languages.filter((language) => !pending.has(language));
  const next = () => {
    const language = queue.shift();
    if (language === undefined) return;
    void ensureLanguage(language).then(() => idle(next));
  };
  idle(next);
}
