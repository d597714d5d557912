/**
 * The services a CLAIM 2G centre offers, as configuration: for each one the
 * steps the desk takes and the supporting documents it asks for. The
 * defaults are here; the station config may replace a service's steps or
 * checklist under `cases.services.<id>` (app/config/schema.ts), never the ids.
 *
 * Biometric services take every step (identity → demographics → consent →
 * fingers → signature → documents → review → receipt) and seal a NEW packet.
 * `digitisation` only files papers: demographics → consent → documents →
 * review → receipt, identity optional, and seals a DOCUMENTS packet without
 * biometrics. Consent stays in it: record.json requires one (app/packets/
 * schema.ts RecordInput.consent) and processing someone's papers needs it too.
 */
import { z } from 'zod';
import { caseSteps, CaseStep as CaseStepSchema, DocumentTypeId, FingerMode, PaperKind, serviceTypeIds, ServiceTypeId as ServiceTypeIdSchema } from '../contract/cases.js';
import type { CaseStep, ChecklistItemView, ServiceTypeId, ServiceTypeView } from '../contract/cases.js';
import { DemographicsProfileId } from '../contract/demographics.js';

export type ChecklistItem = ChecklistItemView;

export interface ServiceDefinition extends ServiceTypeView {
  /** False: the identity step may be passed without an MRZ (digitisation of papers of someone without a document at hand). */
  identityRequired: boolean;
}

const biometricSteps: CaseStep[] = ['identity', 'demographics', 'consent', 'fingers', 'signature', 'documents', 'review', 'receipt'];
const digitisationSteps: CaseStep[] = ['identity', 'demographics', 'consent', 'documents', 'review', 'receipt'];

const item = (type: string, paper: 'a4' | 'id1' | 'td3', required = true, minPages = 1): ChecklistItem => ({ type, required, paper, minPages });

/** Proof of identity is the MRZ document (identity step); these are the papers each service asks for on top. */
const checklists: Record<ServiceTypeId, ChecklistItem[]> = {
  legalisation: [item('passport', 'td3'), item('proof-of-means', 'a4'), item('proof-of-address', 'a4'), item('criminal-record', 'a4', false), item('health-insurance', 'a4', false)],
  nationality: [item('birth-certificate', 'a4'), item('criminal-record', 'a4'), item('proof-of-residence', 'a4'), item('language-certificate', 'a4')],
  'family-reunification': [item('passport', 'td3'), item('residence-permit', 'id1', true, 2), item('family-relationship', 'a4'), item('proof-of-means', 'a4'), item('proof-of-housing', 'a4')],
  housing: [item('proof-of-income', 'a4'), item('rental-contract', 'a4', false), item('household-composition', 'a4', false)],
  employment: [item('employment-contract', 'a4'), item('social-security', 'a4', false), item('tax-number', 'a4', false)],
  'social-support': [item('proof-of-income', 'a4'), item('proof-of-address', 'a4'), item('household-composition', 'a4', false)],
  'voluntary-return': [item('travel-document', 'td3'), item('return-declaration', 'a4')],
  health: [item('health-registration', 'a4'), item('proof-of-address', 'a4', false)],
  education: [item('school-certificate', 'a4'), item('enrolment-form', 'a4', false)],
  'vocational-training': [item('school-certificate', 'a4', false), item('application-form', 'a4')],
  entrepreneurship: [item('business-plan', 'a4'), item('tax-number', 'a4'), item('proof-of-means', 'a4', false)],
  other: [item('application-form', 'a4', false)],
  digitisation: [item('application-form', 'a4'), item('supporting-document', 'a4', false)],
};

export const defaultServices: Readonly<Record<ServiceTypeId, ServiceDefinition>> = Object.fromEntries(
  serviceTypeIds.map((id) => {
    const digitisation = id === 'digitisation';
    const definition: ServiceDefinition = {
      id,
      steps: digitisation ? digitisationSteps : biometricSteps,
      checklist: checklists[id],
      process: digitisation ? 'DOCUMENTS' : 'NEW',
      identityRequired: !digitisation,
    };
    return [id, definition];
  }),
) as Record<ServiceTypeId, ServiceDefinition>;

/** The steps a service may list, and the rules every list keeps. */
export const ServiceSteps = z
  .array(CaseStepSchema)
  .min(3)
  .superRefine((steps, ctx) => {
    if (new Set(steps).size !== steps.length) ctx.addIssue({ code: 'custom', message: 'must not repeat a step' });
    const order = steps.map((s) => caseSteps.indexOf(s));
    if (order.some((v, i) => i > 0 && v < (order[i - 1] as number))) ctx.addIssue({ code: 'custom', message: `must keep the desk order ${caseSteps.join(' → ')}` });
    if (steps.at(-2) !== 'review' || steps.at(-1) !== 'receipt') ctx.addIssue({ code: 'custom', message: 'must end with review and receipt' });
    if (!steps.includes('demographics')) ctx.addIssue({ code: 'custom', message: 'must include demographics (the packet record needs the applicant)' });
    if (!steps.includes('consent')) ctx.addIssue({ code: 'custom', message: 'must include consent (a packet is sealed only with consent)' });
  });

export const ServiceOverride = z
  .object({
    steps: ServiceSteps.optional(),
    checklist: z
      .array(z.object({ type: DocumentTypeId, required: z.boolean().default(true), paper: PaperKind.default('a4'), minPages: z.number().int().min(1).max(20).default(1) }).strict())
      .max(40)
      .optional(),
    identityRequired: z.boolean().optional(),
  })
  .strict();
export type ServiceOverride = z.infer<typeof ServiceOverride>;

/** The station config's `cases` section (app/config/schema.ts embeds it). */
export const CasesConfig = z
  .object({
    /** Per service: replace its steps and/or its checklist (ids are fixed by the contract). */
    services: z.partialRecord(ServiceTypeIdSchema, ServiceOverride).default({}),
    /** The demographic form and record mapping (app/contract/demographics.ts). */
    demographicsProfile: DemographicsProfileId.default('pt-aima'),
    /** The consent text shown (app/cases/consent.ts knows each version's text). */
    consentVersion: z.string().regex(/^consent-\d{4}-\d{2}$/).default('consent-2026-11'),
    /** Agency lookups (identity verify, document status): give up after this long. */
    lookupTimeoutMs: z.number().int().min(500).max(60_000).default(8000),
    /**
     * How the fingers step starts when the reader takes slaps (an SBI slap
     * scanner): 'slap' = 4-4-2 (left four, right four, two thumbs), 'single' =
     * one finger at a time. The technician can switch on the screen; a
     * single-finger reader always goes one at a time.
     */
    fingerMode: FingerMode.default('single'),
    /**
     * After a finger capture below the quality threshold, the fingers screen
     * starts the next attempt by itself after this pause (the applicant lifts
     * the finger and places it again; the technician need not press Capture),
     * until quality.maxAttempts is used. 0 = the technician presses Capture.
     */
    fingerAutoRetryMs: z.number().int().min(0).max(10_000).default(1500),
  })
  .strict();
export type CasesConfig = z.output<typeof CasesConfig>;
export type CasesConfigInput = z.input<typeof CasesConfig>;

export const defaultCasesConfig: CasesConfig = CasesConfig.parse({});

/** The services this station offers: defaults with the config's overrides; digitisation only at a digitisation counter. */
export function resolveServices(config: CasesConfig, mode: 'desk' | 'kiosk' | 'digitisation' = 'desk'): ServiceDefinition[] {
  const ids = mode === 'digitisation' ? (['digitisation'] as const) : serviceTypeIds;
  return ids.map((id) => {
    const base = defaultServices[id];
    const override = config.services[id];
    if (override === undefined) return base;
    const steps = override.steps ?? base.steps;
    // A digitisation service never takes biometrics, whatever the config says: its packet is DOCUMENTS.
    if (id === 'digitisation' && (steps.includes('fingers') || steps.includes('signature'))) {
      throw new Error('cases.services.digitisation.steps: the digitisation service takes no fingers or signature (it seals a DOCUMENTS packet).');
    }
    return {
      ...base,
      steps,
      checklist: override.checklist ?? base.checklist,
      identityRequired: override.identityRequired ?? base.identityRequired,
    };
  });
}

export function serviceView(service: ServiceDefinition): ServiceTypeView {
  return { id: service.id, steps: [...service.steps], checklist: service.checklist.map((c) => ({ ...c })), process: service.process };
}
