import { z } from 'zod';
import {
  CapturePhase,
  CaseStep,
  CaseSummaryView,
  CaseView,
  ConsentTextView,
  DocumentTypeId,
  FingerExceptionReason,
  FingerMode,
  FingerPosition,
  ImageRef,
  InkPoint,
  ServiceTypeId,
  ServiceTypeView,
  SlapName,
  SupervisorCredentials,
} from './cases.js';
import { DemographicsProfileId } from './demographics.js';

/**
 * The one contract between the UI and the station core. Every call is
 * declared here once — name, who may call it, request and response schemas —
 * and every event the core pushes. The preload, the ipcMain adapter, the
 * WebSocket bridge and the in-process transport are all derived from these
 * tables; nothing else defines a channel.
 *
 * This module imports only zod so that the renderer, the preload and the
 * core can all share it.
 */

export const locales = ['pt', 'en', 'uk', 'ru', 'bg', 'cs', 'ar'] as const;
export const Locale = z.enum(locales);
export type Locale = z.infer<typeof Locale>;

export const roles = ['operator', 'supervisor', 'admin'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;

/** Who may call a channel: anyone who can reach the transport, or a signed-in operator of at least this role. */
export type Access = 'public' | Role;

export const Username = z
  .string()
  .trim()
  .min(2)
  .max(32)
  .regex(/^[a-z][a-z0-9._-]*$/, 'lowercase letters, digits, dot, dash or underscore, starting with a letter');
export const DisplayName = z.string().trim().min(1).max(80);
/** Length limits only: the strength rules live in app/auth so that the message can name them. */
export const Password = z.string().min(1).max(256);

export const OperatorView = z.object({
  id: z.number().int().positive(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  language: Locale.nullable(),
  disabled: z.boolean(),
  lockedUntil: z.string().nullable(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});
export type OperatorView = z.infer<typeof OperatorView>;

export const SessionTimes = z.object({
  /** ISO time at which the idle warning is shown. */
  idleWarningAt: z.string(),
  /** ISO time at which the session ends if nothing happens. */
  expiresAt: z.string(),
});
export type SessionTimes = z.infer<typeof SessionTimes>;

export const SessionView = SessionTimes.extend({
  operator: OperatorView.pick({ id: true, username: true, displayName: true, role: true, language: true }),
  startedAt: z.string(),
});
export type SessionView = z.infer<typeof SessionView>;

export const activityIds = ['enrolment', 'digitisation', 'kiosk', 'devices', 'outbox', 'operators', 'audit'] as const;
export const ActivityId = z.enum(activityIds);
export type ActivityId = z.infer<typeof ActivityId>;

export const ActivityView = z.object({
  id: ActivityId,
  /** Lowest role that may open it. */
  minRole: Role,
  /** False while the capability is not part of this build: shown, but not offered. */
  available: z.boolean(),
});
export type ActivityView = z.infer<typeof ActivityView>;

export const StationInfo = z.object({
  product: z.literal('Balcão'),
  version: z.string(),
  centreId: z.string(),
  stationId: z.string(),
  stationName: z.string(),
  mode: z.enum(['desk', 'kiosk', 'digitisation']),
  demo: z.boolean(),
  /** Only on a demo station: the seeded accounts and their shared password, for the login screen to show. */
  demoLogin: z
    .object({ password: z.string(), accounts: z.array(z.object({ username: z.string(), role: Role })) })
    .nullable(),
  /** True until the first admin account exists. */
  firstRun: z.boolean(),
  languages: z.array(Locale).min(1),
  defaultLanguage: Locale,
  idle: z.object({ warningSeconds: z.number().int().positive(), logoutSeconds: z.number().int().positive() }),
  passwordMinLength: z.number().int().positive(),
  session: SessionView.nullable(),
  activities: z.array(ActivityView),
});
export type StationInfo = z.infer<typeof StationInfo>;

export const AuditEntryView = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  type: z.string(),
  actor: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

/** Statuses the device manager reports (DESIGN.md "Devices"). */
export const deviceStatuses = ['ready', 'busy', 'disconnected', 'not_approved', 'error'] as const;
export const DeviceStatus = z.enum(deviceStatuses);
export type DeviceStatus = z.infer<typeof DeviceStatus>;

export const deviceKinds = ['fingerprint', 'signature', 'mrz', 'scanner', 'biometric-service'] as const;
export const DeviceKindName = z.enum(deviceKinds);

export const DeviceView = z.object({
  /** Stable: from the config, from the simulator ('sim-ef01'), or derived from the family and address. */
  id: z.string(),
  family: z.string(),
  kind: DeviceKindName,
  make: z.string(),
  model: z.string(),
  /** As the device reports it; null for devices that cannot (then `reportsSerial` is false). */
  serial: z.string().nullable(),
  firmware: z.string().nullable(),
  address: z.string(),
  /** False: approvals of this device match on make + model + address, because it cannot report a serial number. */
  reportsSerial: z.boolean(),
  simulated: z.boolean(),
  status: DeviceStatus,
  /** The last error sentence (English, from the driver) for 'error' and 'disconnected'; null otherwise. */
  statusDetail: z.string().nullable(),
  approved: z.boolean(),
  /** 'agency' (signed list), 'admin:<username>' (approved at this station), or null. */
  approvedBy: z.string().nullable(),
  /** Last time the device answered (ISO), or null if it never did. */
  lastSeenAt: z.string().nullable(),
  /** A fingerprint reader that takes a whole slap (four fingers, or two thumbs) in one capture (the SBI family); absent or false: one finger at a time. */
  slaps: z.boolean().optional(),
});
export type DeviceView = z.infer<typeof DeviceView>;

/** A serial port whose USB id is a generic USB–serial bridge: it may be a reader, but nothing says which. */
export const DeviceCandidateView = z.object({
  address: z.string(),
  vendorId: z.string(),
  productId: z.string(),
  /** The bridge chip, e.g. 'Silicon Labs CP210x'. */
  bridge: z.string(),
  manufacturer: z.string().nullable(),
  serialNumber: z.string().nullable(),
});
export type DeviceCandidateView = z.infer<typeof DeviceCandidateView>;

export const ApprovedListView = z.object({
  /** none: no file configured; ok: verified and in use; error: not trusted (see error). */
  state: z.enum(['none', 'ok', 'error']),
  file: z.string().nullable(),
  issuedAt: z.string().nullable(),
  entries: z.number().int().nonnegative(),
  error: z
    .object({ reason: z.enum(['unreadable', 'bad_signature', 'bad_format', 'bad_key']), message: z.string() })
    .nullable(),
});
export type ApprovedListView = z.infer<typeof ApprovedListView>;

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const ImageResult = {
  /** PNG, base64 (no data: prefix), for the UI to show. */
  png: Base64,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  ppi: z.number().positive(),
  ms: z.number().nonnegative(),
};

/** What a test capture shows the technician. */
export const TestCaptureResult = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fingerprint'), ...ImageResult }),
  z.object({ kind: z.literal('signature'), ...ImageResult }),
  z.object({ kind: z.literal('page'), ...ImageResult }),
  z.object({
    kind: z.literal('mrz'),
    lines: z.array(z.string()),
    valid: z.boolean(),
    format: z.string().nullable(),
    /** Field name → value as the `mrz` package reads it (null where invalid). */
    fields: z.record(z.string(), z.string().nullable()),
    ms: z.number().nonnegative(),
  }),
]);
export type TestCaptureResult = z.infer<typeof TestCaptureResult>;

export const DeviceId = z.string().min(1).max(128);

/** Outbox states (app/outbox): sealed → uploading → acknowledged → purged, or rejected (kept for a supervisor). */
export const outboxStates = ['sealed', 'uploading', 'acknowledged', 'purged', 'rejected'] as const;
export const OutboxStateName = z.enum(outboxStates);
export const PacketId = z.string().regex(/^\d{29}$/, 'a packet id is 29 digits');

/** One queued packet as the supervisor's queue screen shows it (no file path, no personal data: the packet is sealed). */
export const OutboxEntryView = z.object({
  packetId: PacketId,
  state: OutboxStateName,
  size: z.number().int().nonnegative(),
  attempts: z.number().int().nonnegative(),
  /** Why it is not moving: `code` is translated (outbox.errors.<code>); `message` is the English sentence. */
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** Next try (or, once acknowledged, the purge); null = not scheduled. */
  nextAttemptAt: z.string().nullable(),
  /** Sealed or uploading but not scheduled: a supervisor must act (corrupt or missing file). */
  held: z.boolean(),
  /** Every byte is at the agency; waiting for its receipt. */
  uploaded: z.boolean(),
  bytesSent: z.number().int().nonnegative(),
  /** The agency's reasons from a REJECTED receipt. */
  reasons: z.array(z.string()),
  enqueuedAt: z.string(),
  updatedAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  rejectedAt: z.string().nullable(),
  purgedAt: z.string().nullable(),
});
export type OutboxEntryView = z.infer<typeof OutboxEntryView>;

export const OutboxListView = z.object({
  entries: z.array(OutboxEntryView),
  counts: z.record(OutboxStateName, z.number().int().nonnegative()),
  held: z.number().int().nonnegative(),
});
export type OutboxListView = z.infer<typeof OutboxListView>;


const Empty = z.object({}).strict();
const CaseRef = z.object({ caseId: z.string().regex(/^[a-z0-9-]{1,64}$/) }).strict();
const Ok = z.object({ ok: z.literal(true) });

interface ChannelSpec<Req extends z.ZodType, Res extends z.ZodType> {
  access: Access;
  request: Req;
  response: Res;
}

function channel<Req extends z.ZodType, Res extends z.ZodType>(spec: ChannelSpec<Req, Res>): ChannelSpec<Req, Res> {
  return spec;
}

export const channels = {
  'station.info': channel({ access: 'public', request: Empty, response: StationInfo }),

  'auth.createFirstAdmin': channel({
    access: 'public',
    request: z.object({ username: Username, displayName: DisplayName, password: Password }).strict(),
    response: SessionView,
  }),
  'auth.login': channel({
    access: 'public',
    request: z.object({ username: z.string().trim().min(1).max(64), password: Password }).strict(),
    response: SessionView,
  }),
  'auth.logout': channel({ access: 'operator', request: Empty, response: Ok }),

  /** The renderer reports that a person is using the station (throttled); the core restarts the idle clock. */
  'session.activity': channel({ access: 'operator', request: Empty, response: SessionTimes }),
  'session.setLanguage': channel({
    access: 'operator',
    request: z.object({ language: Locale }).strict(),
    response: SessionView,
  }),

  'operators.list': channel({ access: 'admin', request: Empty, response: z.array(OperatorView) }),
  'operators.create': channel({
    access: 'admin',
    request: z.object({ username: Username, displayName: DisplayName, role: Role, password: Password }).strict(),
    response: OperatorView,
  }),
  'operators.setDisabled': channel({
    access: 'admin',
    request: z.object({ id: z.number().int().positive(), disabled: z.boolean() }).strict(),
    response: OperatorView,
  }),
  'operators.resetPassword': channel({
    access: 'admin',
    request: z.object({ id: z.number().int().positive(), password: Password }).strict(),
    response: OperatorView,
  }),

  'devices.list': channel({
    access: 'operator',
    request: Empty,
    response: z.object({ devices: z.array(DeviceView), approvedList: ApprovedListView, candidates: z.array(DeviceCandidateView) }),
  }),
  /** One capture from a ready, approved device, shown and then dropped: nothing is stored. */
  'devices.testCapture': channel({ access: 'operator', request: z.object({ id: DeviceId }).strict(), response: TestCaptureResult }),
  /** The admin re-enters their password: approval is what lets a device's data into an application. */
  'devices.approve': channel({ access: 'admin', request: z.object({ id: DeviceId, password: Password }).strict(), response: DeviceView }),
  'devices.revoke': channel({ access: 'admin', request: z.object({ id: DeviceId, password: Password }).strict(), response: DeviceView }),
  /** Discovery again, and the agency's approved list read again. */
  'devices.rescan': channel({ access: 'operator', request: Empty, response: z.object({ devices: z.array(DeviceView), approvedList: ApprovedListView, candidates: z.array(DeviceCandidateView) }) }),

  'audit.recent': channel({
    access: 'supervisor',
    request: z.object({ limit: z.number().int().min(1).max(500) }).strict(),
    response: z.object({
      entries: z.array(AuditEntryView),
      chain: z.object({ ok: z.boolean(), checked: z.number().int(), brokenAt: z.number().int().nullable() }),
    }),
  }),

  /** The outbox for supervisors: every entry with its state, attempts, last error, next try, and rejection reasons. */
  'outbox.list': channel({ access: 'supervisor', request: Empty, response: OutboxListView }),
  /** "Retry now": makes a waiting or held entry due at once (never before the agency's Retry-After). */
  'outbox.retry': channel({ access: 'supervisor', request: z.object({ packetId: PacketId }).strict(), response: OutboxEntryView }),
  /** The services this station offers, their steps and checklists, and the demographic form's profile. */
  'cases.services': channel({
    access: 'operator',
    request: Empty,
    response: z.object({
      services: z.array(ServiceTypeView),
      demographicsProfile: DemographicsProfileId,
      maxFingerAttempts: z.number().int().min(1),
      /** How the fingers step starts on a reader that takes slaps (config cases.fingerMode); the technician may switch. */
      fingerMode: FingerMode,
      /** After a poor finger capture, the screen starts the next attempt by itself after this many ms (config cases.fingerAutoRetryMs); 0 = never. */
      fingerAutoRetryMs: z.number().int().min(0),
    }),
  }),
  /** Cases not yet sealed or cancelled at this station (open and paused), newest first. */
  'cases.list': channel({ access: 'operator', request: Empty, response: z.object({ cases: z.array(CaseSummaryView) }) }),
  'cases.start': channel({ access: 'operator', request: z.object({ serviceType: ServiceTypeId, applicantLanguage: Locale }).strict(), response: CaseView }),
  'cases.get': channel({ access: 'operator', request: CaseRef, response: CaseView }),
  /** Put the case aside: its draft stays encrypted on disk until resumed. */
  'cases.pause': channel({ access: 'operator', request: CaseRef, response: Ok }),
  'cases.resume': channel({ access: 'operator', request: CaseRef, response: CaseView }),
  /** Captured data wiped; the audit entry (who, when, why) kept. */
  'cases.cancel': channel({ access: 'operator', request: CaseRef.extend({ reason: z.string().trim().min(1).max(200) }).strict(), response: Ok }),
  /** Go to a step of the service (back to any step; forward only past complete ones). */
  'cases.goto': channel({ access: 'operator', request: CaseRef.extend({ step: CaseStep }).strict(), response: CaseView }),
  /** Mark the current step complete (refused with case.step_incomplete naming what is missing) and go to the next. */
  'cases.next': channel({ access: 'operator', request: CaseRef, response: CaseView }),
  'cases.setApplicantLanguage': channel({ access: 'operator', request: CaseRef.extend({ language: Locale }).strict(), response: CaseView }),

  /** Read the MRZ from a reader (the first ready approved one unless named) and prefill the demographics. */
  'cases.readMrz': channel({ access: 'operator', request: CaseRef.extend({ deviceId: DeviceId.optional() }).strict(), response: CaseView }),
  /** The MRZ as typed by the technician (a reader failed or there is none). */
  'cases.enterMrz': channel({ access: 'operator', request: CaseRef.extend({ lines: z.array(z.string().max(44)).min(2).max(3) }).strict(), response: CaseView }),
  /** Scan the identity document's data page (scanner; 'id1' card or 'td3' passport page). */
  'cases.scanIdentityPage': channel({ access: 'operator', request: CaseRef.extend({ paper: z.enum(['id1', 'td3']), deviceId: DeviceId.optional() }).strict(), response: CaseView }),
  /** Ask the agency: identity verify and document status (agency-intake.md §4); both calls audited. */
  'cases.verify': channel({ access: 'operator', request: CaseRef, response: CaseView }),
  /** Save the form as typed (partial is fine); values that do not parse yet are kept and reported by cases.next. */
  'cases.setDemographics': channel({ access: 'operator', request: CaseRef.extend({ values: z.record(z.string().max(40), z.string().max(500)) }).strict(), response: CaseView }),

  'cases.consentText': channel({ access: 'operator', request: z.object({ language: Locale }).strict(), response: ConsentTextView }),
  /** Show the consent on the pad and take the applicant's signature as confirmation (ink as capture.ink events). */
  'cases.captureConsent': channel({ access: 'operator', request: CaseRef.extend({ language: Locale, deviceId: DeviceId.optional() }).strict(), response: CaseView }),

  /** One attempt at a finger (preview as capture.preview events); the quality decides accept or retry. */
  'cases.captureFinger': channel({ access: 'operator', request: CaseRef.extend({ position: FingerPosition, deviceId: DeviceId.optional() }).strict(), response: CaseView }),
  /**
   * One slap (4-4-2: the left four, the right four, the two thumbs) in one
   * capture, on a reader that takes slaps (DeviceView.slaps; else
   * case.slap_unsupported). The fingers recorded as exceptions are left out
   * (the device is told); `positions` asks for only some of the slap's
   * fingers (a retry of those that failed; default all but the exceptions).
   * Each finger's slot takes its result as cases.captureFinger would (an
   * attempt counted per finger, the quality decides accept, retry or a
   * decision; the same-finger check). A finger the device did not return
   * stays as it was. Preview as capture.preview events with `slap` set.
   */
  'cases.captureSlap': channel({
    access: 'operator',
    request: CaseRef.extend({ slap: SlapName, positions: z.array(FingerPosition).min(1).max(4).optional(), deviceId: DeviceId.optional() }).strict(),
    response: CaseView,
  }),
  'cases.fingerException': channel({
    access: 'operator',
    request: CaseRef.extend({ position: FingerPosition, reason: FingerExceptionReason, note: z.string().trim().max(200).optional() }).strict(),
    response: CaseView,
  }),
  /** Back to pending: the finger is captured again (its attempts are kept). */
  'cases.clearFinger': channel({ access: 'operator', request: CaseRef.extend({ position: FingerPosition }).strict(), response: CaseView }),
  /** Accept the last attempt below the threshold after the last retry: a supervisor's credentials, audited. */
  'cases.forceFinger': channel({ access: 'operator', request: CaseRef.extend({ position: FingerPosition, supervisor: SupervisorCredentials }).strict(), response: CaseView }),

  /** The signature on the pad: prompt shown, ink as capture.ink events, ends on accept (pad or screen). */
  'cases.captureSignature': channel({ access: 'operator', request: CaseRef.extend({ deviceId: DeviceId.optional() }).strict(), response: CaseView }),
  /** The on-screen buttons of a running pad capture (consent or signature). */
  'cases.signatureAction': channel({ access: 'operator', request: CaseRef.extend({ action: z.enum(['accept', 'clear', 'cancel']) }).strict(), response: Ok }),

  'cases.scanDocument': channel({ access: 'operator', request: CaseRef.extend({ type: DocumentTypeId, deviceId: DeviceId.optional() }).strict(), response: CaseView }),
  'cases.rescanPage': channel({ access: 'operator', request: CaseRef.extend({ pageId: z.string().max(64), deviceId: DeviceId.optional() }).strict(), response: CaseView }),
  'cases.deletePage': channel({ access: 'operator', request: CaseRef.extend({ pageId: z.string().max(64) }).strict(), response: CaseView }),
  'cases.setPageType': channel({ access: 'operator', request: CaseRef.extend({ pageId: z.string().max(64), type: DocumentTypeId }).strict(), response: CaseView }),

  /** A case image (finger, signature, page) as PNG, for the screen only. */
  'cases.image': channel({
    access: 'operator',
    request: CaseRef.extend({ ref: ImageRef }).strict(),
    response: z.object({ png: Base64, width: z.number().int().positive(), height: z.number().int().positive() }),
  }),
  /** A supervisor approves exceptions, force-captures and mismatches at the desk (credentials checked and audited). */
  'cases.approve': channel({ access: 'operator', request: CaseRef.extend({ supervisor: SupervisorCredentials }).strict(), response: CaseView }),
  /** Seal into the outbox (refused while approval is missing or a required step is incomplete). */
  'cases.seal': channel({ access: 'operator', request: CaseRef, response: CaseView }),
  /** The acknowledgement receipt (PDF) for a sealed case. */
  'cases.receipt': channel({ access: 'operator', request: CaseRef, response: z.object({ fileName: z.string(), pdf: Base64 }) }),
} as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
export const channelNames = Object.keys(channels) as ChannelName[];
export type RequestOf<C extends ChannelName> = z.input<Channels[C]['request']>;
export type ParsedRequestOf<C extends ChannelName> = z.output<Channels[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.output<Channels[C]['response']>;

export const events = {
  /** The signed-in operator changed: login, logout, idle logout, account disabled. */
  'session.changed': z.object({
    session: SessionView.nullable(),
    reason: z.enum(['login', 'logout', 'idle', 'disabled', 'language']),
  }),
  /** The idle logout is near: the UI shows a warning with a countdown. */
  'session.idleWarning': z.object({ expiresAt: z.string(), secondsLeft: z.number().int().nonnegative() }),
  /** A device appeared, or its status, identity or approval changed: the whole device, as devices.list gives it. */
  'devices.changed': DeviceView,
  /** An outbox entry changed state, was tried, failed or was retried: the whole entry, as outbox.list gives it. */
  'outbox.changed': OutboxEntryView,
  /** A case changed (another window, a capture finishing): refetch with cases.get if it is the one shown. */
  'cases.changed': z.object({ caseId: z.string(), revision: z.number().int(), status: z.string(), step: CaseStep }),
  /** A live frame from a fingerprint capture in progress (PNG, base64), and what the capture is doing. */
  'capture.preview': z.object({
    caseId: z.string(),
    /** The finger being captured; for a slap, the first finger asked for. */
    position: FingerPosition,
    /** Set when the capture is a whole slap (cases.captureSlap): the frames show the slap. */
    slap: SlapName.optional(),
    seq: z.number().int().min(0),
    phase: CapturePhase,
    frame: z.object({ png: Base64, width: z.number().int().positive(), height: z.number().int().positive() }).nullable(),
  }),
  /** Pen samples as the applicant writes (consent or signature); `clear` wipes the screen first. */
  'capture.ink': z.object({ caseId: z.string(), purpose: z.enum(['consent', 'signature']), seq: z.number().int().min(0), clear: z.boolean(), points: z.array(InkPoint) }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export const eventNames = Object.keys(events) as EventName[];
export type EventOf<E extends EventName> = z.output<Events[E]>;

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}
