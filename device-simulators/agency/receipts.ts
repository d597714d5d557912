/**
 * Signed receipts (agency-intake.md §4, "Receipt"): a compact JWS (RFC 7515),
 * ES256 with the agency's receipt key, whose header names the key by its kid
 * and whose payload says what the agency made of a packet.
 */
import { CompactSign, compactVerify } from 'jose';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';

export const receiptPayloadSchema = z.object({
  packetId: z.string().regex(/^\d{29}$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  status: z.enum(['ACCEPTED', 'REJECTED']),
  reasons: z.array(z.string()),
  receivedAt: z.iso.datetime(),
});
export type ReceiptPayload = z.infer<typeof receiptPayloadSchema>;

/** §4: the receipt media type. */
export const RECEIPT_MEDIA_TYPE = 'application/jose';

export async function signReceipt(payload: ReceiptPayload, key: KeyObject, kid: string): Promise<string> {
  const body = new TextEncoder().encode(JSON.stringify(receiptPayloadSchema.parse(payload)));
  return new CompactSign(body).setProtectedHeader({ alg: 'ES256', kid }).sign(key);
}

/** Checks a receipt with the agency's receipt public key and returns its payload (used by the simulator's own tests). */
export async function verifyReceipt(jws: string, key: KeyObject): Promise<{ kid: string | undefined; payload: ReceiptPayload }> {
  const { payload, protectedHeader } = await compactVerify(jws, key, { algorithms: ['ES256'] });
  return { kid: protectedHeader.kid, payload: receiptPayloadSchema.parse(JSON.parse(new TextDecoder().decode(payload))) };
}
