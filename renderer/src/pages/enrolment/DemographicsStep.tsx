import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MismatchView } from '../../../../app/contract/cases';
import { describeForm, type DemographicsProfileId, type FieldDescriptor } from '../../../../app/contract/demographics';
import { useController } from '../../station/context';
import { groupSections, normaliseInput, validateDemographics, type IssueMessage } from './demographics-form';
import { ActionError, StepFrame, useCaseActions, useServices } from './shared';
import type { StepProps } from './step-props';

/** Long enough that a typist's pause does not save mid-word, short enough that a reload loses at most a second of typing. */
const saveDelayMs = 700;

type Values = Record<string, string>;

function FieldInput({
  field,
  value,
  onChange,
  onBlur,
  invalid,
  describedBy,
}: {
  field: FieldDescriptor;
  value: string;
  onChange: (value: string) => void;
  onBlur: () => void;
  invalid: boolean;
  describedBy: string | undefined;
}) {
  const { t } = useTranslation();
  const common = {
    id: `demo-${field.name}`,
    name: field.name,
    className: 'field__input',
    value,
    onBlur,
    'aria-invalid': invalid || undefined,
    'aria-required': field.required || undefined,
    'aria-describedby': describedBy,
    'data-field': field.name,
  };
  switch (field.kind) {
    case 'select':
      return (
        <select {...common} className="field__input field__select" onChange={(event) => onChange(event.target.value)}>
          <option value="">{t('enrolment.forms.choose')}</option>
          {(field.options ?? []).map((option) => (
            <option key={option} value={option}>
              {t(`enrolment.forms.options.${field.name}.${option}`, { defaultValue: option })}
            </option>
          ))}
        </select>
      );
    case 'textarea':
      return <textarea {...common} className="field__input case-textarea" rows={3} dir="auto" maxLength={field.maxLength ?? 500} onChange={(event) => onChange(event.target.value)} />;
    case 'date':
      return <input {...common} type="date" dir="ltr" onChange={(event) => onChange(event.target.value)} />;
    case 'country':
      return (
        <input
          {...common}
          className="field__input field__input--code mono"
          type="text"
          dir="ltr"
          maxLength={3}
          autoCapitalize="characters"
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => onChange(normaliseInput(field, event.target.value))}
        />
      );
    case 'email':
      return <input {...common} type="email" dir="ltr" autoComplete="off" maxLength={field.maxLength ?? 200} onChange={(event) => onChange(event.target.value)} />;
    case 'phone':
      return <input {...common} type="tel" dir="ltr" autoComplete="off" maxLength={20} onChange={(event) => onChange(event.target.value)} />;
    default:
      return (
        <input
          {...common}
          type="text"
          dir="auto"
          autoComplete="off"
          spellCheck={false}
          maxLength={field.maxLength ?? 500}
          onChange={(event) => onChange(event.target.value)}
        />
      );
  }
}

/**
 * The applicant's details, generated from the agency profile's zod schema.
 * Checked as typed with the same schema the core uses; saved a moment after
 * typing stops and on leaving a field, so a reload keeps everything. Where
 * the MRZ says otherwise, the field shows both and lets the technician
 * choose.
 */
export function DemographicsStep({ view, onView }: StepProps) {
  const { t } = useTranslation();
  const { services, error: servicesError, retry } = useServices();
  if (services === null) {
    return (
      <StepFrame step="demographics" enterIsNext={false}>
        {servicesError !== null ? (
          <>
            <ActionError error={servicesError} />
            <button type="button" className="button button--secondary" onClick={retry}>
              {t('app.retry')}
            </button>
          </>
        ) : (
          <p className="loading" role="status">
            {t('app.loading')}
          </p>
        )}
      </StepFrame>
    );
  }
  return <DemographicsForm view={view} onView={onView} profile={services.demographicsProfile} />;
}

export function DemographicsForm({ view, onView, profile }: StepProps & { profile: DemographicsProfileId }) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const caseId = view.id;
  const fields = useMemo(() => describeForm(profile), [profile]);
  const sections = useMemo(() => groupSections(fields), [fields]);
  const [values, setValues] = useState<Values>(() => ({ ...view.demographics }));
  const [touched, setTouched] = useState<Set<string>>(() => new Set(Object.keys(view.demographics).filter((k) => (view.demographics[k] ?? '') !== '')));
  const [showAll, setShowAll] = useState(false);
  const [saveState, setSaveState] = useState<'idle' | 'saving' | 'saved' | 'failed'>('idle');
  const [saveError, setSaveError] = useState<unknown>(null);
  const [kept, setKept] = useState<Set<string>>(new Set());
  const { busy, errors, run } = useCaseActions(onView);

  const valuesRef = useRef(values);
  valuesRef.current = values;
  /** Fields changed since the last save was sent: a view arriving meanwhile must not overwrite them. */
  const dirty = useRef(new Set<string>());
  const timer = useRef<number | null>(null);
  const saving = useRef<Promise<boolean> | null>(null);

  const save = useCallback(async (): Promise<boolean> => {
    if (timer.current !== null) {
      window.clearTimeout(timer.current);
      timer.current = null;
    }
    if (saving.current !== null) await saving.current;
    if (dirty.current.size === 0) return true;
    const sent = new Set(dirty.current);
    dirty.current.clear();
    setSaveState('saving');
    const attempt = controller.api.call['cases.setDemographics']({ caseId, values: { ...valuesRef.current } }).then(
      (next) => {
        onView(next);
        setSaveState('saved');
        setSaveError(null);
        return true;
      },
      (error: unknown) => {
        for (const name of sent) dirty.current.add(name);
        setSaveState('failed');
        setSaveError(error);
        return false;
      },
    );
    saving.current = attempt;
    try {
      return await attempt;
    } finally {
      saving.current = null;
    }
  }, [controller, caseId, onView]);

  // Leaving the step (Next, the stepper, Pause) saves what is still pending.
  useEffect(
    () => () => {
      if (timer.current !== null) window.clearTimeout(timer.current);
      if (dirty.current.size > 0) void controller.api.call['cases.setDemographics']({ caseId, values: { ...valuesRef.current } }).catch(() => undefined);
    },
    [controller, caseId],
  );

  // Another window (or the MRZ prefill) changed the saved form: take its values for the fields not being edited here.
  useEffect(() => {
    setValues((current) => {
      let changed = false;
      const next = { ...current };
      for (const [name, value] of Object.entries(view.demographics)) {
        if (dirty.current.has(name) || next[name] === value) continue;
        next[name] = value;
        changed = true;
      }
      return changed ? next : current;
    });
  }, [view.revision, view.demographics]);

  const change = (name: string, value: string) => {
    setValues((current) => ({ ...current, [name]: value }));
    valuesRef.current = { ...valuesRef.current, [name]: value };
    dirty.current.add(name);
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void save(), saveDelayMs);
  };

  const blur = (name: string) => {
    setTouched((current) => (current.has(name) ? current : new Set(current).add(name)));
    void save();
  };

  const issues = useMemo(() => validateDemographics(profile, fields, values), [profile, fields, values]);
  const issueText = (issue: IssueMessage) => t(`enrolment.forms.issues.${issue.key}`, issue.params);

  const mismatchOf = (name: string): MismatchView | null => {
    const mismatch = view.mismatches.find((m) => m.field === name);
    // Only while the field still holds what the core compared.
    if (mismatch === undefined || (values[name] ?? '') !== mismatch.typed || kept.has(`${name}\u0000${mismatch.typed}`)) return null;
    return mismatch;
  };

  const takeMrzValue = (mismatch: MismatchView) => {
    change(mismatch.field, mismatch.mrz);
    void save();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShowAll(true);
    if (!(await save())) return;
    void run('next', () => controller.api.call['cases.next']({ caseId }));
  };

  const missingCount = Object.keys(issues).length;

  return (
    <StepFrame step="demographics" intro={t('enrolment.demographics.intro')} enterIsNext={false}>
      <form className="demographics" onSubmit={(event) => void submit(event)} noValidate data-testid="demographics-form">
        <p className="demographics__legend">
          <span aria-hidden="true" className="required-mark">
            *
          </span>{' '}
          {t('enrolment.forms.requiredLegend')}
        </p>
        {sections.map((section) => (
          <fieldset key={section.id} className="card case-card demographics__section" data-section={section.id}>
            <legend className="card__title demographics__section-title">{t(`enrolment.forms.sections.${section.id}`)}</legend>
            <div className="demographics__grid">
              {section.fields.map((field) => {
                const id = `demo-${field.name}`;
                const issue = issues[field.name];
                const show = issue !== undefined && (showAll || touched.has(field.name));
                const mismatch = mismatchOf(field.name);
                const mrzForm =
                  view.mrzName !== null && (field.name === 'surname' || field.name === 'givenNames') ? view.mrzName[field.name] : null;
                const hintKey = `enrolment.forms.hints.${field.name}`;
                const hint = i18n.exists(hintKey) ? t(hintKey) : '';
                const describedBy =
                  [hint !== '' ? `${id}-hint` : null, show ? `${id}-error` : null, mrzForm !== null ? `${id}-mrz` : null, mismatch !== null ? `${id}-mismatch` : null]
                    .filter((v) => v !== null)
                    .join(' ') || undefined;
                return (
                  <div
                    key={field.name}
                    className={`field demographics__field demographics__field--${field.kind}${show ? ' field--invalid' : ''}${mismatch !== null ? ' field--mismatch' : ''}`}
                  >
                    <label className="field__label" htmlFor={id}>
                      {t(`enrolment.forms.fields.${field.name}`)}
                      {field.required ? (
                        <span className="required-mark" aria-hidden="true">
                          {' *'}
                        </span>
                      ) : null}
                    </label>
                    {hint !== '' ? (
                      <p className="field__hint" id={`${id}-hint`}>
                        {hint}
                      </p>
                    ) : null}
                    {show ? (
                      <p className="field__error" id={`${id}-error`}>
                        {issueText(issue)}
                      </p>
                    ) : null}
                    <FieldInput
                      field={field}
                      value={values[field.name] ?? ''}
                      onChange={(value) => change(field.name, value)}
                      onBlur={() => blur(field.name)}
                      invalid={show}
                      describedBy={describedBy}
                    />
                    {mrzForm !== null ? (
                      <p className="mrz-form" id={`${id}-mrz`} data-testid={`mrz-form-${field.name}`}>
                        {t('enrolment.demographics.mrzForm')} <span className="mono" dir="ltr">{mrzForm || t('app.dash')}</span>
                      </p>
                    ) : null}
                    {mismatch !== null ? (
                      <div className="mismatch" id={`${id}-mismatch`} data-testid={`mismatch-${field.name}`} role="group" aria-label={t('enrolment.demographics.mismatchLabel', { field: t(`enrolment.forms.fields.${field.name}`) })}>
                        <p className="mismatch__text">
                          {t('enrolment.demographics.mismatch')} <span className="mono" dir="ltr">{mismatch.mrz}</span>
                        </p>
                        <div className="mismatch__actions">
                          <button type="button" className="button button--small button--secondary" onClick={() => takeMrzValue(mismatch)}>
                            {t('enrolment.demographics.useMrz')}
                          </button>
                          <button
                            type="button"
                            className="button button--small button--secondary"
                            onClick={() => setKept((current) => new Set(current).add(`${field.name}\u0000${mismatch.typed}`))}
                          >
                            {t('enrolment.demographics.keepTyped')}
                          </button>
                        </div>
                      </div>
                    ) : null}
                  </div>
                );
              })}
            </div>
          </fieldset>
        ))}

        <div className="case-step__footer">
          <p className="save-state" role="status" data-testid="save-state" data-state={saveState}>
            {saveState === 'saving' ? t('enrolment.demographics.saving') : saveState === 'saved' ? t('enrolment.demographics.saved') : ''}
          </p>
          {saveState === 'failed' ? <ActionError error={saveError} testId="save-error" /> : null}
          {showAll && missingCount > 0 ? (
            <p className="next-action__reason" data-testid="form-issues">
              {t('enrolment.demographics.fixFields', { count: missingCount })}
            </p>
          ) : null}
          <ActionError error={errors.next} testId="next-error" />
          <button type="submit" className="button button--primary button--large" data-testid="step-next" aria-disabled={busy !== null || undefined}>
            {busy === 'next' ? t('enrolment.common.saving') : t('enrolment.common.next')}
          </button>
        </div>
      </form>
    </StepFrame>
  );
}
