/**
 * Client for MOSIP SBI 0.9.5 device services (devices.md §5): discovery by
 * port scan, device info, registration capture (RCAPTURE) with hash-chain and
 * signature checks, and the M-JPEG preview stream. Wire shapes and their
 * sources are in ./protocol.ts.
 *
 * HTTP goes over node:http, whose client sends any token as a method
 * (MOSIPDISC, MOSIPDINFO, RCAPTURE, STREAM) and parses the response as usual.
 * Every call has a deadline; every failure is a DeviceError naming the method
 * and the URL.
 */
import { getMaxListeners, setMaxListeners } from 'node:events';
import http from 'node:http';
import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import { base64url } from 'jose';
import sharp from 'sharp';
import type { DeviceIdentity, GreyImage, RawFingerprintCapture } from '../capture.js';
import type { DiscoveredDevice } from '../discovery.js';
import { DeviceError, isDeviceError } from '../errors.js';
import { FingerCompression, decodeFingerImageRecord, imagePpi, type FingerImageRecord, type FingerRepresentation } from '../records/iso19794-4.js';
import {
  MultipartSplitter,
  SBI_HOST,
  SBI_INITIAL_HASH,
  SBI_PORT_FIRST,
  SBI_PORT_LAST,
  SbiMethod,
  buildRcaptureRequest,
  buildStreamRequest,
  computeSbiHash,
  decodeSbiJws,
  decodeSbiJwsJson,
  isJpeg,
  parseMultipartBoundary,
  parseSbiJson,
  sbiCaptureDataSchema,
  sbiDeviceInfoSchema,
  sbiDigitalIdSchema,
  sbiDiscoverResponseSchema,
  sbiErrorOnlyResponseSchema,
  sbiErrorToDeviceError,
  sbiInfoResponseSchema,
  sbiRcaptureResponseSchema,
  verifySbiJws,
  type RcaptureOptions,
  type SbiDeviceInfoPayload,
  type SbiDigitalId,
  type SbiDiscoverEntry,
  type SbiDiscoveryType,
  type SbiError,
  type SbiTrust,
} from './protocol.js';

/** Largest JSON body accepted: ten 500 ppi PNG fingers base64url-encoded fit with room (a body past this is not a device answer). */
const MAX_BODY_BYTES = 64 << 20;
const APP_NAME = 'balcao';

export interface SbiHttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function describeNetError(error: NodeJS.ErrnoException, method: string, url: string, timeoutMs: number): DeviceError {
  if (error instanceof DeviceError) return error;
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') return new DeviceError('not_found', `Nothing is listening at ${url} (${method} refused: no SBI device service on that port).`);
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up|aborted/i.test(error.message)) {
    return new DeviceError('disconnected', `The SBI device service at ${url} closed the connection during ${method}.`);
  }
  if (code === 'HPE_INVALID_CONSTANT' || code.startsWith('HPE_')) return new DeviceError('protocol', `The answer from ${url} to ${method} is not HTTP (${error.message}).`);
  return new DeviceError('disconnected', `${method} ${url} failed within ${timeoutMs} ms: ${error.message}.`);
}

/**
 * One SBI HTTP exchange: sends `method` with a JSON body and reads the whole
 * answer within `timeoutMs` (connect, send and receive together).
 */
export function sbiRequest(method: string, url: string, body: unknown, timeoutMs: number, signal?: AbortSignal): Promise<SbiHttpResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body), 'utf8');
    let settled = false;
    const finish = (error: DeviceError | null, response?: SbiHttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error) {
        request.destroy();
        reject(error);
      } else resolve(response as SbiHttpResponse);
    };
    const request = http.request(url, {
      method,
      agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': payload.length, EXT: APP_NAME, Connection: 'close' },
    });
    const timer = setTimeout(() => finish(new DeviceError('timeout', `No complete answer from the SBI device service at ${url} to ${method} within ${timeoutMs} ms.`)), timeoutMs);
    const onAbort = () => finish(new DeviceError('cancelled', `${method} ${url} was cancelled by the caller.`));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => finish(describeNetError(error, method, url, timeoutMs)));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) finish(new DeviceError('protocol', `The answer from ${url} to ${method} runs past ${MAX_BODY_BYTES} bytes.`));
        else chunks.push(chunk);
      });
      response.on('aborted', () => finish(new DeviceError('disconnected', `The SBI device service at ${url} closed the connection in the middle of its answer to ${method} (${size} bytes received).`)));
      response.on('error', (error) => finish(describeNetError(error, method, url, timeoutMs)));
      response.on('end', () => {
        if (!response.complete) {
          finish(new DeviceError('disconnected', `The SBI device service at ${url} closed the connection in the middle of its answer to ${method} (${size} bytes received).`));
          return;
        }
        finish(null, { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) });
      });
    });
    request.end(payload);
  });
}

function checkStatus(response: SbiHttpResponse, method: string, url: string): void {
  if (response.status !== 200) {
    // A device service that answers with a JSON error body still says why.
    const reason = tryError(response.body);
    if (reason) {
      const mapped = sbiErrorToDeviceError(reason.errorCode, reason.errorInfo, url);
      if (mapped) throw mapped;
    }
    throw new DeviceError('refused', `The SBI device service at ${url} answered ${method} with HTTP ${response.status}.`);
  }
}

function tryError(body: Buffer): SbiError | null {
  try {
    const value = parseSbiJson(body, sbiErrorOnlyResponseSchema, 'error');
    if (Array.isArray(value)) return value[0]?.error ?? null;
    return 'error' in value ? value.error : value;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------
// Trust

/** A trusted device key or certificate, as configured: PEM text, DER bytes, or a KeyObject. */
export type SbiTrustedKey = string | Uint8Array | KeyObject;

/** Turns configured certificates/keys into public keys for verifySbiJws. */
export function sbiTrust(keys: SbiTrustedKey[], algorithms?: string[]): SbiTrust {
  const out: KeyObject[] = [];
  for (const key of keys) {
    if (typeof key === 'string' || key instanceof Uint8Array) {
      const text = typeof key === 'string' ? key : null;
      if (text?.includes('BEGIN CERTIFICATE') || (text === null && looksLikeDerCertificate(key as Uint8Array))) out.push(new X509Certificate(typeof key === 'string' ? key : Buffer.from(key)).publicKey);
      else out.push(createPublicKey(typeof key === 'string' ? key : { key: Buffer.from(key), format: 'der', type: 'spki' }));
    } else out.push(key.type === 'private' ? createPublicKey(key) : key);
  }
  return { keys: out, ...(algorithms ? { algorithms } : {}) };
}

function looksLikeDerCertificate(bytes: Uint8Array): boolean {
  try {
    new X509Certificate(Buffer.from(bytes));
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Discovery

/** One device an SBI service announced, as the device manager sees it plus what the service said. */
export interface SbiDiscoveredDevice extends DiscoveredDevice {
  family: 'sbi';
  /** The service's base URL we reached it at (http://127.0.0.1:<port>), not the self-reported callbackId. */
  address: string;
  port: number;
  deviceId: string;
  deviceSubIds: number[];
  status: string;
  /** The discovery entry as parsed (field names as in the spec). */
  discovery: SbiDiscoverEntry;
  /** The unsigned digital ID discovery carries, decoded; null if it did not decode. */
  digitalId: SbiDigitalId | null;
}

export interface DiscoverSbiOptions {
  host?: string;
  /** Ports to try; default 4501–4600 (spec, Device Discovery "Windows/Linux"). */
  ports?: number[] | { from: number; to: number };
  /** Per-port deadline. */
  timeoutMs?: number;
  /** Ports probed at once. */
  concurrency?: number;
  type?: SbiDiscoveryType;
  signal?: AbortSignal;
}

function portList(ports: DiscoverSbiOptions['ports']): number[] {
  if (Array.isArray(ports)) return ports;
  const { from, to } = ports ?? { from: SBI_PORT_FIRST, to: SBI_PORT_LAST };
  const list: number[] = [];
  for (let p = from; p <= to; p++) list.push(p);
  return list;
}

function deviceKind(type: string | undefined): DiscoveredDevice['kind'] {
  return type === 'Finger' ? 'fingerprint' : 'biometric-service';
}

/** Decodes a discovery entry into a device; digitalId is unsigned here (spec: "it will not be signed"). */
function toDiscovered(entry: SbiDiscoverEntry, baseUrl: string, port: number): SbiDiscoveredDevice {
  let digitalId: SbiDigitalId | null = null;
  try {
    digitalId = decodeSbiJwsJson(entry.digitalId, sbiDigitalIdSchema, `digitalId from ${baseUrl}`).value;
  } catch {
    digitalId = null;
  }
  return {
    family: 'sbi',
    kind: deviceKind(digitalId?.type),
    address: baseUrl,
    make: digitalId?.make ?? 'unknown',
    model: digitalId?.model ?? 'unknown',
    serial: entry.deviceCode || digitalId?.serialNo || null,
    firmware: null,
    port,
    deviceId: entry.deviceId,
    deviceSubIds: entry.deviceSubId.map(Number).filter((n) => Number.isInteger(n)),
    status: entry.deviceStatus,
    discovery: entry,
    digitalId,
  };
}

/**
 * Probes each port with MOSIPDISC /device {type} and returns every device the
 * services there announce. Ports where nothing listens, or something that is
 * not an SBI service answers, are skipped; the scan never throws for one port.
 */
export async function discoverSbiServices(options: DiscoverSbiOptions = {}): Promise<SbiDiscoveredDevice[]> {
  const host = options.host ?? SBI_HOST;
  const ports = portList(options.ports);
  const timeoutMs = options.timeoutMs ?? 1500;
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const type = options.type ?? 'Biometric Device';
  // Each request in flight listens on the caller's signal: up to `concurrency` at once, more than Node's default warning limit of 10.
  if (options.signal) setMaxListeners(Math.max(getMaxListeners(options.signal), concurrency + 10), options.signal);
  const found: SbiDiscoveredDevice[][] = ports.map(() => []);
  let next = 0;
  const worker = async () => {
    while (next < ports.length) {
      if (options.signal?.aborted) return;
      const index = next++;
      const port = ports[index] as number;
      const baseUrl = `http://${host}:${port}`;
      try {
        const entries = await new SbiClient(baseUrl, { timeoutMs }).discover(type, options.signal);
        found[index] = entries.map((entry) => toDiscovered(entry, baseUrl, port));
      } catch {
        // Not an SBI service (or none there): the scan goes on.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ports.length) }, worker));
  return found.flat();
}

// ---------------------------------------------------------------------------
// Client

export interface SbiClientOptions {
  /** Deadline for discovery and info. */
  timeoutMs?: number;
  /** Added to the RCAPTURE timeout sent to the device: the device answers at its timeout, then the bytes must travel. */
  captureMarginMs?: number;
  /** Trusted device keys/certificates. Without them signatures are decoded but not checked (signatureVerified: false). */
  trust?: SbiTrust | null;
  /**
   * Hand back captures whose hash chain or signature failed, flagged, instead
   * of throwing. For diagnostics only: such captures are not evidence.
   */
  allowUnverified?: boolean;
}

export interface SbiDeviceInfo {
  deviceInfo: SbiDeviceInfoPayload;
  digitalId: SbiDigitalId | null;
  /** deviceInfo was signed (false: the unsigned form of an unregistered device). */
  signed: boolean;
  /** deviceInfo's signature checked against a trusted key; false when no trust is configured. */
  signatureVerified: boolean;
  error: SbiError | null;
}

export interface SbiCapture {
  bioType: string;
  bioSubType: string;
  qualityScore: number;
  requestedScore: number | null;
  transactionId: string;
  timestamp: string;
  specVersion: string | null;
  /** The decoded ISO/IEC 19794-4 record (Finger); null for other modalities. */
  iso: FingerImageRecord | null;
  /** The ISO record as the device sent it (bioValue decoded): what the hash covers and what a packet carries. */
  isoBytes: Uint8Array;
  /** The first representation's stored image (PNG, JPEG, WSQ, JPEG 2000…) and its compression code. */
  encodedImage: { compression: number; bytes: Uint8Array } | null;
  /** 8-bit grey pixels where the image could be decoded here (raw, PNG, JPEG); null for WSQ / JPEG 2000. */
  image: GreyImage | null;
  hash: string;
  /** What the hash should be, from previousHash and the ISO record. */
  expectedHash: string;
  hashValid: boolean;
  /** The data JWT checked against a trusted key; false when no trust is configured or it failed. */
  signatureVerified: boolean;
  digitalId: SbiDigitalId | null;
  device: DeviceIdentity;
}

export interface SbiRcaptureResult {
  transactionId: string;
  previousHash: string;
  captures: SbiCapture[];
  /** Every hash in the answer matched the chain. */
  chainValid: boolean;
  /** The chain head after this capture (the last valid hash); pass it as previousHash next time. */
  lastHash: string;
}

export type SbiRcaptureCall = Omit<RcaptureOptions, 'previousHash' | 'transactionId'> & { previousHash?: string; transactionId?: string };

export interface SbiStreamFrame {
  index: number;
  jpeg: Buffer;
  receivedAt: number;
}

export interface SbiStreamOptions {
  deviceId: string;
  deviceSubId: number;
  /** Sent as the stream's timeout; the stream also ends here. */
  timeoutMs: number;
  /** Longest gap between bytes before the stream counts as stalled (default 3 s). */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface SbiStreamResult {
  frames: number;
  durationMs: number;
  endedBy: 'closed' | 'timeout' | 'aborted';
}

let transactionCounter = 0;
function newTransactionId(): string {
  transactionCounter = (transactionCounter + 1) % 1_000_000;
  return `balcao-${Date.now().toString(36)}-${transactionCounter}`;
}

export class SbiClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly captureMarginMs: number;
  private readonly trust: SbiTrust | null;
  private readonly allowUnverified: boolean;
  /** Chain head: SHA-256("") until the first verified capture (bio.previousHash). */
  private chainHead = SBI_INITIAL_HASH;

  constructor(baseUrl: string, options: SbiClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.captureMarginMs = options.captureMarginMs ?? 5000;
    this.trust = options.trust ?? null;
    this.allowUnverified = options.allowUnverified ?? false;
  }

  get lastHash(): string {
    return this.chainHead;
  }

  /** Starts a new chain (a new enrolment session). */
  resetChain(): void {
    this.chainHead = SBI_INITIAL_HASH;
  }

  private url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** MOSIPDISC /device — the raw discovery entries. */
  async discover(type: SbiDiscoveryType = 'Biometric Device', signal?: AbortSignal): Promise<SbiDiscoverEntry[]> {
    const { method, path } = SbiMethod.discover;
    const url = this.url(path);
    const response = await sbiRequest(method, url, { type }, this.timeoutMs, signal);
    checkStatus(response, method, url);
    try {
      return parseSbiJson(response.body, sbiDiscoverResponseSchema, `The ${method} answer from ${url}`);
    } catch (error) {
      const reason = tryError(response.body);
      if (reason) throw sbiErrorToDeviceError(reason.errorCode, reason.errorInfo, url) ?? error;
      throw error;
    }
  }

  /** MOSIPDINFO /info — every device's info, decoded, with its signature checked where trust is configured. */
  async info(signal?: AbortSignal): Promise<SbiDeviceInfo[]> {
    const { method, path } = SbiMethod.info;
    const url = this.url(path);
    const response = await sbiRequest(method, url, undefined, this.timeoutMs, signal);
    checkStatus(response, method, url);
    const entries = parseSbiJson(response.body, sbiInfoResponseSchema, `The ${method} answer from ${url}`);
    const out: SbiDeviceInfo[] = [];
    for (const entry of entries) {
      const { decoded, value } = decodeSbiJwsJson(entry.deviceInfo, sbiDeviceInfoSchema, `deviceInfo from ${url}`);
      let digitalId: SbiDigitalId | null = null;
      try {
        digitalId = decodeSbiJwsJson(value.digitalId, sbiDigitalIdSchema, `digitalId from ${url}`).value;
      } catch {
        digitalId = null;
      }
      const signatureVerified = decoded.signed && this.trust !== null ? await verifySbiJws(entry.deviceInfo, this.trust) : false;
      out.push({ deviceInfo: value, digitalId, signed: decoded.signed, signatureVerified, error: entry.error ?? null });
    }
    return out;
  }

  /**
   * RCAPTURE /capture. Checks, for every biometric: the data JWT decodes and
   * has the spec's fields, the transactionId is ours, bioValue is a valid
   * ISO 19794-4 record (Finger), and hash = SHA-256(previous ‖ SHA-256(ISO))
   * continues the chain from previousHash. With trust configured the data
   * JWT's signature must verify with a trusted key.
   *
   * A broken chain throws DeviceError 'checksum', a signature no trusted key
   * verifies throws 'not_approved' — unless allowUnverified, which returns the
   * captures flagged (hashValid / signatureVerified false) and leaves the
   * chain head where it was. Without trust, signatureVerified is false on
   * every capture and nothing is thrown for it: the station decides whether
   * unsigned-checked captures are acceptable.
   */
  async rcapture(call: SbiRcaptureCall, signal?: AbortSignal): Promise<SbiRcaptureResult> {
    const { method, path } = SbiMethod.rcapture;
    const url = this.url(path);
    const previousHash = call.previousHash ?? this.chainHead;
    const transactionId = call.transactionId ?? newTransactionId();
    const request = buildRcaptureRequest({ ...call, previousHash, transactionId });
    const response = await sbiRequest(method, url, request, call.timeoutMs + this.captureMarginMs, signal);
    checkStatus(response, method, url);
    let parsed;
    try {
      parsed = parseSbiJson(response.body, sbiRcaptureResponseSchema, `The ${method} answer from ${url}`);
    } catch (error) {
      const reason = tryError(response.body);
      if (reason) throw sbiErrorToDeviceError(reason.errorCode, reason.errorInfo, url) ?? error;
      throw error;
    }
    if (parsed.biometrics.length === 0) throw new DeviceError('protocol', `The ${method} answer from ${url} holds no biometrics.`);
    for (const entry of parsed.biometrics) {
      const error = entry.error ? sbiErrorToDeviceError(entry.error.errorCode, entry.error.errorInfo, url) : null;
      if (error) throw error;
    }

    const captures: SbiCapture[] = [];
    let chain = previousHash;
    let chainValid = true;
    for (const [index, entry] of parsed.biometrics.entries()) {
      const what = `biometrics[${index}] of the ${method} answer from ${url}`;
      if (!entry.data || !entry.hash) throw new DeviceError('protocol', `${what} has no data or no hash.`);
      const { value: data } = decodeSbiJwsJson(entry.data, sbiCaptureDataSchema, `data of ${what}`);
      if (data.transactionId !== transactionId) throw new DeviceError('protocol', `${what} belongs to transaction "${data.transactionId.slice(0, 60)}", not "${transactionId}".`);
      let isoBytes: Uint8Array;
      try {
        isoBytes = base64url.decode(data.bioValue.replace(/=+$/, ''));
      } catch {
        throw new DeviceError('protocol', `bioValue of ${what} is not base64url.`);
      }
      const expectedHash = computeSbiHash(chain, isoBytes);
      const hashValid = entry.hash.toUpperCase() === expectedHash;
      if (!hashValid) chainValid = false;
      const signatureVerified = this.trust !== null ? await verifySbiJws(entry.data, this.trust) : false;
      if (!this.allowUnverified) {
        if (!hashValid) throw new DeviceError('checksum', `The hash of ${what} (${data.bioSubType}) does not continue the chain: expected ${expectedHash}, got ${entry.hash.slice(0, 64)}.`);
        if (this.trust !== null && !signatureVerified) throw new DeviceError('not_approved', `The signature on ${what} (${data.bioSubType}) does not verify with any trusted device key.`);
      }
      let digitalId: SbiDigitalId | null = null;
      try {
        digitalId = decodeSbiJwsJson(data.digitalId, sbiDigitalIdSchema, `digitalId of ${what}`).value;
      } catch {
        digitalId = null;
      }
      const iso = data.bioType === 'Finger' ? decodeFingerImageRecord(isoBytes) : null;
      const representation = iso?.representations[0] ?? null;
      captures.push({
        bioType: data.bioType,
        bioSubType: data.bioSubType,
        qualityScore: data.qualityScore,
        requestedScore: data.requestedScore ?? null,
        transactionId: data.transactionId,
        timestamp: data.timestamp,
        specVersion: entry.specVersion ?? null,
        iso,
        isoBytes,
        encodedImage: representation ? { compression: representation.compression, bytes: representation.image } : null,
        image: representation ? await greyImageOf(representation, what) : null,
        hash: entry.hash,
        expectedHash,
        hashValid,
        signatureVerified,
        digitalId,
        device: {
          family: 'sbi',
          make: digitalId?.make ?? 'unknown',
          model: digitalId?.model ?? 'unknown',
          serial: data.deviceCode || digitalId?.serialNo || null,
          firmware: data.deviceServiceVersion || null,
        },
      });
      // A valid link moves the chain on; after a broken one, later links are checked against the device's claim so one fault is reported once.
      chain = hashValid ? expectedHash : entry.hash.toUpperCase();
    }
    if (chainValid && captures.every((c) => c.signatureVerified || this.trust === null)) this.chainHead = chain;
    return { transactionId, previousHash, captures, chainValid, lastHash: this.chainHead };
  }

  /**
   * STREAM /stream: calls onFrame for every JPEG frame of the
   * multipart/x-mixed-replace answer until the service closes it, the timeout
   * passes, or the signal aborts. A JSON answer is the device's error.
   */
  stream(options: SbiStreamOptions, onFrame: (frame: SbiStreamFrame) => void): Promise<SbiStreamResult> {
    const { method, path } = SbiMethod.stream;
    const url = this.url(path);
    const idleTimeoutMs = options.idleTimeoutMs ?? 3000;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      let frames = 0;
      let settled = false;
      let idle: NodeJS.Timeout | undefined;
      const done = (error: DeviceError | null, endedBy: SbiStreamResult['endedBy'] = 'closed') => {
        if (settled) return;
        settled = true;
        clearTimeout(overall);
        clearTimeout(idle);
        options.signal?.removeEventListener('abort', onAbort);
        request.destroy();
        if (error) reject(error);
        else resolve({ frames, durationMs: performance.now() - started, endedBy });
      };
      const armIdle = () => {
        clearTimeout(idle);
        idle = setTimeout(() => done(new DeviceError('timeout', `The ${method} stream from ${url} stalled: nothing for ${idleTimeoutMs} ms after ${frames} frames.`)), idleTimeoutMs);
      };
      const payload = Buffer.from(JSON.stringify(buildStreamRequest(options.deviceId, options.deviceSubId, options.timeoutMs)));
      const request = http.request(url, { method, agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': payload.length, EXT: APP_NAME } });
      const overall = setTimeout(() => done(null, 'timeout'), options.timeoutMs);
      const onAbort = () => done(null, 'aborted');
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      armIdle();
      request.on('error', (error) => done(describeNetError(error, method, url, options.timeoutMs)));
      request.on('response', (response) => {
        const boundary = parseMultipartBoundary(response.headers['content-type']);
        if (response.statusCode !== 200 || boundary === null) {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => {
            if (chunks.reduce((n, c) => n + c.length, 0) < 1 << 16) chunks.push(chunk);
          });
          response.on('end', () => {
            const reason = tryError(Buffer.concat(chunks));
            const mapped = reason ? sbiErrorToDeviceError(reason.errorCode, reason.errorInfo, url) : null;
            done(mapped ?? new DeviceError('protocol', `The ${method} answer from ${url} is HTTP ${response.statusCode} "${response.headers['content-type'] ?? ''}", not a multipart M-JPEG stream.`));
          });
          return;
        }
        const splitter = new MultipartSplitter(boundary);
        response.on('data', (chunk: Buffer) => {
          armIdle();
          let parts;
          try {
            parts = splitter.push(chunk);
          } catch (error) {
            done(isDeviceError(error) ? new DeviceError(error.code, `${error.message.replace(/\.$/, '')} — ${method} ${url}.`) : (error as DeviceError));
            return;
          }
          for (const part of parts) {
            if (!isJpeg(part.body)) {
              done(new DeviceError('protocol', `Frame ${frames + 1} of the ${method} stream from ${url} is not a JPEG (${part.body.length} bytes, type "${part.headers['content-type'] ?? ''}").`));
              return;
            }
            onFrame({ index: frames++, jpeg: part.body, receivedAt: performance.now() });
          }
        });
        response.on('end', () => done(null, 'closed'));
        response.on('aborted', () => done(null, 'closed'));
        response.on('error', () => done(null, 'closed'));
      });
      request.end(payload);
    });
  }
}

/** 8-bit grey pixels of a representation where this station can decode it (raw 8-bit, PNG, JPEG). */
async function greyImageOf(representation: FingerRepresentation, what: string): Promise<GreyImage | null> {
  const ppi = imagePpi(representation);
  const { compression, width, height, bitDepth, image } = representation;
  if (compression === FingerCompression.uncompressed && bitDepth === 8) return { width, height, ppi, pixels: new Uint8Array(image) };
  if (compression !== FingerCompression.png && compression !== FingerCompression.jpeg) return null;
  try {
    const { data, info } = await sharp(image, { limitInputPixels: 64_000_000 }).greyscale().raw().toBuffer({ resolveWithObject: true });
    if (info.width !== width || info.height !== height) throw new Error(`the image is ${info.width} × ${info.height}, the record says ${width} × ${height}`);
    // greyscale() can still leave an alpha channel; keep the first channel of each pixel.
    const channels = info.channels;
    const pixels = channels === 1 ? new Uint8Array(data) : Uint8Array.from({ length: width * height }, (_, i) => data[i * channels] ?? 0);
    return { width, height, ppi, pixels };
  } catch (error) {
    throw new DeviceError('protocol', `The image in ${what} does not decode: ${(error as Error).message}.`);
  }
}

/**
 * A capture as the capture stage takes it. Refuses a capture whose hash did
 * not verify (it is not evidence), or whose pixels could not be decoded here.
 */
export function sbiCaptureToRaw(capture: SbiCapture): RawFingerprintCapture {
  if (!capture.hashValid) throw new DeviceError('checksum', `The ${capture.bioSubType} capture's hash does not continue the SBI hash chain; it is not handed on.`);
  if (!capture.image) throw new DeviceError('protocol', `The ${capture.bioSubType} capture's image (compression ${capture.encodedImage?.compression ?? 'none'}) cannot be decoded here.`);
  return { kind: 'fingerprint', device: capture.device, image: capture.image, capturedAt: capture.timestamp };
}

export { decodeSbiJws };
