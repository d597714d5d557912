/**
 * MOSIP SBI 0.9.5 ("MDS specification", mosip/documentation
 * docs/biometrics/mds-specification.md; summary in shared/reference/devices.md
 * §5): request builders, response schemas, JWS decoding and verification, the
 * capture hash chain, error codes, and the M-JPEG multipart splitter for
 * STREAM. Pure: no sockets, no files (signature checks use node:crypto via
 * jose, which is computation, not I/O).
 *
 * Field names are the spec's, letter for letter. Where the spec shows a value
 * as a string ("count", "deviceSubId", "errorCode", "qualityScore") services
 * in the field send strings or numbers; the schemas accept both and normalise.
 */
import { createHash } from 'node:crypto';
import { base64url, compactVerify, decodeProtectedHeader, type JWSHeaderParameters } from 'jose';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { DeviceError, type DeviceErrorCode } from '../errors.js';

/** The spec version this client speaks and asks for (mds-specification.md, revision history). */
export const SBI_SPEC_VERSION = '0.9.5';
/** Device services bind 127.0.0.1 on one port in 4501–4600 ("Windows/Linux" under Device Discovery). */
export const SBI_PORT_FIRST = 4501;
export const SBI_PORT_LAST = 4600;
export const SBI_HOST = '127.0.0.1';

/** HTTP methods and paths (Device Discovery, Device Info, Capture, Device Stream, Registration Capture). */
export const SbiMethod = {
  discover: { method: 'MOSIPDISC', path: '/device' },
  info: { method: 'MOSIPDINFO', path: '/info' },
  rcapture: { method: 'RCAPTURE', path: '/capture' },
  capture: { method: 'CAPTURE', path: '/capture' },
  stream: { method: 'STREAM', path: '/stream' },
} as const;

/** Discovery request types ("Accepted Values for Device Discovery Request"). */
export const sbiDiscoveryTypes = ['Biometric Device', 'Finger', 'Face', 'Iris'] as const;
export type SbiDiscoveryType = (typeof sbiDiscoveryTypes)[number];

/** deviceStatus values ("Accepted Values for Device Discovery Response"). */
export const sbiDeviceStatuses = ['Ready', 'Busy', 'Not Ready', 'Not Registered'] as const;
export type SbiDeviceStatus = (typeof sbiDeviceStatuses)[number];

/** env values (Capture Request "env"). */
export const sbiEnvironments = ['Staging', 'Developer', 'Pre-Production', 'Production'] as const;

/** Finger bioSubType values (Registration Capture Request "bio.bioSubType"). */
export const sbiFingerSubTypes = [
  'Left IndexFinger',
  'Left MiddleFinger',
  'Left RingFinger',
  'Left LittleFinger',
  'Left Thumb',
  'Right IndexFinger',
  'Right MiddleFinger',
  'Right RingFinger',
  'Right LittleFinger',
  'Right Thumb',
] as const;
export type SbiFingerSubType = (typeof sbiFingerSubTypes)[number];

/** deviceSubId for finger slaps: 1 left slap, 2 right slap, 3 two thumbs ("bio.deviceSubId"). */
export const sbiSlapFingers: Record<1 | 2 | 3, readonly SbiFingerSubType[]> = {
  1: ['Left IndexFinger', 'Left MiddleFinger', 'Left RingFinger', 'Left LittleFinger'],
  2: ['Right IndexFinger', 'Right MiddleFinger', 'Right RingFinger', 'Right LittleFinger'],
  3: ['Left Thumb', 'Right Thumb'],
};

/** bioSubType → ISO/IEC 19794-4:2011 Table 6 finger position code. */
export const sbiFingerPosition: Record<SbiFingerSubType, number> = {
  'Right Thumb': 1,
  'Right IndexFinger': 2,
  'Right MiddleFinger': 3,
  'Right RingFinger': 4,
  'Right LittleFinger': 5,
  'Left Thumb': 6,
  'Left IndexFinger': 7,
  'Left MiddleFinger': 8,
  'Left RingFinger': 9,
  'Left LittleFinger': 10,
};

/** Error codes ("Error Codes" table at the end of the spec). */
export const SbiErrorCode = {
  success: 0,
  notRegistered: 100,
  noBiometricObject: 101,
  extractionError: 102,
  tamper: 103,
  managementServer: 104,
  orientation: 105,
  deviceNotFound: 106,
  keyExpired: 107,
  domainKeyMissing: 108,
  countNotSupported: 109,
  notReady: 110,
  busy: 111,
  invalidTransactionId: 112,
} as const;

/**
 * Each spec error code as a DeviceError code with the spec's own meaning.
 * 100 "Device not registered" and 103 "Device tamper detected" mean the device
 * cannot be trusted → not_approved; 106 "Device not found" → not_found;
 * 110 "Device is not ready" and 111 "Device is Busy" → busy (try again);
 * the rest — 101 "Unable to detect a biometric object", 102 "Technical error
 * during extraction", 109 "Requested number of biometric not supported",
 * 112 "Invalid Transaction ID", 104/105/107/108 and custom 5xx — are the
 * device answering and saying no → refused.
 */
const sbiErrors: Record<number, { code: DeviceErrorCode; meaning: string }> = {
  100: { code: 'not_approved', meaning: 'the device is not registered' },
  101: { code: 'refused', meaning: 'it was unable to detect a biometric object (no finger on the glass in time)' },
  102: { code: 'refused', meaning: 'a technical error happened during extraction' },
  103: { code: 'not_approved', meaning: 'device tampering was detected' },
  104: { code: 'refused', meaning: 'it could not reach its management server' },
  105: { code: 'refused', meaning: 'the image orientation is wrong' },
  106: { code: 'not_found', meaning: 'the device was not found' },
  107: { code: 'refused', meaning: 'its device public key has expired' },
  108: { code: 'refused', meaning: 'the domain public key is missing' },
  109: { code: 'refused', meaning: 'the requested number of biometrics is not supported' },
  110: { code: 'busy', meaning: 'the device is not ready' },
  111: { code: 'busy', meaning: 'the device is busy' },
  112: { code: 'refused', meaning: 'the transaction ID is invalid' },
};

/** The spec's meaning of an error code, in words. */
export function sbiErrorMeaning(code: number): string {
  return sbiErrors[code]?.meaning ?? (code >= 500 && code <= 599 ? 'a vendor-specific error' : 'an unknown error');
}

/** null for 0 (success); otherwise the DeviceError for this code, naming where it came from and the device's own text. */
export function sbiErrorToDeviceError(errorCode: number, errorInfo: string, where: string): DeviceError | null {
  if (errorCode === SbiErrorCode.success) return null;
  const known = sbiErrors[errorCode];
  const info = errorInfo.trim() ? ` ("${errorInfo.trim().slice(0, 200)}")` : '';
  return new DeviceError(known?.code ?? 'refused', `The SBI device service at ${where} answered with error ${errorCode}: ${sbiErrorMeaning(errorCode)}${info}.`, errorCode);
}

/** deviceStatus other than Ready as a DeviceError (the spec pairs each with an error code: 111, 110, 100). */
export function sbiStatusToDeviceError(status: string, where: string): DeviceError | null {
  if (status === 'Ready') return null;
  if (status === 'Busy') return new DeviceError('busy', `The SBI device at ${where} reports status "Busy".`, SbiErrorCode.busy);
  if (status === 'Not Ready') return new DeviceError('busy', `The SBI device at ${where} reports status "Not Ready".`, SbiErrorCode.notReady);
  if (status === 'Not Registered') return new DeviceError('not_approved', `The SBI device at ${where} reports status "Not Registered".`, SbiErrorCode.notRegistered);
  return new DeviceError('protocol', `The SBI device at ${where} reports an unknown status "${status.slice(0, 40)}".`);
}

// ---------------------------------------------------------------------------
// Schemas

/** A number the spec writes as a string ("101", "80.5"); accepts either, refuses non-numbers. */
const numeric = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);
const stringOrNumber = z.union([z.string(), z.number().transform(String)]);

export const sbiErrorSchema = z.object({
  errorCode: numeric,
  errorInfo: z.string().optional().default(''),
});
export type SbiError = z.infer<typeof sbiErrorSchema>;

/** Digital ID payload ("Digital ID" under Device Identity). */
export const sbiDigitalIdSchema = z.object({
  serialNo: z.string(),
  make: z.string(),
  model: z.string(),
  type: z.string(),
  deviceSubType: z.string(),
  deviceProvider: z.string(),
  deviceProviderId: z.string(),
  dateTime: z.string(),
});
export type SbiDigitalId = z.infer<typeof sbiDigitalIdSchema>;

/** One entry of the discovery response array ("Device Discovery Response"). */
export const sbiDiscoverEntrySchema = z.object({
  deviceId: stringOrNumber,
  deviceStatus: z.string(),
  certification: z.string(),
  serviceVersion: z.string(),
  deviceSubId: z.array(stringOrNumber),
  callbackId: z.string(),
  digitalId: z.string(),
  deviceCode: z.string(),
  specVersion: z.array(z.string()),
  purpose: z.string(),
  error: sbiErrorSchema.nullish(),
});
export type SbiDiscoverEntry = z.infer<typeof sbiDiscoverEntrySchema>;
export const sbiDiscoverResponseSchema = z.array(sbiDiscoverEntrySchema).max(64);

/** A service that answers with an error instead of the array (MockMDS does for unknown types). */
export const sbiErrorOnlyResponseSchema = z.union([
  z.object({ error: sbiErrorSchema }),
  sbiErrorSchema,
  z.array(z.object({ error: sbiErrorSchema })).min(1),
]);

/** deviceInfo payload ("Device Info Response"). */
export const sbiDeviceInfoSchema = z.object({
  deviceStatus: z.string(),
  deviceId: stringOrNumber,
  firmware: z.string(),
  certification: z.string(),
  serviceVersion: z.string(),
  deviceSubId: z.array(stringOrNumber),
  callbackId: z.string(),
  digitalId: z.string(),
  deviceCode: z.string(),
  env: z.string(),
  purpose: z.string(),
  specVersion: z.array(z.string()),
});
export type SbiDeviceInfoPayload = z.infer<typeof sbiDeviceInfoSchema>;

export const sbiInfoResponseSchema = z
  .array(
    z.object({
      deviceInfo: z.string(),
      error: sbiErrorSchema.nullish(),
    }),
  )
  .max(64);

/** RCAPTURE request ("Registration Capture Request"). */
export const sbiRcaptureBioSchema = z.object({
  type: z.string(),
  count: numeric,
  bioSubType: z.array(z.string()).optional(),
  exception: z.array(z.string()).optional().default([]),
  requestedScore: numeric,
  deviceId: stringOrNumber,
  deviceSubId: numeric,
  previousHash: z.string().optional().default(''),
});
export const sbiRcaptureRequestSchema = z.object({
  env: z.string(),
  purpose: z.string(),
  specVersion: z.string(),
  timeout: numeric,
  captureTime: z.string(),
  transactionId: z.string(),
  bio: z.array(sbiRcaptureBioSchema).min(1),
  customOpts: z.record(z.string(), z.unknown()).nullish(),
});
export type SbiRcaptureRequestParsed = z.infer<typeof sbiRcaptureRequestSchema>;

/** What a caller asks RCAPTURE for; the wire request is built by buildRcaptureRequest. */
export interface SbiRcaptureRequest {
  env: string;
  purpose: string;
  specVersion: string;
  /** Milliseconds (spec: "All timeouts are in milliseconds"). */
  timeout: number;
  captureTime: string;
  transactionId: string;
  bio: {
    type: string;
    count: string;
    bioSubType?: string[];
    exception: string[];
    requestedScore: string;
    deviceId: string;
    deviceSubId: string;
    previousHash: string;
  }[];
  customOpts?: Record<string, string>;
}

export interface RcaptureOptions {
  deviceId: string;
  deviceSubId: number;
  bioType?: 'Finger' | 'Iris' | 'Face';
  /** Defaults to the slap's fingers less the exceptions (Finger), or 1. */
  count?: number;
  bioSubType?: string[];
  exception?: string[];
  requestedScore?: number;
  timeoutMs: number;
  transactionId: string;
  previousHash: string;
  env?: string;
  purpose?: string;
  specVersion?: string;
  captureTime?: Date;
}

/** transactionId: 4–50 letters, digits and hyphens ("Accepted Values for Registration Capture Request"). */
export const SBI_TRANSACTION_ID = /^[A-Za-z0-9-]{4,50}$/;

/** ISO 8601 as the spec writes it: yyyy-mm-ddTHH:MM:ssZ, UTC (revision of 08-Apr-2021). */
export function sbiTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The RCAPTURE body. count, deviceSubId and requestedScore go as strings, as
 * the spec's examples and MOSIP's registration client write them; timeout is
 * a number of milliseconds.
 */
export function buildRcaptureRequest(options: RcaptureOptions): SbiRcaptureRequest {
  if (!SBI_TRANSACTION_ID.test(options.transactionId)) throw new RangeError(`An SBI transactionId is 4–50 letters, digits or hyphens; got "${options.transactionId}".`);
  const bioType = options.bioType ?? 'Finger';
  const exception = options.exception ?? [];
  const slap = sbiSlapFingers[options.deviceSubId as 1 | 2 | 3];
  const count = options.count ?? (bioType === 'Finger' && slap ? slap.filter((f) => !exception.includes(f)).length : 1);
  return {
    env: options.env ?? 'Staging',
    purpose: options.purpose ?? 'Registration',
    specVersion: options.specVersion ?? SBI_SPEC_VERSION,
    timeout: options.timeoutMs,
    captureTime: sbiTimestamp(options.captureTime ?? new Date()),
    transactionId: options.transactionId,
    bio: [
      {
        type: bioType,
        count: String(count),
        ...(options.bioSubType ? { bioSubType: options.bioSubType } : {}),
        exception,
        requestedScore: String(options.requestedScore ?? 40),
        deviceId: options.deviceId,
        deviceSubId: String(options.deviceSubId),
        previousHash: options.previousHash,
      },
    ],
  };
}

/** STREAM request ("Device Stream Request"); timeout in ms, optional (the spec's default is 5 minutes). */
export function buildStreamRequest(deviceId: string, deviceSubId: number, timeoutMs?: number): { deviceId: string; deviceSubId: string; timeout?: number } {
  return { deviceId, deviceSubId: String(deviceSubId), ...(timeoutMs !== undefined ? { timeout: timeoutMs } : {}) };
}

export const sbiStreamRequestSchema = z.object({
  deviceId: stringOrNumber,
  deviceSubId: numeric,
  timeout: numeric.optional(),
});

/** One biometrics[] entry of the RCAPTURE response ("Registration Capture Response"). */
export const sbiBiometricSchema = z.object({
  specVersion: z.string().nullish(),
  data: z.string().nullish(),
  hash: z.string().nullish(),
  error: sbiErrorSchema.nullish(),
});
export const sbiRcaptureResponseSchema = z.object({ biometrics: z.array(sbiBiometricSchema).max(64) });
export type SbiRcaptureResponse = z.infer<typeof sbiRcaptureResponseSchema>;

/** The data JWT's payload ("Registration Capture Response", data.*). */
export const sbiCaptureDataSchema = z.object({
  digitalId: z.string(),
  bioType: z.string(),
  deviceCode: z.string(),
  deviceServiceVersion: z.string(),
  bioSubType: z.string(),
  purpose: z.string(),
  env: z.string(),
  bioValue: z.string(),
  transactionId: z.string(),
  timestamp: z.string(),
  requestedScore: numeric.nullish(),
  qualityScore: numeric,
});
export type SbiCaptureData = z.infer<typeof sbiCaptureDataSchema>;

// ---------------------------------------------------------------------------
// JSON bodies

/** JSON.parse then a schema; anything else is a DeviceError 'protocol' naming the place and the first problem. */
export function parseSbiJson<T>(body: Uint8Array | string, schema: z.ZodType<T>, what: string): T {
  let value: unknown;
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  try {
    value = JSON.parse(text);
  } catch {
    throw new DeviceError('protocol', `${what} is not JSON (${text.length} characters starting "${printable(text.slice(0, 24))}").`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DeviceError('protocol', `${what} does not have the SBI 0.9.5 shape: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}.`);
  }
  return parsed.data;
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

// ---------------------------------------------------------------------------
// JWS (RFC 7515 compact) — deviceInfo, digitalId and biometrics[].data

export interface DecodedJws {
  header: JWSHeaderParameters;
  payload: Uint8Array;
  /** True for a three-part compact JWS; false for the unsigned form "base64urlencoded(payload)" the spec allows. */
  signed: boolean;
}

/**
 * Decodes a compact JWS, or the unsigned form (one base64url segment) the spec
 * uses for unregistered devices and for digitalId in discovery. This only
 * decodes: it does NOT check the signature — see verifySbiJws.
 */
export function decodeSbiJws(token: string, what: string): DecodedJws {
  const parts = token.split('.');
  try {
    if (parts.length === 1) {
      if (!/^[A-Za-z0-9_-]+={0,2}$/.test(token)) throw new Error('not base64url');
      return { header: {}, payload: base64url.decode(token.replace(/=+$/, '')), signed: false };
    }
    if (parts.length !== 3) throw new Error(`${parts.length} dot-separated parts`);
    const header = decodeProtectedHeader(token) as JWSHeaderParameters;
    const segment = parts[1] ?? '';
    if (!/^[A-Za-z0-9_-]*$/.test(segment)) throw new Error('payload is not base64url');
    return { header, payload: base64url.decode(segment), signed: true };
  } catch (error) {
    throw new DeviceError('protocol', `${what} is not a JWS/JWT (${(error as Error).message}).`);
  }
}

/** Decodes a JWS payload as JSON and checks it against a schema. */
export function decodeSbiJwsJson<T>(token: string, schema: z.ZodType<T>, what: string): { decoded: DecodedJws; value: T } {
  const decoded = decodeSbiJws(token, what);
  return { decoded, value: parseSbiJson(decoded.payload, schema, `The payload of ${what}`) };
}

/** Keys this station trusts to have signed device data: public keys, or certificates (PEM or DER) whose key is used. */
export interface SbiTrust {
  keys: KeyObject[];
  /** JWS algorithms accepted; the spec's header is "alg": "RS256" (Digital ID section). */
  algorithms?: string[];
}

/**
 * Verifies a compact JWS against the trusted keys: true if any key verifies it
 * with an accepted algorithm, false otherwise (also for the unsigned form).
 * The certificate in the header's x5c is NOT trusted by itself — anyone can
 * put a certificate there; only the configured keys count.
 */
export async function verifySbiJws(token: string, trust: SbiTrust): Promise<boolean> {
  if (token.split('.').length !== 3) return false;
  const algorithms = trust.algorithms ?? ['RS256'];
  for (const key of trust.keys) {
    try {
      await compactVerify(token, key, { algorithms });
      return true;
    } catch {
      // Try the next key; a signature that no trusted key verifies is reported as unverified.
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// Hash chain

const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();

/** previousHash for the first capture: SHA-256 of an empty UTF-8 string (bio.previousHash), upper-case hex. */
export const SBI_INITIAL_HASH = sha256('').toString('hex').toUpperCase();

/**
 * hash = upper-case hex SHA-256( previousHashBytes ‖ SHA-256(ISO record) ).
 *
 * The spec says "sha256 in hex format in upper case (previous "hash" + sha256
 * hash of the current biometric ISO data)" without saying whether "+" joins
 * hex strings or bytes. MOSIP's own implementations settle it: MockMDS
 * (mosip-mock-services, SBIServiceResponse.getBiometricData) and the
 * compliance toolkit (HashUtil.generateHash) concatenate the RAW 32-byte
 * digests — previousHash hex-decoded (or SHA-256("") when it is empty) then
 * SHA-256 of the decoded bioValue bytes — and hex-encode the SHA-256 of those
 * 64 bytes. That is what this does.
 */
export function computeSbiHash(previousHash: string, isoRecord: Uint8Array): string {
  const previous = previousHash.trim() === '' ? sha256('') : hexToBytes(previousHash, 'previousHash');
  return sha256(Buffer.concat([previous, sha256(isoRecord)])).toString('hex').toUpperCase();
}

function hexToBytes(hex: string, what: string): Buffer {
  if (!/^[0-9A-Fa-f]{64}$/.test(hex)) throw new DeviceError('protocol', `${what} "${printable(hex.slice(0, 80))}" is not 64 hex digits (a SHA-256).`);
  return Buffer.from(hex, 'hex');
}

/** True when `hash` is 64 upper-case hex digits, as the spec writes it. */
export function isSbiHash(hash: string): boolean {
  return /^[0-9A-F]{64}$/.test(hash);
}

// ---------------------------------------------------------------------------
// STREAM: multipart/x-mixed-replace (M-JPEG) frames ("Device Stream Response")

/** The boundary parameter of a multipart Content-Type, or null. */
export function parseMultipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return null;
  const match = /;\s*boundary\s*=\s*(?:"([^"]{1,200})"|([^\s;]{1,200}))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

export interface MultipartPart {
  headers: Record<string, string>;
  body: Buffer;
}

export interface MultipartSplitterOptions {
  /** Largest part accepted; a bigger one is garbage (default 8 MiB). */
  maxPartBytes?: number;
  /** Largest part header block (default 8 KiB). */
  maxHeaderBytes?: number;
}

/**
 * Splits a multipart/x-mixed-replace body into parts as chunks arrive. A part
 * with Content-Length is cut at that length; one without ends at the next
 * delimiter. Servers that declare "boundary=--x" and then write "--x" (not
 * "----x") are common; both spellings are recognised. Bytes that break the
 * framing raise DeviceError 'protocol'; after that the splitter is dead.
 */
export class MultipartSplitter {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly delimiters: Buffer[];
  private readonly maxPartBytes: number;
  private readonly maxHeaderBytes: number;
  private state: 'preamble' | 'headers' | 'body' | 'done' = 'preamble';
  private headers: Record<string, string> = {};
  private contentLength: number | null = null;

  constructor(boundary: string, options: MultipartSplitterOptions = {}) {
    if (!boundary || boundary.length > 200) throw new RangeError('A multipart boundary is 1–200 characters.');
    this.delimiters = [Buffer.from(`--${boundary}`, 'latin1')];
    if (boundary.startsWith('--')) this.delimiters.push(Buffer.from(boundary, 'latin1'));
    this.maxPartBytes = options.maxPartBytes ?? 8 << 20;
    this.maxHeaderBytes = options.maxHeaderBytes ?? 8 << 10;
  }

  get finished(): boolean {
    return this.state === 'done';
  }

  /** Feeds bytes; returns the parts completed by them. */
  push(chunk: Uint8Array): MultipartPart[] {
    const parts: MultipartPart[] = [];
    if (this.state === 'done') return parts;
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.state === 'preamble') {
        const found = this.findDelimiter(0);
        if (!found) {
          // Keep only what could be the start of a delimiter.
          const keep = Math.max(...this.delimiters.map((d) => d.length)) + 2;
          if (this.buffer.length > this.maxHeaderBytes) this.buffer = this.buffer.subarray(this.buffer.length - keep);
          return parts;
        }
        const after = found.index + found.length;
        if (this.buffer.length < after + 2) return parts;
        if (this.buffer[after] === 0x2d && this.buffer[after + 1] === 0x2d) {
          this.state = 'done';
          this.buffer = Buffer.alloc(0);
          return parts;
        }
        const eol = this.buffer.indexOf('\r\n', after);
        if (eol < 0) {
          if (this.buffer.length - after > 256) throw new DeviceError('protocol', 'A multipart delimiter line in the stream runs on for more than 256 bytes.');
          return parts;
        }
        this.buffer = this.buffer.subarray(eol + 2);
        this.state = 'headers';
        this.headers = {};
        this.contentLength = null;
      }
      if (this.state === 'headers') {
        const end = this.buffer.indexOf('\r\n\r\n');
        const blank = this.buffer.subarray(0, 2).toString('latin1') === '\r\n';
        if (end < 0 && !blank) {
          if (this.buffer.length > this.maxHeaderBytes) throw new DeviceError('protocol', `A multipart part's headers in the stream exceed ${this.maxHeaderBytes} bytes.`);
          return parts;
        }
        const headerText = blank ? '' : this.buffer.subarray(0, end).toString('latin1');
        this.buffer = this.buffer.subarray(blank ? 2 : end + 4);
        for (const line of headerText.split('\r\n')) {
          if (line === '') continue;
          const colon = line.indexOf(':');
          if (colon <= 0) throw new DeviceError('protocol', `A multipart part header in the stream is not "name: value" ("${printable(line.slice(0, 40))}").`);
          this.headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const length = this.headers['content-length'];
        if (length !== undefined) {
          if (!/^\d{1,10}$/.test(length) || Number(length) > this.maxPartBytes) throw new DeviceError('protocol', `A multipart part in the stream has Content-Length "${printable(length.slice(0, 20))}" (limit ${this.maxPartBytes}).`);
          this.contentLength = Number(length);
        }
        this.state = 'body';
      }
      if (this.state === 'body') {
        if (this.contentLength !== null) {
          if (this.buffer.length < this.contentLength) return parts;
          parts.push({ headers: this.headers, body: Buffer.from(this.buffer.subarray(0, this.contentLength)) });
          this.buffer = this.buffer.subarray(this.contentLength);
        } else {
          const found = this.findDelimiter(0);
          if (!found) {
            if (this.buffer.length > this.maxPartBytes) throw new DeviceError('protocol', `A multipart part in the stream runs past ${this.maxPartBytes} bytes without a delimiter.`);
            return parts;
          }
          // The CRLF before the delimiter belongs to the delimiter (RFC 2046 §5.1.1).
          let bodyEnd = found.index;
          if (bodyEnd >= 2 && this.buffer[bodyEnd - 2] === 0x0d && this.buffer[bodyEnd - 1] === 0x0a) bodyEnd -= 2;
          parts.push({ headers: this.headers, body: Buffer.from(this.buffer.subarray(0, bodyEnd)) });
          this.buffer = this.buffer.subarray(found.index);
        }
        this.state = 'preamble';
      }
    }
  }

  private findDelimiter(from: number): { index: number; length: number } | null {
    let best: { index: number; length: number } | null = null;
    for (const d of this.delimiters) {
      const index = this.buffer.indexOf(d, from);
      if (index >= 0 && (best === null || index < best.index)) best = { index, length: d.length };
    }
    return best;
  }
}

/** A JPEG starts with SOI FF D8 FF (ITU-T T.81 Annex B). */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}
