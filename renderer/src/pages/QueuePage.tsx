import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OutboxEntryView, OutboxListView } from '../../../app/contract/channels';
import { useController } from '../station/context';
import { Notice } from '../components/Notice';
import { PageTitle } from '../components/PageTitle';
import { formatTimestamp } from '../i18n/format';
import { isLocale } from '../i18n/languages';
import { useErrorText } from '../i18n/use-error-text';

function formatSize(bytes: number, language: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}

/** Pending entries can be retried; finished and rejected ones cannot (the core refuses too). */
const retryable = (entry: OutboxEntryView) => entry.state === 'sealed' || entry.state === 'uploading';

/**
 * The supervisor's view of the outbox: every packet with its state, tries,
 * last error (in the operator's language), next try and size; the agency's
 * reasons for a rejected packet; "Retry now" per waiting packet. Follows the
 * core's outbox.changed events, so it stays current without a refresh.
 */
export function QueuePage() {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const errorText = useErrorText();
  const language = isLocale(i18n.language) ? i18n.language : 'en';
  const [list, setList] = useState<OutboxListView | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setList(await controller.api.call['outbox.list']({}));
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

  // Live: replace the changed entry in place; a packet the list has not seen yet means a reload (counts change too).
  useEffect(() => {
    const off = controller.api.on['outbox.changed']((entry) => {
      setList((current) => {
        if (current === null) return current;
        const index = current.entries.findIndex((e) => e.packetId === entry.packetId);
        if (index === -1) {
          void load();
          return current;
        }
        const previous = current.entries[index] as OutboxEntryView;
        const entries = current.entries.slice();
        entries[index] = entry;
        const counts = { ...current.counts };
        if (previous.state !== entry.state) {
          counts[previous.state] = Math.max(0, (counts[previous.state] ?? 0) - 1);
          counts[entry.state] = (counts[entry.state] ?? 0) + 1;
        }
        const held = current.held + (entry.held ? 1 : 0) - (previous.held ? 1 : 0);
        return { entries, counts, held };
      });
    });
    return off;
  }, [controller, load]);

  const retry = async (packetId: string) => {
    setBusy(packetId);
    setActionError(null);
    try {
      const entry = await controller.api.call['outbox.retry']({ packetId });
      setList((current) => (current === null ? current : { ...current, entries: current.entries.map((e) => (e.packetId === packetId ? entry : e)) }));
      setAnnounce(t('outbox.retryQueued', { packetId }));
    } catch (error) {
      setActionError(error);
    } finally {
      setBusy(null);
    }
  };

  /** The error in the operator's language when this build knows its code; the core's English sentence otherwise. */
  const lastErrorText = (entry: OutboxEntryView): string | null => {
    if (entry.lastError === null) return null;
    const key = `outbox.errors.${entry.lastError.code}`;
    return i18n.exists(key) ? t(key) : entry.lastError.message;
  };

  const nextText = (entry: OutboxEntryView): string => {
    if (entry.held) return t('outbox.held');
    if (!retryable(entry) || entry.nextAttemptAt === null) return t('app.dash');
    return formatTimestamp(entry.nextAttemptAt, language);
  };

  return (
    <div className="page">
      <PageTitle>{t('titles.outbox')}</PageTitle>
      <div className="page__header page__header--with-action">
        <div>
          <h1 className="page__title" tabIndex={-1}>
            {t('outbox.heading')}
          </h1>
          <p className="page__intro">{t('outbox.intro')}</p>
        </div>
        <button type="button" className="button button--secondary" onClick={() => void load()} aria-disabled={loading || undefined} data-testid="outbox-refresh">
          {t('app.refresh')}
        </button>
      </div>

      <p className="visually-hidden" role="status">
        {announce}
      </p>

      {loadError !== null ? (
        <Notice tone="danger" live="alert">
          <p>{errorText(loadError)}</p>
        </Notice>
      ) : null}
      {actionError !== null ? (
        <Notice tone="danger" live="alert">
          <p>{errorText(actionError)}</p>
        </Notice>
      ) : null}

      {list === null ? (
        loadError === null ? (
          <p className="loading" role="status">
            {t('app.loading')}
          </p>
        ) : null
      ) : (
        <>
          <p data-testid="outbox-counts">
            {t('outbox.counts', {
              sealed: list.counts.sealed ?? 0,
              uploading: list.counts.uploading ?? 0,
              acknowledged: (list.counts.acknowledged ?? 0) + (list.counts.purged ?? 0),
              rejected: list.counts.rejected ?? 0,
            })}
            {list.held > 0 ? ` ${t('outbox.heldCount', { count: list.held })}` : ''}
          </p>
          {list.entries.length === 0 ? (
            <p>{t('outbox.empty')}</p>
          ) : (
            <div className="table-wrap" role="region" aria-labelledby="outbox-caption" tabIndex={0}>
              <table className="table" data-testid="outbox-table">
                <caption id="outbox-caption" className="visually-hidden">
                  {t('outbox.heading')}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t('outbox.packet')}</th>
                    <th scope="col">{t('outbox.state')}</th>
                    <th scope="col" className="table__num">
                      {t('outbox.attempts')}
                    </th>
                    <th scope="col" className="table__num">
                      {t('outbox.size')}
                    </th>
                    <th scope="col">{t('outbox.nextAttempt')}</th>
                    <th scope="col">{t('outbox.lastError')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('outbox.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.entries.map((entry) => {
                    const errorLine = lastErrorText(entry);
                    return (
                      <tr key={entry.packetId} data-testid="outbox-row" data-packet-id={entry.packetId} data-state={entry.state}>
                        <th scope="row" className="mono">
                          {entry.packetId}
                          <span className="table__code">{formatTimestamp(entry.enqueuedAt, language)}</span>
                        </th>
                        <td>
                          {t(`outbox.states.${entry.state}`)}
                          {entry.state === 'uploading' && entry.uploaded ? <span className="table__code">{t('outbox.awaitingReceipt')}</span> : null}
                          {entry.state === 'rejected' && entry.reasons.length > 0 ? (
                            <div className="details">
                              <p>{t('outbox.reasons')}</p>
                              <ul data-testid="outbox-reasons">
                                {entry.reasons.map((reason, i) => (
                                  <li key={i}>{reason}</li>
                                ))}
                              </ul>
                            </div>
                          ) : null}
                        </td>
                        <td className="table__num">{entry.attempts}</td>
                        <td className="table__num nowrap">{formatSize(entry.size, language)}</td>
                        <td className="nowrap">{nextText(entry)}</td>
                        <td data-testid="outbox-error" data-code={entry.lastError?.code ?? ''}>
                          {errorLine === null ? <span className="muted">{t('app.dash')}</span> : errorLine}
                        </td>
                        <td>
                          {retryable(entry) ? (
                            <button
                              type="button"
                              className="button button--secondary"
                              data-testid="outbox-retry"
                              onClick={() => void retry(entry.packetId)}
                              aria-disabled={busy === entry.packetId || undefined}
                              aria-label={t('outbox.retryNowFor', { packetId: entry.packetId })}
                            >
                              {busy === entry.packetId ? t('outbox.retrying') : t('outbox.retryNow')}
                            </button>
                          ) : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
