/**
 * The case service over a real station on disk (SQLite, vault, audit log,
 * outbox) with a scripted capture stage: what the desk does, end to end, and
 * what it leaves on disk. The real capture stage against the simulators is
 * exercised in test/agency/case-enrolment.test.ts.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openTempStation, type TempStation } from '../../test/support/temp-station.js';
import { demoPassword } from '../station/demo.js';
import { demoPacketInput, type PacketInput } from '../packets/index.js';
import { ensureStationSigningKey } from '../station/signing-key.js';
import { td3, samplePeople, sampleDocuments } from '../../device-simulators/documents/mrz.js';
import { parseMrz, fingerSimilarity } from './capture/index.js';
import type { CaptureDevice, CaptureStage, FingerCaptureResult, PadCapture, PadCaptureResult, PageScanResult, SlapCaptureResult } from './capture/index.js';
import type { QualityResult } from '../quality/assess.js';
import { slapPositions } from '../contract/cases.js';
import { ContractError } from '../contract/errors.js';
import { DeviceError } from '../../drivers/errors.js';
import { CaseService } from './service.js';
import { CasesConfig } from './services.js';
import { BLOB_KIND, DRAFT_KIND } from './store.js';

const device = (kind: string): CaptureDevice => ({ id: `sim-${kind}`, make: 'Sim', model: kind, serial: 'S-1', firmware: '1.0', approvedDeviceId: `sim-${kind}` });
const quality = (score: number, passed = score >= 40): QualityResult => ({ score, passed, measures: { nfiq2: score }, reasons: passed ? [] : [{ code: 'score_too_low', params: { score, minimum: 40 } }] });

let input: PacketInput;
const fingerPngs = new Map<number, Buffer>();
beforeAll(async () => {
  input = await demoPacketInput({ seed: 7, fingerWidth: 160, fingerHeight: 200, pages: [{ kind: 'a4-supporting', format: 'png', dpi: 100, type: 'x' }] });
  for (const f of input.fingers ?? []) {
    fingerPngs.set(f.position, await sharp(Buffer.from(f.image.pixels), { raw: { width: f.image.width, height: f.image.height, channels: 1 } }).png().toBuffer());
  }
});

/** A scripted capture stage: finger scores per position (then good), the same print at a position on request, pads that sign at once. */
function fakeStage(
  script: { scores?: Record<number, number[]>; sameAs?: Record<number, number>; failFinger?: Error; notReturned?: number[]; padScores?: number[] } = {},
): CaptureStage & { pads: number; slaps: { slap: string; asked: number[]; exceptions: number[] }[] } {
  const scores = new Map(Object.entries(script.scores ?? {}).map(([k, v]) => [Number(k), [...v]]));
  const padScores = [...(script.padScores ?? [])];
  const fingerResult = (position: number) => {
    const source = script.sameAs?.[position] ?? position;
    const f = (input.fingers ?? []).find((x) => x.position === source)!;
    const score = scores.get(position)?.shift() ?? 80;
    return { image: { width: f.image.width, height: f.image.height, ppi: f.image.ppi, pixels: new Uint8Array(f.image.pixels) }, png: fingerPngs.get(source)!, quality: quality(score) };
  };
  const stage = {
    pads: 0,
    slaps: [] as { slap: string; asked: number[]; exceptions: number[] }[],
    async captureSlap(_deps, options): Promise<SlapCaptureResult> {
      if (script.failFinger) throw script.failFinger;
      const asked = slapPositions[options.slap].filter((p) => !options.exceptions.includes(p) && (options.positions === undefined || options.positions.includes(p)));
      stage.slaps.push({ slap: options.slap, asked, exceptions: [...options.exceptions] });
      options.onPreview?.({ seq: 0, phase: 'waiting', frame: null });
      const returned = asked.filter((p) => !(script.notReturned ?? []).includes(p));
      const fingers = returned.map((position) => ({ position, ...fingerResult(position), deviceQuality: 80 }));
      return { slap: options.slap, fingers, missing: asked.filter((p) => !returned.includes(p)), device: device('finger'), capturedAt: new Date() };
    },
    async captureFinger(_deps, options): Promise<FingerCaptureResult> {
      if (script.failFinger) throw script.failFinger;
      options.onPreview?.({ seq: 0, phase: 'waiting', frame: null });
      const source = script.sameAs?.[options.position] ?? options.position;
      const f = (input.fingers ?? []).find((x) => x.position === source)!;
      const score = scores.get(options.position)?.shift() ?? 80;
      options.onPreview?.({ seq: 1, phase: 'done', frame: { png: fingerPngs.get(source)!, width: f.image.width, height: f.image.height } });
      return { image: { width: f.image.width, height: f.image.height, ppi: f.image.ppi, pixels: new Uint8Array(f.image.pixels) }, png: fingerPngs.get(source)!, quality: quality(score), device: device('finger'), capturedAt: new Date() };
    },
    async readMrz() {
      const lines = td3(samplePeople.portuguese, sampleDocuments.passport);
      return { ...parseMrz(lines), device: device('mrz'), readAt: new Date() };
    },
    parseMrz,
    async scanPage(_deps, options): Promise<PageScanResult> {
      const doc = (input.documents ?? [])[0]!;
      return { bytes: Buffer.from(doc.bytes), mediaType: 'image/png', width: 827, height: 1169, preview: Buffer.from(doc.bytes), quality: quality(90, true), device: device(`scanner-${options.paper}`), scannedAt: new Date() };
    },
    startPadCapture(_deps, options): PadCapture {
      stage.pads += 1;
      let settle!: (r: PadCaptureResult) => void;
      let fail!: (e: Error) => void;
      const result = new Promise<PadCaptureResult>((resolve, reject) => {
        settle = resolve;
        fail = reject;
      });
      options.onInk({ seq: 0, clear: false, points: [{ x: 0.1, y: 0.2, p: 0.5, down: true, t: 0 }] });
      const sig = input.signature!;
      return {
        accept: () => settle({ samples: sig.samples.map((s) => ({ ...s })), tablet: { ...sig.tablet }, png: fingerPngs.get(1)!, width: 160, height: 200, quality: quality(padScores.shift() ?? 90), device: device('pad'), capturedAt: new Date() }),
        clear: () => options.onInk({ seq: 1, clear: true, points: [] }),
        cancel: () => fail(new DeviceError('cancelled', 'The signature was cancelled at the pad.')),
        result,
      };
    },
    fingerSimilarity,
  } satisfies CaptureStage & { pads: number; slaps: { slap: string; asked: number[]; exceptions: number[] }[] };
  return stage;
}

let open: TempStation | null = null;
afterEach(() => {
  open?.close();
  open = null;
});

async function setup(stage: CaptureStage, options: { keys?: boolean } = {}) {
  open = await openTempStation({ demo: true });
  const { station } = open;
  if (options.keys !== false) {
    ensureStationSigningKey(station.config.station.signingKey);
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    mkdirSync(path.dirname(station.config.agency.encryptionKey), { recursive: true });
    writeFileSync(station.config.agency.encryptionKey, publicKey.export({ type: 'spki', format: 'pem' }));
  }
  await station.api.call['auth.login']({ username: 'ana', password: demoPassword });
  const cases = new CaseService({
    config: station.config,
    db: station.db,
    vault: station.vault,
    audit: station.audit,
    hub: station.hub,
    devices: station.devices,
    outbox: station.outbox,
    currentOperator: () => {
      const op = station.auth.currentOperator();
      return op === null ? null : { username: op.username, language: op.language };
    },
    verifySupervisor: (u, p, purpose) => station.auth.verifySupervisor(u, p, purpose),
    capture: stage,
  });
  return { station, cases };
}

const form = {
  surname: 'Conceição Simões',
  givenNames: 'João Gonçalo',
  sex: 'M',
  birthDate: '1987-03-14',
  placeOfBirth: 'Lisboa',
  nationality: 'PRT',
  documentType: 'passport',
  documentNumber: 'CB1234567',
  issuingState: 'PRT',
  expiryDate: '2031-05-20',
  email: '',
  phone: '+351 912 345 678',
  address: 'Rua Exemplo 1',
};

async function codeOf(p: Promise<unknown>): Promise<string> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContractError);
  return (error as ContractError).code;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('CaseService over a real station', { timeout: 60_000 }, () => {
  it('takes a legalisation case from start to sealed packet and receipt, with retries, an exception, a mismatch and an approval', async () => {
    const stage = fakeStage({ scores: { 2: [20, 25, 30] } });
    const { station, cases } = await setup(stage);
    const events: string[] = [];
    const previews: number[] = [];
    station.hub.subscribe((event, payload) => {
      if (event === 'cases.changed') events.push(`${(payload as { step: string }).step}`);
      if (event === 'capture.preview') previews.push((payload as { position: number }).position);
    });
    let view = cases.start('legalisation', 'uk');
    expect(view).toMatchObject({ status: 'open', step: 'identity', steps: ['identity', 'demographics', 'consent', 'fingers', 'signature', 'documents', 'review', 'receipt'], completed: [] });
    expect(await codeOf(cases.next(view.id))).toBe('case.step_incomplete');

    view = await cases.readMrz(view.id);
    expect(view.identity.mrz).toMatchObject({ valid: true, source: 'reader' });
    // Prefilled from the MRZ (its transliterated form until corrected).
    expect(view.demographics).toMatchObject({ surname: 'CONCEICAO SIMOES', birthDate: '1987-03-14', nationality: 'PRT', documentType: 'passport', documentNumber: 'CB1234567' });
    expect(view.mismatches).toEqual([]);
    view = await cases.scanIdentityPage(view.id, 'td3');
    expect(view.identity.pages).toHaveLength(1);
    view = await cases.next(view.id);
    expect(view.step).toBe('demographics');

    // Diacritics typed in: not a mismatch (compared in the MRZ's transliteration). A wrong birth date is.
    view = await cases.setDemographics(view.id, { ...form, birthDate: '1987-03-15' });
    expect(view.mrzName).toEqual({ surname: 'CONCEICAO SIMOES', givenNames: 'JOAO GONCALO' });
    expect(view.mismatches).toEqual([{ field: 'birthDate', typed: '1987-03-15', mrz: '1987-03-14' }]);
    expect(view.approval.reasons).toContain('mrz_mismatch');
    view = await cases.setDemographics(view.id, { birthDate: '1987-03-14', email: 'not-an-email' });
    const incomplete = await cases.next(view.id).catch((e: ContractError) => e);
    expect(incomplete).toMatchObject({ code: 'case.step_incomplete', params: { step: 'demographics', missing: 'demographics.email' } });
    view = await cases.setDemographics(view.id, { email: '' });
    expect(view.mismatches).toEqual([]);
    view = await cases.next(view.id);
    expect(view.step).toBe('consent');

    const text = cases.consentText('uk');
    expect(text.version).toBe('consent-2026-11');
    view = await (async () => {
      const pending = cases.captureConsent(view.id, 'uk');
      await new Promise((r) => setTimeout(r, 20));
      expect(cases.signatureAction(view.id, 'accept')).toEqual({ ok: true });
      return pending;
    })();
    expect(view.consent).toMatchObject({ textVersion: 'consent-2026-11', language: 'uk' });
    view = await cases.next(view.id);
    expect(view.step).toBe('fingers');

    // Finger 2: three failed attempts → needs a decision; the operator cannot force it, a supervisor can.
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      view = await cases.captureFinger(view.id, 2);
      expect(view.fingers[1]).toMatchObject({ state: 'pending', attempts: attempt, needsDecision: attempt === 3 });
    }
    expect(previews).toContain(2);
    expect(await codeOf(cases.forceFinger(view.id, 2, { username: 'ana', password: demoPassword }))).toBe('case.not_supervisor');
    expect(await codeOf(cases.forceFinger(view.id, 2, { username: 'rui', password: 'wrong-password' }))).toBe('auth.invalid_credentials');
    view = await cases.forceFinger(view.id, 2, { username: 'rui', password: demoPassword });
    expect(view.fingers[1]).toMatchObject({ state: 'captured', forcedBy: 'rui', needsDecision: false });
    // A finger with retries left cannot be forced.
    view = await cases.fingerException(view.id, 7, 'bandaged', 'dressing on the left index');
    for (const p of [1, 3, 4, 5, 6, 8, 9, 10]) view = await cases.captureFinger(view.id, p);
    expect(view.fingers.every((f) => f.state !== 'pending')).toBe(true);
    expect(view.fingers.filter((f) => f.similarTo !== null)).toEqual([]);
    const img = cases.image(view.id, view.fingers[0]!.image!);
    expect(Buffer.from(img.png, 'base64').subarray(1, 4).toString()).toBe('PNG');
    view = await cases.next(view.id);

    view = await (async () => {
      const pending = cases.captureSignature(view.id);
      await new Promise((r) => setTimeout(r, 20));
      expect(await codeOf(cases.captureFinger(view.id, 1))).toBe('case.capture_running');
      cases.signatureAction(view.id, 'accept');
      return pending;
    })();
    expect(view.signature).toMatchObject({ state: 'captured', attempts: 1 });
    view = await cases.next(view.id);
    expect(view.step).toBe('documents');

    for (const type of ['passport', 'proof-of-means', 'proof-of-address']) view = await cases.scanDocument(view.id, type);
    view = await cases.scanDocument(view.id, 'proof-of-means');
    const extra = view.documents.pages.at(-1)!;
    view = await cases.setPageType(view.id, extra.id, 'criminal-record');
    expect(view.documents.checklist.find((c) => c.type === 'criminal-record')).toMatchObject({ pages: 1, satisfied: true });
    view = await cases.deletePage(view.id, extra.id);
    expect(view.documents.pages).toHaveLength(3);
    view = await cases.next(view.id);
    expect(view.step).toBe('review');

    // Review: approval needed (exception, force-capture, not verified, optional papers missing).
    expect(view.approval).toMatchObject({ required: true, by: null });
    expect(view.approval.reasons).toEqual(expect.arrayContaining(['finger_exception', 'force_capture', 'not_verified', 'checklist_incomplete']));
    expect(await codeOf(cases.seal(view.id))).toBe('case.approval_required');
    expect(await codeOf(cases.approve(view.id, { username: 'ana', password: demoPassword }))).toBe('case.not_supervisor');
    view = await cases.approve(view.id, { username: 'rui', password: demoPassword });
    expect(view.approval).toMatchObject({ required: true, by: 'rui' });

    view = await cases.seal(view.id);
    expect(view).toMatchObject({ status: 'sealed', step: 'receipt' });
    expect(view.packet?.packetId).toMatch(/^\d{29}$/);
    const entry = station.outbox.get(view.packet!.packetId);
    expect(entry).not.toBeNull();
    expect(statSync(entry!.file).size).toBeGreaterThan(1000);
    // After sealing only the receipt's content stays; every image is gone.
    expect(station.vault.list(BLOB_KIND).filter((e) => e.id.startsWith(`${view.id}:`))).toEqual([]);
    expect(await codeOf(Promise.resolve().then(() => cases.image(view.id, 'f01-1')))).toBe('case.unknown');
    expect(cases.list().cases.map((c) => c.id)).not.toContain(view.id);

    const receipt = await cases.receipt(view.id);
    expect(receipt.fileName).toBe(`balcao-receipt-${view.packet!.packetId}.pdf`);
    expect(Buffer.from(receipt.pdf, 'base64').subarray(0, 5).toString()).toBe('%PDF-');

    // Audit: steps, exception, force-capture, approval and seal, without the name or document number.
    const audit = station.audit.recent(500);
    const types = audit.map((a) => a.type);
    for (const t of ['case.started', 'case.step_completed', 'case.finger_exception', 'case.finger_forced', 'case.approved', 'case.sealed', 'auth.supervisor_confirmed', 'auth.supervisor_check_failed']) expect(types).toContain(t);
    const dump = JSON.stringify(audit);
    expect(dump).not.toContain('CB1234567');
    expect(dump).not.toMatch(/Simões|SIMOES/);
    expect(dump).not.toContain('dressing');
    expect(events.length).toBeGreaterThan(20);
  });

  it('keeps the draft encrypted: the typed surname is nowhere in the data folder', async () => {
    const { station, cases } = await setup(fakeStage(), { keys: false });
    const view = cases.start('housing', 'pt');
    await cases.setDemographics(view.id, { surname: 'Zyxwvutsrqenko', givenNames: 'Olha' });
    expect(cases.get(view.id).demographics.surname).toBe('Zyxwvutsrqenko');
    station.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of filesUnder(open!.dir)) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from('Zyxwvutsrqenko', 'utf8')), file).toBe(false);
      expect(bytes.includes(Buffer.from('Zyxwvutsrqenko', 'utf16le')), file).toBe(false);
    }
    const row = station.db.prepare('SELECT * FROM cases WHERE id = ?').get(view.id) as Record<string, unknown>;
    expect(Object.keys(row).sort()).toEqual(['id', 'opened_at', 'operator', 'packet_id', 'revision', 'service', 'status', 'step', 'updated_at'].sort());
    expect(station.vault.has(DRAFT_KIND, view.id)).toBe(true);
    expect(cases.list().cases[0]).toMatchObject({ id: view.id, applicantName: 'Zyxwvutsrqenko, Olha', status: 'open', step: 'identity' });
  });

  it('resumes the same case and step after a restart, and a paused case waits in the list', async () => {
    const { station, cases } = await setup(fakeStage(), { keys: false });
    let view = cases.start('employment', 'en');
    view = await cases.enterMrz(view.id, td3(samplePeople.german, { documentNumber: 'C01X00T47', issuingState: 'DEU', expirationDate: '2031-06-29' }));
    view = await cases.next(view.id);
    view = await cases.setDemographics(view.id, { ...form, surname: 'Müller-Lüdenscheidt', givenNames: 'Jürgen', birthDate: '1975-06-30', nationality: 'DEU', documentNumber: 'C01X00T47', issuingState: 'DEU', expiryDate: '2031-06-29', sex: 'M' });
    expect(view.mismatches).toEqual([]);
    view = await cases.next(view.id);
    expect(await cases.pause(view.id)).toEqual({ ok: true });
    expect(await codeOf(cases.next(view.id))).toBe('case.not_open');
    const db = station.db;
    const id = view.id;
    // A second service on the same database and vault: what the station builds after a restart.
    const again = new CaseService({
      config: station.config,
      db,
      vault: station.vault,
      audit: station.audit,
      hub: station.hub,
      devices: station.devices,
      outbox: station.outbox,
      currentOperator: () => ({ username: 'ana', language: 'en' }),
      verifySupervisor: async () => ({ username: 'rui' }),
      capture: fakeStage(),
    });
    expect(again.list().cases).toEqual([expect.objectContaining({ id, status: 'paused', step: 'consent' })]);
    const resumed = await again.resume(id);
    expect(resumed).toMatchObject({ status: 'open', step: 'consent', completed: ['identity', 'demographics'], demographics: { surname: 'Müller-Lüdenscheidt' } });
    // Back to a completed step, and forward again past completed ones only.
    expect((await again.goto(id, 'identity')).step).toBe('identity');
    expect((await again.goto(id, 'consent')).step).toBe('consent');
    expect(await codeOf(again.goto(id, 'signature'))).toBe('case.step_incomplete');
    expect(await codeOf(cases.goto(id, 'receipt'))).toBe('case.step_not_in_service');
  });

  it('survives closing and reopening the station itself (same data folder)', async () => {
    const { station, cases } = await setup(fakeStage(), { keys: false });
    let view = cases.start('health', 'pt');
    view = await cases.enterMrz(view.id, td3(samplePeople.portuguese, sampleDocuments.passport));
    view = await cases.next(view.id);
    const config = station.config;
    station.close();
    const { openStation } = await import('../station/station.js');
    const { createLogger, memorySink } = await import('../log/logger.js');
    const reopened = await openStation(config, { log: createLogger('t', memorySink()), devices: false, outboxWorker: false });
    try {
      await reopened.api.call['auth.login']({ username: 'ana', password: demoPassword });
      const got = await reopened.api.call['cases.get']({ caseId: view.id });
      expect(got).toMatchObject({ id: view.id, step: 'demographics', completed: ['identity'], revision: view.revision });
      expect(got.identity.mrz?.valid).toBe(true);
      const list = await reopened.api.call['cases.list']({});
      expect(list.cases.map((c) => c.id)).toContain(view.id);
      const info = await reopened.api.call['station.info']({});
      expect(info.activities.find((a) => a.id === 'enrolment')?.available).toBe(true);
    } finally {
      reopened.close();
    }
  });

  it('cancel wipes the draft and every image, keeps an audit entry, and refuses further work', async () => {
    const { station, cases } = await setup(fakeStage(), { keys: false });
    let view = cases.start('legalisation', 'pt');
    view = await cases.readMrz(view.id);
    view = await cases.scanIdentityPage(view.id, 'td3');
    expect(station.vault.list(BLOB_KIND).filter((e) => e.id.startsWith(`${view.id}:`)).length).toBe(2);
    expect(await cases.cancel(view.id, 'applicant left')).toEqual({ ok: true });
    expect(station.vault.has(DRAFT_KIND, view.id)).toBe(false);
    expect(station.vault.list(BLOB_KIND).filter((e) => e.id.startsWith(`${view.id}:`))).toEqual([]);
    const entry = station.audit.recent(50).find((a) => a.type === 'case.cancelled');
    expect(entry).toMatchObject({ actor: 'ana', details: { caseId: view.id, reason: 'applicant left', blobsWiped: 2 } });
    expect(await codeOf(Promise.resolve().then(() => cases.get(view.id)))).toBe('case.not_open');
    expect(cases.list().cases).toEqual([]);
    expect(await codeOf(cases.cancel(view.id, 'again'))).toBe('case.not_open');
  });

  it('warns when two fingers look like the same finger, and clears the warning with the finger', async () => {
    const { cases } = await setup(fakeStage({ sameAs: { 3: 2 } }), { keys: false });
    let view = cases.start('nationality', 'pt');
    view = await cases.captureFinger(view.id, 2);
    view = await cases.captureFinger(view.id, 3);
    expect(view.fingers[2]).toMatchObject({ state: 'captured', similarTo: 2 });
    expect(view.approval.reasons).toContain('similar_fingers');
    view = await cases.clearFinger(view.id, 3);
    expect(view.fingers[2]).toMatchObject({ state: 'pending', attempts: 1, image: null, similarTo: null });
    expect(await codeOf(cases.forceFinger(view.id, 3, { username: 'rui', password: demoPassword }))).toBe('case.retries_left');
  });

  it('a device failure leaves the case as it was, with the device error code', async () => {
    const failure = new DeviceError('disconnected', 'The fingerprint reader on /dev/ttyX stopped answering.');
    const { cases } = await setup(fakeStage({ failFinger: failure }), { keys: false });
    const view = cases.start('legalisation', 'pt');
    const before = cases.get(view.id).revision;
    expect(await codeOf(cases.captureFinger(view.id, 1))).toBe('device.disconnected');
    expect(cases.get(view.id).revision).toBe(before);
    // Not a case for fingers: digitisation refuses biometrics.
    const doc = cases.start('digitisation', 'pt');
    expect(doc.steps).toEqual(['identity', 'demographics', 'consent', 'documents', 'review', 'receipt']);
    expect(await codeOf(cases.captureFinger(doc.id, 1))).toBe('case.step_not_in_service');
    expect(await codeOf(cases.next(doc.id).then(() => cases.next(doc.id)))).toBe('case.step_incomplete');
  });
  it('refuses a consent signature that fails the signature checks, records nothing, audits it, and takes the next one', async () => {
    const { station, cases } = await setup(fakeStage({ padScores: [10] }), { keys: false });
    const view = cases.start('legalisation', 'pt');
    const sign = async () => {
      const pending = cases.captureConsent(view.id, 'pt');
      await new Promise((r) => setTimeout(r, 20));
      cases.signatureAction(view.id, 'accept');
      return pending;
    };
    const rejected = await sign().catch((e: ContractError) => e);
    expect(rejected).toMatchObject({ code: 'case.consent_rejected', params: { reasons: 'score_too_low' } });
    expect(cases.get(view.id).consent).toBeNull();
    expect(station.audit.recent(20).map((e) => e.type)).toContain('case.consent_rejected');
    const given = await sign();
    expect(given.consent).toMatchObject({ textVersion: 'consent-2026-11', language: 'pt' });
  });
});

describe('CaseService slaps (4-4-2)', { timeout: 60_000 }, () => {
  it('fills each finger slot of a slap, leaves the exceptions out, and retries only the finger that failed', async () => {
    const stage = fakeStage({ scores: { 8: [20] } });
    const { station, cases } = await setup(stage, { keys: false });
    expect(cases.services().fingerMode).toBe('single');
    expect(cases.services().fingerAutoRetryMs).toBe(1500);
    // 0 turns the screen's automatic retry off; longer than 10 s is refused, naming the key.
    expect(CasesConfig.parse({ fingerAutoRetryMs: 0 }).fingerAutoRetryMs).toBe(0);
    expect(CasesConfig.safeParse({ fingerAutoRetryMs: 20_000 }).error?.issues[0]?.path).toEqual(['fingerAutoRetryMs']);
    const previews: { position: number; slap?: string }[] = [];
    station.hub.subscribe((event, payload) => {
      if (event === 'capture.preview') previews.push(payload as { position: number; slap?: string });
    });
    let view = cases.start('legalisation', 'pt');
    view = await cases.fingerException(view.id, 9, 'amputated');
    view = await cases.captureSlap(view.id, 'left');
    // The device was asked for the left slap less the exception, and told of it.
    expect(stage.slaps.at(-1)).toEqual({ slap: 'left', asked: [7, 8, 10], exceptions: [9] });
    expect(previews.at(-1)).toMatchObject({ position: 7, slap: 'left' });
    const slot = (p: number) => view.fingers.find((f) => f.position === p)!;
    expect(slot(7)).toMatchObject({ state: 'captured', attempts: 1 });
    expect(slot(8)).toMatchObject({ state: 'pending', attempts: 1, needsDecision: false, quality: { passed: false } });
    expect(slot(8).image).not.toBeNull();
    expect(slot(9)).toMatchObject({ state: 'exception', attempts: 0, image: null });
    expect(slot(10)).toMatchObject({ state: 'captured', attempts: 1 });

    // Only the failed finger again: the others keep their attempt count and image.
    const kept = slot(7).image;
    view = await cases.captureSlap(view.id, 'left', [8]);
    expect(stage.slaps.at(-1)).toEqual({ slap: 'left', asked: [8], exceptions: [9] });
    expect(slot(8)).toMatchObject({ state: 'captured', attempts: 2 });
    expect(slot(7)).toMatchObject({ attempts: 1, image: kept });

    const audit = station.audit.recent(50).map((e) => e.type);
    expect(audit.filter((t) => t === 'case.slap_captured')).toHaveLength(2);
    expect(audit.filter((t) => t === 'case.finger_captured')).toHaveLength(4);
  });

  it('refuses fingers outside the slap or recorded as exceptions, before touching the device', async () => {
    const stage = fakeStage();
    const { cases } = await setup(stage, { keys: false });
    let view = cases.start('legalisation', 'pt');
    view = await cases.fingerException(view.id, 1, 'bandaged');
    expect(await codeOf(cases.captureSlap(view.id, 'right', [2, 7]))).toBe('contract.bad_request');
    expect(await codeOf(cases.captureSlap(view.id, 'thumbs', [1]))).toBe('contract.bad_request');
    view = await cases.fingerException(view.id, 6, 'amputated');
    expect(await codeOf(cases.captureSlap(view.id, 'thumbs'))).toBe('contract.bad_request');
    expect(stage.slaps).toEqual([]);
    // A digitisation case takes no fingers at all.
    const doc = cases.start('digitisation', 'pt');
    expect(await codeOf(cases.captureSlap(doc.id, 'left'))).toBe('case.step_not_in_service');
  });

  it('counts attempts per finger up to the decision, keeps force-capture for a supervisor, and warns of the same finger twice', async () => {
    const stage = fakeStage({ scores: { 3: [10, 12, 15] }, sameAs: { 5: 4 } });
    const { cases } = await setup(stage, { keys: false });
    let view = cases.start('legalisation', 'pt');
    view = await cases.captureSlap(view.id, 'right');
    view = await cases.captureSlap(view.id, 'right', [3]);
    view = await cases.captureSlap(view.id, 'right', [3]);
    const slot = (p: number) => view.fingers.find((f) => f.position === p)!;
    expect(slot(3)).toMatchObject({ state: 'pending', attempts: 3, needsDecision: true });
    expect(slot(2)).toMatchObject({ state: 'captured', attempts: 1 });
    // The same print at 4 and 5 within one slap: flagged, as one at a time would.
    expect(slot(5)).toMatchObject({ state: 'captured', similarTo: 4 });
    expect(view.approval.reasons).toContain('similar_fingers');
    view = await cases.forceFinger(view.id, 3, { username: 'rui', password: demoPassword });
    expect(slot(3)).toMatchObject({ state: 'captured', forcedBy: 'rui' });
    expect(view.approval.reasons).toContain('force_capture');
  });

  it('a finger the device did not return stays as it was; a device failure changes nothing', async () => {
    const { station, cases } = await setup(fakeStage({ notReturned: [10] }), { keys: false });
    let view = cases.start('legalisation', 'pt');
    view = await cases.captureSlap(view.id, 'left');
    expect(view.fingers.find((f) => f.position === 10)).toMatchObject({ state: 'pending', attempts: 0, image: null });
    expect(view.fingers.filter((f) => [7, 8, 9].includes(f.position)).every((f) => f.state === 'captured')).toBe(true);
    const entry = station.audit.recent(20).find((e) => e.type === 'case.slap_captured');
    expect(entry?.details).toMatchObject({ slap: 'left', asked: '7,8,9,10', returned: 3, missing: '10' });

    open?.close();
    open = null;
    const failing = await setup(fakeStage({ failFinger: new DeviceError('disconnected', 'The SBI device service at http://127.0.0.1:1 closed the connection during RCAPTURE.') }), { keys: false });
    const other = failing.cases.start('legalisation', 'pt');
    const before = failing.cases.get(other.id).revision;
    expect(await codeOf(failing.cases.captureSlap(other.id, 'right'))).toBe('device.disconnected');
    expect(failing.cases.get(other.id).revision).toBe(before);
  });
});
