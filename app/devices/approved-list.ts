/**
 * The agency's approved-device list: a compact JWS (RFC 7515) signed with
 * ES256 (RFC 7518 §3.4, ECDSA P-256 + SHA-256) whose payload is
 *   { "format": "balcao-approved-devices/1", "issuedAt": ISO time,
 *     "devices": [{ "make", "model", "serial" }] }
 * verified with the agency's P-256 public key (PEM, SPKI). Anything wrong —
 * unreadable file or key, bad signature, other algorithm, wrong payload —
 * means nothing in the file is trusted; the reason is kept for the screen
 * and the log.
 */
import { readFile } from 'node:fs/promises';
import { compactVerify, importSPKI } from 'jose';
import { z } from 'zod';
import type { ApprovedListView } from '../contract/channels.js';

export const approvedListFormat = 'balcao-approved-devices/1';

export const ApprovedDevice = z
  .object({
    make: z.string().min(1).max(100),
    model: z.string().min(1).max(100),
    serial: z.string().min(1).max(100),
  })
  .strict();
export type ApprovedDevice = z.infer<typeof ApprovedDevice>;

const Payload = z
  .object({
    format: z.literal(approvedListFormat),
    issuedAt: z.iso.datetime({ offset: true }),
    devices: z.array(ApprovedDevice).max(100_000),
  })
  .strict();

export type ApprovedListFailure = NonNullable<ApprovedListView['error']>;

export type ApprovedListResult =
  | { ok: true; issuedAt: string; devices: ApprovedDevice[] }
  | { ok: false; error: ApprovedListFailure };

function fail(reason: ApprovedListFailure['reason'], message: string): ApprovedListResult {
  return { ok: false, error: { reason, message } };
}

/** Verifies a compact JWS against the agency's public key (PEM SPKI) and checks its payload. */
export async function verifyApprovedList(jws: string, publicKeyPem: string, source = 'The approved-device list'): Promise<ApprovedListResult> {
  let key;
  try {
    key = await importSPKI(publicKeyPem.trim(), 'ES256');
  } catch (error) {
    return fail('bad_key', `The agency public key for ${source} is not a P-256 public key in PEM (SPKI) form (${(error as Error).message}).`);
  }
  let payload: Uint8Array;
  try {
    // Only ES256 is accepted: a list signed with anything else, or "none", is refused.
    ({ payload } = await compactVerify(jws.trim(), key, { algorithms: ['ES256'] }));
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const why = code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ? 'the signature does not match the agency key' : (error as Error).message;
    return fail('bad_signature', `${source} failed signature verification (${why}); nothing in it is trusted.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return fail('bad_format', `${source} is signed, but its payload is not JSON; nothing in it is trusted.`);
  }
  const parsed = Payload.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'payload';
    return fail('bad_format', `${source} is signed, but is not a ${approvedListFormat} list (${where}: ${issue?.message ?? 'invalid'}); nothing in it is trusted.`);
  }
  return { ok: true, issuedAt: parsed.data.issuedAt, devices: parsed.data.devices };
}

/** Reads the list and the key from disk, then verifies. */
export async function loadApprovedList(file: string, publicKeyFile: string): Promise<ApprovedListResult> {
  let jws: string;
  let pem: string;
  try {
    jws = await readFile(file, 'utf8');
  } catch (error) {
    return fail('unreadable', `The approved-device list ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  try {
    pem = await readFile(publicKeyFile, 'utf8');
  } catch (error) {
    return fail('unreadable', `The agency public key ${publicKeyFile} for the approved-device list cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  return verifyApprovedList(jws, pem, `The approved-device list ${file}`);
}
