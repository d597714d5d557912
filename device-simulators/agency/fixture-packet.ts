/**
 * Builds packets exactly as agency-intake.md §3 describes, straight from the
 * spec with node:crypto, fflate and jose — the simulator tests' own packets,
 * independent of the station's sealer (app/packets). Every step can be bent
 * (`FixtureTweaks`) to make each kind of bad packet the agency must reject.
 */
import { createCipheriv, createHash, publicEncrypt, randomBytes, constants, type KeyObject } from 'node:crypto';
import { CompactSign } from 'jose';
import sharp from 'sharp';
import { zipSync, type Zippable } from 'fflate';
import { captureTimeFromDate, encodeFingerImageRecord, FingerCompression, FingerScaleUnits, IMPRESSION_LIVE_SCAN_PLAIN } from '../../drivers/records/iso19794-4.js';
import { spkiKeyId } from './keys.js';

export interface FixturePacketInput {
  centreId?: string;
  stationId?: string;
  sequence?: number;
  sealedAt?: Date;
  process?: 'NEW' | 'UPDATE' | 'RENEWAL' | 'DOCUMENTS';
  /** The agency's RSA public key. */
  encryptionKey: KeyObject;
  /** The station's P-256 private key. */
  stationKey: KeyObject;
  tweaks?: FixtureTweaks;
}

export interface FixtureTweaks {
  /** Changes record.json before it is written (hashes follow unless `hashes` changes them too). */
  record?: (record: Record<string, unknown>) => unknown;
  /** Changes hashes.json after it is computed. */
  hashes?: (hashes: Record<string, string>) => Record<string, string>;
  /** Drops inner entries (before hashing). */
  omitInner?: string[];
  /** Additional data for AES-GCM instead of the packet id. */
  aad?: string;
  /** Flips a byte of payload.enc after the manifest was made (so payload.sha256 and GCM both fail). */
  tamperPayload?: boolean;
  /** Outer entry order, or a subset (a missing entry). */
  outerEntries?: Array<'manifest.json' | 'payload.enc' | 'manifest.sig'>;
  /** Deflate the outer entries (the spec says stored). */
  compressOuter?: boolean;
  /** Sign with this key instead of `stationKey` (the kid follows the key unless `kid` is set). */
  signWith?: KeyObject;
  kid?: string;
}

export interface FixturePacket {
  packetId: string;
  file: Uint8Array;
  sha256: string;
  manifest: Record<string, unknown>;
}

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 2));

/** A small grey finger-like PNG: 8-bit grey, as §3 asks. */
async function fingerPng(seed: number): Promise<Buffer> {
  const width = 64;
  const height = 80;
  const pixels = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = 128 + Math.round(100 * Math.sin((x + y * 0.3 + seed) / 3));
  return sharp(pixels, { raw: { width, height, channels: 1 } }).png().toBuffer();
}

export function fixtureRecord(packetId: string, process: string, sealedAt: string): Record<string, unknown> {
  const device = { make: 'Balcão', model: 'Simulated slap scanner', serial: 'SIM-0001', approvedDeviceId: 'AGY-DEV-0042' };
  return {
    schemaVersion: 1,
    packetId,
    process,
    serviceType: 'residence-permit',
    applicant: { surname: 'Conceição Simões', givenNames: 'João Gonçalo', sex: 'M', birthDate: '1987-03-14', nationality: 'PRT' },
    consent: { textVersion: 'consent-2026-01', language: 'pt-PT', givenAt: sealedAt, accepted: true },
    captures: [
      { modality: 'finger', position: '01', device, quality: { score: 71, measures: { nfiq2: 71 } }, attempts: 1, exception: null, forceCapture: false, supervisorId: null },
      { modality: 'finger', position: '02', device, quality: { score: 38, measures: {} }, attempts: 3, exception: null, forceCapture: true, supervisorId: 'sup-rui' },
      { modality: 'finger', position: '03', device: null, quality: { score: null }, attempts: 0, exception: { reason: 'bandaged' }, forceCapture: false, supervisorId: null },
      { modality: 'signature', position: 'signature', device: { make: 'Wacom', model: 'STU-540', serial: null, approvedDeviceId: null }, quality: { score: null }, attempts: 1, exception: null },
    ],
    operatorId: 'op-ana',
    supervisorId: 'sup-rui',
    timestamps: { caseOpenedAt: sealedAt, completedAt: sealedAt },
  };
}

export async function buildFixturePacket(input: FixturePacketInput): Promise<FixturePacket> {
  const t = input.tweaks ?? {};
  const centreId = input.centreId ?? '10001';
  const stationId = input.stationId ?? '10077';
  const sealedAt = input.sealedAt ?? new Date('2026-11-22T10:11:12Z');
  const process = input.process ?? 'NEW';
  const sealedAtText = sealedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  // §2: centre (5) + station (5) + sequence (5) + yyyyMMddHHmmss (14).
  const packetId = `${centreId}${stationId}${String(input.sequence ?? 1).padStart(5, '0')}${sealedAtText.replace(/[-:TZ]/g, '')}`;

  const inner: Record<string, Uint8Array> = {};
  let record: unknown = fixtureRecord(packetId, process, sealedAtText);
  if (t.record) record = t.record(record as Record<string, unknown>) ?? record;
  inner['record.json'] = json(record);
  for (const position of [1, 2]) {
    const png = await fingerPng(position);
    inner[`biometrics/finger-0${position}.iso`] = encodeFingerImageRecord({
      representations: [
        {
          captureTime: captureTimeFromDate(sealedAt),
          deviceTechnology: 0,
          deviceVendor: 0,
          deviceType: 0,
          quality: [{ score: 70, vendorId: 0, algorithmId: 0 }],
          fingerPosition: position,
          representationNumber: 1,
          scaleUnits: FingerScaleUnits.ppi,
          captureSamplingRate: { horizontal: 500, vertical: 500 },
          imageSamplingRate: { horizontal: 500, vertical: 500 },
          bitDepth: 8,
          compression: FingerCompression.png,
          impressionType: IMPRESSION_LIVE_SCAN_PLAIN,
          width: 64,
          height: 80,
          image: png,
        },
      ],
    });
  }
  // A token ISO/IEC 19794-7 header: "SDI\0", version " 10\0", then nothing the agency reads here.
  inner['biometrics/signature.iso'] = Buffer.concat([Buffer.from('SDI\0 10\0', 'latin1'), Buffer.alloc(8)]);
  inner['biometrics/signature.png'] = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#ffffff' } }).png().toBuffer();
  inner['documents/01-passport.png'] = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#dddddd' } }).png().toBuffer();
  inner['audit.json'] = json([{ at: sealedAtText, event: 'case.sealed', actor: 'op-ana' }]);
  for (const name of t.omitInner ?? []) delete inner[name];
  let hashes: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(inner)) hashes[name] = sha256Hex(bytes);
  if (t.hashes) hashes = t.hashes(hashes);
  if (!t.omitInner?.includes('hashes.json')) inner['hashes.json'] = json(hashes);
  const innerZip = zipSync(inner as Zippable, { level: 6 });

  // §3 payload.enc: AES-256-GCM, fresh key and nonce, AAD = packetId, tag kept in the manifest.
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(t.aad ?? packetId, 'ascii'));
  const payload = Buffer.concat([cipher.update(innerZip), cipher.final()]);
  const tag = cipher.getAuthTag();
  const wrappedKey = publicEncrypt({ key: input.encryptionKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, key);
  const manifest = {
    format: 'balcao-packet/1',
    packetId,
    process,
    centreId,
    stationId,
    sealedAt: sealedAtText,
    encryption: { alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: spkiKeyId(input.encryptionKey), wrappedKey: wrappedKey.toString('base64url'), iv: iv.toString('base64url'), tag: tag.toString('base64url') },
    payload: { size: payload.length, sha256: sha256Hex(payload) },
  };
  if (t.tamperPayload) payload[payload.length >> 1] = (payload[payload.length >> 1] as number) ^ 0x01;
  const manifestBytes = json(manifest);

  // §3 manifest.sig: compact JWS, detached content (RFC 7515 appendix F) — sign normally, drop the payload part.
  const signer = t.signWith ?? input.stationKey;
  const full = await new CompactSign(manifestBytes).setProtectedHeader({ alg: 'ES256', kid: t.kid ?? spkiKeyId(signer) }).sign(signer);
  const [header, , signature] = full.split('.');
  const sig = new TextEncoder().encode(`${header}..${signature}`);

  const parts = { 'manifest.json': manifestBytes, 'payload.enc': payload, 'manifest.sig': sig };
  const outer: Zippable = {};
  for (const name of t.outerEntries ?? (['manifest.json', 'payload.enc', 'manifest.sig'] as const)) outer[name] = [parts[name], { level: t.compressOuter ? 6 : 0 }];
  const file = zipSync(outer);
  return { packetId, file, sha256: sha256Hex(file), manifest };
}
