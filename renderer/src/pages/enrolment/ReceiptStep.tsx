import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { formatTimestamp } from '../../i18n/format';
import { paths } from '../../routing/access';
import { useController } from '../../station/context';
import { ActionError, StepFrame, useLanguage } from './shared';
import type { StepProps } from './step-props';

function pdfBlob(base64: string): Blob {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: 'application/pdf' });
}

/**
 * The sealed case: its packet id, the acknowledgement receipt (a PDF from
 * the core) to print or keep, and the way on to the next applicant.
 */
export function ReceiptStep({ view }: StepProps) {
  const { t } = useTranslation();
  const controller = useController();
  const navigate = useNavigate();
  const language = useLanguage();
  const [busy, setBusy] = useState<'print' | 'download' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const receipt = useRef<{ url: string; fileName: string } | null>(null);
  const nextRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    nextRef.current?.focus();
    return () => {
      if (receipt.current !== null) URL.revokeObjectURL(receipt.current.url);
    };
  }, []);

  const fetchReceipt = async () => {
    if (receipt.current !== null) return receipt.current;
    const { fileName, pdf } = await controller.api.call['cases.receipt']({ caseId: view.id });
    receipt.current = { url: URL.createObjectURL(pdfBlob(pdf)), fileName };
    return receipt.current;
  };

  const act = async (action: 'print' | 'download') => {
    if (busy !== null) return;
    setBusy(action);
    setError(null);
    try {
      const { url, fileName } = await fetchReceipt();
      if (action === 'print') {
        // The browser's PDF viewer opens in a new window, with its own Print button.
        const opened = window.open(url, '_blank');
        if (opened === null) throw { code: 'enrolment.popup_blocked', message: '' };
      } else {
        const link = document.createElement('a');
        link.href = url;
        link.download = fileName;
        document.body.append(link);
        link.click();
        link.remove();
      }
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  const packet = view.packet;
  return (
    <StepFrame step="receipt" enterIsNext={false}>
      {packet === null ? (
        <p className="review-warning">{t('enrolment.receipt.notSealed')}</p>
      ) : (
        <section className="card case-card receipt" aria-labelledby="receipt-heading" data-testid="receipt" data-packet-id={packet.packetId}>
          <h2 className="card__title" id="receipt-heading">
            {t('enrolment.receipt.heading')}
          </h2>
          <p>{t('enrolment.receipt.intro')}</p>
          <dl className="facts__list">
            <div>
              <dt>{t('enrolment.receipt.packetId')}</dt>
              <dd className="mono receipt__packet" data-testid="packet-id">
                {packet.packetId}
              </dd>
            </div>
            <div>
              <dt>{t('enrolment.receipt.sealedAt')}</dt>
              <dd>{formatTimestamp(packet.sealedAt, language)}</dd>
            </div>
          </dl>
          <div className="case-actions">
            <button type="button" className="button button--secondary button--large" onClick={() => void act('print')} aria-disabled={busy !== null || undefined} data-testid="receipt-print">
              {busy === 'print' ? t('enrolment.receipt.preparing') : t('enrolment.receipt.print')}
            </button>
            <button type="button" className="button button--secondary button--large" onClick={() => void act('download')} aria-disabled={busy !== null || undefined} data-testid="receipt-download">
              {busy === 'download' ? t('enrolment.receipt.preparing') : t('enrolment.receipt.download')}
            </button>
          </div>
          {error !== null && (error as { code?: string }).code === 'enrolment.popup_blocked' ? (
            <p className="field__error" role="alert">
              {t('enrolment.receipt.popupBlocked')}
            </p>
          ) : (
            <ActionError error={error} testId="receipt-error" />
          )}
        </section>
      )}
      <div className="case-step__footer">
        <button ref={nextRef} type="button" className="button button--primary button--large" data-testid="next-applicant" onClick={() => void navigate(paths.enrolment)}>
          {t('enrolment.receipt.nextApplicant')}
        </button>
      </div>
    </StepFrame>
  );
}
