import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useController } from '../station/context';
import { formatCountdown } from '../i18n/format';
import { isLocale } from '../i18n/languages';
import { Modal } from './Modal';

/** Seconds left at which the screen reader is told again; the visible countdown ticks every second but stays quiet. */
const milestones = [60, 30, 10];

function lastMilestonePassed(secondsLeft: number): number | null {
  const passed = milestones.filter((m) => secondsLeft <= m);
  return passed.length > 0 ? Math.min(...passed) : null;
}

export function IdleDialog({ deadline }: { deadline: number }) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const language = isLocale(i18n.language) ? i18n.language : 'en';
  const [now, setNow] = useState(() => Date.now());
  const [busy, setBusy] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const [initialSeconds] = useState(() => Math.max(0, Math.ceil((deadline - Date.now()) / 1000)));

  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, []);

  const remaining = Math.max(0, deadline - now);
  const secondsLeft = Math.ceil(remaining / 1000);
  const milestone = lastMilestonePassed(secondsLeft);
  // Announce a milestone only once it is below where the dialog started: the opening already said the time.
  const announcement = milestone !== null && milestone < initialSeconds ? t('idle.announce', { count: milestone }) : '';

  const resume = () => {
    if (busy) return;
    setBusy(true);
    void controller.continueWorking().finally(() => setBusy(false));
  };

  return (
    <Modal
      role="alertdialog"
      labelledBy="idle-title"
      describedBy="idle-body idle-start"
      onCancel={resume}
      initialFocus={buttonRef}
      className="modal--idle"
      testId="idle-dialog"
    >
      <div className="modal__content">
        <h2 id="idle-title" className="modal__title">
          {t('idle.title')}
        </h2>
        <p id="idle-body">{t('idle.body')}</p>
        <p id="idle-start" className="visually-hidden">
          {t('idle.announce', { count: initialSeconds })}
        </p>
        <div className="countdown">
          <span className="countdown__label">{t('idle.timeLeft')}</span>
          <span className="countdown__value" role="timer" aria-live="off">
            {formatCountdown(remaining, language)}
          </span>
        </div>
        <p className="visually-hidden" role="status">
          {announcement}
        </p>
        <div className="modal__actions">
          <button ref={buttonRef} type="button" className="button button--primary button--large" onClick={resume} aria-busy={busy || undefined}>
            {t('idle.continue')}
          </button>
        </div>
      </div>
    </Modal>
  );
}
