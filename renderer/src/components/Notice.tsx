import type { ReactNode } from 'react';

type Tone = 'info' | 'success' | 'warning' | 'danger';

/**
 * A message box. `alert` interrupts the screen reader (errors); `status`
 * waits politely (confirmations, notices). The role is on the box itself so
 * that the whole sentence is read, not just the part that changed.
 */
export function Notice({
  tone,
  live,
  title,
  children,
  testId,
  id,
}: {
  tone: Tone;
  live?: 'alert' | 'status';
  title?: ReactNode;
  children: ReactNode;
  testId?: string;
  id?: string;
}) {
  return (
    <div className={`notice notice--${tone}`} role={live} data-testid={testId} id={id}>
      <NoticeIcon tone={tone} />
      <div className="notice__body">
        {title ? <p className="notice__title">{title}</p> : null}
        {children}
      </div>
    </div>
  );
}

function NoticeIcon({ tone }: { tone: Tone }) {
  const path =
    tone === 'success'
      ? 'M5 12.5l4.5 4.5L19 7.5'
      : tone === 'info'
        ? 'M12 11v6M12 7.5v.01'
        : 'M12 7v6M12 16.5v.01';
  return (
    <svg className="notice__icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <circle cx="12" cy="12" r="10" />
      <path d={path} />
    </svg>
  );
}
