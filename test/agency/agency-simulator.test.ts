/**
 * The agency simulator on loopback, driven with plain HTTP (fetch) and
 * packets built here from the spec (device-simulators/agency/fixture-packet.ts), never with the
 * station's own sealer or upload client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startAgencySimulator, type AgencySimulator } from '../../device-simulators/agency/server.js';
import { buildFixturePacket, type FixturePacket, type FixtureTweaks } from '../../device-simulators/agency/fixture-packet.js';
import { verifyReceipt, type ReceiptPayload } from '../../device-simulators/agency/receipts.js';
import { spkiKeyId } from '../../device-simulators/agency/keys.js';

let root: string;
let sim: AgencySimulator;
let encryptionKey: KeyObject;
let receiptKey: KeyObject;
const station = generateKeyPairSync('ec', { namedCurve: 'P-256' });
let sequence = 100;

const auth = (token = 'demo-station-token') => ({ Authorization: `Bearer ${token}` });
const b64 = (s: string) => Buffer.from(s).toString('base64');

async function create(packet: { packetId: string; sha256: string; file: Uint8Array }, opts: { sha256?: string; length?: number } = {}): Promise<Response> {
  return fetch(new URL('v1/uploads', sim.url), {
    method: 'POST',
    headers: {
      ...auth(),
      'Tus-Resumable': '1.0.0',
      'Upload-Length': String(opts.length ?? packet.file.length),
      'Upload-Metadata': `packetId ${b64(packet.packetId)},sha256 ${b64(opts.sha256 ?? packet.sha256)}`,
    },
  });
}

function patch(location: string, bytes: Uint8Array, offset: number): Promise<Response> {
  return fetch(location, {
    method: 'PATCH',
    headers: { ...auth(), 'Tus-Resumable': '1.0.0', 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset) },
    body: new Uint8Array(bytes),
  });
}

async function receipt(packetId: string): Promise<Response> {
  return fetch(new URL(`v1/packets/${packetId}/receipt`, sim.url), { headers: auth() });
}

/** Polls the receipt until it is final (200), and checks its signature. */
async function finalReceipt(packetId: string): Promise<ReceiptPayload> {
  for (let i = 0; i < 200; i++) {
    const res = await receipt(packetId);
    if (res.status === 200) {
      expect(res.headers.get('content-type')).toBe('application/jose');
      const { kid, payload } = await verifyReceipt(await res.text(), receiptKey);
      expect(kid).toBe(spkiKeyId(receiptKey));
      return payload;
    }
    expect(res.status).toBe(202);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no final receipt');
}

async function send(packet: FixturePacket, opts: { sha256?: string } = {}): Promise<ReceiptPayload> {
  const created = await create(packet, opts);
  expect(created.status).toBe(201);
  const location = created.headers.get('location') as string;
  const sent = await patch(location, packet.file, 0);
  expect(sent.status).toBe(204);
  expect(sent.headers.get('upload-offset')).toBe(String(packet.file.length));
  return finalReceipt(packet.packetId);
}

function packet(tweaks?: FixtureTweaks, extra: { centreId?: string; stationId?: string } = {}): Promise<FixturePacket> {
  return buildFixturePacket({ encryptionKey, stationKey: station.privateKey, sequence: sequence++, tweaks, ...extra });
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'agency-sim-test-'));
  sim = await startAgencySimulator({ keysDir: path.join(root, 'keys'), dataDir: path.join(root, 'data'), port: 0 });
  sim.registerStation('10001', '10077', station.publicKey.export({ type: 'spki', format: 'pem' }) as string);
  encryptionKey = createPublicKey(await readFile(sim.keys.encryptionPublicKeyPath, 'utf8'));
  receiptKey = createPublicKey(await readFile(sim.keys.receiptPublicKeyPath, 'utf8'));
}, 60_000);

afterAll(async () => {
  await sim?.stop();
  await rm(root, { recursive: true, force: true });
});

describe('keys', () => {
  it('made the key files, private ones readable by the owner only, and keeps them across starts', async () => {
    const keysDir = path.join(root, 'keys');
    expect(((await stat(path.join(keysDir, 'agency-encryption.pem'))).mode & 0o777).toString(8)).toBe('600');
    expect(((await stat(path.join(keysDir, 'agency-receipt.pem'))).mode & 0o777).toString(8)).toBe('600');
    expect(encryptionKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(receiptKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const again = await startAgencySimulator({ keysDir, port: 0 });
    try {
      expect(again.keys.encryptionKid).toBe(sim.keys.encryptionKid);
      expect(again.keys.receiptKid).toBe(sim.keys.receiptKid);
    } finally {
      await again.stop();
    }
  });
});

describe('upload and receipt', () => {
  it('accepts a packet built to the spec and signs an ACCEPTED receipt for the file it got', async () => {
    const p = await packet();
    const r = await send(p);
    expect(r).toMatchObject({ packetId: p.packetId, sha256: p.sha256, status: 'ACCEPTED', reasons: [] });
    expect(Number.isNaN(Date.parse(r.receivedAt))).toBe(false);
    // §4: creating again for an accepted packet → 200, Packet-Status, no Location.
    const again = await create(p);
    expect(again.status).toBe(200);
    expect(again.headers.get('packet-status')).toBe('ACCEPTED');
    expect(again.headers.get('location')).toBeNull();
    expect(sim.packets().find((x) => x.packetId === p.packetId)).toMatchObject({ status: 'ACCEPTED', completedUploads: 1 });
  });

  it('gives the same Location to a second create of an unfinished upload', async () => {
    const p = await packet();
    const first = await create(p);
    const second = await create(p);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect((await receipt(p.packetId)).status).toBe(404);
  });

  it('answers 409 to a PATCH at the wrong offset, and HEAD gives the offset', async () => {
    const p = await packet();
    const location = (await create(p)).headers.get('location') as string;
    expect((await patch(location, p.file.subarray(0, 100), 0)).status).toBe(204);
    const wrong = await patch(location, p.file.subarray(100), 50);
    expect(wrong.status).toBe(409);
    expect(wrong.headers.get('content-type')).toBe('application/problem+json');
    expect(await wrong.json()).toMatchObject({ type: expect.stringContaining('offset-mismatch'), title: expect.any(String), detail: expect.any(String) });
    const head = await fetch(location, { method: 'HEAD', headers: { ...auth(), 'Tus-Resumable': '1.0.0' } });
    expect(head.headers.get('upload-offset')).toBe('100');
  });

  it('resumes after the connection is reset mid-PATCH, from the offset HEAD gives', async () => {
    const p = await packet();
    const location = (await create(p)).headers.get('location') as string;
    sim.setFaults({ resetAfterBytes: 1000 });
    await expect(patch(location, p.file, 0)).rejects.toThrow();
    const head = await fetch(location, { method: 'HEAD', headers: { ...auth(), 'Tus-Resumable': '1.0.0' } });
    expect(head.status).toBe(200);
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBe(1000);
    const rest = await patch(location, p.file.subarray(offset), offset);
    expect(rest.status).toBe(204);
    expect((await finalReceipt(p.packetId)).status).toBe('ACCEPTED');
  });

  it('makes the upload when a create answer is lost, and hands the same upload to the retried create', async () => {
    const p = await packet();
    const before = (await readdir(path.join(sim.dataDir, 'uploads'))).filter((f) => !f.endsWith('.json')).length;
    sim.setFaults({ loseCreateNext: 1 });
    await expect(create(p)).rejects.toThrow();
    const retried = await create(p);
    expect(retried.status).toBe(201);
    const after = (await readdir(path.join(sim.dataDir, 'uploads'))).filter((f) => !f.endsWith('.json')).length;
    expect(after).toBe(before + 1);
    expect((await patch(retried.headers.get('location') as string, p.file, 0)).status).toBe(204);
    expect((await finalReceipt(p.packetId)).status).toBe('ACCEPTED');
  });

  it('does not store a packet twice when a second upload of it completes after it was accepted', async () => {
    const p = await packet();
    // An older upload of the same packet, made with other metadata, is still open when the newer one is accepted.
    const older = (await create(p, { sha256: '0'.repeat(64) })).headers.get('location') as string;
    expect((await send(p)).status).toBe('ACCEPTED');
    expect((await patch(older, p.file, 0)).status).toBe(204);
    await sim.idle();
    const record = sim.packets().find((x) => x.packetId === p.packetId);
    expect(record).toMatchObject({ status: 'ACCEPTED', completedUploads: 2 });
    expect(sim.packets().filter((x) => x.packetId === p.packetId)).toHaveLength(1);
    await expect(stat(path.join(sim.dataDir, 'uploads', older.split('/').pop() as string))).rejects.toThrow();
    expect((await finalReceipt(p.packetId)).sha256).toBe(p.sha256);
  });

  it('answers 202 while checking and 404 for an unknown packet', async () => {
    expect((await receipt('10001100779999920261122101112')).status).toBe(404);
    sim.setFaults({ checkDelayMs: 300 });
    try {
      const p = await packet();
      const location = (await create(p)).headers.get('location') as string;
      expect((await patch(location, p.file, 0)).status).toBe(204);
      const pending = await receipt(p.packetId);
      expect(pending.status).toBe(202);
      const during = await create(p);
      expect(during.status).toBe(200);
      expect(during.headers.get('packet-status')).toBe('CHECKING');
      expect((await finalReceipt(p.packetId)).status).toBe('ACCEPTED');
    } finally {
      sim.setFaults({ checkDelayMs: 0 });
    }
  });

  it('refuses a create without the packet id and hash in Upload-Metadata', async () => {
    const res = await fetch(new URL('v1/uploads', sim.url), { method: 'POST', headers: { ...auth(), 'Tus-Resumable': '1.0.0', 'Upload-Length': '10' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('rejections', () => {
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const cases: Array<[string, string, () => Promise<{ p: FixturePacket; sha256?: string }>]> = [
    ['bad signature', 'signature:', async () => ({ p: await packet({ signWith: other.privateKey, kid: spkiKeyId(station.publicKey) }) })],
    ['signed with another key', 'signature:', async () => ({ p: await packet({ signWith: other.privateKey }) })],
    ['unknown station', 'station-key:', async () => ({ p: await packet(undefined, { centreId: '10002' }) })],
    ['wrong sha256 in Upload-Metadata', 'upload-sha256:', async () => ({ p: await packet(), sha256: 'ab'.repeat(32) })],
    ['tampered payload', 'payload-sha256:', async () => ({ p: await packet({ tamperPayload: true }) })],
    ['wrong AAD', 'decryption:', async () => ({ p: await packet({ aad: 'not-the-packet-id' }) })],
    ['missing entry', 'zip-layout:', async () => ({ p: await packet({ outerEntries: ['manifest.json', 'payload.enc'] }) })],
    ['wrong entry order', 'zip-layout:', async () => ({ p: await packet({ outerEntries: ['payload.enc', 'manifest.json', 'manifest.sig'] }) })],
    ['compressed outer zip', 'zip-stored:', async () => ({ p: await packet({ compressOuter: true }) })],
    ['bad hashes.json', 'hashes:', async () => ({ p: await packet({ hashes: (h) => ({ ...h, 'record.json': '0'.repeat(64) }) }) })],
    ['hashes.json leaves an entry out', 'hashes:', async () => ({ p: await packet({ hashes: ({ 'audit.json': _a, ...h }) => h }) })],
    ['bad record', 'record-schema:', async () => ({ p: await packet({ record: (r) => ({ ...r, applicant: { surname: '', birthDate: '14/03/1987', nationality: 'Portugal' } }) }) })],
    ['record without consent', 'record-schema:', async () => ({ p: await packet({ record: ({ consent: _c, ...r }) => r }) })],
    ['missing inner record', 'inner-entries:', async () => ({ p: await packet({ omitInner: ['record.json'] }) })],
  ];
  for (const [name, check, make] of cases) {
    it(`rejects: ${name}, naming the check (${check})`, async () => {
      const { p, sha256 } = await make();
      const r = await send(p, sha256 ? { sha256 } : {});
      expect(r.status).toBe('REJECTED');
      expect(r.reasons.some((reason) => reason.startsWith(check))).toBe(true);
      expect(r.sha256).toBe(p.sha256);
      // A rejected packet may be sent again (the supervisor's retry): the create makes a new upload.
      expect((await create(p, sha256 ? { sha256 } : {})).status).toBe(201);
    });
  }

  it('reads station keys dropped into keys/stations/ at request time', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await writeFile(path.join(sim.keys.stationsDir, '10003-10077.pub.pem'), other.publicKey.export({ type: 'spki', format: 'pem' }));
    const p = await buildFixturePacket({ encryptionKey, stationKey: other.privateKey, centreId: '10003', sequence: sequence++ });
    expect((await send(p)).status).toBe('ACCEPTED');
  });
});

describe('auth and faults', () => {
  it('answers 401 problem+json without a token, with a wrong one, and when the token expired', async () => {
    const none = await fetch(new URL('v1/appointments/APT-2026-000123', sim.url));
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toBe('application/problem+json');
    expect(await none.json()).toMatchObject({ type: expect.stringContaining('unauthorized'), title: 'Unauthorized', detail: expect.any(String) });
    expect((await fetch(new URL('v1/appointments/APT-2026-000123', sim.url), { headers: auth('nope') })).status).toBe(401);
    sim.setFaults({ expiredTokenNext: 1 });
    const expired = await fetch(new URL('v1/appointments/APT-2026-000123', sim.url), { headers: auth() });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await fetch(new URL('v1/appointments/APT-2026-000123', sim.url), { headers: auth() })).status).toBe(200);
  });

  it('answers 429 and 503 with Retry-After in seconds, as often as asked', async () => {
    sim.setFaults({ rateLimitNext: 1, retryAfterSeconds: 7 });
    const limited = await fetch(new URL('v1/appointments/APT-2026-000123', sim.url), { headers: auth() });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    sim.setFaults({ fail5xxNext: 2, status5xx: 503, retryAfterSeconds: 2 });
    for (let i = 0; i < 2; i++) {
      const failed = await fetch(new URL('v1/appointments/APT-2026-000123', sim.url), { headers: auth() });
      expect(failed.status).toBe(503);
      expect(failed.headers.get('retry-after')).toBe('2');
    }
    expect((await fetch(new URL('v1/appointments/APT-2026-000123', sim.url), { headers: auth() })).status).toBe(200);
  });

  it('fails a seeded share of requests when given a rate', async () => {
    sim.setFaults({ fail5xxRate: 0.5, status5xx: 500 });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await fetch(new URL('v1/appointments/APT-2026-000123', sim.url), { headers: auth() })).status);
    sim.setFaults({ fail5xxRate: 0 });
    const failed = statuses.filter((s) => s === 500).length;
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
    expect(statuses.every((s) => s === 200 || s === 500)).toBe(true);
  });

  it('adds latency', async () => {
    sim.setFaults({ latencyMs: 120 });
    const started = Date.now();
    await fetch(new URL('v1/appointments/APT-2026-000123', sim.url), { headers: auth() });
    sim.setFaults({ latencyMs: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });
});

describe('lookups', () => {
  const post = (p: string, body: unknown) => fetch(new URL(p, sim.url), { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('finds the holder of the MRZ simulator sample passport', async () => {
    const res = await post('v1/identity/verify', { documentType: 'P', documentNumber: 'CB1234567', issuingState: 'PRT', birthDate: '1987-03-14', nationality: 'PRT' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ match: true, personRef: 'PR-2019-004417', openCases: [] });
    const wrong = await post('v1/identity/verify', { documentType: 'PASSPORT', documentNumber: 'CB1234567', issuingState: 'PRT', birthDate: '1987-03-15', nationality: 'PRT' });
    expect(await wrong.json()).toEqual({ match: false });
    const card = await post('v1/identity/verify', { documentType: 'ID', documentNumber: 'UA0042917', issuingState: 'UKR', birthDate: '1990-08-24', nationality: 'UKR' });
    expect(await card.json()).toMatchObject({ match: true, openCases: [{ process: 'NEW' }] });
  });

  it('reports document status', async () => {
    const status = async (body: unknown) => ((await (await post('v1/documents/status', body)).json()) as { status: string }).status;
    expect(await status({ documentType: 'P', documentNumber: 'CB1234567', issuingState: 'PRT', expiryDate: '2031-05-20' })).toBe('VALID');
    expect(await status({ documentType: 'P', documentNumber: 'FT110274', issuingState: 'BRA', expiryDate: '2028-03-02' })).toBe('REPORTED_LOST');
    expect(await status({ documentType: 'P', documentNumber: 'PA0193847', issuingState: 'CPV', expiryDate: '2030-09-30' })).toBe('REPORTED_STOLEN');
    expect(await status({ documentType: 'P', documentNumber: 'Z4821937', issuingState: 'IND', expiryDate: '2031-01-17' })).toBe('REVOKED');
    expect(await status({ documentType: 'P', documentNumber: 'C01X00T47', issuingState: 'DEU', expiryDate: '2021-06-29' })).toBe('EXPIRED');
    expect(await status({ documentType: 'P', documentNumber: 'XX0000000', issuingState: 'PRT', expiryDate: '2031-05-20' })).toBe('UNKNOWN');
  });

  it('answers 400 problem+json to a bad body', async () => {
    const res = await post('v1/documents/status', { documentType: 'P', documentNumber: 'CB1234567', issuingState: 'Portugal' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(((await res.json()) as { detail: string }).detail).toContain('issuingState');
    const notJson = await fetch(new URL('v1/identity/verify', sim.url), { method: 'POST', headers: auth(), body: '{' });
    expect(notJson.status).toBe(400);
  });

  it('looks up appointments', async () => {
    const found = await fetch(new URL('v1/appointments/APT-2026-000123', sim.url), { headers: auth() });
    expect(await found.json()).toEqual({ reference: 'APT-2026-000123', service: 'RESIDENCE_PERMIT_NEW', date: '2026-11-23T09:30:00Z', applicantName: 'João Gonçalo Conceição Simões' });
    expect((await fetch(new URL('v1/appointments/APT-2026-999999', sim.url), { headers: auth() })).status).toBe(404);
  });
});

describe('restart', () => {
  it('keeps receipts and accepted packets across a restart with the same data directory', async () => {
    const p = await packet();
    expect((await send(p)).status).toBe('ACCEPTED');
    const { dataDir } = sim;
    await sim.stop();
    sim = await startAgencySimulator({ keysDir: path.join(root, 'keys'), dataDir, port: 0 });
    sim.registerStation('10001', '10077', station.publicKey.export({ type: 'spki', format: 'pem' }) as string);
    expect((await finalReceipt(p.packetId)).status).toBe('ACCEPTED');
    expect((await create(p)).headers.get('packet-status')).toBe('ACCEPTED');
  });
});
