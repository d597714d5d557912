import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { compactVerify, errors as joseErrors } from 'jose';
import { z } from 'zod';
import type { OutboxFailure } from './errors.js';
import { keyId } from '../packets/key-id.js';

/**
 * The agency's receipt (agency-intake.md §4): a compact JWS, ES256, signed
 * with the agency receipt key, whose payload says what the agency made of
 * one packet. Readers ignore fields they do not know (§3), so the schema is
 * not strict.
 */
const Reason = z.union([
  z.string(),
  z
    .object({ code: z.string().optional(), message: z.string().optional(), detail: z.string().optional(), entry: z.string().optional() })
    .loose(),
]);

export const ReceiptPayload = z.object({
  packetId: z.string().regex(/^\d{29}$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  status: z.enum(['ACCEPTED', 'REJECTED']),
  reasons: z.array(Reason).default([]),
  receivedAt: z.string().min(1),
});
export type ReceiptPayload = z.output<typeof ReceiptPayload>;

/** A reason as one line for people: objects from the agency become "code: message". */
export function reasonText(reason: ReceiptPayload['reasons'][number]): string {
  if (typeof reason === 'string') return reason;
  const text = reason.message ?? reason.detail ?? JSON.stringify(reason);
  return reason.code !== undefined ? `${reason.code}: ${text}` : text;
}

export type ReceiptCheck = { ok: true; payload: ReceiptPayload } | { ok: false; failure: OutboxFailure };


export interface ReceiptKey {
  key: KeyObject;
  kid: string;
}

/** Reads agency.receiptKey; the error names the file and what is wrong with it. */
export function loadReceiptKey(file: string): ReceiptKey | OutboxFailure {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    return { code: 'receipt_key_invalid', message: `The agency receipt key ${file} cannot be read (${(error as Error).message}); receipts cannot be checked until agency.receiptKey names the agency's P-256 public key.` };
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return { code: 'receipt_key_invalid', message: `The agency receipt key ${file} is not a PEM public key; agency.receiptKey must name the agency's P-256 public key (SPKI).` };
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    return { code: 'receipt_key_invalid', message: `The agency receipt key ${file} is a ${key.asymmetricKeyType ?? 'unknown'} key, not P-256; receipts are signed with ES256.` };
  }
  return { key, kid: keyId(key) };
}

/**
 * Checks a receipt for one packet: the signature with the agency's receipt
 * key (only ES256 is accepted, so an "alg: none" or HMAC receipt never
 * verifies), the key id when the header names one, the payload's shape,
 * that it is about this packet, and — before anything is deleted — that its
 * sha256 is the file the station sent.
 */
export async function verifyReceipt(jws: string, receiptKey: ReceiptKey, expected: { packetId: string; sha256: string }): Promise<ReceiptCheck> {
  let payloadBytes: Uint8Array;
  try {
    const result = await compactVerify(jws.trim(), receiptKey.key, { algorithms: ['ES256'] });
    if (result.protectedHeader.kid !== undefined && result.protectedHeader.kid !== receiptKey.kid) {
      return { ok: false, failure: { code: 'receipt_signature_invalid', message: `The receipt for packet ${expected.packetId} names signing key ${result.protectedHeader.kid.slice(0, 16)}…, not the configured agency receipt key (${receiptKey.kid.slice(0, 16)}…); it is not trusted and the packet is kept.` } };
    }
    payloadBytes = result.payload;
  } catch (error) {
    const why = error instanceof joseErrors.JWSSignatureVerificationFailed ? 'its signature does not verify with the agency receipt key' : `it is not a valid ES256 compact JWS (${(error as Error).message})`;
    return { ok: false, failure: { code: 'receipt_signature_invalid', message: `The receipt for packet ${expected.packetId} is not trusted: ${why}. The packet is kept and the receipt asked for again later.` } };
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payloadBytes));
  } catch {
    return { ok: false, failure: { code: 'receipt_invalid', message: `The receipt for packet ${expected.packetId} is signed but its payload is not JSON; the packet is kept.` } };
  }
  const parsed = ReceiptPayload.safeParse(json);
  if (!parsed.success) {
    return { ok: false, failure: { code: 'receipt_invalid', message: `The receipt for packet ${expected.packetId} is signed but is not a receipt (${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}); the packet is kept.` } };
  }
  const payload = parsed.data;
  if (payload.packetId !== expected.packetId) {
    return { ok: false, failure: { code: 'receipt_invalid', message: `The agency answered for packet ${expected.packetId} with a receipt for packet ${payload.packetId}; it is not used and the packet is kept.` } };
  }
  if (payload.sha256 !== expected.sha256.toLowerCase()) {
    return { ok: false, failure: { code: 'receipt_sha256_mismatch', message: `The agency's receipt for packet ${expected.packetId} is for a file with SHA-256 ${payload.sha256.slice(0, 16)}…, not the ${expected.sha256.slice(0, 16)}… the station sent; the packet is kept and not counted as delivered.` } };
  }
  return { ok: true, payload };
}
