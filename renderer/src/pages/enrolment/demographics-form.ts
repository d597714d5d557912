import type { z } from 'zod';
import { demographicsProfiles, type DemographicsProfileId, type FieldDescriptor } from '../../../../app/contract/demographics';

/** The form's sections, in the order their first field appears in the schema. */
export interface FormSection {
  id: FieldDescriptor['section'];
  fields: FieldDescriptor[];
}

export function groupSections(fields: readonly FieldDescriptor[]): FormSection[] {
  const sections: FormSection[] = [];
  for (const field of fields) {
    let section = sections.find((s) => s.id === field.section);
    if (section === undefined) {
      section = { id: field.section, fields: [] };
      sections.push(section);
    }
    section.fields.push(field);
  }
  return sections;
}

/** A validation message as an i18n key under enrolment.forms.issues, with its values. */
export interface IssueMessage {
  key: 'required' | 'tooLong' | 'tooShort' | 'choose' | 'date' | 'email' | 'phone' | 'country' | 'characters' | 'invalid';
  params: Record<string, number>;
}

type Issue = z.core.$ZodIssue;

/**
 * zod's issue as a sentence key for the field it concerns. An empty value
 * of a required field is always "fill in": whatever rule zod tripped first
 * (minimum length, enum, date), that is what the technician must do.
 */
export function issueMessage(issue: Issue, field: Pick<FieldDescriptor, 'kind' | 'required'>, value: string): IssueMessage {
  if (value.trim() === '' && field.required) return { key: 'required', params: {} };
  switch (issue.code) {
    case 'too_small':
      return Number(issue.minimum) <= 1 ? { key: 'required', params: {} } : { key: 'tooShort', params: { min: Number(issue.minimum) } };
    case 'too_big':
      return { key: 'tooLong', params: { max: Number(issue.maximum) } };
    case 'invalid_value':
      return { key: 'choose', params: {} };
    case 'invalid_format':
      if (issue.format === 'date') return { key: 'date', params: {} };
      if (issue.format === 'email') return { key: 'email', params: {} };
      return byKind(field.kind);
    case 'invalid_union':
      return byKind(field.kind);
    default:
      return { key: 'invalid', params: {} };
  }
}

function byKind(kind: FieldDescriptor['kind']): IssueMessage {
  switch (kind) {
    case 'email':
      return { key: 'email', params: {} };
    case 'phone':
      return { key: 'phone', params: {} };
    case 'country':
      return { key: 'country', params: {} };
    case 'date':
      return { key: 'date', params: {} };
    case 'select':
      return { key: 'choose', params: {} };
    default:
      return { key: 'characters', params: {} };
  }
}

/**
 * Validates the whole form with the profile's own schema (the one the core
 * uses), a field missing from `values` counting as empty; the first issue of
 * each field, as a message. Fields absent from the result are valid.
 */
export function validateDemographics(
  profile: DemographicsProfileId,
  fields: readonly FieldDescriptor[],
  values: Readonly<Record<string, string>>,
): Record<string, IssueMessage> {
  const schema = demographicsProfiles[profile];
  const complete = Object.fromEntries(fields.map((f) => [f.name, values[f.name] ?? '']));
  const result = schema.safeParse(complete);
  const messages: Record<string, IssueMessage> = {};
  if (result.success) return messages;
  for (const issue of result.error.issues) {
    const name = issue.path[0];
    if (typeof name !== 'string' || name in messages) continue;
    const field = fields.find((f) => f.name === name);
    if (field === undefined) continue;
    messages[name] = issueMessage(issue, field, complete[name] ?? '');
  }
  return messages;
}

/** What the form keeps typed: upper-case codes where the schema wants them, everything else exactly as typed. */
export function normaliseInput(field: Pick<FieldDescriptor, 'kind' | 'name'>, raw: string): string {
  if (field.kind === 'country') return raw.toUpperCase().replace(/[^A-Z]/g, '').slice(0, 3);
  return raw;
}

/** The MRZ lines as the technician typed them: upper case, no spaces, at most 3 lines, empty lines dropped. */
export function mrzLinesOf(text: string): string[] {
  return text
    .toUpperCase()
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, ''))
    .filter((line) => line.length > 0);
}

/** ICAO 9303 line lengths: TD1 card 3 × 30, TD2 2 × 36, TD3 passport 2 × 44. */
export function mrzShapeOk(lines: readonly string[]): boolean {
  if (lines.length === 3) return lines.every((l) => l.length === 30);
  if (lines.length === 2) return lines.every((l) => l.length === 36) || lines.every((l) => l.length === 44);
  return false;
}
