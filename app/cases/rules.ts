/**
 * The rules of a case, as pure functions of its draft: what each step still
 * misses, which steps are complete, where the typed form disagrees with the
 * MRZ, and why a supervisor must approve. No I/O: the case service applies
 * them, the machine enforces them (app/cases/machine.ts), tests check them
 * without a station (rules.test.ts).
 */
import { describeForm, demographicsProfiles, type DemographicsProfileId } from '../contract/demographics.js';
import type { ApprovalReason, CaseStep, MismatchView, MrzView } from '../contract/cases.js';
import type { CaseDraft } from './draft.js';
import type { ServiceDefinition } from './services.js';
import { nameLanguageFor, sameMrzName } from './transliterate.js';

export const FINGER_POSITIONS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

/** The form as the schema reads it: every field present, an untouched field as the empty string. */
export function completeForm(profile: DemographicsProfileId, values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(demographicsProfiles[profile].shape)) out[name] = values[name] ?? '';
  return out;
}

/** The form's problems, field by field (only names, never values): what cases.next reports. */
export function demographicsProblems(profile: DemographicsProfileId, values: Record<string, string>): string[] {
  const parsed = demographicsProfiles[profile].safeParse(completeForm(profile, values));
  if (parsed.success) return [];
  const fields = new Set<string>();
  for (const issue of parsed.error.issues) fields.add(issue.path.length > 0 ? String(issue.path[0]) : '(form)');
  return [...fields];
}

function checklistState(draft: CaseDraft, service: ServiceDefinition) {
  return service.checklist.map((item) => {
    const pages = draft.documents.filter((p) => p.type === item.type).length;
    return { ...item, pages, satisfied: pages >= item.minPages };
  });
}

export { checklistState };

/**
 * What a step still needs, as short English names the UI may show and tests
 * may match (e.g. 'mrz', 'demographics.surname', 'finger.7', 'document.proof-of-means').
 */
export function stepMissing(step: CaseStep, draft: CaseDraft, service: ServiceDefinition, profile: DemographicsProfileId): string[] {
  switch (step) {
    case 'identity':
      if (!service.identityRequired) return [];
      if (draft.mrz === null) return ['mrz'];
      return draft.mrz.valid ? [] : ['mrz.valid'];
    case 'demographics':
      return demographicsProblems(profile, draft.demographics).map((f) => `demographics.${f}`);
    case 'consent':
      return draft.consent === null ? ['consent'] : [];
    case 'fingers':
      return draft.fingers.filter((f) => f.state === 'pending').map((f) => `finger.${f.position}`);
    case 'signature':
      return draft.signature.state === 'captured' ? [] : ['signature'];
    case 'documents':
      return checklistState(draft, service)
        .filter((c) => c.required && !c.satisfied)
        .map((c) => `document.${c.type}`);
    case 'review': {
      const before = service.steps.slice(0, service.steps.indexOf('review'));
      const missing = before.flatMap((s) => stepMissing(s, draft, service, profile));
      const reasons = approvalReasons(draft, service, profile);
      if (reasons.length > 0 && !approvalCovers(draft, reasons)) missing.push('approval');
      // Review has no "next": the case is sealed from it.
      return missing.length > 0 ? missing : ['seal'];
    }
    case 'receipt':
      return draft.packet === null ? ['seal'] : [];
  }
}

/** The steps whose content is complete now (review counts as complete when only sealing is left). */
export function completeSteps(draft: CaseDraft, service: ServiceDefinition, profile: DemographicsProfileId): CaseStep[] {
  return draft.steps.filter((s) => {
    const missing = stepMissing(s, draft, service, profile);
    return missing.length === 0 || (s === 'review' && missing.length === 1 && missing[0] === 'seal');
  });
}

const sameDocumentNumber = (a: string, b: string) => a.replace(/[<\s-]/g, '').toUpperCase() === b.replace(/[<\s-]/g, '').toUpperCase();

/**
 * Typed values that disagree with the MRZ: names compared in their ICAO 9303
 * transliterated form (app/cases/transliterate.ts), dates and codes as they
 * are, document numbers without fillers. Empty typed values are not mismatches
 * (the form says what is missing).
 */
export function mismatches(profile: DemographicsProfileId, values: Record<string, string>, mrz: MrzView | null): MismatchView[] {
  if (mrz === null) return [];
  const language = nameLanguageFor(mrz.fields.nationality ?? mrz.fields.issuingState ?? values.nationality ?? null);
  const out: MismatchView[] = [];
  for (const field of describeForm(profile)) {
    if (field.mrz === undefined) continue;
    const typed = (values[field.name] ?? '').trim();
    const read = mrz.fields[field.mrz];
    if (typed === '' || read === null || read === undefined || read === '') continue;
    let same: boolean;
    if (field.mrz === 'surname' || field.mrz === 'givenNames') same = sameMrzName(typed, read, language);
    else if (field.mrz === 'documentNumber') same = sameDocumentNumber(typed, read);
    else same = typed.toUpperCase() === read.toUpperCase();
    if (!same) out.push({ field: field.name, typed, mrz: read });
  }
  return out;
}

/** ICAO 9303 document codes (first letter) → the form's document type. */
export function documentTypeFromCode(code: string | null | undefined): string | null {
  const first = (code ?? '').trim().toUpperCase()[0];
  if (first === 'P') return 'passport';
  if (first === 'I') return 'identity-card';
  if (first === 'A' || first === 'C') return 'residence-permit';
  if (first === 'V') return null;
  return first === undefined ? null : 'other';
}

/** MRZ names are upper case with spaces; the form keeps what was read until the technician corrects the script and diacritics. */
const mrzToText = (value: string) => value.replace(/</g, ' ').replace(/\s+/g, ' ').trim();

/** Fill empty form fields from the MRZ (never overwrites what was typed). */
export function prefillFromMrz(profile: DemographicsProfileId, values: Record<string, string>, mrz: MrzView): Record<string, string> {
  const out = { ...values };
  for (const field of describeForm(profile)) {
    if ((out[field.name] ?? '').trim() !== '') continue;
    if (field.mrz !== undefined) {
      const read = mrz.fields[field.mrz];
      if (read !== null && read !== undefined && read !== '') out[field.name] = field.mrz === 'surname' || field.mrz === 'givenNames' ? mrzToText(read) : read.replace(/</g, '');
    } else if (field.name === 'documentType') {
      const type = documentTypeFromCode(mrz.fields.documentCode);
      if (type !== null) out[field.name] = type;
    }
  }
  return out;
}

/** Why this case needs a supervisor's approval before it is sealed (ApprovalReason codes, in contract order). */
export function approvalReasons(draft: CaseDraft, service: ServiceDefinition, profile: DemographicsProfileId): ApprovalReason[] {
  const reasons = new Set<ApprovalReason>();
  const takesFingers = draft.steps.includes('fingers');
  if (takesFingers && draft.fingers.some((f) => f.state === 'exception')) reasons.add('finger_exception');
  if (takesFingers && draft.fingers.some((f) => f.state === 'captured' && f.forcedBy !== null)) reasons.add('force_capture');
  if (takesFingers && draft.fingers.some((f) => f.state === 'captured' && f.similarTo !== null)) reasons.add('similar_fingers');
  if (mismatches(profile, draft.demographics, draft.mrz).length > 0) reasons.add('mrz_mismatch');
  if (draft.mrz !== null) {
    const v = draft.verification;
    if (v === null || !v.identity.ok || !v.document.ok) reasons.add('not_verified');
    if (v !== null && v.identity.ok && !v.identity.match) reasons.add('identity_no_match');
    if (v !== null && v.document.ok && v.document.status !== 'VALID') reasons.add('document_not_valid');
  }
  if (checklistState(draft, service).some((c) => !c.required && !c.satisfied)) reasons.add('checklist_incomplete');
  const order: ApprovalReason[] = ['finger_exception', 'force_capture', 'mrz_mismatch', 'identity_no_match', 'document_not_valid', 'not_verified', 'checklist_incomplete', 'similar_fingers'];
  return order.filter((r) => reasons.has(r));
}

/** An approval counts for the reasons its supervisor saw; a reason that appeared later needs a new approval. */
export function approvalCovers(draft: CaseDraft, reasons: readonly ApprovalReason[]): boolean {
  if (reasons.length === 0) return true;
  if (draft.approval === null) return false;
  return reasons.every((r) => draft.approval?.reasons.includes(r) === true);
}
