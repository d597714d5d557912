import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CompactSign, exportSPKI, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvedListFormat, loadApprovedList, verifyApprovedList } from './approved-list.js';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
let agency: KeyPair;
let other: KeyPair;
let agencyPem: string;
const dir = mkdtempSync(path.join(tmpdir(), 'balcao-approved-'));

const payload = {
  format: approvedListFormat,
  issuedAt: '2026-11-30T10:00:00Z',
  devices: [
    { make: 'ADH-Tech', model: 'GT-5xx', serial: '101B26313C47525D68737E89949FAAB5' },
    { make: 'DESKO', model: 'PENTA', serial: 'P-000123' },
  ],
};

async function sign(body: unknown, key = agency.privateKey, alg = 'ES256'): Promise<string> {
  return new CompactSign(new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body))).setProtectedHeader({ alg }).sign(key);
}

beforeAll(async () => {
  agency = await generateKeyPair('ES256', { extractable: true });
  other = await generateKeyPair('ES256', { extractable: true });
  agencyPem = await exportSPKI(agency.publicKey);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('approved-device list (ES256 compact JWS)', () => {
  it('accepts a list signed with the agency key', async () => {
    const result = await verifyApprovedList(await sign(payload), agencyPem);
    expect(result).toEqual({ ok: true, issuedAt: payload.issuedAt, devices: payload.devices });
  });

  it('rejects a tampered payload: nothing in it is trusted', async () => {
    const [header, , signature] = (await sign(payload)).split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload, devices: [...payload.devices, { make: 'Evil', model: 'X', serial: '1' }] })).toString('base64url');
    const result = await verifyApprovedList(`${header}.${forged}.${signature}`, agencyPem);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.reason).toBe('bad_signature');
      expect(result.error.message).toMatch(/signature does not match the agency key\); nothing in it is trusted/);
    }
  });

  it('rejects a list signed with another key', async () => {
    const result = await verifyApprovedList(await sign(payload, other.privateKey), agencyPem);
    expect(result).toMatchObject({ ok: false, error: { reason: 'bad_signature' } });
  });

  it('rejects a signed payload in the wrong format, naming the field', async () => {
    const wrongFormat = await verifyApprovedList(await sign({ ...payload, format: 'balcao-approved-devices/2' }), agencyPem);
    expect(wrongFormat).toMatchObject({ ok: false, error: { reason: 'bad_format' } });
    if (!wrongFormat.ok) expect(wrongFormat.error.message).toContain('format');
    const missingSerial = await verifyApprovedList(await sign({ ...payload, devices: [{ make: 'A', model: 'B' }] }), agencyPem);
    expect(missingSerial).toMatchObject({ ok: false, error: { reason: 'bad_format' } });
    if (!missingSerial.ok) expect(missingSerial.error.message).toContain('devices.0.serial');
    expect(await verifyApprovedList(await sign('not json'), agencyPem)).toMatchObject({ ok: false, error: { reason: 'bad_format' } });
  });

  it('refuses an unsigned ("none") or garbled token and a key that is not P-256', async () => {
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
    expect(await verifyApprovedList(unsigned, agencyPem)).toMatchObject({ ok: false, error: { reason: 'bad_signature' } });
    expect(await verifyApprovedList('garbage', agencyPem)).toMatchObject({ ok: false, error: { reason: 'bad_signature' } });
    expect(await verifyApprovedList(await sign(payload), 'not a key')).toMatchObject({ ok: false, error: { reason: 'bad_key' } });
  });

  it('loads from files, and says which file cannot be read', async () => {
    const list = path.join(dir, 'approved.jws');
    const key = path.join(dir, 'agency.pub.pem');
    writeFileSync(list, await sign(payload));
    writeFileSync(key, agencyPem);
    expect(await loadApprovedList(list, key)).toMatchObject({ ok: true });
    const missing = await loadApprovedList(path.join(dir, 'nope.jws'), key);
    expect(missing).toMatchObject({ ok: false, error: { reason: 'unreadable' } });
    if (!missing.ok) expect(missing.error.message).toContain('nope.jws');
  });
});
