import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constants, createDecipheriv, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { compactVerify, importSPKI } from 'jose';
import { openDatabase, type Db } from '../storage/database.js';
import { decodeFingerImageRecord, FingerCompression } from '../../drivers/records/iso19794-4.js';
import { decodeSignatureTimeSeries } from '../../drivers/records/iso19794-7.js';
import { configFromObject } from '../config/load.js';
import { sealPacket, sealDemoPacket, PacketInputError, type PacketManifest, keyId, demoPacketInput, type PacketInput, type SealKeys, loadSealKeys, PacketKeyError, removeStaleTempFiles } from './index.js';

/**
 * An agency's reading of a packet, written from agency-intake.md §3 with
 * node:crypto, fflate and jose only (not the sealer's code).
 */
interface LocalEntry {
  name: string;
  method: number;
  data: Buffer;
}

/** Walks the local file headers from the start (APPNOTE 4.3.7: signature 50 4B 03 04, method at +8, sizes at +18/+22, name length +26, extra length +28). */
function localEntries(zip: Buffer): LocalEntry[] {
  const out: LocalEntry[] = [];
  let o = 0;
  while (zip.readUInt32LE(o) === 0x04034b50) {
    const flags = zip.readUInt16LE(o + 6);
    expect(flags & 0x08).toBe(0); // sizes in the header, no data descriptor
    const method = zip.readUInt16LE(o + 8);
    const compressed = zip.readUInt32LE(o + 18);
    const nameLength = zip.readUInt16LE(o + 26);
    const extraLength = zip.readUInt16LE(o + 28);
    const name = zip.subarray(o + 30, o + 30 + nameLength).toString('utf8');
    const start = o + 30 + nameLength + extraLength;
    out.push({ name, method, data: zip.subarray(start, start + compressed) });
    o = start + compressed;
  }
  expect(zip.readUInt32LE(o)).toBe(0x02014b50); // central directory follows the last entry
  return out;
}

interface RecordJson {
  captures: { modality: string; position: string; entries: string[]; quality: { score: number | null } }[];
  documents: { entry: string; type: string; mediaType: string }[];
}

interface Opened {
  manifest: PacketManifest;
  manifestBytes: Buffer;
  inner: Record<string, Uint8Array>;
}

async function openAsAgency(file: string, agencyPrivate: KeyObject, stationPublic: KeyObject): Promise<Opened> {
  const zip = readFileSync(file);
  const entries = localEntries(zip);
  expect(entries.map((e) => e.name)).toEqual(['manifest.json', 'payload.enc', 'manifest.sig']);
  expect(entries.map((e) => e.method)).toEqual([0, 0, 0]);
  const [manifestEntry, payloadEntry, sigEntry] = entries as [LocalEntry, LocalEntry, LocalEntry];
  const manifestBytes = manifestEntry.data;
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as PacketManifest;

  // Detached JWS: put the payload back between the dots and verify (RFC 7515 appendix F).
  const [h, empty, s] = sigEntry.data.toString('ascii').split('.');
  expect(empty).toBe('');
  const header = JSON.parse(Buffer.from(h as string, 'base64url').toString('utf8')) as Record<string, unknown>;
  expect(header).toEqual({ alg: 'ES256', kid: keyId(stationPublic) });
  const jwk = await importSPKI(stationPublic.export({ type: 'spki', format: 'pem' }) as string, 'ES256');
  const verified = await compactVerify(`${h}.${manifestBytes.toString('base64url')}.${s}`, jwk);
  expect(Buffer.from(verified.payload).equals(manifestBytes)).toBe(true);

  const payload = payloadEntry.data;
  expect(manifest.payload).toEqual({ size: payload.length, sha256: createHash('sha256').update(payload).digest('hex') });
  expect(manifest.encryption.kid).toBe(keyId(createPublicKey(agencyPrivate)));
  const key = privateDecrypt({ key: agencyPrivate, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(manifest.encryption.wrappedKey, 'base64url'));
  expect(key.length).toBe(32);
  const iv = Buffer.from(manifest.encryption.iv, 'base64url');
  const tag = Buffer.from(manifest.encryption.tag, 'base64url');
  expect(iv.length).toBe(12);
  expect(tag.length).toBe(16);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(manifest.packetId, 'ascii'));
  decipher.setAuthTag(tag);
  const clear = Buffer.concat([decipher.update(payload), decipher.final()]);
  const inner = unzipSync(clear);
  const hashes = JSON.parse(Buffer.from(inner['hashes.json'] as Uint8Array).toString('utf8')) as Record<string, string>;
  expect(Object.keys(hashes).sort()).toEqual(Object.keys(inner).filter((n) => n !== 'hashes.json').sort());
  for (const [name, digest] of Object.entries(hashes)) expect(createHash('sha256').update(inner[name] as Uint8Array).digest('hex'), name).toBe(digest);
  return { manifest, manifestBytes, inner };
}

let dir: string;
let db: Db;
let keys: SealKeys;
let agencyPrivate: KeyObject;
let stationPublic: KeyObject;
let input: PacketInput;
const ids = { centreId: '10001', stationId: '10077' };

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'balcao-packets-'));
  db = openDatabase({ dataDir: path.join(dir, 'data') });
  const agency = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const station = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  agencyPrivate = agency.privateKey;
  stationPublic = station.publicKey;
  keys = { agencyEncryptionKey: agency.publicKey, stationSigningKey: station.privateKey };
  input = await demoPacketInput({ seed: 3, fingerWidth: 120, fingerHeight: 150, pages: [{ kind: 'id1-card', format: 'jpeg', dpi: 100, type: 'residence-card' }, { kind: 'id1-card', format: 'png', dpi: 100, type: 'passport' }] });
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sealPacket', () => {
  it('writes a packet an agency opens with standard tools: stored outer ZIP, JWS, RSA-OAEP-256, AES-256-GCM, hashes', async () => {
    const now = new Date('2026-11-22T10:11:12.345Z');
    const sealed = await sealPacket(input, keys, db, { outDir: path.join(dir, 'out'), now, ...ids });
    expect(sealed.packetId).toMatch(/^1000110077\d{5}20261122101112$/);
    expect(path.isAbsolute(sealed.file)).toBe(true);
    expect(path.basename(sealed.file)).toBe(`${sealed.packetId}.zip`);
    const bytes = readFileSync(sealed.file);
    expect(sealed.size).toBe(bytes.length);
    expect(sealed.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));

    const { manifest, inner } = await openAsAgency(sealed.file, agencyPrivate, stationPublic);
    expect(manifest).toEqual(sealed.manifest);
    expect(Object.keys(manifest)).toEqual(['format', 'packetId', 'process', 'centreId', 'stationId', 'sealedAt', 'encryption', 'payload']);
    expect(manifest).toMatchObject({ format: 'balcao-packet/1', packetId: sealed.packetId, process: 'NEW', centreId: '10001', stationId: '10077', sealedAt: '2026-11-22T10:11:12Z' });
    expect(manifest.encryption).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A256GCM' });

    const names = Object.keys(inner);
    expect(names[0]).toBe('record.json');
    expect(names).toEqual([
      'record.json',
      ...Array.from({ length: 10 }, (_, i) => `biometrics/finger-${String(i + 1).padStart(2, '0')}.iso`),
      'biometrics/signature.iso',
      'biometrics/signature.png',
      'documents/01-residence-card.jpg',
      'documents/02-passport.png',
      'audit.json',
      'hashes.json',
    ]);

    const record = JSON.parse(Buffer.from(inner['record.json'] as Uint8Array).toString('utf8')) as RecordJson;
    expect(record).toMatchObject({ schemaVersion: 1, packetId: sealed.packetId, process: 'NEW', sealedAt: '2026-11-22T10:11:12Z', caseId: 'demo-3', operatorId: 'op-demo' });
    expect(record.captures.find((c) => c.position === '07')?.entries).toEqual(['biometrics/finger-07.iso']);
    expect(record.captures.find((c) => c.modality === 'signature')?.entries).toEqual(['biometrics/signature.iso', 'biometrics/signature.png']);
    expect(record.documents[1]).toMatchObject({ entry: 'documents/02-passport.png', type: 'passport', mediaType: 'image/png' });

    const fir = decodeFingerImageRecord(inner['biometrics/finger-07.iso'] as Uint8Array);
    const rep = fir.representations[0]!;
    expect(rep).toMatchObject({ fingerPosition: 7, compression: FingerCompression.png, bitDepth: 8, width: 120, height: 150, imageSamplingRate: { horizontal: 500, vertical: 500 } });
    expect(Buffer.from(rep.image.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a');
    expect(rep.quality[0]?.score).toBe(record.captures.find((c) => c.position === '07')?.quality.score);

    const sig = decodeSignatureTimeSeries(inner['biometrics/signature.iso'] as Uint8Array);
    const penSamples = input.signature!.samples.filter((s) => s.rdy);
    expect(sig.samples.length).toBe(penSamples.length);
    expect(Object.keys(sig.channels)).toEqual(['X', 'Y', 'T', 'F', 'S']);
    expect(sig.samples[5]).toEqual({ X: Math.round(penSamples[5]!.x / 2), Y: Math.round(penSamples[5]!.y / 2), T: penSamples[5]!.t - penSamples[0]!.t, F: penSamples[5]!.pressure, S: penSamples[5]!.sw ? 1 : 0 });
    expect(Buffer.from((inner['biometrics/signature.png'] as Uint8Array).subarray(1, 4)).toString('ascii')).toBe('PNG');

    // The caller's buffers are theirs: sealing wipes only what the sealer made.
    expect(Buffer.from(inner['documents/02-passport.png'] as Uint8Array).equals(Buffer.from(input.documents![1]!.bytes))).toBe(true);
    expect(input.fingers![0]!.image.pixels.some((p) => p !== 0)).toBe(true);

    const audit = JSON.parse(Buffer.from(inner['audit.json'] as Uint8Array).toString('utf8')) as { type: string }[];
    expect(audit.map((e) => e.type)).toEqual(['case.opened', 'consent.given', 'case.completed']);
  });

  it('wraps the key as OpenSSL reads RSA-OAEP with SHA-256 and MGF1-SHA-256 (an independent implementation of the padding)', async () => {
    const sealed = await sealPacket(input, keys, db, { outDir: path.join(dir, 'out'), ...ids });
    const work = mkdtempSync(path.join(dir, 'openssl-'));
    writeFileSync(path.join(work, 'agency.pem'), agencyPrivate.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(work, 'wrapped.bin'), Buffer.from(sealed.manifest.encryption.wrappedKey, 'base64url'));
    const run = spawnSync('openssl', ['pkeyutl', '-decrypt', '-inkey', path.join(work, 'agency.pem'), '-in', path.join(work, 'wrapped.bin'), '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256']);
    expect(run.status, run.stderr?.toString()).toBe(0);
    expect(run.stdout.length).toBe(32);
    // The same key decrypts the payload.
    const zip = readFileSync(sealed.file);
    const payload = localEntries(zip)[1]!.data;
    const d = createDecipheriv('aes-256-gcm', run.stdout, Buffer.from(sealed.manifest.encryption.iv, 'base64url'));
    d.setAAD(Buffer.from(sealed.packetId, 'ascii'));
    d.setAuthTag(Buffer.from(sealed.manifest.encryption.tag, 'base64url'));
    expect(() => Buffer.concat([d.update(payload), d.final()])).not.toThrow();
  });

  it('any changed byte of payload.enc or manifest.json fails verification', async () => {
    const sealed = await sealPacket(input, keys, db, { outDir: path.join(dir, 'tamper'), ...ids });
    const original = readFileSync(sealed.file);
    const entries = localEntries(original);
    const offsetOf = (e: LocalEntry) => e.data.byteOffset - original.byteOffset;
    const manifest = entries[0]!;
    const payload = entries[1]!;
    const targets = [
      ...[0, 1, 17, Math.floor(manifest.data.length / 2), manifest.data.length - 2].map((i) => offsetOf(manifest) + i),
      ...[0, 1, 100, Math.floor(payload.data.length / 2), payload.data.length - 1].map((i) => offsetOf(payload) + i),
    ];
    for (const at of targets) {
      const bad = Buffer.from(original);
      bad[at] = (bad[at] as number) ^ 0x01;
      const file = path.join(dir, 'tamper', `bad-${at}.zip`);
      writeFileSync(file, bad);
      await expect(openAsAgency(file, agencyPrivate, stationPublic), `byte ${at}`).rejects.toThrow();
    }
    // The untouched file still opens.
    await expect(openAsAgency(sealed.file, agencyPrivate, stationPublic)).resolves.toBeDefined();
  });

  it('authenticates the packet id: the payload does not decrypt under another id (AAD)', async () => {
    const sealed = await sealPacket(input, keys, db, { outDir: path.join(dir, 'out'), ...ids });
    const payload = localEntries(readFileSync(sealed.file))[1]!.data;
    const key = privateDecrypt({ key: agencyPrivate, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(sealed.manifest.encryption.wrappedKey, 'base64url'));
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.manifest.encryption.iv, 'base64url'));
    d.setAAD(Buffer.from(sealed.packetId.replace(/^1/, '2'), 'ascii'));
    d.setAuthTag(Buffer.from(sealed.manifest.encryption.tag, 'base64url'));
    d.update(payload);
    expect(() => d.final()).toThrow();
  });

  it('uses a fresh key and nonce for every packet and gives consecutive sequence numbers', async () => {
    const now = new Date('2026-11-22T10:11:12Z');
    const a = await sealPacket(input, keys, db, { outDir: path.join(dir, 'fresh'), now, ...ids, process: 'RENEWAL' });
    const b = await sealPacket(input, keys, db, { outDir: path.join(dir, 'fresh'), now, ...ids, process: 'RENEWAL' });
    expect(a.manifest.process).toBe('RENEWAL');
    expect(a.manifest.encryption.iv).not.toBe(b.manifest.encryption.iv);
    expect(a.manifest.encryption.wrappedKey).not.toBe(b.manifest.encryption.wrappedKey);
    expect(Number(b.packetId.slice(10, 15))).toBe((Number(a.packetId.slice(10, 15)) + 1) % 100000);
    // The second seal wrote its ciphertext into the buffer the first one used (ciphertext-buffer.ts): both still open.
    for (const p of [a, b]) expect(Object.keys((await openAsAgency(p.file, agencyPrivate, stationPublic)).inner)).toContain('record.json');
  });

  it('seals two packets at once, each with its own ciphertext buffer, and both open', async () => {
    const out = path.join(dir, 'together');
    await sealPacket(input, keys, db, { outDir: out, ...ids }); // leaves a spare buffer for one of the two below
    const both = await Promise.all([sealPacket(input, keys, db, { outDir: out, ...ids }), sealPacket(input, keys, db, { outDir: out, ...ids })]);
    for (const p of both) expect(Object.keys((await openAsAgency(p.file, agencyPrivate, stationPublic)).inner)).toContain('record.json');
  });

  it('rejects bad input naming the field, before taking a sequence number or writing anything', async () => {
    const out = path.join(dir, 'rejected');
    type Full = Required<PacketInput> & { fingers: NonNullable<PacketInput['fingers']>; documents: NonNullable<PacketInput['documents']> };
    const cases: [string, (i: Full) => void][] = [
      ['record.applicant.nationality', (i) => (i.record.applicant.nationality = 'Portugal')],
      ['record.consent.accepted', (i) => ((i.record.consent as { accepted: boolean }).accepted = false)],
      ['fingers.0.image.ppi', (i) => (i.fingers[0]!.image.ppi = 300)],
      ['fingers.1.image.pixels', (i) => (i.fingers[1]!.image.pixels = new Uint8Array(10))],
      ['fingers.2.position', (i) => (i.fingers[2]!.position = 1)],
      ['documents.0.type', (i) => (i.documents[0]!.type = '../etc/passwd')],
      ['documents.1.bytes', (i) => (i.documents[1]!.mediaType = 'application/pdf')],
      ['record.captures.0', (i) => i.fingers.splice(0, 1)],
      ['signature', (i) => (i.signature = null)],
      ['record.captures.0.supervisorId', (i) => (i.record.captures[0]!.forceCapture = true)],
    ];
    const before = db.prepare('SELECT last_sequence FROM packet_sequence').get();
    for (const [field, mutate] of cases) {
      const bad = structuredClone(input) as Full;
      mutate(bad);
      const error = await sealPacket(bad, keys, db, { outDir: out, ...ids }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, field).toBeInstanceOf(PacketInputError);
      expect((error as PacketInputError).field, (error as Error).message).toBe(field);
      expect((error as Error).message).toContain(field);
    }
    expect(db.prepare('SELECT last_sequence FROM packet_sequence').get()).toEqual(before);
    expect(existsSync(out)).toBe(false);
  });

  it('leaves no file behind when the write fails: unwritable folder, or the final name already taken', async () => {
    const out = path.join(dir, 'readonly');
    const now = new Date('2026-11-23T08:00:00Z');
    const first = await sealPacket(input, keys, db, { outDir: out, now, ...ids });
    // The next id is predictable (sequence + 1, same second): occupy its name so the rename must not happen.
    const next = `${first.packetId.slice(0, 10)}${String((Number(first.packetId.slice(10, 15)) + 1) % 100000).padStart(5, '0')}${first.packetId.slice(15)}`;
    mkdirSync(path.join(out, `${next}.zip`));
    await expect(sealPacket(input, keys, db, { outDir: out, now, ...ids })).rejects.toThrow(/already exists/);
    expect(readdirSync(out).sort()).toEqual([`${first.packetId}.zip`, `${next}.zip`].sort());
    rmSync(path.join(out, `${next}.zip`), { recursive: true });

    // A folder the station may not write to (permissions do not bind root, so only as a normal user).
    if (process.getuid?.() !== 0) {
      chmodSync(out, 0o500);
      try {
        await expect(sealPacket(input, keys, db, { outDir: out, ...ids })).rejects.toThrow(/EACCES|EPERM/);
        expect(readdirSync(out)).toEqual([`${first.packetId}.zip`]);
      } finally {
        chmodSync(out, 0o700);
      }
    }
    // A folder that cannot exist (its parent is a file).
    writeFileSync(path.join(dir, 'a-file'), 'x');
    await expect(sealPacket(input, keys, db, { outDir: path.join(dir, 'a-file', 'out'), ...ids })).rejects.toThrow(/ENOTDIR|EEXIST/);
  });

  it('removes only stale temporary files', async () => {
    const out = path.join(dir, 'stale');
    const sealed = await sealPacket(input, keys, db, { outDir: out, ...ids });
    writeFileSync(path.join(out, `.${sealed.packetId}.zip.0123456789abcdef.tmp`), 'partial');
    expect(await removeStaleTempFiles(out)).toEqual([`.${sealed.packetId}.zip.0123456789abcdef.tmp`]);
    expect(readdirSync(out)).toEqual([path.basename(sealed.file)]);
  });
});

describe('loadSealKeys', () => {
  it('loads PEM keys and names the file and field of each failure', () => {
    const keyDir = mkdtempSync(path.join(dir, 'keys-'));
    const f = (name: string, content: string) => {
      const file = path.join(keyDir, name);
      writeFileSync(file, content);
      return file;
    };
    const agencyPub = f('agency.pub.pem', createPublicKey(agencyPrivate).export({ type: 'spki', format: 'pem' }) as string);
    const stationPem = f('station.pem', keys.stationSigningKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const loaded = loadSealKeys({ agency: { url: 'http://x/', token: 't', encryptionKey: agencyPub, receiptKey: agencyPub }, station: { signingKey: stationPem } });
    expect(keyId(loaded.agencyEncryptionKey)).toBe(keyId(keys.agencyEncryptionKey));
    expect(keyId(loaded.stationSigningKey)).toBe(keyId(stationPublic));

    const attempt = (encryptionKey: string, signingKey: string) => {
      try {
        loadSealKeys({ agency: { url: 'http://x/', token: 't', encryptionKey, receiptKey: agencyPub }, station: { signingKey } });
      } catch (error) {
        expect(error).toBeInstanceOf(PacketKeyError);
        return error as PacketKeyError;
      }
      throw new Error('expected a PacketKeyError');
    };
    const missing = attempt(path.join(keyDir, 'nope.pem'), stationPem);
    expect([missing.code, missing.field]).toEqual(['key_missing', 'agency.encryptionKey']);
    expect(missing.message).toContain('nope.pem');
    expect(attempt(f('garbage.pem', 'not a key'), stationPem).code).toBe('key_invalid');
    expect(attempt(f('agency-private.pem', agencyPrivate.export({ type: 'pkcs8', format: 'pem' }) as string), stationPem).code).toBe('key_wrong_type');
    expect(attempt(f('ec.pub.pem', stationPublic.export({ type: 'spki', format: 'pem' }) as string), stationPem).code).toBe('key_wrong_type');
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(attempt(f('small.pub.pem', small), stationPem).code).toBe('key_invalid');
    const wrongSigning = attempt(agencyPub, f('rsa.pem', agencyPrivate.export({ type: 'pkcs8', format: 'pem' }) as string));
    expect([wrongSigning.code, wrongSigning.field]).toEqual(['key_wrong_type', 'station.signingKey']);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(attempt(agencyPub, f('p384.pem', p384)).code).toBe('key_wrong_type');
    expect(attempt(agencyPub, f('station.pub.pem', stationPublic.export({ type: 'spki', format: 'pem' }) as string)).code).toBe('key_wrong_type');
    expect(createPrivateKey(readFileSync(stationPem)).asymmetricKeyType).toBe('ec');
  });
});

describe('sealDemoPacket', () => {
  it('seals a synthetic enrolment with the keys and ids of a station configuration', async () => {
    const keyDir = mkdtempSync(path.join(dir, 'demo-keys-'));
    const encryptionKey = path.join(keyDir, 'agency-encryption.pub.pem');
    const signingKey = path.join(keyDir, 'station-signing.pem');
    writeFileSync(encryptionKey, createPublicKey(agencyPrivate).export({ type: 'spki', format: 'pem' }));
    writeFileSync(signingKey, keys.stationSigningKey.export({ type: 'pkcs8', format: 'pem' }));
    const config = configFromObject(
      { centreId: '20002', stationId: '30003', dataDir: path.join(dir, 'demo-data'), agency: { url: 'http://127.0.0.1:4700/', token: 't', encryptionKey, receiptKey: encryptionKey }, station: { signingKey } },
      dir,
    );
    const sealed = await sealDemoPacket(config, db, {
      seed: 5,
      now: new Date('2026-11-22T11:00:00Z'),
      content: { fingerWidth: 100, fingerHeight: 120, pages: ['passport', 'residence-card', 'photo-page'].map((type) => ({ kind: 'id1-card' as const, format: 'png' as const, dpi: 72, type })) },
    });
    expect(sealed.packetId).toMatch(/^2000230003\d{5}20261122110000$/);
    expect(path.dirname(sealed.file)).toBe(path.join(dir, 'demo-data', 'packets'));
    const { inner } = await openAsAgency(sealed.file, agencyPrivate, stationPublic);
    expect(Object.keys(inner).filter((n) => n.startsWith('biometrics/finger-'))).toHaveLength(10);
    expect(Object.keys(inner).filter((n) => n.startsWith('documents/'))).toHaveLength(3);
  });
});

describe('encryptPayload', () => {
  it('gives the same ciphertext and tag with either engine and whatever the chunk size, equal to one-shot AES-256-GCM over the concatenation; decrypts', async () => {
    const { encryptPayload, ENCRYPT_CHUNK_BYTES } = await import('./seal.js');
    const { aesGcmChoice } = await import('./aes-gcm.js');
    const { createCipheriv, randomBytes } = await import('node:crypto');
    // Parts like an archive's: small headers between large entries, one entry spanning several chunks, an empty one.
    const sizes = [30, 200_000, 46, 0, 5, 1_000, 700_000, 3_000, 70_000, 22];
    const parts = sizes.map((n, i) => Buffer.alloc(n, i + 1).map((b, j) => (b * 31 + j) & 0xff));
    const whole = Buffer.concat(parts);
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const aad = Buffer.from('10001100770000120261122101112', 'ascii');
    const one = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 }).setAAD(aad);
    const expected = Buffer.concat([one.update(whole), one.final()]);
    const expectedTag = one.getAuthTag();
    const runs = [
      ...[4096, 16 * 1024, ENCRYPT_CHUNK_BYTES, 256 * 1024, 1 << 20].map((chunkBytes) => ({ engine: 'node' as const, chunkBytes })),
      { engine: 'openssl' as const },
    ];
    for (const options of runs) {
      const out = encryptPayload(parts, key, iv, aad, options);
      expect(out.engine).toBe(options.engine);
      expect(out.size).toBe(whole.length);
      expect(Buffer.concat(out.ciphertext).equals(expected)).toBe(true);
      expect(out.tag.equals(expectedTag)).toBe(true);
    }
    // The default is the addon (setup builds it; aes-gcm.test.ts says why if it is missing).
    expect(encryptPayload(parts, key, iv, aad).engine).toBe(aesGcmChoice().engine);
    const d = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 }).setAAD(aad);
    d.setAuthTag(expectedTag);
    expect(Buffer.concat([d.update(expected), d.final()]).equals(whole)).toBe(true);
    expect(() => encryptPayload(parts, key, iv, aad, { engine: 'node', chunkBytes: 100 })).toThrow(RangeError);
  });
});
