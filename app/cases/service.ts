/**
 * The enrolment case service behind every `cases.*` channel
 * (app/contract/channels.ts; docs/enrolment.md).
 *
 * Each call loads the case's encrypted draft (app/cases/store.ts), restores
 * its state machine (app/cases/machine.ts), applies the change, checks the
 * rules (app/cases/rules.ts), and saves the draft and the machine's snapshot
 * before it answers with the whole CaseView; then `cases.changed` goes out.
 * Calls on one case are serialised (a per-case queue); device captures run
 * outside that queue (one at a time per case: `case.capture_running`) and
 * are applied to the draft as read again after the capture.
 *
 * Audit: every step completed, lookup, exception, force-capture, approval,
 * seal and cancel is appended to the station's audit log with ids, codes and
 * counts only — never a name, a document number or an image.
 */
import { randomBytes } from 'node:crypto';
import type { StationConfig } from '../config/schema.js';
import type { Db } from '../storage/database.js';
import type { Vault } from '../vault/index.js';
import type { AuditLog } from '../audit/log.js';
import type { EventHub } from '../contract/event-hub.js';
import type { DeviceManager } from '../devices/manager.js';
import { deviceErrorToContract } from '../devices/manager.js';
import type { Outbox } from '../outbox/outbox.js';
import type { Logger } from '../log/logger.js';
import { ContractError } from '../contract/errors.js';
import type { Locale } from '../contract/channels.js';
import { demographicsProfiles, type DemographicsProfileId } from '../contract/demographics.js';
import {
  type CaseStep,
  type CaseSummaryView,
  type CaseView,
  type ConsentTextView,
  type FingerExceptionReason,
  type FingerMode,
  type MrzView,
  type PageView,
  type QualityView,
  type ServiceTypeId,
  type ServiceTypeView,
  type SlapName,
  type SupervisorCredentials,
  type VerificationView,
  slapPositions,
} from '../contract/cases.js';
import type { GreyImage } from '../../drivers/capture.js';
import { decide, type QualityResult } from '../quality/assess.js';
import { loadSealKeys, type SealKeys } from '../packets/keys.js';
import { sealPacket } from '../packets/seal.js';
import { defaultPacketDir } from '../packets/paths.js';
import { PacketInputError } from '../packets/schema.js';
import { AgencyLookupError, AgencyLookups } from '../agency/lookups.js';
import * as realCapture from './capture/index.js';
import type { CaptureDeps, CaptureDevice, CaptureStage, MrzParse, PadCapture, PadCaptureResult, PageScanResult } from './capture/index.js';
import { CaseMachine } from './machine.js';
import { CaseStore } from './store.js';
import { DRAFT_VERSION, emptyFinger, emptySignature, type CaseDraft, type DeviceRecord, type FingerSlot, type PageRecord, type StoredQuality } from './draft.js';
import { resolveServices, serviceView, type ServiceDefinition } from './services.js';
import { approvalCovers, approvalReasons, checklistState, completeSteps, FINGER_POSITIONS, mismatches, prefillFromMrz, stepMissing } from './rules.js';
import { consentPadPrompt, consentText, knownConsentVersion, signaturePadPrompt } from './consent.js';
import { buildPacketInput, PacketBuildError } from './packet.js';
import { mrzNameForDisplay, nameLanguageFor } from './transliterate.js';

// The receipt PDF (pdfkit, qrcode: ~0.5 s to load) is imported when the first receipt is printed, not at station start.
const loadReceipts = () => import('../receipts/index.js');

export interface CaseOperator {
  username: string;
  language: Locale | null;
}

export interface CaseServiceOptions {
  config: StationConfig;
  db: Db;
  vault: Vault;
  audit: AuditLog;
  hub: EventHub;
  devices: DeviceManager;
  outbox: Outbox;
  /** The signed-in operator (the dispatcher already refused anyone not signed in). */
  currentOperator(): CaseOperator | null;
  /** Checks a supervisor's own credentials (AuthService.verifySupervisor): answers their username or throws a ContractError. */
  verifySupervisor(username: string, password: string, purpose: string): Promise<{ username: string }>;
  /** The capture stage (default: app/cases/capture); tests inject one. */
  capture?: CaptureStage;
  /** fingerSimilarity at or above this warns of the same finger twice (default: the capture stage's SIMILAR_FINGER_THRESHOLD). */
  similarFingerThreshold?: number;
  lookups?: AgencyLookups;
  log?: Logger;
  now?: () => Date;
}

type Mutation = { draft: CaseDraft; machine: CaseMachine };

const toQuality = (q: QualityResult): StoredQuality => ({
  score: Math.max(0, Math.min(100, q.score)),
  passed: q.passed,
  reasons: q.reasons.map((r) => ({ code: r.code, params: { ...r.params } })),
  measures: { ...q.measures },
});
const qualityView = (q: StoredQuality): QualityView => ({ score: q.score, passed: q.passed, reasons: q.reasons });
const deviceRecord = (d: CaptureDevice): DeviceRecord => ({ id: d.id, make: d.make, model: d.model, serial: d.serial, firmware: d.firmware, approvedDeviceId: d.approvedDeviceId });
const deviceView = (d: DeviceRecord | null) => (d === null ? null : { id: d.id, make: d.make, model: d.model, serial: d.serial });

/** Form values that are sent to the agency as a document type (device-simulators/agency/lookups.ts knows these spellings). */
const agencyDocumentType: Record<string, string> = { passport: 'PASSPORT', 'identity-card': 'ID-CARD', 'residence-permit': 'RESIDENCE-PERMIT', 'travel-document': 'PASSPORT' };

export class CaseService {
  readonly #o: CaseServiceOptions;
  readonly #store: CaseStore;
  readonly #capture: CaptureStage;
  readonly #threshold: number;
  readonly #lookups: AgencyLookups;
  readonly #services: Map<ServiceTypeId, ServiceDefinition>;
  readonly #profile: DemographicsProfileId;
  readonly #now: () => Date;
  readonly #queues = new Map<string, Promise<unknown>>();
  readonly #capturing = new Set<string>();
  readonly #pads = new Map<string, PadCapture>();
  readonly #aborts = new Set<AbortController>();
  #keys: SealKeys | null = null;
  #closed = false;

  constructor(options: CaseServiceOptions) {
    this.#o = options;
    this.#store = new CaseStore(options.db, options.vault);
    this.#capture = options.capture ?? realCapture.captureStage;
    this.#threshold = options.similarFingerThreshold ?? realCapture.SIMILAR_FINGER_THRESHOLD;
    this.#now = options.now ?? (() => new Date());
    const cases = options.config.cases;
    this.#lookups =
      options.lookups ?? new AgencyLookups({ url: options.config.agency.url, token: options.config.agency.token, timeoutMs: cases.lookupTimeoutMs, audit: options.audit });
    this.#services = new Map(resolveServices(cases, options.config.mode).map((s) => [s.id, s]));
    this.#profile = cases.demographicsProfile;
    if (!knownConsentVersion(cases.consentVersion)) throw new Error(`cases.consentVersion ${cases.consentVersion} has no text in app/cases/consent.ts.`);
  }

  /** Stops running captures (their calls fail with device.cancelled); the drafts are already saved. */
  close(): void {
    this.#closed = true;
    for (const pad of this.#pads.values()) pad.cancel();
    for (const controller of this.#aborts) controller.abort();
  }

  // ── Catalogue and lists ────────────────────────────────────────────────

  services(): { services: ServiceTypeView[]; demographicsProfile: DemographicsProfileId; maxFingerAttempts: number; fingerMode: FingerMode; fingerAutoRetryMs: number } {
    return {
      services: [...this.#services.values()].map(serviceView),
      demographicsProfile: this.#profile,
      maxFingerAttempts: this.#o.config.quality.maxAttempts,
      fingerMode: this.#o.config.cases.fingerMode,
      fingerAutoRetryMs: this.#o.config.cases.fingerAutoRetryMs,
    };
  }

  list(): { cases: CaseSummaryView[] } {
    const cases: CaseSummaryView[] = [];
    for (const row of this.#store.unfinished()) {
      let name: string | null = null;
      try {
        const draft = this.#store.draft(row.id);
        const d = draft?.demographics ?? {};
        const joined = [d.surname, d.givenNames].filter((s) => typeof s === 'string' && s.trim() !== '').join(', ');
        name = joined === '' ? null : joined;
      } catch (error) {
        this.#o.log?.warn('cases: a draft could not be read for the list', { caseId: row.id, error: (error as Error).message });
      }
      cases.push({ id: row.id, serviceType: row.service, status: row.status, step: row.step, applicantName: name, operator: row.operator, openedAt: row.opened_at, updatedAt: row.updated_at });
    }
    return { cases };
  }

  // ── Life cycle ─────────────────────────────────────────────────────────

  start(serviceType: ServiceTypeId, applicantLanguage: Locale): CaseView {
    const service = this.#services.get(serviceType);
    if (service === undefined) throw new ContractError('case.step_not_in_service', `This station does not offer the service ${serviceType}.`, { serviceType });
    const operator = this.#operator();
    const at = this.#now().toISOString();
    const id = `c${at.slice(0, 10).replace(/-/g, '')}-${randomBytes(6).toString('hex')}`;
    const machine = CaseMachine.create(service.steps);
    const draft: CaseDraft = {
      version: DRAFT_VERSION,
      id,
      serviceType,
      steps: [...service.steps],
      machine: machine.persisted(),
      applicantLanguage,
      operator,
      openedAt: at,
      updatedAt: at,
      revision: 0,
      mrz: null,
      mrzDevice: null,
      identityPages: [],
      verification: null,
      demographics: {},
      consent: null,
      fingers: FINGER_POSITIONS.map((p) => emptyFinger(p)),
      signature: emptySignature(),
      documents: [],
      approval: null,
      images: {},
      audit: [],
      packet: null,
      receipt: null,
      nextRef: 1,
    };
    this.#auditCase(draft, 'case.started', { serviceType, process: service.process });
    return this.#commit({ draft, machine });
  }

  get(caseId: string): CaseView {
    const { draft, machine } = this.#load(caseId);
    return this.#view(draft, machine);
  }

  pause(caseId: string): Promise<{ ok: true }> {
    return this.#mutate(caseId, ({ draft, machine }) => {
      if (machine.describe().status === 'paused') return;
      machine.send({ type: 'PAUSE' });
      this.#auditCase(draft, 'case.paused', { step: machine.describe().step });
    }).then(() => ({ ok: true as const }));
  }

  resume(caseId: string): Promise<CaseView> {
    return this.#mutate(
      caseId,
      ({ draft, machine }) => {
        if (machine.describe().status === 'open') return;
        machine.send({ type: 'RESUME' });
        this.#auditCase(draft, 'case.resumed', { step: machine.describe().step });
      },
      ['open', 'paused'],
    );
  }

  /** Wipes the draft and every image; the row stays as 'cancelled' and the audit log says who, when and why. */
  cancel(caseId: string, reason: string): Promise<{ ok: true }> {
    return this.#queued(caseId, () => {
      const { draft, machine } = this.#load(caseId);
      const status = machine.describe().status;
      if (status !== 'open' && status !== 'paused') throw new ContractError('case.not_open', `Case ${caseId} is ${status}: it cannot be cancelled.`, { status });
      this.#abortCapture(caseId);
      machine.send({ type: 'CANCEL' });
      const at = this.#now().toISOString();
      const blobs = this.#store.blobRefs(caseId).length;
      this.#store.wipe(caseId, 'cancelled', machine.describe().step, at, draft.revision + 1);
      // The reason is the operator's words: it is kept, clipped, as they typed it (the UI asks for a reason, not a name).
      this.#o.audit.append({ type: 'case.cancelled', actor: this.#operatorOrNull(), details: { caseId, step: machine.describe().step, reason: reason.slice(0, 200), blobsWiped: blobs } });
      this.#o.hub.emit('cases.changed', { caseId, revision: draft.revision + 1, status: 'cancelled', step: machine.describe().step });
      return { ok: true as const };
    });
  }

  goto(caseId: string, step: CaseStep): Promise<CaseView> {
    return this.#mutate(caseId, ({ draft, machine }) => {
      if (!draft.steps.includes(step) || step === 'receipt') throw new ContractError('case.step_not_in_service', `The service ${draft.serviceType} has no step ${step} to go to.`, { step });
      if (!machine.send({ type: 'GOTO', step })) {
        const service = this.#service(draft);
        const before = draft.steps.slice(0, draft.steps.indexOf(step)).filter((s) => !machine.context.completed.includes(s));
        const missing = before.flatMap((s) => stepMissing(s, draft, service, this.#profile));
        throw this.#incomplete(step, missing.length > 0 ? missing : before, `Complete ${before.join(', ')} before going to ${step}`);
      }
    });
  }

  next(caseId: string): Promise<CaseView> {
    return this.#mutate(caseId, ({ draft, machine }) => {
      const step = machine.describe().step;
      const missing = stepMissing(step, draft, this.#service(draft), this.#profile);
      if (missing.length > 0) throw this.#incomplete(step, missing);
      if (!machine.send({ type: 'NEXT', missing })) throw this.#incomplete(step, ['seal']);
      this.#auditCase(draft, 'case.step_completed', { step });
    });
  }

  setApplicantLanguage(caseId: string, language: Locale): Promise<CaseView> {
    return this.#mutate(caseId, ({ draft }) => {
      draft.applicantLanguage = language;
    });
  }

  // ── Identity document ──────────────────────────────────────────────────

  async readMrz(caseId: string, deviceId?: string): Promise<CaseView> {
    this.#load(caseId, ['open']);
    const result = await this.#exclusive(caseId, (signal) => this.#capture.readMrz(this.#deps(), { ...(deviceId ? { deviceId } : {}), signal }));
    return this.#mutate(caseId, ({ draft }) => {
      this.#setMrz(draft, result, 'reader', result.readAt);
      draft.mrzDevice = deviceRecord(result.device);
    });
  }

  enterMrz(caseId: string, lines: string[]): Promise<CaseView> {
    const cleaned = lines.map((l) => l.trim().toUpperCase().replace(/\s/g, ''));
    const parsed = this.#capture.parseMrz(cleaned);
    if (!parsed.valid) {
      const bad = Object.entries(parsed.fields)
        .filter(([, v]) => v === null)
        .map(([k]) => k);
      throw new ContractError('case.invalid_mrz', `The typed MRZ does not check out${bad.length > 0 ? ` (${bad.join(', ')})` : ''}: compare it with the document, character by character.`, { fields: bad.join(',') });
    }
    return this.#mutate(caseId, ({ draft }) => {
      this.#setMrz(draft, parsed, 'typed', this.#now());
      draft.mrzDevice = null;
    });
  }

  async scanIdentityPage(caseId: string, paper: 'id1' | 'td3', deviceId?: string): Promise<CaseView> {
    this.#load(caseId, ['open']);
    const scan = await this.#exclusive(caseId, (signal) => this.#capture.scanPage(this.#deps(), { paper, ...(deviceId ? { deviceId } : {}), signal }));
    return this.#mutate(caseId, ({ draft }) => {
      // One data page: a new scan replaces the old one.
      for (const old of draft.identityPages) this.#dropPage(draft, old);
      draft.identityPages = [this.#storePage(draft, scan, 'identity-document', paper)];
      this.#auditCase(draft, 'case.identity_page_scanned', { paper, passed: scan.quality.passed, score: Math.round(scan.quality.score) });
    });
  }

  /** Identity verify and document status at the agency (both audited by AgencyLookups); failures are shown, not thrown. */
  async verify(caseId: string): Promise<CaseView> {
    const { draft } = this.#load(caseId, ['open']);
    const f = draft.mrz?.fields ?? {};
    const d = draft.demographics;
    const pick = (mrzField: string, formField: string) => {
      const v = f[mrzField] ?? d[formField] ?? '';
      return typeof v === 'string' ? v.replace(/</g, '').trim() : '';
    };
    const code = (f.documentCode ?? '').replace(/</g, '');
    const documentType = code !== '' ? code : (agencyDocumentType[d.documentType ?? ''] ?? (d.documentType ?? '').toUpperCase());
    const request = {
      documentType,
      documentNumber: pick('documentNumber', 'documentNumber').toUpperCase(),
      issuingState: pick('issuingState', 'issuingState').toUpperCase(),
      birthDate: pick('birthDate', 'birthDate'),
      nationality: pick('nationality', 'nationality').toUpperCase(),
      expiryDate: pick('expiryDate', 'expiryDate'),
    };
    const missing = Object.entries(request)
      .filter(([, v]) => v === '')
      .map(([k]) => k);
    if (missing.length > 0) throw this.#incomplete('identity', missing, 'The agency needs the document and birth details first');
    const context = { actor: this.#operatorOrNull(), caseId };
    const failure = (error: unknown) => {
      if (error instanceof AgencyLookupError) return { ok: false as const, error: error.code, message: error.message };
      if (error instanceof Error && error.name === 'ZodError') return { ok: false as const, error: 'bad_request', message: 'The document details are not in the form the agency accepts (check the number and the dates).' };
      throw error;
    };
    const { expiryDate, ...identity } = request;
    const [identityAnswer, documentAnswer] = await Promise.all([
      this.#lookups.verifyIdentity(identity, context).then(
        (a) => ({ ok: true as const, match: a.match, personRef: a.personRef ?? null, openCases: (a.openCases ?? []).map((c) => c.caseRef) }),
        failure,
      ),
      this.#lookups.documentStatus({ documentType, documentNumber: request.documentNumber, issuingState: request.issuingState, expiryDate }, context).then((a) => ({ ok: true as const, status: a.status }), failure),
    ]);
    const verification: VerificationView = { at: this.#now().toISOString(), identity: identityAnswer, document: documentAnswer };
    return this.#mutate(caseId, ({ draft: fresh }) => {
      fresh.verification = verification;
      this.#auditCase(fresh, 'case.verified', {
        identity: identityAnswer.ok ? (identityAnswer.match ? 'match' : 'no_match') : `error:${identityAnswer.error}`,
        document: documentAnswer.ok ? documentAnswer.status : `error:${documentAnswer.error}`,
      });
    });
  }

  setDemographics(caseId: string, values: Record<string, string>): Promise<CaseView> {
    // A half-filled form: names from the profile only (the channel already limits values to strings of at most 500).
    const known = new Set(Object.keys(demographicsProfiles[this.#profile].shape));
    const unknown = Object.keys(values).filter((k) => !known.has(k));
    if (unknown.length > 0) {
      throw new ContractError('case.invalid_demographics', `The form has no field ${unknown.map((k) => k.slice(0, 40)).join(', ')} (profile ${this.#profile}).`, { fields: unknown.join(',').slice(0, 200) });
    }
    return this.#mutate(caseId, ({ draft }) => {
      const merged = { ...draft.demographics };
      for (const [k, v] of Object.entries(values)) {
        if (v.trim() === '') delete merged[k];
        else merged[k] = v;
      }
      draft.demographics = merged;
    });
  }

  // ── Consent ────────────────────────────────────────────────────────────

  consentText(language: Locale): ConsentTextView {
    return consentText(this.#o.config.cases.consentVersion, language);
  }

  async captureConsent(caseId: string, language: Locale, deviceId?: string): Promise<CaseView> {
    this.#load(caseId, ['open']);
    const version = this.#o.config.cases.consentVersion;
    const result = await this.#pad(caseId, 'consent', consentPadPrompt(version, language), deviceId);
    if (!result.samples.some((s) => s.rdy && s.sw !== 0)) {
      throw new ContractError('case.step_incomplete', 'The pad returned no signature: the applicant must sign to consent.', { step: 'consent', missing: 'consent.signature' });
    }
    // The same signature checks as the signature step (app/quality/signature): a dot or a stray stroke is not consent.
    if (!result.quality.passed) {
      const reasons = result.quality.reasons.map((r) => r.code);
      this.#o.audit.append({ type: 'case.consent_rejected', actor: this.#operatorOrNull(), details: { caseId, reasons: reasons.join(', ') } });
      throw new ContractError('case.consent_rejected', `The consent signature did not pass the signature checks (${reasons.join(', ')}); the applicant signs again.`, { reasons: reasons.join(', ') });
    }
    return this.#mutate(caseId, ({ draft }) => {
      if (draft.consent?.signature) this.#dropImage(draft, draft.consent.signature);
      const ref = this.#newRef(draft, 'consent');
      this.#putImage(draft, ref, result.png, result.width, result.height);
      draft.consent = { textVersion: version, language, givenAt: result.capturedAt.toISOString(), signature: ref, device: deviceRecord(result.device) };
      draft.applicantLanguage = language;
      this.#auditCase(draft, 'case.consent_given', { textVersion: version, language });
    });
  }

  // ── Fingerprints ───────────────────────────────────────────────────────

  async captureFinger(caseId: string, position: number, deviceId?: string): Promise<CaseView> {
    const { draft } = this.#load(caseId, ['open']);
    this.#requireStep(draft, 'fingers');
    const result = await this.#exclusive(caseId, (signal) =>
      this.#capture.captureFinger(this.#deps(), {
        position,
        ...(deviceId ? { deviceId } : {}),
        signal,
        onPreview: (p) =>
          this.#o.hub.emit('capture.preview', {
            caseId,
            position,
            seq: p.seq,
            phase: p.phase,
            frame: p.frame === null ? null : { png: p.frame.png.toString('base64'), width: p.frame.width, height: p.frame.height },
          }),
      }),
    );
    return this.#mutate(caseId, ({ draft: d }) => {
      const { slot, decision } = this.#applyFinger(d, position, result);
      if (slot.state === 'captured') this.#checkSimilar(d, slot);
      this.#auditCase(d, 'case.finger_captured', { position, attempt: slot.attempts, score: Math.round(result.quality.score), decision, similarTo: slot.similarTo });
    });
  }

  /**
   * One slap (4-4-2) on a reader that takes slaps: the slap's fingers less
   * those recorded as exceptions (the device is told), or only `positions`
   * (a retry of the fingers that failed). Each returned finger goes into its
   * slot exactly as one captureFinger attempt would (attempt counted, the
   * quality decides, the same-finger check); a finger the device did not
   * return keeps its slot as it was, and the audit says it was missing.
   */
  async captureSlap(caseId: string, slap: SlapName, positions?: readonly number[], deviceId?: string): Promise<CaseView> {
    const { draft } = this.#load(caseId, ['open']);
    this.#requireStep(draft, 'fingers');
    const all = slapPositions[slap];
    const exceptions = all.filter((p) => this.#slot(draft, p).state === 'exception');
    if (positions !== undefined) {
      const outside = positions.filter((p) => !all.includes(p));
      if (outside.length > 0) throw new ContractError('contract.bad_request', `positions: finger ${outside.join(', ')} is not in the ${slap} slap (${all.join(', ')}).`, { field: 'positions' });
      const excepted = positions.filter((p) => exceptions.includes(p));
      if (excepted.length > 0) {
        throw new ContractError('contract.bad_request', `positions: finger ${excepted.join(', ')} is recorded as an exception; undo the exception before capturing it.`, { field: 'positions' });
      }
    }
    const wanted = all.filter((p) => !exceptions.includes(p) && (positions === undefined || positions.includes(p)));
    if (wanted.length === 0) throw new ContractError('contract.bad_request', `Every finger of the ${slap} slap is recorded as an exception: there is nothing to capture.`, { field: 'slap' });
    const first = wanted[0] as number;
    const result = await this.#exclusive(caseId, (signal) =>
      this.#capture.captureSlap(this.#deps(), {
        slap,
        ...(positions !== undefined ? { positions: wanted } : {}),
        exceptions,
        ...(deviceId ? { deviceId } : {}),
        signal,
        onPreview: (p) =>
          this.#o.hub.emit('capture.preview', {
            caseId,
            position: first,
            slap,
            seq: p.seq,
            phase: p.phase,
            frame: p.frame === null ? null : { png: p.frame.png.toString('base64'), width: p.frame.width, height: p.frame.height },
          }),
      }),
    );
    return this.#mutate(caseId, ({ draft: d }) => {
      const applied = result.fingers.map((f) => ({ ...this.#applyFinger(d, f.position, { ...f, device: result.device, capturedAt: result.capturedAt }), finger: f }));
      // After the whole slap is in: each accepted finger compared with every other, its slap-mates included.
      for (const { slot } of applied) if (slot.state === 'captured') this.#checkSimilar(d, slot);
      for (const { slot, decision, finger } of applied) {
        this.#auditCase(d, 'case.finger_captured', { position: slot.position, attempt: slot.attempts, score: Math.round(finger.quality.score), decision, similarTo: slot.similarTo, slap });
      }
      this.#auditCase(d, 'case.slap_captured', { slap, asked: wanted.join(','), returned: result.fingers.length, missing: result.missing.join(','), exceptions: exceptions.join(',') });
    });
  }

  /** One attempt's result into its slot (single finger or one finger of a slap): the image stored, the attempt counted, the quality decides. */
  #applyFinger(d: CaseDraft, position: number, result: { image: GreyImage; png: Buffer; quality: QualityResult; device: CaptureDevice; capturedAt: Date }) {
    const slot = this.#slot(d, position);
    if (slot.image !== null) this.#dropFingerImage(d, slot);
    slot.attempts += 1;
    slot.roundAttempts += 1;
    const ref = this.#newRef(d, `f${String(position).padStart(2, '0')}`);
    this.#putImage(d, ref, result.png, result.image.width, result.image.height);
    this.#store.putBlob(d.id, `${ref}-raw`, result.image.pixels);
    slot.image = ref;
    slot.raw = { width: result.image.width, height: result.image.height, ppi: result.image.ppi };
    slot.quality = toQuality(result.quality);
    slot.device = deviceRecord(result.device);
    slot.capturedAt = result.capturedAt.toISOString();
    slot.exception = null;
    slot.forcedBy = null;
    slot.similarTo = null;
    const decision = decide(result.quality, slot.roundAttempts, this.#o.config.quality.maxAttempts);
    slot.state = decision === 'accept' ? 'captured' : 'pending';
    slot.needsDecision = decision === 'force_capture_allowed';
    return { slot, decision };
  }

  fingerException(caseId: string, position: number, reason: FingerExceptionReason, note?: string): Promise<CaseView> {
    return this.#mutate(caseId, ({ draft }) => {
      this.#requireStep(draft, 'fingers');
      const slot = this.#slot(draft, position);
      if (slot.image !== null) this.#dropFingerImage(draft, slot);
      slot.state = 'exception';
      slot.exception = { reason, note: note !== undefined && note.trim() !== '' ? note.trim() : null };
      slot.needsDecision = false;
      slot.forcedBy = null;
      slot.similarTo = null;
      slot.quality = null;
      slot.capturedAt = null;
      this.#forgetSimilar(draft, position);
      // The note may describe an injury: it goes into the encrypted draft and the packet, not the audit log.
      this.#auditCase(draft, 'case.finger_exception', { position, reason });
    });
  }

  clearFinger(caseId: string, position: number): Promise<CaseView> {
    return this.#mutate(caseId, ({ draft }) => {
      this.#requireStep(draft, 'fingers');
      const slot = this.#slot(draft, position);
      if (slot.image !== null) this.#dropFingerImage(draft, slot);
      Object.assign(slot, { ...emptyFinger(slot.position), attempts: slot.attempts });
      this.#forgetSimilar(draft, position);
      this.#auditCase(draft, 'case.finger_cleared', { position });
    });
  }

  async forceFinger(caseId: string, position: number, supervisor: SupervisorCredentials): Promise<CaseView> {
    const { draft } = this.#load(caseId, ['open']);
    const slot = this.#slot(draft, position);
    if (!slot.needsDecision || slot.image === null) {
      throw new ContractError('case.retries_left', `Finger ${position} can be force-captured only after its last retry failed (${slot.roundAttempts} of ${this.#o.config.quality.maxAttempts} attempts used).`, {
        position,
        attempts: slot.roundAttempts,
        maxAttempts: this.#o.config.quality.maxAttempts,
      });
    }
    const who = await this.#o.verifySupervisor(supervisor.username, supervisor.password, 'case.force_capture');
    return this.#mutate(caseId, ({ draft: d }) => {
      const s = this.#slot(d, position);
      if (!s.needsDecision || s.image === null) throw new ContractError('case.retries_left', `Finger ${position} changed meanwhile; capture it again.`, { position });
      s.state = 'captured';
      s.forcedBy = who.username;
      s.needsDecision = false;
      this.#checkSimilar(d, s);
      this.#auditCase(d, 'case.finger_forced', { position, supervisor: who.username, attempts: s.roundAttempts, score: s.quality === null ? null : Math.round(s.quality.score) });
    });
  }

  // ── Signature ──────────────────────────────────────────────────────────

  async captureSignature(caseId: string, deviceId?: string): Promise<CaseView> {
    const { draft } = this.#load(caseId, ['open']);
    this.#requireStep(draft, 'signature');
    const result = await this.#pad(caseId, 'signature', signaturePadPrompt(draft.applicantLanguage as Locale), deviceId);
    return this.#mutate(caseId, ({ draft: d }) => {
      const s = d.signature;
      if (s.image !== null) this.#dropImage(d, s.image);
      const ref = this.#newRef(d, 'sig');
      this.#putImage(d, ref, result.png, result.width, result.height);
      d.signature = {
        state: result.quality.passed ? 'captured' : 'pending',
        attempts: s.attempts + 1,
        quality: toQuality(result.quality),
        image: ref,
        device: deviceRecord(result.device),
        capturedAt: result.capturedAt.toISOString(),
        samples: result.samples.map((p) => ({ t: p.t, sequence: p.sequence, rdy: p.rdy, sw: p.sw, pressure: p.pressure, x: p.x, y: p.y })),
        tablet: { ...result.tablet },
      };
      this.#auditCase(d, 'case.signature_captured', { attempt: s.attempts + 1, passed: result.quality.passed, score: Math.round(result.quality.score) });
    });
  }

  /** The screen's buttons for the running pad capture (consent or signature) of this case. */
  signatureAction(caseId: string, action: 'accept' | 'clear' | 'cancel'): { ok: true } {
    this.#load(caseId);
    const pad = this.#pads.get(caseId);
    if (pad === undefined) {
      if (action === 'cancel') return { ok: true };
      throw new ContractError('case.not_open', 'No signature is being captured for this case: start the capture first.');
    }
    pad[action]();
    return { ok: true };
  }

  // ── Supporting documents ───────────────────────────────────────────────

  async scanDocument(caseId: string, type: string, deviceId?: string): Promise<CaseView> {
    const { draft } = this.#load(caseId, ['open']);
    this.#requireStep(draft, 'documents');
    const paper = this.#service(draft).checklist.find((c) => c.type === type)?.paper ?? 'a4';
    const scan = await this.#exclusive(caseId, (signal) => this.#capture.scanPage(this.#deps(), { paper, ...(deviceId ? { deviceId } : {}), signal }));
    return this.#mutate(caseId, ({ draft: d }) => {
      d.documents.push(this.#storePage(d, scan, type, paper));
      this.#auditCase(d, 'case.page_scanned', { type, passed: scan.quality.passed, score: Math.round(scan.quality.score) });
    });
  }

  async rescanPage(caseId: string, pageId: string, deviceId?: string): Promise<CaseView> {
    const { draft } = this.#load(caseId, ['open']);
    const page = this.#page(draft, pageId);
    const scan = await this.#exclusive(caseId, (signal) => this.#capture.scanPage(this.#deps(), { paper: page.paper, ...(deviceId ? { deviceId } : {}), signal }));
    return this.#mutate(caseId, ({ draft: d }) => {
      const old = this.#page(d, pageId);
      const list = d.identityPages.includes(old) ? d.identityPages : d.documents;
      this.#dropPage(d, old);
      const fresh = this.#storePage(d, scan, old.type, old.paper);
      list.splice(list.indexOf(old), 1, fresh);
      this.#auditCase(d, 'case.page_rescanned', { type: old.type, passed: scan.quality.passed, score: Math.round(scan.quality.score) });
    });
  }

  deletePage(caseId: string, pageId: string): Promise<CaseView> {
    return this.#mutate(caseId, ({ draft }) => {
      const page = this.#page(draft, pageId);
      this.#dropPage(draft, page);
      draft.identityPages = draft.identityPages.filter((p) => p !== page);
      draft.documents = draft.documents.filter((p) => p !== page);
      this.#auditCase(draft, 'case.page_deleted', { type: page.type });
    });
  }

  setPageType(caseId: string, pageId: string, type: string): Promise<CaseView> {
    return this.#mutate(caseId, ({ draft }) => {
      const page = this.#page(draft, pageId);
      if (draft.identityPages.includes(page)) throw new ContractError('case.step_not_in_service', 'The identity document page keeps its type.');
      page.type = type;
    });
  }

  image(caseId: string, ref: string): { png: string; width: number; height: number } {
    const { draft } = this.#load(caseId);
    const meta = draft.images[ref];
    const png = meta === undefined ? null : this.#store.blob(caseId, ref);
    if (meta === undefined || png === null) throw new ContractError('case.unknown', `Case ${caseId} has no image ${ref} (it was replaced, deleted, or the case is sealed).`, { ref });
    return { png: png.toString('base64'), width: meta.width, height: meta.height };
  }

  // ── Approval, seal, receipt ────────────────────────────────────────────

  async approve(caseId: string, supervisor: SupervisorCredentials): Promise<CaseView> {
    const { draft } = this.#load(caseId, ['open']);
    const reasons = approvalReasons(draft, this.#service(draft), this.#profile);
    if (reasons.length === 0) return this.#view(draft, this.#load(caseId).machine);
    const who = await this.#o.verifySupervisor(supervisor.username, supervisor.password, 'case.approve');
    return this.#mutate(caseId, ({ draft: d }) => {
      const now = approvalReasons(d, this.#service(d), this.#profile);
      d.approval = { by: who.username, at: this.#now().toISOString(), reasons: now };
      this.#auditCase(d, 'case.approved', { supervisor: who.username, reasons: now.join(',') });
    });
  }

  seal(caseId: string): Promise<CaseView> {
    return this.#mutate(caseId, async ({ draft, machine }) => {
      const service = this.#service(draft);
      const reasons = approvalReasons(draft, service, this.#profile);
      const missing = stepMissing('review', draft, service, this.#profile).filter((m) => m !== 'seal');
      const notApproved = missing.includes('approval');
      const others = missing.filter((m) => m !== 'approval');
      if (others.length > 0) throw this.#incomplete('review', others, 'The case cannot be sealed yet');
      if (notApproved) throw new ContractError('case.approval_required', `A supervisor must approve this case first (${reasons.join(', ')}).`, { reasons: reasons.join(',') });
      if (machine.describe().step !== 'review') machine.send({ type: 'GOTO', step: 'review' });
      if (!machine.can({ type: 'SEALED', approved: true })) {
        // Steps before review complete by the rules but never confirmed with NEXT: mark them as the desk passed them.
        for (const step of draft.steps.slice(0, draft.steps.indexOf('review'))) {
          if (!machine.context.completed.includes(step)) {
            machine.send({ type: 'GOTO', step });
            machine.send({ type: 'NEXT', missing: [] });
          }
        }
        machine.send({ type: 'GOTO', step: 'review' });
      }
      if (!machine.can({ type: 'SEALED', approved: true })) throw this.#incomplete('review', ['review'], 'The case cannot be sealed from this state');

      const at = this.#now();
      this.#auditCase(draft, 'case.sealing', { process: service.process, approvedBy: draft.approval?.by ?? null });
      let packetId: string;
      try {
        const input = buildPacketInput(draft, this.#profile, { blob: (ref) => this.#store.blob(draft.id, ref) }, at);
        this.#keys ??= loadSealKeys(this.#o.config);
        const sealed = await sealPacket(input, this.#keys, this.#o.db, {
          outDir: defaultPacketDir(this.#o.config),
          centreId: this.#o.config.centreId,
          stationId: this.#o.config.stationId,
          now: at,
          process: service.process,
        });
        this.#o.outbox.enqueue(sealed);
        packetId = sealed.packetId;
      } catch (error) {
        if (error instanceof ContractError) throw error;
        const known = error instanceof PacketBuildError || error instanceof PacketInputError || (error instanceof Error && error.name === 'PacketKeyError');
        this.#o.log?.error('cases: sealing failed', { caseId, error: (error as Error).message });
        this.#o.audit.append({ type: 'case.seal_failed', actor: this.#operatorOrNull(), details: { caseId, kind: (error as Error).name } });
        throw new ContractError('case.seal_failed', known ? (error as Error).message : 'The packet could not be sealed; nothing was lost — the case is still open. See the station log.');
      }
      machine.send({ type: 'SEALED', approved: true });
      draft.packet = { packetId, sealedAt: at.toISOString() };
      this.#o.audit.append({ type: 'case.sealed', actor: this.#operatorOrNull(), details: { caseId, packetId, process: service.process, supervisor: draft.approval?.by ?? null } });
      this.#wipeSealed(draft, at);
    });
  }

  async receipt(caseId: string): Promise<{ fileName: string; pdf: string }> {
    const { draft, machine } = this.#load(caseId);
    if (machine.describe().status !== 'sealed' || draft.receipt === null) throw new ContractError('case.not_open', `Case ${caseId} is not sealed: there is no receipt yet.`, { status: machine.describe().status });
    const r = draft.receipt;
    const op = this.#o.currentOperator();
    const languages = this.#o.config.languages as readonly string[];
    const applicant = (languages.includes(r.applicantLanguage) ? r.applicantLanguage : this.#o.config.defaultLanguage) as Locale;
    const { renderReceiptPdf, receiptFileName } = await loadReceipts();
    const pdf = await renderReceiptPdf({
      registrationId: r.registrationId,
      centre: { id: this.#o.config.centreId, name: this.#o.config.stationName },
      stationId: this.#o.config.stationId,
      serviceType: r.serviceType,
      applicant: r.applicant,
      sealedAt: r.sealedAt,
      operator: r.operator,
      summary: r.summary,
      languages: { applicant, operator: op?.language ?? this.#o.config.defaultLanguage },
    });
    this.#o.audit.append({ type: 'case.receipt_printed', actor: this.#operatorOrNull(), details: { caseId, packetId: r.registrationId } });
    return { fileName: receiptFileName(r.registrationId), pdf: pdf.toString('base64') };
  }

  // ── Internals ──────────────────────────────────────────────────────────

  #operator(): string {
    const op = this.#o.currentOperator();
    if (op === null) throw new ContractError('auth.required', 'Sign in to work on cases.');
    return op.username;
  }

  #operatorOrNull(): string | null {
    return this.#o.currentOperator()?.username ?? null;
  }

  #deps(): CaptureDeps {
    return { devices: this.#o.devices, quality: this.#o.config.quality, now: this.#now };
  }

  #service(draft: CaseDraft): ServiceDefinition {
    const configured = this.#services.get(draft.serviceType);
    // The case keeps the steps it was opened with; the checklist follows the configuration.
    const base = configured ?? resolveServices(this.#o.config.cases, 'desk').find((s) => s.id === draft.serviceType);
    if (base === undefined) throw new ContractError('case.unknown', `The service ${draft.serviceType} is not known.`);
    return { ...base, steps: draft.steps };
  }

  #requireStep(draft: CaseDraft, step: CaseStep): void {
    if (!draft.steps.includes(step)) throw new ContractError('case.step_not_in_service', `The service ${draft.serviceType} takes no ${step}.`, { step });
  }

  #incomplete(step: CaseStep, missing: string[], lead = `The ${step} step is not complete`): ContractError {
    return new ContractError('case.step_incomplete', `${lead}: missing ${missing.join(', ')}.`, { step, missing: missing.join(',') });
  }

  #load(caseId: string, statuses?: readonly string[]): Mutation {
    const row = this.#store.row(caseId);
    if (row === null) throw new ContractError('case.unknown', `There is no case ${caseId} at this station.`, { caseId });
    if (row.status === 'cancelled') throw new ContractError('case.not_open', `Case ${caseId} was cancelled; its data was wiped.`, { status: 'cancelled' });
    const draft = this.#store.draft(caseId);
    if (draft === null) throw new ContractError('case.unknown', `Case ${caseId} has no draft at this station.`, { caseId });
    const machine = CaseMachine.restore(draft.machine);
    const status = machine.describe().status;
    if (statuses !== undefined && !statuses.includes(status)) {
      throw new ContractError('case.not_open', `Case ${caseId} is ${status}${status === 'paused' ? ': resume it first' : ''}.`, { status });
    }
    return { draft, machine };
  }

  /** Runs `work` after every earlier call on the same case has finished. */
  #queued<T>(caseId: string, work: () => T | Promise<T>): Promise<T> {
    const previous = this.#queues.get(caseId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.#queues.set(caseId, tail);
    void tail.then(() => {
      if (this.#queues.get(caseId) === tail) this.#queues.delete(caseId);
    });
    return run;
  }

  /** Load (status open unless said), change, check, save, announce: the whole view answers. */
  #mutate(caseId: string, change: (m: Mutation) => void | Promise<void>, statuses: readonly string[] = ['open']): Promise<CaseView> {
    return this.#queued(caseId, async () => {
      const m = this.#load(caseId, statuses);
      this.#sync(m);
      await change(m);
      return this.#commit(m);
    });
  }

  #sync({ draft, machine }: Mutation): void {
    machine.send({ type: 'SYNC', complete: completeSteps(draft, this.#service(draft), this.#profile) });
  }

  #commit(m: Mutation): CaseView {
    const { draft, machine } = m;
    if (draft.packet === null) this.#sync(m);
    draft.machine = machine.persisted();
    draft.revision += 1;
    draft.updatedAt = this.#now().toISOString();
    const where = machine.describe();
    this.#store.save(draft, where.status, where.step);
    this.#o.hub.emit('cases.changed', { caseId: draft.id, revision: draft.revision, status: where.status, step: where.step });
    return this.#view(draft, machine);
  }

  /** One device capture at a time per case; the station's close aborts it. */
  async #exclusive<T>(caseId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.#closed) throw new ContractError('case.not_open', 'The station is closing.');
    if (this.#capturing.has(caseId)) throw new ContractError('case.capture_running', 'A capture is already running for this case: finish or cancel it first.');
    this.#capturing.add(caseId);
    const controller = new AbortController();
    this.#aborts.add(controller);
    try {
      return await work(controller.signal);
    } catch (error) {
      throw deviceErrorToContract(error);
    } finally {
      this.#aborts.delete(controller);
      this.#capturing.delete(caseId);
    }
  }

  #abortCapture(caseId: string): void {
    this.#pads.get(caseId)?.cancel();
  }

  async #pad(caseId: string, purpose: 'consent' | 'signature', prompt: ReturnType<typeof signaturePadPrompt>, deviceId?: string): Promise<PadCaptureResult> {
    return this.#exclusive(caseId, async (signal) => {
      const pad = this.#capture.startPadCapture(this.#deps(), {
        purpose,
        prompt,
        ...(deviceId ? { deviceId } : {}),
        signal,
        onInk: (batch) => this.#o.hub.emit('capture.ink', { caseId, purpose, seq: batch.seq, clear: batch.clear, points: batch.points }),
      });
      this.#pads.set(caseId, pad);
      try {
        return await pad.result;
      } finally {
        if (this.#pads.get(caseId) === pad) this.#pads.delete(caseId);
      }
    });
  }

  #setMrz(draft: CaseDraft, parse: MrzParse, source: 'reader' | 'typed', at: Date): void {
    const view: MrzView = { lines: [...parse.lines], format: parse.format, valid: parse.valid, fields: { ...parse.fields }, source, readAt: at.toISOString() };
    draft.mrz = view;
    draft.verification = null;
    if (parse.valid) draft.demographics = prefillFromMrz(this.#profile, draft.demographics, view);
    this.#auditCase(draft, 'case.mrz_read', { source, valid: parse.valid, format: parse.format });
  }

  #slot(draft: CaseDraft, position: number): FingerSlot {
    const slot = draft.fingers.find((f) => f.position === position);
    if (slot === undefined) throw new ContractError('contract.bad_request', `There is no finger position ${position} (1–10).`);
    return slot;
  }

  #page(draft: CaseDraft, pageId: string): PageRecord {
    const page = [...draft.identityPages, ...draft.documents].find((p) => p.id === pageId);
    if (page === undefined) throw new ContractError('case.unknown', `Case ${draft.id} has no page ${pageId}.`, { pageId });
    return page;
  }

  #newRef(draft: CaseDraft, prefix: string): string {
    const ref = `${prefix}-${draft.nextRef}`;
    draft.nextRef += 1;
    return ref;
  }

  #putImage(draft: CaseDraft, ref: string, png: Buffer, width: number, height: number): void {
    this.#store.putBlob(draft.id, ref, png);
    draft.images[ref] = { width, height };
  }

  #dropImage(draft: CaseDraft, ref: string): void {
    this.#store.deleteBlob(draft.id, ref);
    delete draft.images[ref];
  }

  #dropFingerImage(draft: CaseDraft, slot: FingerSlot): void {
    if (slot.image === null) return;
    this.#dropImage(draft, slot.image);
    this.#store.deleteBlob(draft.id, `${slot.image}-raw`);
    slot.image = null;
    slot.raw = null;
  }

  #storePage(draft: CaseDraft, scan: PageScanResult, type: string, paper: 'a4' | 'id1' | 'td3'): PageRecord {
    const id = this.#newRef(draft, 'p');
    const size = pngSize(scan.preview) ?? { width: scan.width, height: scan.height };
    this.#putImage(draft, id, scan.preview, size.width, size.height);
    this.#store.putBlob(draft.id, `${id}-bytes`, scan.bytes);
    return {
      id,
      type,
      paper,
      image: id,
      mediaType: scan.mediaType,
      quality: toQuality(scan.quality),
      width: scan.width,
      height: scan.height,
      device: deviceRecord(scan.device),
      scannedAt: scan.scannedAt.toISOString(),
    };
  }

  #dropPage(draft: CaseDraft, page: PageRecord): void {
    this.#dropImage(draft, page.image);
    this.#store.deleteBlob(draft.id, `${page.id}-bytes`);
  }

  /** The same finger twice? Compared with every other accepted finger (8-bit grey pixels from the vault). */
  #checkSimilar(draft: CaseDraft, slot: FingerSlot): void {
    slot.similarTo = null;
    if (slot.image === null || slot.raw === null) return;
    const mine = this.#grey(draft, slot);
    if (mine === null) return;
    let best = { position: null as number | null, score: 0 };
    for (const other of draft.fingers) {
      if (other.position === slot.position || other.state !== 'captured') continue;
      const theirs = this.#grey(draft, other);
      if (theirs === null) continue;
      const score = this.#capture.fingerSimilarity(mine, theirs);
      if (score >= this.#threshold && score > best.score) best = { position: other.position, score };
    }
    slot.similarTo = best.position;
  }

  #grey(draft: CaseDraft, slot: FingerSlot) {
    if (slot.image === null || slot.raw === null) return null;
    const pixels = this.#store.blob(draft.id, `${slot.image}-raw`);
    return pixels === null ? null : { ...slot.raw, pixels: new Uint8Array(pixels) };
  }

  #forgetSimilar(draft: CaseDraft, position: number): void {
    for (const f of draft.fingers) if (f.similarTo === position) f.similarTo = null;
  }

  #auditCase(draft: CaseDraft, type: string, details: Record<string, string | number | boolean | null>): void {
    const actor = this.#operatorOrNull();
    const entry = this.#o.audit.append({ type, actor, details: { caseId: draft.id, ...details } });
    draft.audit.push({ at: entry.at, type, actor, details: { caseId: draft.id, ...details } });
  }

  /** After sealing: the packet holds everything; the draft keeps only what the receipt needs (still encrypted). */
  #wipeSealed(draft: CaseDraft, at: Date): void {
    const d = draft.demographics;
    const pages = [...draft.identityPages, ...draft.documents];
    const takesFingers = draft.steps.includes('fingers');
    draft.receipt = {
      registrationId: draft.packet?.packetId ?? '',
      serviceType: draft.serviceType,
      applicant: { surname: d.surname ?? '', givenNames: d.givenNames ?? '', birthDate: d.birthDate ?? '', nationality: d.nationality ?? '', documentNumber: d.documentNumber ?? null },
      sealedAt: at.toISOString(),
      operator: draft.operator,
      summary: {
        fingersCaptured: takesFingers ? draft.fingers.filter((f) => f.state === 'captured').length : 0,
        fingerExceptions: takesFingers ? draft.fingers.filter((f) => f.state === 'exception').length : 0,
        signature: draft.steps.includes('signature') && draft.signature.state === 'captured',
        documentPages: pages.length,
        documents: [...new Set(pages.map((p) => p.type))],
      },
      applicantLanguage: draft.applicantLanguage,
    };
    this.#store.wipeBlobs(draft.id);
    draft.images = {};
    draft.demographics = { surname: d.surname ?? '', givenNames: d.givenNames ?? '' };
    draft.mrz = null;
    draft.mrzDevice = null;
    draft.verification = null;
    draft.identityPages = [];
    draft.fingers = draft.fingers.map((f) => ({ ...f, image: null, raw: null }));
    draft.signature = { ...draft.signature, image: null, samples: [], tablet: null };
    if (draft.consent !== null) draft.consent = { ...draft.consent, signature: null };
    draft.documents = [];
    draft.audit = [];
  }

  #view(draft: CaseDraft, machine: CaseMachine): CaseView {
    const service = this.#service(draft);
    const where = machine.describe();
    const sealed = where.status === 'sealed';
    const rulesComplete = sealed ? draft.steps : completeSteps(draft, service, this.#profile);
    const completed = draft.steps.filter((s) => where.completed.includes(s) && rulesComplete.includes(s));
    const reasons = sealed ? [] : approvalReasons(draft, service, this.#profile);
    const approved = draft.approval !== null && approvalCovers(draft, reasons);
    const language = nameLanguageFor(draft.demographics.nationality ?? draft.mrz?.fields.nationality ?? null);
    const surname = draft.demographics.surname ?? '';
    const given = draft.demographics.givenNames ?? '';
    const page = (p: PageRecord): PageView => ({
      id: p.id,
      type: p.type,
      image: p.image,
      quality: qualityView(p.quality),
      width: p.width,
      height: p.height,
      device: deviceView(p.device),
      scannedAt: p.scannedAt,
    });
    return {
      id: draft.id,
      serviceType: draft.serviceType,
      status: where.status,
      step: where.step,
      steps: [...draft.steps],
      completed,
      applicantLanguage: draft.applicantLanguage,
      operator: draft.operator,
      openedAt: draft.openedAt,
      updatedAt: draft.updatedAt,
      revision: draft.revision,
      identity: { mrz: draft.mrz, pages: draft.identityPages.map(page), verification: draft.verification },
      demographics: { ...draft.demographics },
      mrzName: surname === '' && given === '' ? null : { surname: mrzNameForDisplay(surname, language), givenNames: mrzNameForDisplay(given, language) },
      mismatches: mismatches(this.#profile, draft.demographics, draft.mrz),
      consent: draft.consent === null ? null : { textVersion: draft.consent.textVersion, language: draft.consent.language, givenAt: draft.consent.givenAt, signature: draft.consent.signature },
      fingers: draft.fingers.map((f) => ({
        position: f.position,
        state: f.state,
        attempts: f.attempts,
        quality: f.quality === null ? null : qualityView(f.quality),
        image: f.image,
        needsDecision: f.needsDecision,
        forcedBy: f.forcedBy,
        exception: f.exception,
        similarTo: f.similarTo,
        device: deviceView(f.device),
        capturedAt: f.capturedAt,
      })),
      signature: {
        state: draft.signature.state,
        attempts: draft.signature.attempts,
        quality: draft.signature.quality === null ? null : qualityView(draft.signature.quality),
        image: draft.signature.image,
        device: deviceView(draft.signature.device),
        capturedAt: draft.signature.capturedAt,
      },
      documents: { pages: draft.documents.map(page), checklist: checklistState(draft, service) },
      approval: {
        required: reasons.length > 0,
        reasons,
        by: approved || sealed ? (draft.approval?.by ?? null) : null,
        at: approved || sealed ? (draft.approval?.at ?? null) : null,
      },
      packet: draft.packet,
    };
  }
}

/** Width and height from a PNG's IHDR (ISO/IEC 15948 §11.2.2), or null when it is not a PNG. */
function pngSize(png: Buffer): { width: number; height: number } | null {
  if (png.length < 24 || png.readUInt32BE(12) !== 0x49484452) return null;
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  return width > 0 && height > 0 ? { width, height } : null;
}
