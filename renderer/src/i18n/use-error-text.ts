import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from './errors';
import { isLocale } from './languages';

/** errorMessage bound to the current language, for components. */
export function useErrorText(): (error: unknown) => string {
  const { t, i18n } = useTranslation();
  return useCallback(
    (error: unknown) =>
      errorMessage(error, {
        t: (key, options) => t(key, options ?? {}),
        exists: (key) => i18n.exists(key),
        language: isLocale(i18n.language) ? i18n.language : 'en',
      }),
    [t, i18n],
  );
}
