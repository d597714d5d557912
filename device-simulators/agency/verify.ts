/**
 * The agency's packet reader: checks a received packet file against
 * agency-intake.md §3 and returns ACCEPTED, or REJECTED with one reason per
 * failed check. Written from the spec alone — it imports nothing from the
 * station's sealer (app/packets) — so that two independent readings of the
 * spec have to agree for a packet to be accepted.
 *
 * Each reason starts with the name of the check that failed ("zip-layout: …",
 * "signature: …"); checks that cannot run because an earlier one failed are
 * skipped rather than reported twice.
 */
import { constants, createDecipheriv, createHash, privateDecrypt, timingSafeEqual, verify as verifySignature, type KeyObject } from 'node:crypto';
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { z } from 'zod';
import { decodeFingerImageRecord, FingerCompression, imagePpi } from '../../drivers/records/iso19794-4.js';
import { spkiKeyId } from './keys.js';
import { recordSchema } from './record.js';

/** §3: exactly these entries, in this order, stored. */
export const OUTER_ENTRIES = ['manifest.json', 'payload.enc', 'manifest.sig'] as const;
/** ZIP compression method 0 = stored (PKWARE APPNOTE 4.4.5). */
const ZIP_STORED = 0;
/** §3: AES-256-GCM with a 12-byte nonce and a 16-byte tag; the wrapped key unwraps to 32 bytes. */
const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;
const CONTENT_KEY_BYTES = 32;
/** ES256 signatures in JWS are R ‖ S, 32 bytes each (RFC 7518 §3.4). */
const ES256_SIGNATURE_BYTES = 64;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'lowercase hex SHA-256');
const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'base64url without padding');

/** §2: centreId (5) + stationId (5) + sequence (5) + yyyyMMddHHmmss (14). */
export const packetIdPattern = /^\d{29}$/;

/** §3 manifest.json; loose, because "readers ignore fields they do not know". */
export const manifestSchema = z.looseObject({
  format: z.literal('balcao-packet/1'),
  packetId: z.string().regex(packetIdPattern, '29 digits'),
  process: z.enum(['NEW', 'UPDATE', 'RENEWAL', 'DOCUMENTS']),
  centreId: z.string().regex(/^\d{5}$/, '5 digits'),
  stationId: z.string().regex(/^\d{5}$/, '5 digits'),
  sealedAt: z.iso.datetime(),
  encryption: z.looseObject({
    alg: z.literal('RSA-OAEP-256'),
    enc: z.literal('A256GCM'),
    kid: hex64,
    wrappedKey: base64url,
    iv: base64url,
    tag: base64url,
  }),
  payload: z.looseObject({ size: z.number().int().min(0), sha256: hex64 }),
});
export type PacketManifest = z.infer<typeof manifestSchema>;

/** RFC 7515 §4.1 header of manifest.sig; `b64` and `crit` would change what is signed, so they are refused. */
const jwsHeaderSchema = z.looseObject({ alg: z.literal('ES256'), kid: hex64 }).refine((h) => !('b64' in h) && !('crit' in h), 'no "b64" or "crit" header (the content is signed as is)');

export type PacketStatus = 'ACCEPTED' | 'REJECTED';

export interface VerifyInput {
  /** The whole packet file as received. */
  file: Uint8Array;
  /** The packetId and sha256 the upload was created with (tus Upload-Metadata, §4). */
  declared: { packetId: string; sha256: string };
  /** The agency's RSA private key and the kid of its public half. */
  encryptionKey: KeyObject;
  /** The registered key of a station, or null when the agency has none for it. */
  stationKey(centreId: string, stationId: string): Promise<KeyObject | null>;
}

export interface VerifyResult {
  status: PacketStatus;
  reasons: string[];
  /** Lowercase hex SHA-256 of the whole file. */
  sha256: string;
  manifest: PacketManifest | null;
  /** Names of the inner archive's entries, when it could be opened (for the simulator's own records). */
  innerEntries: string[];
}

const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const issues = (error: z.ZodError) => error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
const utf8 = new TextDecoder('utf-8', { fatal: true });

function hexEqual(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * Walks the ZIP's end-of-central-directory record and central directory
 * (PKWARE APPNOTE 4.3.16 and 4.3.12) and checks that every count, offset and
 * size lies inside the file, before fflate reads it: fflate trusts the entry
 * count, and a forged one (up to 65,535) makes it loop over bytes that are
 * not there. Returns what is wrong, or null. ZIP64 is not used by packets.
 */
export function zipStructureProblem(file: Uint8Array): string | null {
  const bytes = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  const EOCD = 0x06054b50;
  const CENTRAL = 0x02014b50;
  const LOCAL = 0x04034b50;
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) === EOCD && at + 22 + bytes.readUInt16LE(at + 20) === bytes.length) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) return 'no end-of-central-directory record';
  const disk = bytes.readUInt16LE(eocd + 4);
  const cdDisk = bytes.readUInt16LE(eocd + 6);
  const onDisk = bytes.readUInt16LE(eocd + 8);
  const total = bytes.readUInt16LE(eocd + 10);
  const cdSize = bytes.readUInt32LE(eocd + 12);
  const cdOffset = bytes.readUInt32LE(eocd + 16);
  if (disk !== 0 || cdDisk !== 0 || onDisk !== total) return 'a multi-disk archive';
  if (total === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) return 'a ZIP64 archive';
  if (cdOffset + cdSize > eocd) return 'the central directory runs past its end record';
  let at = cdOffset;
  for (let i = 0; i < total; i++) {
    if (at + 46 > cdOffset + cdSize || bytes.readUInt32LE(at) !== CENTRAL) return `central directory entry ${i + 1} of ${total} is not there`;
    const compressedSize = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const localOffset = bytes.readUInt32LE(at + 42);
    at += 46 + nameLength + extraLength + commentLength;
    if (at > cdOffset + cdSize) return `central directory entry ${i + 1} runs past the directory`;
    if (localOffset + 30 > cdOffset || bytes.readUInt32LE(localOffset) !== LOCAL) return `entry ${i + 1}'s local header is not where the directory says`;
    const localEnd = localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28) + compressedSize;
    if (localEnd > cdOffset) return `entry ${i + 1}'s data runs into the central directory`;
  }
  return null;
}

/** Reads the outer ZIP's entry list (central directory order) with each entry's compression method. */
function listZip(file: Uint8Array): { infos: UnzipFileInfo[]; entries: Record<string, Uint8Array> } {
  const infos: UnzipFileInfo[] = [];
  const entries = unzipSync(file, {
    filter: (info) => {
      infos.push({ ...info });
      // Only stored entries are extracted; a compressed one is reported, not inflated.
      return info.compression === ZIP_STORED;
    },
  });
  return { infos, entries };
}

/** §3 layout checks of the outer archive. */
function checkOuterLayout(infos: UnzipFileInfo[], reasons: string[]): void {
  const names = infos.map((i) => i.name);
  if (names.length !== OUTER_ENTRIES.length || names.some((n, i) => n !== OUTER_ENTRIES[i])) {
    const missing = OUTER_ENTRIES.filter((n) => !names.includes(n));
    const extra = names.filter((n) => !(OUTER_ENTRIES as readonly string[]).includes(n));
    const detail = [
      missing.length > 0 ? `missing ${missing.join(', ')}` : '',
      extra.length > 0 ? `unexpected ${extra.join(', ')}` : '',
      missing.length === 0 && extra.length === 0 ? `order is ${names.join(', ')}` : '',
    ].filter(Boolean);
    reasons.push(`zip-layout: the packet must hold exactly ${OUTER_ENTRIES.join(', ')} in that order; ${detail.join('; ')}`);
  }
  const compressed = infos.filter((i) => i.compression !== ZIP_STORED).map((i) => `${i.name} (method ${i.compression})`);
  if (compressed.length > 0) reasons.push(`zip-stored: entries must be stored without compression; compressed: ${compressed.join(', ')}`);
}

/** Verifies manifest.sig: compact JWS with detached content (RFC 7515 appendix F), ES256 over the exact manifest.json bytes. */
async function checkSignature(sig: Uint8Array, manifestBytes: Uint8Array, manifest: PacketManifest, input: VerifyInput, reasons: string[]): Promise<void> {
  const text = Buffer.from(sig).toString('latin1').trim();
  const parts = /^([A-Za-z0-9_-]+)\.\.([A-Za-z0-9_-]+)$/.exec(text);
  if (!parts) {
    reasons.push('signature: manifest.sig is not a compact JWS with detached content (header..signature)');
    return;
  }
  const [, encodedHeader = '', encodedSignature = ''] = parts;
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
  } catch {
    reasons.push('signature: the JWS header is not JSON');
    return;
  }
  const parsedHeader = jwsHeaderSchema.safeParse(header);
  if (!parsedHeader.success) {
    reasons.push(`signature: the JWS header is not {"alg":"ES256","kid":…}: ${issues(parsedHeader.error)}`);
    return;
  }
  let stationKey: KeyObject | null;
  try {
    stationKey = await input.stationKey(manifest.centreId, manifest.stationId);
  } catch (error) {
    reasons.push(`station-key: the key file of centre ${manifest.centreId} station ${manifest.stationId} cannot be read (${(error as Error).message})`);
    return;
  }
  if (!stationKey) {
    reasons.push(`station-key: no key is registered for centre ${manifest.centreId} station ${manifest.stationId}`);
    return;
  }
  const registeredKid = spkiKeyId(stationKey);
  if (!hexEqual(parsedHeader.data.kid, registeredKid)) {
    reasons.push(`signature: signed with key ${parsedHeader.data.kid}, but the key registered for centre ${manifest.centreId} station ${manifest.stationId} is ${registeredKid}`);
    return;
  }
  const signature = Buffer.from(encodedSignature, 'base64url');
  // RFC 7515 §5.2: the signing input is ASCII(BASE64URL(header) || '.' || BASE64URL(content)); detached content is put back here.
  const signingInput = Buffer.from(`${encodedHeader}.${Buffer.from(manifestBytes).toString('base64url')}`, 'ascii');
  const ok = signature.length === ES256_SIGNATURE_BYTES && verifySignature('sha256', signingInput, { key: stationKey, dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) reasons.push(`signature: the manifest signature does not verify with the key registered for centre ${manifest.centreId} station ${manifest.stationId}`);
}

/** Unwraps the content key and decrypts payload.enc; null when it cannot. */
function decryptPayload(payload: Uint8Array, manifest: PacketManifest, input: VerifyInput, reasons: string[]): Uint8Array | null {
  const ownKid = spkiKeyId(input.encryptionKey);
  if (!hexEqual(manifest.encryption.kid, ownKid)) {
    reasons.push(`encryption-key: the packet was sealed for key ${manifest.encryption.kid}, not this agency's key ${ownKid}`);
    return null;
  }
  const iv = Buffer.from(manifest.encryption.iv, 'base64url');
  const tag = Buffer.from(manifest.encryption.tag, 'base64url');
  if (iv.length !== GCM_IV_BYTES || tag.length !== GCM_TAG_BYTES) {
    reasons.push(`decryption: the nonce is ${iv.length} bytes and the tag ${tag.length}; AES-256-GCM here uses ${GCM_IV_BYTES} and ${GCM_TAG_BYTES}`);
    return null;
  }
  let contentKey: Buffer;
  try {
    // RSA-OAEP with SHA-256 and MGF1-SHA-256 (§3, "RSA-OAEP-256"; RFC 7518 §4.3).
    contentKey = privateDecrypt({ key: input.encryptionKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(manifest.encryption.wrappedKey, 'base64url'));
  } catch {
    reasons.push('decryption: the wrapped key does not unwrap with this agency\'s key (RSA-OAEP, SHA-256)');
    return null;
  }
  if (contentKey.length !== CONTENT_KEY_BYTES) {
    reasons.push(`decryption: the unwrapped key is ${contentKey.length} bytes, not ${CONTENT_KEY_BYTES}`);
    return null;
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', contentKey, iv, { authTagLength: GCM_TAG_BYTES });
    decipher.setAAD(Buffer.from(manifest.packetId, 'ascii'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(payload), decipher.final()]);
  } catch {
    reasons.push('decryption: AES-256-GCM authentication failed (payload, nonce, tag or the additional data = packetId do not match)');
    return null;
  } finally {
    contentKey.fill(0);
  }
}

/** Entry names §3's inner-archive table allows. */
const fingerEntry = /^biometrics\/finger-(0[1-9]|10)\.iso$/;
const documentEntry = /^documents\/\d{2}-[A-Za-z0-9_-]+\.(jpg|jpeg|png|pdf)$/;
const fixedEntries = new Set(['record.json', 'audit.json', 'hashes.json', 'biometrics/signature.iso', 'biometrics/signature.png']);
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);
const PDF_MAGIC = Buffer.from('%PDF-', 'ascii');
/** ISO/IEC 19794-7 general header: format identifier "SDI\0". */
const SDI_MAGIC = Buffer.from('SDI\0', 'ascii');
/** §3: finger images at 500 ppi or more. */
const MIN_FINGER_PPI = 500;

const startsWith = (bytes: Uint8Array, magic: Buffer) => bytes.length >= magic.length && Buffer.from(bytes.buffer, bytes.byteOffset, magic.length).equals(magic);

function checkInner(inner: Uint8Array, manifest: PacketManifest, reasons: string[]): string[] {
  let entries: Record<string, Uint8Array>;
  const problem = zipStructureProblem(inner);
  if (problem) {
    reasons.push(`inner-zip: the decrypted payload is not a readable ZIP archive (${problem})`);
    return [];
  }
  try {
    entries = unzipSync(inner);
  } catch (error) {
    reasons.push(`inner-zip: the decrypted payload is not a ZIP archive (${(error as Error).message})`);
    return [];
  }
  const names = Object.keys(entries).filter((n) => !n.endsWith('/'));
  for (const required of ['record.json', 'audit.json', 'hashes.json']) {
    if (!(required in entries)) reasons.push(`inner-entries: ${required} is missing`);
  }
  const unknown = names.filter((n) => !fixedEntries.has(n) && !fingerEntry.test(n) && !documentEntry.test(n));
  if (unknown.length > 0) reasons.push(`inner-entries: entries not in the spec's table: ${unknown.join(', ')}`);

  // hashes.json: { name: sha256 } for every other entry, nothing more, nothing less.
  const hashesBytes = entries['hashes.json'];
  if (hashesBytes) {
    const parsed = z.record(z.string(), hex64).safeParse(parseJson(hashesBytes));
    if (!parsed.success) reasons.push(`hashes: hashes.json is not {"<entry>": "<lowercase hex SHA-256>"}: ${issues(parsed.error)}`);
    else {
      const listed = parsed.data;
      const others = names.filter((n) => n !== 'hashes.json');
      const missing = others.filter((n) => !(n in listed));
      const extra = Object.keys(listed).filter((n) => !others.includes(n));
      const wrong = others.filter((n) => n in listed && listed[n] !== sha256Hex(entries[n] as Uint8Array));
      if (missing.length > 0) reasons.push(`hashes: hashes.json leaves out ${missing.join(', ')}`);
      if (extra.length > 0) reasons.push(`hashes: hashes.json lists entries that are not in the archive: ${extra.join(', ')}`);
      if (wrong.length > 0) reasons.push(`hashes: the SHA-256 of ${wrong.join(', ')} does not match hashes.json`);
    }
  }

  const recordBytes = entries['record.json'];
  if (recordBytes) {
    const parsed = recordSchema.safeParse(parseJson(recordBytes));
    if (!parsed.success) reasons.push(`record-schema: record.json does not match the record schema: ${issues(parsed.error)}`);
    else {
      if (parsed.data.packetId !== undefined && parsed.data.packetId !== manifest.packetId) reasons.push(`record-schema: record.json is for packet ${parsed.data.packetId}, the manifest for ${manifest.packetId}`);
      if (parsed.data.process !== undefined && parsed.data.process !== manifest.process) reasons.push(`record-schema: record.json says process ${parsed.data.process}, the manifest ${manifest.process}`);
    }
  }
  const auditBytes = entries['audit.json'];
  if (auditBytes && parseJson(auditBytes) === undefined) reasons.push('audit: audit.json is not JSON');

  for (const name of names) {
    const bytes = entries[name] as Uint8Array;
    const finger = fingerEntry.exec(name);
    if (finger) {
      const problem = fingerProblem(bytes, Number(finger[1]));
      if (problem) reasons.push(`finger-record: ${name}: ${problem}`);
    } else if (name === 'biometrics/signature.iso') {
      if (!startsWith(bytes, SDI_MAGIC)) reasons.push('signature-record: biometrics/signature.iso does not start with the ISO/IEC 19794-7 format identifier "SDI\\0"');
    } else if (name === 'biometrics/signature.png') {
      if (!startsWith(bytes, PNG_MAGIC)) reasons.push('signature-image: biometrics/signature.png is not a PNG');
    } else if (documentEntry.test(name)) {
      const ext = name.slice(name.lastIndexOf('.') + 1);
      const ok = ext === 'pdf' ? startsWith(bytes, PDF_MAGIC) : ext === 'png' ? startsWith(bytes, PNG_MAGIC) : startsWith(bytes, JPEG_MAGIC);
      if (!ok) reasons.push(`document: ${name} is not a ${ext.toUpperCase()} file`);
    }
  }
  return names;
}

/** §3 finger records: ISO/IEC 19794-4:2011, PNG inside (code 6), 8-bit, ≥ 500 ppi, position NN. */
function fingerProblem(bytes: Uint8Array, position: number): string | null {
  let record;
  try {
    record = decodeFingerImageRecord(bytes);
  } catch (error) {
    return `not an ISO/IEC 19794-4:2011 record (${(error as Error).message})`;
  }
  if (record.representations.length === 0) return 'the record holds no finger image';
  for (const r of record.representations) {
    if (r.fingerPosition !== position) return `the record is for finger position ${r.fingerPosition}, the entry name says ${position}`;
    if (r.compression !== FingerCompression.png) return `image compression is code ${r.compression}, not PNG (6)`;
    if (r.bitDepth !== 8) return `bit depth is ${r.bitDepth}, not 8`;
    const ppi = imagePpi(r);
    if (ppi < MIN_FINGER_PPI) return `the image is ${ppi} ppi, under ${MIN_FINGER_PPI}`;
    if (!startsWith(r.image, PNG_MAGIC)) return 'the image data is not a PNG';
  }
  return null;
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    return undefined;
  }
}

/** Runs every check of §3 and §4 ("When the last byte arrives the agency checks the packet"). */
export async function verifyPacket(input: VerifyInput): Promise<VerifyResult> {
  const reasons: string[] = [];
  const sha256 = sha256Hex(input.file);
  const result = (manifest: PacketManifest | null, innerEntries: string[] = []): VerifyResult => ({
    status: reasons.length === 0 ? 'ACCEPTED' : 'REJECTED',
    reasons,
    sha256,
    manifest,
    innerEntries,
  });

  if (!hexEqual(sha256, input.declared.sha256)) reasons.push(`upload-sha256: the file's SHA-256 is ${sha256}, the upload declared ${input.declared.sha256}`);

  const outerProblem = zipStructureProblem(input.file);
  if (outerProblem) {
    reasons.push(`zip-layout: the packet is not a readable ZIP archive (${outerProblem})`);
    return result(null);
  }
  let outer: ReturnType<typeof listZip>;
  try {
    outer = listZip(input.file);
  } catch (error) {
    reasons.push(`zip-layout: the packet is not a readable ZIP archive (${(error as Error).message})`);
    return result(null);
  }
  checkOuterLayout(outer.infos, reasons);
  const manifestBytes = outer.entries['manifest.json'];
  const payload = outer.entries['payload.enc'];
  const sig = outer.entries['manifest.sig'];
  if (!manifestBytes) return result(null);

  const manifestJson = parseJson(manifestBytes);
  if (manifestJson === undefined) {
    reasons.push('manifest-schema: manifest.json is not UTF-8 JSON');
    return result(null);
  }
  const parsed = manifestSchema.safeParse(manifestJson);
  if (!parsed.success) {
    reasons.push(`manifest-schema: ${issues(parsed.error)}`);
    return result(null);
  }
  const manifest = parsed.data;

  // §2: the packet id is built from the centre, the station and the sealing time.
  if (manifest.packetId !== input.declared.packetId) reasons.push(`packet-id: the manifest is for packet ${manifest.packetId}, the upload was created for ${input.declared.packetId}`);
  const sealedDigits = manifest.sealedAt.replace(/\.\d+/, '').replace(/[-:TZ]/g, '');
  if (manifest.packetId.slice(0, 5) !== manifest.centreId || manifest.packetId.slice(5, 10) !== manifest.stationId || manifest.packetId.slice(15) !== sealedDigits) {
    reasons.push(`packet-id: ${manifest.packetId} is not centreId ${manifest.centreId} + stationId ${manifest.stationId} + sequence + the UTC sealing time of ${manifest.sealedAt}`);
  }

  if (sig) await checkSignature(sig, manifestBytes, manifest, input, reasons);
  if (!payload) return result(manifest);

  if (payload.length !== manifest.payload.size) reasons.push(`payload-size: payload.enc is ${payload.length} bytes, the manifest says ${manifest.payload.size}`);
  const payloadSha = sha256Hex(payload);
  if (!hexEqual(payloadSha, manifest.payload.sha256)) reasons.push(`payload-sha256: the SHA-256 of payload.enc is ${payloadSha}, the manifest says ${manifest.payload.sha256}`);

  const inner = decryptPayload(payload, manifest, input, reasons);
  if (!inner) return result(manifest);
  const innerEntries = checkInner(inner, manifest, reasons);
  Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength).fill(0);
  return result(manifest, innerEntries);
}
