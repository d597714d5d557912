import { z } from 'zod';

/**
 * The enrolment case as the UI sees it (issue 6): the steps of the service
 * the applicant asked for, what has been captured at each, and what is still
 * missing. The core keeps the case as an encrypted draft (app/cases) and
 * answers every call with the whole view, so a reloaded window or a restarted
 * station shows exactly where the technician was.
 *
 * Images are never inline: a view names them by `ImageRef` and the UI fetches
 * the PNG with `cases.image` when it shows one.
 *
 * Shared with the renderer: imports only zod.
 */

/** The steps in the order a desk takes them (DESIGN.md, the path of the data). A service uses a subset. */
export const caseSteps = ['identity', 'demographics', 'consent', 'fingers', 'signature', 'documents', 'review', 'receipt'] as const;
export const CaseStep = z.enum(caseSteps);
export type CaseStep = z.infer<typeof CaseStep>;

/** open: being worked on; paused: put aside (draft kept, encrypted); sealed: in the outbox; cancelled: data wiped, audit kept. */
export const caseStatuses = ['open', 'paused', 'sealed', 'cancelled'] as const;
export const CaseStatus = z.enum(caseStatuses);
export type CaseStatus = z.infer<typeof CaseStatus>;

/** The services of a CLAIM 2G centre (the station config may change steps and checklists, not the ids). */
export const serviceTypeIds = [
  'legalisation',
  'nationality',
  'family-reunification',
  'housing',
  'employment',
  'social-support',
  'voluntary-return',
  'health',
  'education',
  'vocational-training',
  'entrepreneurship',
  'other',
  'digitisation',
] as const;
export const ServiceTypeId = z.enum(serviceTypeIds);
export type ServiceTypeId = z.infer<typeof ServiceTypeId>;

/** A checklist document type: names the packet entry (documents/NN-<type>.<ext>), translated as documents.types.<id>. */
export const DocumentTypeId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and hyphens, at most 40');
export type DocumentTypeId = z.infer<typeof DocumentTypeId>;

/** The paper a page is on, for the quality thresholds (app/quality/document). */
export const PaperKind = z.enum(['a4', 'id1', 'td3']);
export type PaperKind = z.infer<typeof PaperKind>;

export const ChecklistItemView = z.object({
  type: DocumentTypeId,
  required: z.boolean(),
  paper: PaperKind,
  /** Fewest pages that satisfy the item (1 for most; 2 for a card's front and back). */
  minPages: z.number().int().min(1),
});
export type ChecklistItemView = z.infer<typeof ChecklistItemView>;

export const ServiceTypeView = z.object({
  id: ServiceTypeId,
  /** The steps this service takes, in order; always ends with review and receipt. */
  steps: z.array(CaseStep).min(2),
  checklist: z.array(ChecklistItemView),
  /** The packet process (agency-intake.md §3): NEW for an enrolment, DOCUMENTS for digitisation only. */
  process: z.enum(['NEW', 'UPDATE', 'RENEWAL', 'DOCUMENTS']),
});
export type ServiceTypeView = z.infer<typeof ServiceTypeView>;

/** An image held by the case (draft, encrypted); fetched with cases.image. */
export const ImageRef = z.string().regex(/^[a-z0-9-]{1,64}$/);
export type ImageRef = z.infer<typeof ImageRef>;

export const QualityReasonView = z.object({
  /** app/quality/reasons.ts code; the UI translates quality.reasons.<code>. */
  code: z.string(),
  params: z.record(z.string(), z.union([z.number(), z.string()])),
});
export type QualityReasonView = z.infer<typeof QualityReasonView>;

export const QualityView = z.object({
  score: z.number().min(0).max(100),
  passed: z.boolean(),
  reasons: z.array(QualityReasonView),
});
export type QualityView = z.infer<typeof QualityView>;

/** The device a capture came from, as the packet records it. */
export const CaptureDeviceView = z.object({ id: z.string(), make: z.string(), model: z.string(), serial: z.string().nullable() });

/** A signed-in supervisor vouches at the technician's desk: their own username and password, checked and audited. */
export const SupervisorCredentials = z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(256) }).strict();
export type SupervisorCredentials = z.infer<typeof SupervisorCredentials>;

/** ISO/IEC 19794-4 finger positions: 1 right thumb … 5 right little, 6 left thumb … 10 left little. */
export const FingerPosition = z.number().int().min(1).max(10);
export type FingerPosition = z.infer<typeof FingerPosition>;

/**
 * The three slaps of a 4-4-2 capture (SBI 0.9.5 bio.deviceSubId: 1 left slap,
 * 2 right slap, 3 two thumbs; devices.md §5), as ISO/IEC 19794-4 positions.
 */
export const slapNames = ['left', 'right', 'thumbs'] as const;
export const SlapName = z.enum(slapNames);
export type SlapName = z.infer<typeof SlapName>;
export const slapPositions: Record<SlapName, readonly FingerPosition[]> = {
  left: [7, 8, 9, 10],
  right: [2, 3, 4, 5],
  thumbs: [6, 1],
};
/** How the fingers step captures on a reader that takes slaps: 'slap' (4-4-2) or 'single' (one finger at a time). */
export const fingerModes = ['slap', 'single'] as const;
export const FingerMode = z.enum(fingerModes);
export type FingerMode = z.infer<typeof FingerMode>;

export const fingerExceptionReasons = ['amputated', 'bandaged', 'injured', 'unable', 'other'] as const;
export const FingerExceptionReason = z.enum(fingerExceptionReasons);
export type FingerExceptionReason = z.infer<typeof FingerExceptionReason>;

export const FingerSlotView = z.object({
  position: FingerPosition,
  /** pending: nothing accepted yet (attempts may have failed); captured: accepted; exception: recorded as missing. */
  state: z.enum(['pending', 'captured', 'exception']),
  attempts: z.number().int().min(0),
  /** The last attempt's quality (accepted or not); null before the first. */
  quality: QualityView.nullable(),
  /** The last attempt's image (accepted or not). */
  image: ImageRef.nullable(),
  /** The retries are used up and the last attempt failed: force-capture (supervisor) or an exception. */
  needsDecision: z.boolean(),
  /** Accepted below the threshold on this supervisor's authority. */
  forcedBy: z.string().nullable(),
  exception: z.object({ reason: FingerExceptionReason, note: z.string().nullable() }).nullable(),
  /** The accepted image looks like the one at this position: possibly the same finger twice. */
  similarTo: FingerPosition.nullable(),
  device: CaptureDeviceView.nullable(),
  capturedAt: z.string().nullable(),
});
export type FingerSlotView = z.infer<typeof FingerSlotView>;

export const SignatureView = z.object({
  state: z.enum(['pending', 'captured']),
  attempts: z.number().int().min(0),
  quality: QualityView.nullable(),
  image: ImageRef.nullable(),
  device: CaptureDeviceView.nullable(),
  capturedAt: z.string().nullable(),
});
export type SignatureView = z.infer<typeof SignatureView>;

export const PageView = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  /** Checklist type (or 'identity-document' for the identity data page). */
  type: DocumentTypeId,
  image: ImageRef,
  quality: QualityView,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  device: CaptureDeviceView.nullable(),
  scannedAt: z.string(),
});
export type PageView = z.infer<typeof PageView>;

export const MrzView = z.object({
  lines: z.array(z.string()),
  format: z.string().nullable(),
  valid: z.boolean(),
  /** Field → value as read (null where a field is invalid): documentNumber, surname, givenNames, nationality, birthDate (YYYY-MM-DD), sex, expiryDate, issuingState, documentCode. */
  fields: z.record(z.string(), z.string().nullable()),
  source: z.enum(['reader', 'typed']),
  readAt: z.string(),
});
export type MrzView = z.infer<typeof MrzView>;

export const documentStatuses = ['VALID', 'EXPIRED', 'REPORTED_LOST', 'REPORTED_STOLEN', 'REVOKED', 'UNKNOWN'] as const;

/** The agency's answers (agency-intake.md §4, lookups), or why there is none. */
export const VerificationView = z.object({
  at: z.string(),
  identity: z.union([
    z.object({ ok: z.literal(true), match: z.boolean(), personRef: z.string().nullable(), openCases: z.array(z.string()) }),
    z.object({ ok: z.literal(false), error: z.string(), message: z.string() }),
  ]),
  document: z.union([
    z.object({ ok: z.literal(true), status: z.enum(documentStatuses) }),
    z.object({ ok: z.literal(false), error: z.string(), message: z.string() }),
  ]),
});
export type VerificationView = z.infer<typeof VerificationView>;

/** A demographic field whose typed value differs from the MRZ (compared in the MRZ's transliterated form). */
export const MismatchView = z.object({ field: z.string(), typed: z.string(), mrz: z.string() });
export type MismatchView = z.infer<typeof MismatchView>;

export const approvalReasons = ['finger_exception', 'force_capture', 'mrz_mismatch', 'identity_no_match', 'document_not_valid', 'not_verified', 'checklist_incomplete', 'similar_fingers'] as const;
export const ApprovalReason = z.enum(approvalReasons);
export type ApprovalReason = z.infer<typeof ApprovalReason>;

export const CaseView = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,64}$/),
  serviceType: ServiceTypeId,
  status: CaseStatus,
  /** Where the technician is. */
  step: CaseStep,
  /** This service's steps, in order. */
  steps: z.array(CaseStep),
  /** Steps whose content is complete (a step can be revisited and stays complete unless something is removed). */
  completed: z.array(CaseStep),
  applicantLanguage: z.string(),
  operator: z.string(),
  openedAt: z.string(),
  updatedAt: z.string(),
  /** Increases with every change: a window compares it to know it must refresh. */
  revision: z.number().int().min(0),
  identity: z.object({ mrz: MrzView.nullable(), pages: z.array(PageView), verification: VerificationView.nullable() }),
  /** The demographic form as last saved (field → value), per the profile in cases.services. */
  demographics: z.record(z.string(), z.string()),
  /** The transliterated (ICAO 9303 part 3) name as it would appear in an MRZ, next to what was typed. */
  mrzName: z.object({ surname: z.string(), givenNames: z.string() }).nullable(),
  mismatches: z.array(MismatchView),
  consent: z
    .object({ textVersion: z.string(), language: z.string(), givenAt: z.string(), signature: ImageRef.nullable() })
    .nullable(),
  fingers: z.array(FingerSlotView),
  signature: SignatureView,
  documents: z.object({
    pages: z.array(PageView),
    checklist: z.array(ChecklistItemView.extend({ pages: z.number().int().min(0), satisfied: z.boolean() })),
  }),
  approval: z.object({
    required: z.boolean(),
    reasons: z.array(ApprovalReason),
    by: z.string().nullable(),
    at: z.string().nullable(),
  }),
  packet: z.object({ packetId: z.string(), sealedAt: z.string() }).nullable(),
});
export type CaseView = z.infer<typeof CaseView>;

export const CaseSummaryView = z.object({
  id: z.string(),
  serviceType: ServiceTypeId,
  status: CaseStatus,
  step: CaseStep,
  /** Surname and given names as typed or read; null before the identity step. */
  applicantName: z.string().nullable(),
  operator: z.string(),
  openedAt: z.string(),
  updatedAt: z.string(),
});
export type CaseSummaryView = z.infer<typeof CaseSummaryView>;

export const ConsentTextView = z.object({
  version: z.string(),
  language: z.string(),
  title: z.string(),
  paragraphs: z.array(z.string()).min(1),
});
export type ConsentTextView = z.infer<typeof ConsentTextView>;

/** A pen sample for the on-screen ink, in the pad's display area scaled to 0…1 (x right, y down), pressure 0…1. */
export const InkPoint = z.object({ x: z.number(), y: z.number(), p: z.number(), down: z.boolean(), t: z.number() });
export type InkPoint = z.infer<typeof InkPoint>;

/** What a running capture is doing, for the UI's prompt ("place the left index finger", "reading the image"…). */
export const capturePhases = ['waiting', 'reading', 'assessing', 'done', 'failed'] as const;
export const CapturePhase = z.enum(capturePhases);
