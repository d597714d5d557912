import { useTranslation } from 'react-i18next';
import { locales } from '../../../app/contract/channels';
import { useController, useStationState } from '../station/context';
import { isLocale, nativeNames } from '../i18n/languages';
import { GlobeIcon } from './icons';

/** A native select: every platform makes it keyboard- and screen-reader-friendly, and each language is named in itself. */
export function LanguageSelect() {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const { info } = useStationState();
  const offered = info?.languages ?? locales;
  const current = isLocale(i18n.language) ? i18n.language : 'en';
  const options = offered.includes(current) ? offered : [current, ...offered];

  return (
    <div className="language-select">
      <GlobeIcon />
      <label className="visually-hidden" htmlFor="language-select">
        {t('app.language')}
      </label>
      <select
        id="language-select"
        data-testid="language-select"
        className="language-select__control"
        value={current}
        onChange={(event) => {
          if (isLocale(event.target.value)) void controller.setLanguage(event.target.value);
        }}
      >
        {options.map((language) => (
          <option key={language} value={language} lang={language}>
            {nativeNames[language]}
          </option>
        ))}
      </select>
    </div>
  );
}
