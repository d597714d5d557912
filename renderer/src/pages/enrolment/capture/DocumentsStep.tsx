import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseView, PageView } from '../../../../../app/contract/cases';
import { Modal } from '../../../components/Modal';
import { Notice } from '../../../components/Notice';
import { useErrorText } from '../../../i18n/use-error-text';
import { useController } from '../../../station/context';
import type { StepProps } from '../step-props';
import { useDocumentTypeName } from '../shared';
import { QualitySummary } from './QualitySummary';
import { DeviceProblem, isDeviceProblem } from './DeviceProblem';
import { useCaseImage } from './case-image';
import { addedPage, groupPages, missingRequired, pageTypeChoices, type ChecklistGroup } from './documents';
import './capture.css';

type Busy = { kind: 'scan'; type: string } | { kind: 'page'; pageId: string } | null;

function PageCard({
  view,
  page,
  index,
  busy,
  onRescan,
  onDelete,
  onType,
}: {
  view: CaseView;
  page: PageView;
  index: number;
  busy: Busy;
  onRescan: () => void;
  onDelete: () => void;
  onType: (type: string) => void;
}) {
  const { t } = useTranslation();
  const typeName = useDocumentTypeName();
  const { image } = useCaseImage(view.id, page.image);
  const label = t('capture.documents.pageLabel', { type: typeName(page.type), number: index + 1 });
  const working = busy !== null;
  const selectId = `page-type-${page.id}`;
  return (
    <li className="page-card" data-page={page.id} data-passed={page.quality.passed} aria-label={label}>
      <div className="page-card__image">{image !== null ? <img src={image.src} width={image.width} height={image.height} alt={label} /> : <span aria-hidden="true" />}</div>
      <div className="page-card__body">
        <p className="page-card__title">{label}</p>
        <QualitySummary quality={page.quality} compact testId={`page-quality-${page.id}`} />
        <div className="field page-card__type">
          <label className="field__label" htmlFor={selectId}>
            {t('capture.documents.pageType')}
          </label>
          <select
            id={selectId}
            className="field__input field__select"
            value={page.type}
            disabled={working}
            onChange={(e) => onType(e.target.value)}
            data-testid={`page-type-${page.id}`}
          >
            {pageTypeChoices(view, page).map((type) => (
              <option key={type} value={type}>
                {typeName(type)}
              </option>
            ))}
          </select>
        </div>
        <div className="capture__actions">
          <button type="button" className="button button--secondary button--small" onClick={onRescan} aria-disabled={working || undefined} data-testid={`page-rescan-${page.id}`}>
            {busy?.kind === 'page' && busy.pageId === page.id ? t('capture.documents.scanning') : t('capture.documents.rescan')}
            <span className="visually-hidden"> {label}</span>
          </button>
          <button type="button" className="button button--secondary button--small" onClick={onDelete} aria-disabled={working || undefined} data-testid={`page-delete-${page.id}`}>
            {t('capture.documents.delete')}
            <span className="visually-hidden"> {label}</span>
          </button>
        </div>
      </div>
    </li>
  );
}

function DeleteDialog({ label, onConfirm, onClose }: { label: string; onConfirm: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <Modal labelledBy="page-delete-title" describedBy="page-delete-intro" role="alertdialog" onCancel={onClose} initialFocus={cancelRef} testId="page-delete-dialog">
      <div className="modal__content">
        <h2 id="page-delete-title" className="modal__title">
          {t('capture.documents.deleteTitle', { page: label })}
        </h2>
        <p id="page-delete-intro">{t('capture.documents.deleteIntro')}</p>
        <div className="modal__actions">
          <button ref={cancelRef} type="button" className="button button--secondary" onClick={onClose}>
            {t('capture.actions.cancel')}
          </button>
          <button type="button" className="button button--danger" onClick={onConfirm} data-testid="page-delete-confirm">
            {t('capture.documents.deleteConfirm')}
          </button>
        </div>
      </div>
    </Modal>
  );
}

function ChecklistItem({
  view,
  group,
  busy,
  onScan,
  pageProps,
}: {
  view: CaseView;
  group: ChecklistGroup;
  busy: Busy;
  onScan: () => void;
  pageProps: (page: PageView) => { onRescan: () => void; onDelete: () => void; onType: (type: string) => void };
}) {
  const { t } = useTranslation();
  const typeName = useDocumentTypeName();
  const { item, pages, missing } = group;
  const headingId = `doc-${item.type}-heading`;
  const scanning = busy?.kind === 'scan' && busy.type === item.type;
  const status = item.satisfied ? 'satisfied' : missing ? 'missing' : 'optional';
  return (
    <li className={`doc-item doc-item--${status}`} data-document={item.type} data-status={status} aria-labelledby={headingId}>
      <div className="doc-item__header">
        <div>
          <h3 id={headingId} className="doc-item__title">
            {typeName(item.type)}
          </h3>
          <p className="doc-item__meta">
            <span className={`badge ${item.satisfied ? 'badge--success' : missing ? 'badge--danger' : 'badge--muted'}`}>
              <span aria-hidden="true" className="badge__dot" />
              {item.satisfied ? t('capture.documents.satisfied') : missing ? t('capture.documents.missing') : t('capture.documents.optional')}
            </span>{' '}
            {item.required ? t('capture.documents.required') : t('capture.documents.notRequired')}
            {' · '}
            <span data-testid={`doc-pages-${item.type}`}>{t('capture.documents.pagesCount', { pages: item.pages, minPages: item.minPages })}</span>
          </p>
        </div>
        <button type="button" className="button button--primary" onClick={onScan} aria-disabled={busy !== null || undefined} data-testid={`doc-scan-${item.type}`}>
          {scanning ? t('capture.documents.scanning') : pages.length === 0 ? t('capture.documents.scan') : t('capture.documents.scanAnother')}
          <span className="visually-hidden"> {typeName(item.type)}</span>
        </button>
      </div>
      {pages.length > 0 ? (
        <ol className="page-list">
          {pages.map((page, index) => (
            <PageCard key={page.id} view={view} page={page} index={index} busy={busy} {...pageProps(page)} />
          ))}
        </ol>
      ) : null}
    </li>
  );
}

/**
 * The service's checklist: each document with its pages (scan, scan another
 * page, rescan, delete, change a page's type), each page with its quality
 * and the reasons; required documents still missing are marked.
 */
export function DocumentsStep({ view, onView }: StepProps) {
  const { t } = useTranslation();
  const controller = useController();
  const errorText = useErrorText();
  const typeName = useDocumentTypeName();
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<unknown>(null);
  /** The scan that failed, so that Try again repeats it. */
  const [failed, setFailed] = useState<(() => void) | null>(null);
  const [announce, setAnnounce] = useState('');
  const [deleting, setDeleting] = useState<{ page: PageView; label: string } | null>(null);
  const { groups, others } = groupPages(view);
  const missing = missingRequired(view);

  const run = async (state: Busy, call: () => Promise<CaseView>, after?: (next: CaseView) => void) => {
    if (busy !== null) return;
    setBusy(state);
    setError(null);
    setFailed(null);
    try {
      const next = await call();
      onView(next);
      after?.(next);
    } catch (e) {
      setError(e);
      setFailed(() => () => void run(state, call, after));
    } finally {
      setBusy(null);
    }
  };

  const announcePage = (page: PageView | null) => {
    if (page === null) return;
    setAnnounce(
      page.quality.passed
        ? t('capture.documents.scannedOk', { type: typeName(page.type), score: Math.round(page.quality.score) })
        : t('capture.documents.scannedPoor', { type: typeName(page.type), score: Math.round(page.quality.score) }),
    );
  };

  const scan = (type: string) =>
    run({ kind: 'scan', type }, () => controller.api.call['cases.scanDocument']({ caseId: view.id, type }), (next) => announcePage(addedPage(view.documents.pages, next.documents.pages)));

  const pageProps = (page: PageView) => ({
    onRescan: () =>
      void run({ kind: 'page', pageId: page.id }, () => controller.api.call['cases.rescanPage']({ caseId: view.id, pageId: page.id }), (next) =>
        announcePage(next.documents.pages.find((p) => p.id === page.id) ?? addedPage(view.documents.pages, next.documents.pages)),
      ),
    onDelete: () => {
      if (busy !== null) return;
      const sameType = view.documents.pages.filter((p) => p.type === page.type);
      setDeleting({ page, label: t('capture.documents.pageLabel', { type: typeName(page.type), number: sameType.indexOf(page) + 1 }) });
    },
    onType: (type: string) =>
      void run({ kind: 'page', pageId: page.id }, () => controller.api.call['cases.setPageType']({ caseId: view.id, pageId: page.id, type }), () =>
        setAnnounce(t('capture.documents.typeChanged', { type: typeName(type) })),
      ),
  });

  return (
    <section className="capture capture--documents" data-step="documents" aria-labelledby="documents-heading">
      <header className="capture__header">
        <h2 id="documents-heading" className="capture__title">
          {t('capture.documents.heading')}
        </h2>
        <p className="capture__progress">{t('capture.documents.intro')}</p>
      </header>

      <div className="visually-hidden" role="status" data-testid="documents-announce">
        {announce}
      </div>

      {missing.length > 0 ? (
        <Notice tone="warning" testId="documents-missing" title={t('capture.documents.missingTitle')}>
          <ul>
            {missing.map((item) => (
              <li key={item.type}>
                {typeName(item.type)} — {t('capture.documents.pagesCount', { pages: item.pages, minPages: item.minPages })}
              </li>
            ))}
          </ul>
        </Notice>
      ) : view.documents.checklist.length > 0 ? (
        <Notice tone="success" testId="documents-complete">
          <p>{t('capture.documents.allRequired')}</p>
        </Notice>
      ) : null}

      {error !== null && isDeviceProblem(error) ? (
        <DeviceProblem error={error} kind="scanner" onRetry={() => failed?.()} retrying={busy !== null} testId="documents-device-problem" />
      ) : error !== null ? (
        <Notice tone="danger" live="alert" testId="documents-error">
          <p>{errorText(error)}</p>
          <p>{t('capture.keptSoFar')}</p>
        </Notice>
      ) : null}

      {groups.length === 0 ? <p data-testid="documents-empty">{t('capture.documents.noChecklist')}</p> : null}

      <ul className="doc-list">
        {groups.map((group) => (
          <ChecklistItem key={group.item.type} view={view} group={group} busy={busy} onScan={() => void scan(group.item.type)} pageProps={pageProps} />
        ))}
      </ul>

      {others.length > 0 ? (
        <section className="doc-others" aria-labelledby="doc-others-heading">
          <h3 id="doc-others-heading" className="doc-item__title">
            {t('capture.documents.otherPages')}
          </h3>
          <ol className="page-list">
            {others.map((page, index) => (
              <PageCard key={page.id} view={view} page={page} index={index} busy={busy} {...pageProps(page)} />
            ))}
          </ol>
        </section>
      ) : null}

      {deleting !== null ? (
        <DeleteDialog
          label={deleting.label}
          onClose={() => setDeleting(null)}
          onConfirm={() => {
            const page = deleting.page;
            const label = deleting.label;
            setDeleting(null);
            void run({ kind: 'page', pageId: page.id }, () => controller.api.call['cases.deletePage']({ caseId: view.id, pageId: page.id }), () =>
              setAnnounce(t('capture.documents.deleted', { page: label })),
            );
          }}
        />
      ) : null}
    </section>
  );
}
