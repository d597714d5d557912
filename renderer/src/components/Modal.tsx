import { useEffect, useRef, type ReactNode, type RefObject } from 'react';

/**
 * A native modal <dialog>: the browser makes the rest of the page inert,
 * keeps focus inside and closes on Escape (reported through onCancel, so
 * that React state stays the one source of truth). Mounted = open.
 */
export function Modal({
  labelledBy,
  describedBy,
  role,
  onCancel,
  initialFocus,
  className,
  testId,
  children,
}: {
  labelledBy: string;
  describedBy?: string;
  role?: 'alertdialog';
  onCancel: () => void;
  initialFocus?: RefObject<HTMLElement | null>;
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const onCancelRef = useRef(onCancel);
  useEffect(() => {
    onCancelRef.current = onCancel;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    initialFocus?.current?.focus();
    const cancel = (event: Event) => {
      event.preventDefault();
      onCancelRef.current();
    };
    dialog.addEventListener('cancel', cancel);
    return () => {
      dialog.removeEventListener('cancel', cancel);
      if (dialog.open) dialog.close();
      // Back to where the person was, so a keyboard user does not restart from the top of the page.
      if (opener?.isConnected) opener.focus();
    };
    // Opening is tied to mounting only: later renders must not reopen or refocus.
  }, []);

  return (
    <dialog
      ref={ref}
      className={`modal${className ? ` ${className}` : ''}`}
      role={role}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      data-testid={testId}
    >
      {children}
    </dialog>
  );
}
