import { useTranslation } from 'react-i18next';
import type { QualityView } from '../../../../../app/contract/cases';
import { reasonText } from './quality';

/** A capture's score, whether it passed, and why not, in the operator's language. Text and colour together. */
export function QualitySummary({ quality, testId, compact = false }: { quality: QualityView; testId?: string; compact?: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <div className={`quality ${quality.passed ? 'quality--passed' : 'quality--failed'}${compact ? ' quality--compact' : ''}`} data-testid={testId} data-passed={quality.passed}>
      <p className="quality__score">
        <span className={`badge ${quality.passed ? 'badge--success' : 'badge--danger'}`}>
          <span aria-hidden="true" className="badge__dot" />
          {quality.passed ? t('capture.quality.passed') : t('capture.quality.failed')}
        </span>{' '}
        {t('capture.quality.score', { score: Math.round(quality.score) })}
      </p>
      {quality.reasons.length > 0 ? (
        <ul className="quality__reasons">
          {quality.reasons.map((reason, index) => {
            const text = reasonText(reason, i18n.language);
            return (
              <li key={`${reason.code}-${index}`} data-reason={reason.code}>
                {t(text.key, text.params)}
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
