/**
 * The agency's packet reader on its own (no server): a spec-built packet is
 * accepted, each broken one is rejected naming the check, and mutated or
 * random inputs never make it throw.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { buildFixturePacket, type FixturePacket } from './fixture-packet.js';
import { verifyPacket } from './verify.js';
import { parseUploadMetadata } from './server.js';
import { FaultState } from './faults.js';
import { documentKind, documentStatus, verifyIdentity } from './lookups.js';
import { createPrng } from '../random.js';

// 2048 bits keeps the test fast; the simulator itself makes 3072-bit keys.
const agency = generateKeyPairSync('rsa', { modulusLength: 2048 });
const station = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const check = (file: Uint8Array, declared: { packetId: string; sha256: string }) =>
  verifyPacket({ file, declared, encryptionKey: agency.privateKey, stationKey: async (c, s) => (c === '10001' && s === '10077' ? station.publicKey : null) });

let good: FixturePacket;
beforeAll(async () => {
  good = await buildFixturePacket({ encryptionKey: agency.publicKey, stationKey: station.privateKey });
});

describe('verifyPacket', () => {
  it('accepts a packet built to the spec and lists its inner entries', async () => {
    const r = await check(good.file, good);
    expect(r).toMatchObject({ status: 'ACCEPTED', reasons: [], sha256: good.sha256 });
    expect(r.innerEntries).toEqual(expect.arrayContaining(['record.json', 'biometrics/finger-01.iso', 'audit.json', 'hashes.json']));
  });

  it('rejects a packet sealed for another agency key and one whose id does not match its manifest', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const p = await buildFixturePacket({ encryptionKey: other.publicKey, stationKey: station.privateKey });
    expect((await check(p.file, p)).reasons).toEqual([expect.stringMatching(/^encryption-key:/)]);
    expect((await check(good.file, { packetId: '10001100770000920261122101112', sha256: good.sha256 })).reasons).toEqual([expect.stringMatching(/^packet-id:/)]);
  });

  it('rejects a finger record that is not ISO/IEC 19794-4 and an entry outside the spec', async () => {
    const p = await buildFixturePacket({
      encryptionKey: agency.publicKey,
      stationKey: station.privateKey,
      tweaks: { record: (r) => r },
    });
    expect((await check(p.file, p)).status).toBe('ACCEPTED');
    const bad = await buildFixturePacket({ encryptionKey: agency.publicKey, stationKey: station.privateKey, tweaks: { omitInner: ['audit.json'] } });
    expect((await check(bad.file, bad)).reasons).toEqual([expect.stringMatching(/^inner-entries: audit.json is missing/)]);
  });

  it('never throws on mutated packets, and rejects every one that changed', async () => {
    const random = createPrng(0xa9e7c1);
    const bytes = Buffer.from(good.file);
    let rejected = 0;
    const runs = 400;
    for (let i = 0; i < runs; i++) {
      const mutated = Buffer.from(bytes);
      const flips = 1 + Math.floor(random() * 4);
      // Mostly near the ends (headers, manifest, signature, central directory), where the parsing is.
      for (let f = 0; f < flips; f++) {
        const at = random() < 0.5 ? Math.floor(random() * 1200) : mutated.length - 1 - Math.floor(random() * 600);
        mutated[at] = Math.floor(random() * 256);
      }
      const r = await check(mutated, { packetId: good.packetId, sha256: good.sha256 });
      if (!mutated.equals(bytes)) {
        expect(r.status).toBe('REJECTED');
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(runs * 0.9);
  });

  it('never throws on random bytes', async () => {
    const random = createPrng(7);
    for (let i = 0; i < 2000; i++) {
      const junk = Buffer.alloc(Math.floor(random() * 300));
      for (let j = 0; j < junk.length; j++) junk[j] = Math.floor(random() * 256);
      if (junk.length >= 22 && random() < 0.5) junk.writeUInt32LE(0x06054b50, junk.length - 22); // an end-of-central-directory signature
      expect((await check(junk, { packetId: good.packetId, sha256: good.sha256 })).status).toBe('REJECTED');
    }
  });
});

describe('Upload-Metadata', () => {
  it('parses tus metadata pairs and refuses malformed ones', () => {
    const m = parseUploadMetadata(`packetId ${Buffer.from('10001100770000120261122101112').toString('base64')},sha256 ${Buffer.from('ab').toString('base64')},flag`);
    expect(m && Object.fromEntries(m)).toEqual({ packetId: '10001100770000120261122101112', sha256: 'ab', flag: '' });
    expect(parseUploadMetadata('a b c')).toBeNull();
    expect(parseUploadMetadata('a !!!')).toBeNull();
    expect(parseUploadMetadata('a YQ==,a YQ==')).toBeNull();
  });

  it('survives 100,000 random headers', () => {
    const random = createPrng(11);
    const alphabet = 'ab =,+/YQ\t';
    for (let i = 0; i < 100_000; i++) {
      let s = '';
      const n = Math.floor(random() * 24);
      for (let j = 0; j < n; j++) s += alphabet[Math.floor(random() * alphabet.length)];
      const m = parseUploadMetadata(s);
      expect(m === null || m instanceof Map).toBe(true);
    }
  });
});

describe('faults', () => {
  it('counts down "next N" faults and draws rates from the seed', () => {
    const f = new FaultState(1, { rateLimitNext: 1, fail5xxNext: 1, retryAfterSeconds: 4 });
    expect(f.onRequest()).toEqual({ kind: 'rate-limited', retryAfter: 4 });
    expect(f.onRequest()).toEqual({ kind: 'server-error', status: 503, retryAfter: 4 });
    expect(f.onRequest()).toEqual({ kind: 'none' });
    f.set({ resetAfterBytes: 10 });
    expect(f.takeReset()).toBe(10);
    expect(f.takeReset()).toBeNull();
    const a = new FaultState(5, { fail5xxRate: 0.3 });
    const b = new FaultState(5, { fail5xxRate: 0.3 });
    const run = (s: FaultState) => Array.from({ length: 50 }, () => s.onRequest().kind).join();
    expect(run(a)).toBe(run(b));
    expect(() => f.set({ fail5xxRate: 2 })).toThrow();
  });
});

describe('lookups', () => {
  it('knows ICAO document codes and the register', () => {
    expect(documentKind('P')).toBe('passport');
    expect(documentKind('IR')).toBe('id-card');
    expect(documentKind('passport')).toBe('passport');
    expect(verifyIdentity({ documentType: 'P', documentNumber: 'CB1234567', issuingState: 'PRT', birthDate: '1987-03-14', nationality: 'PRT' }).match).toBe(true);
    // The sample passport is valid until 2031-05-20, and expired the day after.
    const body = { documentType: 'P', documentNumber: 'CB1234567', issuingState: 'PRT', expiryDate: '2031-05-20' };
    expect(documentStatus(body, new Date('2031-05-20T12:00:00Z')).status).toBe('VALID');
    expect(documentStatus(body, new Date('2031-05-21T12:00:00Z')).status).toBe('EXPIRED');
  });
});
