import type { ComponentProps, ReactNode } from 'react';

interface Described {
  id: string;
  label: string;
  /** Shown under the label before anything is typed: the rule, not a complaint. */
  hint?: ReactNode;
  error?: string | null;
  /** Further ids that describe the field, such as a form-level error about it. */
  alsoDescribedBy?: string | null;
}

function describedBy(id: string, hint: ReactNode, error: string | null | undefined, also: string | null | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null, also ?? null].filter((v) => v !== null);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function Extras({ id, hint, error }: Pick<Described, 'id' | 'hint' | 'error'>) {
  return (
    <>
      {hint ? (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field__error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}

/** Label, hint and error around one control: the part every field shares. */
function FieldFrame({ id, label, hint, error, className, children }: Pick<Described, 'id' | 'label' | 'hint' | 'error'> & { className?: string | undefined; children: ReactNode }) {
  return (
    <div className={`field${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <Extras id={id} hint={hint} error={error} />
      {children}
    </div>
  );
}

export function TextField({ id, label, hint, error, alsoDescribedBy, className, ...input }: Described & ComponentProps<'input'>) {
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} className={className}>
      <input
        id={id}
        name={id}
        className="field__input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error, alsoDescribedBy)}
        {...input}
      />
    </FieldFrame>
  );
}

export function SelectField({
  id,
  label,
  hint,
  error,
  alsoDescribedBy,
  children,
  className,
  ...select
}: Described & ComponentProps<'select'>) {
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} className={className}>
      <select
        id={id}
        name={id}
        className="field__input field__select"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error, alsoDescribedBy)}
        {...select}
      >
        {children}
      </select>
    </FieldFrame>
  );
}
