/**
 * A whole enrolment through the contract (the in-process transport, the real
 * dispatcher), with the station's simulated devices answering every capture
 * (fingerprint reader, MRZ reader, scanner, signature pad) and the agency
 * simulator on loopback answering the lookups and accepting the sealed
 * packet. Plus the lookup client against the same simulator.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgencySimulator, type AgencySimulator } from '../../device-simulators/agency/server.js';
import { openTempStation, tempDir, type TempStation } from '../support/temp-station.js';
import { demoPassword } from '../../app/station/demo.js';
import { AgencyLookupError, AgencyLookups } from '../../app/agency/lookups.js';
import { AuditLog } from '../../app/audit/log.js';
import { openDatabase } from '../../app/storage/database.js';
import type { CaseView } from '../../app/contract/cases.js';
import type { StationApi } from '../../app/contract/client.js';

let agency: AgencySimulator | null = null;
let open: TempStation | null = null;
let cleanup: (() => void) | null = null;
afterEach(async () => {
  open?.close();
  open = null;
  await agency?.stop();
  agency = null;
  cleanup?.();
  cleanup = null;
});

async function rig() {
  const t = tempDir('balcao-case-e2e-');
  cleanup = t.remove;
  agency = await startAgencySimulator({ keysDir: path.join(t.dir, 'agency-keys'), dataDir: path.join(t.dir, 'agency-data') });
  const stationKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  mkdirSync(path.join(t.dir, 'station-keys'), { recursive: true });
  const signingKey = path.join(t.dir, 'station-keys', 'station-signing.pem');
  writeFileSync(signingKey, stationKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const sim = agency;
  // Unpaced simulators: the pad signs and the readers answer without the devices' real waits (the bench times those).
  const savedUnpaced = process.env.BALCAO_SIM_UNPACED;
  process.env.BALCAO_SIM_UNPACED = '1';
  const restore = () => (savedUnpaced === undefined ? delete process.env.BALCAO_SIM_UNPACED : (process.env.BALCAO_SIM_UNPACED = savedUnpaced));
  open = await openTempStation({
    simulateDevices: true,
    config: (base) => {
      sim.registerStation(base.centreId, base.stationId, stationKeys.publicKey.export({ type: 'spki', format: 'pem' }) as string);
      return {
        ...base,
        agency: { url: sim.url, token: sim.token, encryptionKey: sim.keys.encryptionPublicKeyPath, receiptKey: sim.keys.receiptPublicKeyPath },
        station: { signingKey },
        outbox: { ...base.outbox, backoff: { ...base.outbox.backoff, baseMs: 50, capMs: 400 }, receiptPollMs: 50 },
      };
    },
  }).finally(restore);
  return { station: open.station, dir: t.dir };
}

async function withSignature(api: StationApi, caseId: string, start: () => Promise<CaseView>): Promise<CaseView> {
  const pending = start();
  // The pad simulator signs; the screen's Accept ends the capture once the ink has stopped for a moment —
  // accepting mid-signature (a paced pad takes ~3 s) would make a short signature that the quality check refuses.
  let lastInk = 0;
  const off = api.on['capture.ink']((e) => {
    if (e.caseId === caseId && e.points.length > 0) lastInk = Date.now();
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && (lastInk === 0 || Date.now() - lastInk < 500)) await new Promise((r) => setTimeout(r, 50));
  off();
  await api.call['cases.signatureAction']({ caseId, action: 'accept' }).catch(() => undefined);
  return pending;
}

describe('enrolment with the simulators and the agency simulator', () => {
  it('reads the MRZ, verifies with the agency, captures, seals, and the agency accepts the packet', async () => {
    const { station } = await rig();
    const api = station.api;
    await api.call['auth.login']({ username: 'ana', password: demoPassword });
    const services = await api.call['cases.services']({});
    expect(services.services.map((s) => s.id)).toContain('legalisation');

    let view = await api.call['cases.start']({ serviceType: 'employment', applicantLanguage: 'pt' });
    const id = view.id;
    view = await api.call['cases.readMrz']({ caseId: id });
    expect(view.identity.mrz?.valid).toBe(true);
    view = await api.call['cases.verify']({ caseId: id });
    expect(view.identity.verification?.identity).toMatchObject({ ok: true });
    expect(view.identity.verification?.document).toMatchObject({ ok: true });
    const lookups = station.audit.recent(100).filter((a) => a.type === 'agency.lookup');
    expect(lookups.map((a) => a.details.endpoint).sort()).toEqual(['documents.status', 'identity.verify']);
    view = await api.call['cases.next']({ caseId: id });

    const prefilled = view.demographics;
    view = await api.call['cases.setDemographics']({ caseId: id, values: { sex: prefilled.sex ?? 'M', placeOfBirth: 'Lisboa', phone: '+351 912 345 678' } });
    const missing = await api.call['cases.next']({ caseId: id }).then(
      (v) => {
        view = v;
        return null;
      },
      (e: { params?: { missing?: string } }) => e.params?.missing ?? 'error',
    );
    expect(missing).toBeNull();

    view = await withSignature(api, id, () => api.call['cases.captureConsent']({ caseId: id, language: 'pt' }));
    expect(view.consent?.textVersion).toBe('consent-2026-11');
    view = await api.call['cases.next']({ caseId: id });
    expect(view.step).toBe('fingers');

    for (let position = 1; position <= 10; position += 1) {
      for (let tries = 0; tries < 5; tries += 1) {
        view = await api.call['cases.captureFinger']({ caseId: id, position });
        const slot = view.fingers[position - 1]!;
        if (slot.state === 'captured') break;
        if (slot.needsDecision) {
          view = await api.call['cases.fingerException']({ caseId: id, position, reason: 'unable' });
          break;
        }
      }
    }
    expect(view.fingers.every((f) => f.state !== 'pending')).toBe(true);
    view = await api.call['cases.next']({ caseId: id });

    for (let attempt = 0; attempt < 3 && view.signature.state !== 'captured'; attempt += 1) {
      view = await withSignature(api, id, () => api.call['cases.captureSignature']({ caseId: id }));
    }
    expect(view.signature.state).toBe('captured');
    view = await api.call['cases.next']({ caseId: id });

    for (const item of view.documents.checklist.filter((c) => c.required)) {
      for (let n = 0; n < item.minPages; n += 1) view = await api.call['cases.scanDocument']({ caseId: id, type: item.type });
    }
    view = await api.call['cases.next']({ caseId: id });
    expect(view.step).toBe('review');
    if (view.approval.required) view = await api.call['cases.approve']({ caseId: id, supervisor: { username: 'rui', password: demoPassword } });
    view = await api.call['cases.seal']({ caseId: id });
    expect(view.status).toBe('sealed');
    const packetId = view.packet!.packetId;

    const summary = await station.outbox.flush({ deadlineMs: 30_000 });
    expect(summary.rejected).toEqual([]);
    expect(station.outbox.get(packetId)?.state).toMatch(/acknowledged|purged/);
    const receipt = await api.call['cases.receipt']({ caseId: id });
    expect(Buffer.from(receipt.pdf, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('the lookup client: verify, document status, appointment, bad token and unreachable agency — each audited', async () => {
    const t = tempDir('balcao-lookups-');
    cleanup = t.remove;
    agency = await startAgencySimulator({ keysDir: path.join(t.dir, 'keys'), dataDir: path.join(t.dir, 'data') });
    const db = openDatabase({ dataDir: path.join(t.dir, 'station') });
    try {
      const audit = new AuditLog(db);
      const client = new AgencyLookups({ url: agency.url, token: agency.token, audit, timeoutMs: 3000 });
      const ctx = { actor: 'ana', caseId: 'c1' };
      await expect(client.verifyIdentity({ documentType: 'P', documentNumber: 'CB1234567', issuingState: 'PRT', birthDate: '1987-03-14', nationality: 'PRT' }, ctx)).resolves.toMatchObject({ match: true, personRef: 'PR-2019-004417' });
      await expect(client.verifyIdentity({ documentType: 'P', documentNumber: 'CB1234567', issuingState: 'PRT', birthDate: '1987-03-15', nationality: 'PRT' }, ctx)).resolves.toMatchObject({ match: false });
      await expect(client.documentStatus({ documentType: 'PASSPORT', documentNumber: 'PA0193847', issuingState: 'CPV', expiryDate: '2030-09-30' }, ctx)).resolves.toEqual({ status: 'REPORTED_STOLEN' });
      await expect(client.appointment('APT-2026-000123', ctx)).resolves.toMatchObject({ service: 'RESIDENCE_PERMIT_NEW' });
      await expect(client.appointment('APT-2026-999999', ctx)).resolves.toBeNull();
      const wrong = new AgencyLookups({ url: agency.url, token: 'wrong-token', audit });
      const denied = await wrong.documentStatus({ documentType: 'P', documentNumber: 'CB1234567', issuingState: 'PRT', expiryDate: '2031-05-20' }, ctx).catch((e: unknown) => e);
      expect(denied).toBeInstanceOf(AgencyLookupError);
      expect((denied as AgencyLookupError).code).toBe('unauthorized');
      const gone = new AgencyLookups({ url: 'http://127.0.0.1:9/', token: 'x', audit, timeoutMs: 1000 });
      const unreachable = await gone.documentStatus({ documentType: 'P', documentNumber: 'CB1234567', issuingState: 'PRT', expiryDate: '2031-05-20' }, ctx).catch((e: unknown) => e);
      expect((unreachable as AgencyLookupError).code).toMatch(/unreachable|timeout/);
      const entries = audit.recent(20).filter((a) => a.type === 'agency.lookup');
      expect(entries).toHaveLength(7);
      expect(entries.map((e) => e.details.outcome)).toEqual(expect.arrayContaining(['ok', 'unauthorized']));
      expect(JSON.stringify(entries)).not.toContain('CB1234567');
      expect(JSON.stringify(entries)).not.toContain('1987-03-14');
    } finally {
      db.close();
    }
  });
});
