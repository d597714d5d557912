/**
 * The packet sealer (shared/reference/agency-intake.md §2–3; docs/packet-format.md).
 *
 *   inner archive (ZIP, in memory only) ── AES-256-GCM, fresh key + nonce, AAD = packet id ──▶ payload.enc
 *   content key ── RSA-OAEP-256 (SHA-256, MGF1-SHA-256) with the agency key ──▶ manifest.encryption.wrappedKey
 *   manifest.json ── ES256 with the station key, compact JWS, detached content (RFC 7515 app. F) ──▶ manifest.sig
 *   outer ZIP, stored: manifest.json, payload.enc, manifest.sig ── atomic write ──▶ <outDir>/<packetId>.zip
 *
 * The sealer keeps no key and no clear copy: the content key and the clear
 * inner archive exist only in this process's memory and are overwritten with
 * zeros once the payload is encrypted; nothing clear touches the disk.
 */
import { constants, createCipheriv, createHash, publicEncrypt, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Db } from '../storage/database.js';
import { checkAgencyEncryptionKey, checkStationSigningKey, type SealKeys } from './keys.js';
import { keyId } from './key-id.js';
import { nextPacketId, sealedAtString } from './packet-id.js';
import { PacketManifest, RECORD_SCHEMA_VERSION, documentMediaTypes, parsePacketInput, type PacketInput, type PacketProcess, type ParsedPacketInput } from './schema.js';
import { writeFileAtomic } from './atomic.js';
import { aesGcmChoice, nativeEncryptor, nativeUnavailableReason, type AesGcmEngine } from './aes-gcm.js';
import { releaseCiphertextBuffer, takeCiphertextBuffer } from './ciphertext-buffer.js';
import { zipParts } from './zip.js';
import { captureTimeFromDate, encodeFingerImageRecord, FingerCompression, FingerScaleUnits } from '../../drivers/records/iso19794-4.js';
import { encodeSignatureTimeSeries, penSamplesToTimeSeries } from '../../drivers/records/iso19794-7.js';
import { renderSignature } from '../../drivers/wacom-stu/render.js';
import type { GreyImage } from '../../drivers/capture.js';
import { withPngDensity } from '../imaging/png-density.js';

export type { PacketManifest } from './schema.js';

export const PACKET_FORMAT = 'balcao-packet/1';
/** The three outer entries, in the order the spec fixes (agency-intake.md §3). */
export const OUTER_ENTRIES = ['manifest.json', 'payload.enc', 'manifest.sig'] as const;
/** AES-256-GCM: 32-byte key, 12-byte nonce (the size GCM is defined for without GHASH of the IV, NIST SP 800-38D §8.2), 16-byte tag. */
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealOptions {
  /** Folder the packet file goes to (created if missing). */
  outDir: string;
  /** Provisioned ids (agency-intake.md §1): 5 digits each. */
  centreId: string;
  stationId: string;
  now?: Date;
  process?: PacketProcess;
  /** Called with the time of each step of this seal (for bench/seal.bench.ts: the encryption as the sealer runs it). */
  onStep?: (step: 'innerArchive' | 'encrypt', ms: number, bytes: number) => void;
}

export interface SealedPacket {
  packetId: string;
  /** Absolute path of the outer ZIP. */
  file: string;
  size: number;
  /** Lowercase hex SHA-256 of the whole file. */
  sha256: string;
  manifest: PacketManifest;
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const pad2 = (n: number) => String(n).padStart(2, '0');
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const json = (value: unknown) => utf8(`${JSON.stringify(value, null, 2)}\n`);

/**
 * 8-bit grey PNG via sharp (loaded on first use). zlib level 3 without
 * adaptive filtering: on 500 ppi fingerprints it gives the same size as the
 * default level 6 with adaptive filtering in under half the time (measured
 * for bench/seal.bench.ts), and PNG is lossless whatever the level.
 */
async function greyPng(image: GreyImage): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const raw = Buffer.from(image.pixels.buffer, image.pixels.byteOffset, image.pixels.byteLength);
  return sharp(raw, { raw: { width: image.width, height: image.height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 3, adaptiveFiltering: false })
    .toBuffer();
}

interface Entry {
  name: string;
  bytes: Uint8Array;
  /** Deflate what compresses (JSON, time series); store what is compressed already (PNG, JPEG, PDF, records holding PNG). */
  compress: boolean;
}

/** Builds every inner entry but record.json, audit.json and hashes.json, and what record.json says about them. */
async function biometricAndDocumentEntries(input: ParsedPacketInput, sealedAt: Date) {
  const entries: Entry[] = [];
  /** Clear intermediate buffers (PNG encodings copied into the ISO records), wiped with the archive. */
  const scratch: Uint8Array[] = [];
  const capturesEntries = new Map<string, string[]>();
  const captureFor = (modality: string, position: string) => input.record.captures.find((c) => c.modality === modality && c.position === position && c.exception === null);

  // Fingers in ISO position order; PNG-encode them concurrently (sharp runs on libuv's pool).
  const fingers = [...input.fingers].sort((a, b) => a.position - b.position);
  const pngs = await Promise.all(fingers.map(async (f) => withPngDensity(await greyPng(f.image), f.image.ppi)));
  scratch.push(...pngs);
  fingers.forEach((f, i) => {
    const code = pad2(f.position);
    const capture = captureFor('finger', code);
    const png = pngs[i] as Buffer;
    const captured = capture?.capturedAt ? new Date(capture.capturedAt) : sealedAt;
    const score = capture?.quality.score;
    const iso = encodeFingerImageRecord({
      representations: [
        {
          captureTime: captureTimeFromDate(captured),
          // 0 = unknown technology, vendor and type: CBEFF vendor ids are not registered for the station's devices; record.json names the device.
          deviceTechnology: 0,
          deviceVendor: 0,
          deviceType: 0,
          // Vendor 0 / algorithm 0: the station's own 0–100 score (app/quality), not a registered algorithm; none when not measured (§8.3.7).
          quality: score === null || score === undefined ? [] : [{ score: Math.round(score), vendorId: 0, algorithmId: 0 }],
          fingerPosition: f.position,
          representationNumber: 1,
          scaleUnits: FingerScaleUnits.ppi,
          captureSamplingRate: { horizontal: f.image.ppi, vertical: f.image.ppi },
          imageSamplingRate: { horizontal: f.image.ppi, vertical: f.image.ppi },
          bitDepth: 8,
          compression: FingerCompression.png,
          impressionType: f.impressionType,
          width: f.image.width,
          height: f.image.height,
          image: png,
        },
      ],
    });
    const name = `biometrics/finger-${code}.iso`;
    entries.push({ name, bytes: iso, compress: false });
    capturesEntries.set(`finger:${code}`, [name]);
  });

  let signature: Record<string, unknown> | null = null;
  if (input.signature !== null) {
    const { samples, tablet } = input.signature;
    const { record, conversion } = penSamplesToTimeSeries(samples, tablet);
    const iso = encodeSignatureTimeSeries(record);
    const rendered = renderSignature(samples, tablet, { ppi: 300, area: 'ink' });
    const png = withPngDensity(await greyPng(rendered.image), rendered.image.ppi);
    entries.push({ name: 'biometrics/signature.iso', bytes: iso, compress: true }, { name: 'biometrics/signature.png', bytes: png, compress: false });
    const capture = input.record.captures.find((c) => c.modality === 'signature' && c.exception === null);
    if (capture) capturesEntries.set(`signature:${capture.position}`, ['biometrics/signature.iso', 'biometrics/signature.png']);
    signature = {
      iso: 'biometrics/signature.iso',
      png: 'biometrics/signature.png',
      samples: record.samples.length,
      channels: Object.keys(record.channels),
      coordinateFactor: conversion.coordinateFactor,
      xyScalePerMetre: conversion.xyScale,
      timeScalePerSecond: conversion.timeScale,
      tablet,
      image: { width: rendered.image.width, height: rendered.image.height, ppi: rendered.image.ppi },
    };
  }

  const documents = input.documents.map((d, i) => {
    const name = `documents/${pad2(i + 1)}-${d.type}.${documentMediaTypes[d.mediaType]}`;
    entries.push({ name, bytes: d.bytes, compress: false });
    const capture = captureFor('document', pad2(i + 1));
    if (capture) capturesEntries.set(`document:${pad2(i + 1)}`, [name]);
    return { entry: name, type: d.type, mediaType: d.mediaType, size: d.bytes.length };
  });
  return { entries, capturesEntries, signature, documents, scratch };
}

/** The clear inner archive, in memory only: its parts, and the buffers the sealer made (to wipe after encryption; the caller's own image and document buffers are not among them). */
export interface InnerArchive {
  parts: Uint8Array[];
  size: number;
  owned: Uint8Array[];
}

/** Builds the inner archive in memory (never on disk). */
export async function buildInnerArchive(input: ParsedPacketInput, meta: { packetId: string; process: PacketProcess; centreId: string; stationId: string; sealedAt: Date }): Promise<InnerArchive> {
  const { entries, capturesEntries, signature, documents, scratch } = await biometricAndDocumentEntries(input, meta.sealedAt);
  const r = input.record;
  const record = {
    schemaVersion: RECORD_SCHEMA_VERSION,
    packetId: meta.packetId,
    process: meta.process,
    centreId: meta.centreId,
    stationId: meta.stationId,
    sealedAt: sealedAtString(meta.sealedAt),
    caseId: r.caseId,
    serviceType: r.serviceType,
    applicant: r.applicant,
    consent: r.consent,
    operatorId: r.operatorId,
    supervisorId: r.supervisorId,
    timestamps: r.timestamps,
    captures: r.captures.map((c) => ({ ...c, entries: capturesEntries.get(`${c.modality}:${c.position}`) ?? [] })),
    signature,
    documents,
  };
  const all: Entry[] = [{ name: 'record.json', bytes: json(record), compress: true }, ...entries, { name: 'audit.json', bytes: json(input.audit), compress: true }];
  const hashes: Record<string, string> = {};
  for (const e of all) hashes[e.name] = sha256Hex(e.bytes);
  all.push({ name: 'hashes.json', bytes: json(hashes), compress: true });
  const zip = zipParts(
    all.map((e) => ({ name: e.name, data: e.bytes, method: e.compress ? 8 : 0 })),
    meta.sealedAt,
  );
  const callers = new Set<Uint8Array>(input.documents.map((d) => d.bytes));
  return { parts: zip.parts, size: zip.size, owned: [...zip.owned, ...scratch, ...all.map((e) => e.bytes).filter((b) => !callers.has(b))] };
}

/**
 * Plaintext per cipher.update call on the node:crypto path. node:crypto's update()
 * allocates its output for every call (input + 1 byte, then a zero-filled
 * exact-size copy, since GCM outputs exactly its input), so each call costs fresh
 * memory beside the AES itself. 64 KiB pieces keep those allocations below glibc's
 * mmap threshold (128 KiB), where freed memory is reused instead of mapped and
 * faulted in anew, and keep the scratch copy in the L2 cache. Measured on the
 * bench archive with the previous call's buffers collected first: one update per
 * part (up to 0.9 MB) 660–1000 MB/s, 64 KiB pieces 940–1280 MB/s; back to back
 * the two were within noise; 16–32 KiB pieces were slower (per-call overhead).
 * The OpenSSL addon needs no chunking: it writes each part straight into one
 * ciphertext buffer.
 */
export const ENCRYPT_CHUNK_BYTES = 64 * 1024;
/** Parts shorter than this (ZIP headers, small JSON) are gathered into one update instead of one call each (node:crypto path). */
const SMALL_PART_BYTES = 4096;

export interface EncryptOptions {
  /** Which AES-GCM (app/packets/aes-gcm.ts); by default the addon where it loads, else node:crypto. */
  engine?: AesGcmEngine;
  /** OpenSSL path only: where to write the ciphertext if it is big enough (app/packets/ciphertext-buffer.ts); else a fresh buffer. */
  output?: Buffer;
  /** node:crypto path only: plaintext per update call; only bench/seal.bench.ts passes another size (to compare them). The ciphertext does not depend on it. */
  chunkBytes?: number;
}

/**
 * AES-256-GCM with AAD over the parts in order; returns the ciphertext pieces
 * (their concatenation is the ciphertext, as long as the clear parts together;
 * no tag), the tag and the engine that did it. The sealer's only encryption
 * path; the benchmark measures this function.
 */
export function encryptPayload(
  clear: readonly Uint8Array[],
  key: Uint8Array,
  iv: Uint8Array,
  aad: Uint8Array,
  options: EncryptOptions = {},
): { ciphertext: Buffer[]; size: number; tag: Buffer; engine: AesGcmEngine } {
  const engine = options.engine ?? aesGcmChoice().engine;
  if (engine === 'openssl') {
    const Encryptor = nativeEncryptor();
    if (Encryptor === null) throw new Error(`The OpenSSL AES-GCM addon is not available: ${nativeUnavailableReason() ?? 'unknown reason'}.`);
    let size = 0;
    for (const part of clear) size += part.length;
    const out = options.output !== undefined && options.output.length >= size ? options.output.subarray(0, size) : Buffer.allocUnsafeSlow(size);
    const encryptor = new Encryptor(key, iv, aad);
    let at = 0;
    try {
      for (const part of clear) at += encryptor.update(part, out, at);
    } catch (error) {
      encryptor.free();
      throw error;
    }
    return { ciphertext: [out], size, tag: encryptor.final(), engine };
  }
  return { ...encryptWithNodeCrypto(clear, key, iv, aad, options.chunkBytes ?? ENCRYPT_CHUNK_BYTES), engine };
}

function encryptWithNodeCrypto(clear: readonly Uint8Array[], key: Uint8Array, iv: Uint8Array, aad: Uint8Array, chunkBytes: number): { ciphertext: Buffer[]; size: number; tag: Buffer } {
  if (!Number.isInteger(chunkBytes) || chunkBytes < SMALL_PART_BYTES) throw new RangeError(`chunkBytes must be an integer ≥ ${SMALL_PART_BYTES}, got ${chunkBytes}.`);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext: Buffer[] = [];
  let size = 0;
  const update = (bytes: Uint8Array) => {
    const out = cipher.update(bytes);
    if (out.length > 0) ciphertext.push(out);
    size += out.length;
  };
  // Small parts are copied into `gather` (clear bytes: wiped below) and encrypted together; large ones are sliced without copying.
  let gather: Buffer | null = null;
  let gathered = 0;
  const flush = () => {
    if (gather !== null && gathered > 0) update(gather.subarray(0, gathered));
    gathered = 0;
  };
  try {
    for (const part of clear) {
      if (part.length < SMALL_PART_BYTES) {
        if (gathered + part.length > chunkBytes) flush();
        gather ??= Buffer.allocUnsafeSlow(chunkBytes);
        gather.set(part, gathered);
        gathered += part.length;
        continue;
      }
      flush();
      for (let at = 0; at < part.length; at += chunkBytes) update(part.subarray(at, Math.min(part.length, at + chunkBytes)));
    }
    flush();
  } finally {
    gather?.fill(0);
  }
  const last = cipher.final();
  if (last.length > 0) ciphertext.push(last);
  size += last.length;
  return { ciphertext, size, tag: cipher.getAuthTag() };
}

/** Compact JWS with detached content (RFC 7515 §7.1 and appendix F): BASE64URL(header) + ".." + BASE64URL(signature). */
export function signDetachedEs256(content: Uint8Array, key: KeyObject, kid: string): string {
  const header = b64url(utf8(JSON.stringify({ alg: 'ES256', kid })));
  const signingInput = `${header}.${b64url(content)}`;
  // ES256 signatures are R || S, 32 bytes each (RFC 7518 §3.4), not DER: hence ieee-p1363.
  const signature = sign('sha256', utf8(signingInput), { key, dsaEncoding: 'ieee-p1363' });
  return `${header}..${b64url(signature)}`;
}

/** Seals one enrolment into `<outDir>/<packetId>.zip`; see the module comment. Throws PacketInputError for bad input. */
export async function sealPacket(input: PacketInput, keys: SealKeys, db: Db, options: SealOptions): Promise<SealedPacket> {
  const parsed = parsePacketInput(input);
  checkAgencyEncryptionKey(keys.agencyEncryptionKey);
  checkStationSigningKey(keys.stationSigningKey);
  const packetProcess = options.process ?? 'NEW';
  const now = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000);
  const outDir = path.resolve(options.outDir);
  await mkdir(outDir, { recursive: true });

  const packetId = nextPacketId(db, options.centreId, options.stationId, now);
  const innerStart = performance.now();
  const inner = await buildInnerArchive(parsed, { packetId, process: packetProcess, centreId: options.centreId, stationId: options.stationId, sealedAt: now });
  options.onStep?.('innerArchive', performance.now() - innerStart, inner.size);
  const key = randomBytes(KEY_BYTES);
  const iv = randomBytes(IV_BYTES);
  // The ciphertext's buffer is reused from seal to seal (ciphertext-buffer.ts); given back once the file is written and hashed.
  let output: Buffer | undefined;
  try {
    let payload: { ciphertext: Buffer[]; size: number; tag: Buffer };
    let wrappedKey: Buffer;
    try {
      output = takeCiphertextBuffer(inner.size);
      const encryptStart = performance.now();
      payload = encryptPayload(inner.parts, key, iv, Buffer.from(packetId, 'ascii'), { output });
      options.onStep?.('encrypt', performance.now() - encryptStart, inner.size);
      // RSA-OAEP with SHA-256; Node uses the OAEP hash for MGF1 too, so this is RSA-OAEP-256 as RFC 7518 §4.3 defines it.
      wrappedKey = publicEncrypt({ key: keys.agencyEncryptionKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, key);
    } finally {
      // No key and no clear copy outlive this call: wipe the content key and every clear buffer the sealer made.
      key.fill(0);
      for (const b of inner.owned) b.fill(0);
    }
    const payloadHash = createHash('sha256');
    for (const c of payload.ciphertext) payloadHash.update(c);
    const tag = payload.tag;

    const manifest: PacketManifest = {
      format: PACKET_FORMAT,
      packetId,
      process: packetProcess,
      centreId: options.centreId,
      stationId: options.stationId,
      sealedAt: sealedAtString(now),
      encryption: {
        alg: 'RSA-OAEP-256',
        enc: 'A256GCM',
        kid: keyId(keys.agencyEncryptionKey),
        wrappedKey: b64url(wrappedKey),
        iv: b64url(iv),
        tag: b64url(tag),
      },
      payload: { size: payload.size, sha256: payloadHash.digest('hex') },
    };
    PacketManifest.parse(manifest);
    const manifestBytes = json(manifest);
    const sig = utf8(signDetachedEs256(manifestBytes, keys.stationSigningKey, keyId(keys.stationSigningKey)));

    // Stored entries (method 0), in the spec's order.
    const outer = zipParts(
      [
        { name: OUTER_ENTRIES[0], data: manifestBytes, method: 0 },
        { name: OUTER_ENTRIES[1], data: payload.ciphertext, method: 0 },
        { name: OUTER_ENTRIES[2], data: sig, method: 0 },
      ],
      now,
    );
    const file = path.join(outDir, `${packetId}.zip`);
    await writeFileAtomic(file, outer.parts);
    // A second SHA-256 pass over the ciphertext is unavoidable: the file's hash covers manifest.json, which holds payload.sha256.
    const fileHash = createHash('sha256');
    for (const p of outer.parts) fileHash.update(p);
    const sha256 = fileHash.digest('hex');
    return { packetId, file, size: outer.size, sha256, manifest };
  } finally {
    if (output !== undefined) releaseCiphertextBuffer(output);
  }
}
