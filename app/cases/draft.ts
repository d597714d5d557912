/**
 * The content of a case while it is being worked on: everything the desk
 * captured, as one JSON document kept encrypted in the vault (kind
 * `case-draft`, id = case id), and the images and pixels beside it as
 * encrypted blobs (kind `case-blob`, id `<caseId>:<ref>`). Nothing of it is
 * ever in clear on disk (app/cases/store.ts).
 *
 * The schema is the boundary of the vault: the draft is read back from disk.
 */
import { z } from 'zod';
import {
  CaseStep,
  FingerExceptionReason,
  MrzView,
  QualityReasonView,
  ServiceTypeId,
  VerificationView,
  type FingerPosition,
} from '../contract/cases.js';

export const DRAFT_VERSION = 1;

export const DeviceRecord = z.object({
  id: z.string(),
  make: z.string(),
  model: z.string(),
  serial: z.string().nullable(),
  firmware: z.string().nullable(),
  approvedDeviceId: z.string().nullable(),
});
export type DeviceRecord = z.infer<typeof DeviceRecord>;

export const StoredQuality = z.object({
  score: z.number(),
  passed: z.boolean(),
  reasons: z.array(QualityReasonView),
  measures: z.record(z.string(), z.number()),
});
export type StoredQuality = z.infer<typeof StoredQuality>;

/** An image the screen may fetch: PNG bytes in blob `<caseId>:<ref>`. */
export const ImageMeta = z.object({ width: z.number().int().positive(), height: z.number().int().positive() });

export const FingerSlot = z.object({
  position: z.number().int().min(1).max(10),
  state: z.enum(['pending', 'captured', 'exception']),
  /** Every attempt at this finger (shown; recorded in the packet). */
  attempts: z.number().int().min(0),
  /** Attempts since the finger was last cleared: what the retry rule counts (decide() in app/quality/assess.ts). */
  roundAttempts: z.number().int().min(0),
  quality: StoredQuality.nullable(),
  /** The last attempt's PNG (blob `<ref>`) and its 8-bit grey pixels (blob `<ref>-raw`). */
  image: z.string().nullable(),
  raw: z.object({ width: z.number().int(), height: z.number().int(), ppi: z.number().int() }).nullable(),
  needsDecision: z.boolean(),
  forcedBy: z.string().nullable(),
  exception: z.object({ reason: FingerExceptionReason, note: z.string().nullable() }).nullable(),
  similarTo: z.number().int().min(1).max(10).nullable(),
  device: DeviceRecord.nullable(),
  capturedAt: z.string().nullable(),
});
export type FingerSlot = z.infer<typeof FingerSlot>;

export const PenSampleRecord = z.object({ t: z.number(), sequence: z.number().nullable(), rdy: z.boolean(), sw: z.number(), pressure: z.number(), x: z.number(), y: z.number() });
export const TabletRecord = z.object({ maxX: z.number(), maxY: z.number(), maxPressure: z.number(), unitsPerInch: z.number().optional() });

export const SignatureRecord = z.object({
  state: z.enum(['pending', 'captured']),
  attempts: z.number().int().min(0),
  quality: StoredQuality.nullable(),
  image: z.string().nullable(),
  device: DeviceRecord.nullable(),
  capturedAt: z.string().nullable(),
  /** The pen time series of the accepted (or last) signature: what the packet's ISO/IEC 19794-7 record is made from. */
  samples: z.array(PenSampleRecord),
  tablet: TabletRecord.nullable(),
});
export type SignatureRecord = z.infer<typeof SignatureRecord>;

export const PageRecord = z.object({
  id: z.string(),
  type: z.string(),
  paper: z.enum(['a4', 'id1', 'td3']),
  /** Screen preview PNG (blob `<image>`); the packet's bytes are in blob `<id>-bytes`. */
  image: z.string(),
  mediaType: z.enum(['image/png', 'image/jpeg']),
  quality: StoredQuality,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  device: DeviceRecord.nullable(),
  scannedAt: z.string(),
});
export type PageRecord = z.infer<typeof PageRecord>;

export const ConsentRecord = z.object({
  textVersion: z.string(),
  language: z.string(),
  givenAt: z.string(),
  signature: z.string().nullable(),
  device: DeviceRecord.nullable(),
});

export const CaseAuditRecord = z.object({
  at: z.string(),
  type: z.string(),
  actor: z.string().nullable(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type CaseAuditRecord = z.infer<typeof CaseAuditRecord>;

/** What the receipt needs once the packet is sealed (everything else is wiped). */
export const ReceiptRecord = z.object({
  registrationId: z.string(),
  serviceType: z.string(),
  applicant: z.object({ surname: z.string(), givenNames: z.string(), birthDate: z.string(), nationality: z.string(), documentNumber: z.string().nullable() }),
  sealedAt: z.string(),
  operator: z.string(),
  summary: z.object({ fingersCaptured: z.number().int(), fingerExceptions: z.number().int(), signature: z.boolean(), documentPages: z.number().int(), documents: z.array(z.string()) }),
  applicantLanguage: z.string(),
});
export type ReceiptRecord = z.infer<typeof ReceiptRecord>;

export const CaseDraft = z.object({
  version: z.literal(DRAFT_VERSION),
  id: z.string(),
  serviceType: ServiceTypeId,
  /** The service's steps when the case was opened: a config change does not move a case under way. */
  steps: z.array(CaseStep),
  /** The case machine's persisted snapshot (app/cases/machine.ts). */
  machine: z.unknown(),
  applicantLanguage: z.string(),
  operator: z.string(),
  openedAt: z.string(),
  updatedAt: z.string(),
  revision: z.number().int().min(0),
  mrz: MrzView.nullable(),
  mrzDevice: DeviceRecord.nullable(),
  identityPages: z.array(PageRecord),
  verification: VerificationView.nullable(),
  demographics: z.record(z.string(), z.string()),
  consent: ConsentRecord.nullable(),
  fingers: z.array(FingerSlot),
  signature: SignatureRecord,
  documents: z.array(PageRecord),
  /** Set by cases.approve: who, when, and the reasons they saw (a new reason needs a new approval). */
  approval: z.object({ by: z.string(), at: z.string(), reasons: z.array(z.string()) }).nullable(),
  images: z.record(z.string(), ImageMeta),
  /** This case's audit events (also in the station's log), for the packet's audit.json. */
  audit: z.array(CaseAuditRecord),
  packet: z.object({ packetId: z.string(), sealedAt: z.string() }).nullable(),
  receipt: ReceiptRecord.nullable(),
  /** A counter for new image and page refs. */
  nextRef: z.number().int().min(0),
});
export type CaseDraft = z.infer<typeof CaseDraft>;

export function emptyFinger(position: FingerPosition): FingerSlot {
  return {
    position,
    state: 'pending',
    attempts: 0,
    roundAttempts: 0,
    quality: null,
    image: null,
    raw: null,
    needsDecision: false,
    forcedBy: null,
    exception: null,
    similarTo: null,
    device: null,
    capturedAt: null,
  };
}

export function emptySignature(): SignatureRecord {
  return { state: 'pending', attempts: 0, quality: null, image: null, device: null, capturedAt: null, samples: [], tablet: null };
}
