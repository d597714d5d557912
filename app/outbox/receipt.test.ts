import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CompactSign } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { loadReceiptKey, verifyReceipt, type ReceiptKey } from './receipt.js';
import { keyId } from '../packets/key-id.js';
import { tempDir } from '../../test/support/temp-station.js';

const packetId = '10001100770000120261122101112';
const sha256 = 'ab'.repeat(32);
const agency = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const key: ReceiptKey = { key: agency.publicKey, kid: keyId(agency.publicKey) };

async function sign(payload: unknown, signer: KeyObject = agency.privateKey, kid: string | undefined = key.kid): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(kid === undefined ? { alg: 'ES256' } : { alg: 'ES256', kid }).sign(signer);
}

const good = { packetId, sha256, status: 'ACCEPTED', reasons: [], receivedAt: '2026-11-22T10:11:20Z' };

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('receipt verification', () => {
  it('accepts a receipt signed by the agency key for this packet and file', async () => {
    const check = await verifyReceipt(await sign(good), key, { packetId, sha256 });
    expect(check).toEqual({ ok: true, payload: good });
  });

  it('reads a REJECTED receipt with its reasons', async () => {
    const check = await verifyReceipt(await sign({ ...good, status: 'REJECTED', reasons: ['hashes.json: record.json does not match', { code: 'signature', message: 'unknown station key' }] }), key, { packetId, sha256 });
    expect(check.ok).toBe(true);
    if (check.ok) {
      expect(check.payload.status).toBe('REJECTED');
      expect(check.payload.reasons).toHaveLength(2);
    }
  });

  it('does not trust a receipt signed by another key', async () => {
    const check = await verifyReceipt(await sign(good, other.privateKey, undefined), key, { packetId, sha256 });
    expect(check).toMatchObject({ ok: false, failure: { code: 'receipt_signature_invalid' } });
  });

  it('does not trust a receipt with a tampered payload', async () => {
    const jws = await sign(good);
    const [header, , signature] = jws.split('.');
    const forged = Buffer.from(JSON.stringify({ ...good, sha256: 'cd'.repeat(32) })).toString('base64url');
    const check = await verifyReceipt(`${header}.${forged}.${signature}`, key, { packetId, sha256: 'cd'.repeat(32) });
    expect(check).toMatchObject({ ok: false, failure: { code: 'receipt_signature_invalid' } });
  });

  it('does not trust an unsigned (alg none) or HMAC receipt', async () => {
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify(good)).toString('base64url')}.`;
    expect(await verifyReceipt(none, key, { packetId, sha256 })).toMatchObject({ ok: false, failure: { code: 'receipt_signature_invalid' } });
    const hmac = await new CompactSign(new TextEncoder().encode(JSON.stringify(good))).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32));
    expect(await verifyReceipt(hmac, key, { packetId, sha256 })).toMatchObject({ ok: false, failure: { code: 'receipt_signature_invalid' } });
    expect(await verifyReceipt('not a jws', key, { packetId, sha256 })).toMatchObject({ ok: false, failure: { code: 'receipt_signature_invalid' } });
  });

  it('refuses a valid signature whose header names another key id', async () => {
    const check = await verifyReceipt(await sign(good, agency.privateKey, 'ff'.repeat(32)), key, { packetId, sha256 });
    expect(check).toMatchObject({ ok: false, failure: { code: 'receipt_signature_invalid' } });
  });

  it('refuses an ACCEPTED receipt for other bytes: nothing may be deleted on it', async () => {
    const check = await verifyReceipt(await sign({ ...good, sha256: 'cd'.repeat(32) }), key, { packetId, sha256 });
    expect(check).toMatchObject({ ok: false, failure: { code: 'receipt_sha256_mismatch' } });
  });

  it('refuses a receipt for another packet or with a broken payload', async () => {
    expect(await verifyReceipt(await sign({ ...good, packetId: '10001100770000220261122101112' }), key, { packetId, sha256 })).toMatchObject({ ok: false, failure: { code: 'receipt_invalid' } });
    expect(await verifyReceipt(await sign({ ...good, status: 'MAYBE' }), key, { packetId, sha256 })).toMatchObject({ ok: false, failure: { code: 'receipt_invalid' } });
    expect(await verifyReceipt(await sign('just a string'), key, { packetId, sha256 })).toMatchObject({ ok: false, failure: { code: 'receipt_invalid' } });
  });

  it('names the receipt key file when it is missing or of the wrong kind', () => {
    const t = tempDir('balcao-receipt-');
    cleanups.push(t.remove);
    const missing = path.join(t.dir, 'nope.pem');
    expect(loadReceiptKey(missing)).toMatchObject({ code: 'receipt_key_invalid', message: expect.stringContaining(missing) });
    const rsa = path.join(t.dir, 'rsa.pem');
    writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }));
    expect(loadReceiptKey(rsa)).toMatchObject({ code: 'receipt_key_invalid', message: expect.stringContaining('not P-256') });
    const ok = path.join(t.dir, 'ok.pem');
    writeFileSync(ok, agency.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(loadReceiptKey(ok)).toMatchObject({ kid: key.kid });
  });
});
