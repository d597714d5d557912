import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResponseOf } from '../../../app/contract/channels';
import { useController } from '../station/context';
import { Notice } from '../components/Notice';
import { PageTitle } from '../components/PageTitle';
import { formatTimestamp } from '../i18n/format';
import { isLocale } from '../i18n/languages';
import { useErrorText } from '../i18n/use-error-text';

const limit = 200;

type AuditResult = ResponseOf<'audit.recent'>;

function detailValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Details as recorded: the keys are the core's own (not translated), so that what is shown is exactly what was logged. */
function Details({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="details">
      {entries.map(([key, value]) => (
        <div key={key} className="details__item">
          <dt>{key}</dt>
          <dd>{detailValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const errorText = useErrorText();
  const language = isLocale(i18n.language) ? i18n.language : 'en';
  const [result, setResult] = useState<AuditResult | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setResult(await controller.api.call['audit.recent']({ limit }));
      setLoadError(null);
    } catch (error) {
      setLoadError(error);
    } finally {
      setLoading(false);
    }
  }, [controller]);

  useEffect(() => {
    void load();
  }, [load]);

  /** Event types this build knows are named; a newer core's types are shown as they are rather than hidden. */
  const typeLabel = (type: string): string => {
    for (const lng of [language, 'en']) {
      const label: unknown = i18n.getResource(lng, 'translation', `audit.types.${type}`);
      if (typeof label === 'string') return label;
    }
    return type;
  };

  return (
    <div className="page">
      <PageTitle>{t('titles.audit')}</PageTitle>
      <div className="page__header page__header--with-action">
        <div>
          <h1 className="page__title" tabIndex={-1}>
            {t('audit.heading')}
          </h1>
          {result !== null && result.entries.length > 0 ? <p className="page__intro">{t('audit.intro', { count: result.entries.length })}</p> : null}
        </div>
        <button type="button" className="button button--secondary" onClick={() => void load()} aria-disabled={loading || undefined}>
          {t('app.refresh')}
        </button>
      </div>

      {loadError !== null ? (
        <Notice tone="danger" live="alert">
          <p>{errorText(loadError)}</p>
        </Notice>
      ) : null}

      {result === null ? (
        loadError === null ? (
          <p className="loading" role="status">
            {t('app.loading')}
          </p>
        ) : null
      ) : (
        <>
          <div data-testid="audit-chain" data-chain-ok={result.chain.ok}>
            {result.chain.ok ? (
              <Notice tone="success" live="status">
                <p>{t('audit.chainOk', { count: result.chain.checked })}</p>
              </Notice>
            ) : (
              <Notice tone="danger" live="alert">
                <p>{t('audit.chainBroken', { seq: result.chain.brokenAt ?? '?' })}</p>
              </Notice>
            )}
          </div>
          {result.entries.length === 0 ? (
            <p>{t('audit.empty')}</p>
          ) : (
            <div className="table-wrap" role="region" aria-labelledby="audit-caption" tabIndex={0}>
              <table className="table table--audit" data-testid="audit-table">
                <caption id="audit-caption" className="visually-hidden">
                  {t('audit.heading')}
                </caption>
                <thead>
                  <tr>
                    <th scope="col" className="table__num">
                      {t('audit.seq')}
                    </th>
                    <th scope="col">{t('audit.time')}</th>
                    <th scope="col">{t('audit.type')}</th>
                    <th scope="col">{t('audit.actor')}</th>
                    <th scope="col">{t('audit.details')}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.entries.map((entry) => (
                    <tr key={entry.seq} className={result.chain.brokenAt === entry.seq ? 'table__row--broken' : undefined}>
                      <td className="table__num mono">{entry.seq}</td>
                      <td className="nowrap">
                        <time dateTime={entry.at}>{formatTimestamp(entry.at, language)}</time>
                      </td>
                      <th scope="row" className="table__event">
                        {typeLabel(entry.type)}
                        <span className="table__code mono">{entry.type}</span>
                      </th>
                      <td className={entry.actor === null ? 'muted' : 'mono'}>{entry.actor ?? t('audit.system')}</td>
                      <td>
                        <Details details={entry.details} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
