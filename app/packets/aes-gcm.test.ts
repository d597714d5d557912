import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aesGcmChoice, nativeEncryptor, nativeUnavailableReason } from './aes-gcm.js';

// The addon is built by setup (npm ci's install script, or `npm rebuild @balcao/aes-gcm`). These tests fail, with
// the addon's own reason, if it is missing: the sealer would silently fall back to the slower node:crypto.
const Encryptor = nativeEncryptor();

function nodeGcm(key: Buffer, iv: Buffer, aad: Buffer, clear: Buffer): { ciphertext: Buffer; tag: Buffer } {
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 }).setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(clear), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

describe('the OpenSSL AES-256-GCM addon (native/aes-gcm)', () => {
  it('is built and loads the system OpenSSL 3, and the sealer chooses it', () => {
    expect(nativeUnavailableReason()).toBeNull();
    expect(Encryptor).not.toBeNull();
    const choice = aesGcmChoice({});
    expect(choice.engine).toBe('openssl');
    expect(choice.detail).toMatch(/^OpenSSL 3\./);
    expect(aesGcmChoice({ BALCAO_AES_GCM: 'node' })).toEqual({ engine: 'node', detail: 'BALCAO_AES_GCM=node' });
  });

  it('gives node:crypto’s ciphertext and tag for any split of the input (empty parts, odd sizes, one byte, no AAD); node:crypto decrypts it', () => {
    if (Encryptor === null) throw new Error(`addon unavailable: ${nativeUnavailableReason()}`);
    const cases = [
      { length: 0, splits: [0], aad: 0 },
      { length: 1, splits: [1], aad: 29 },
      { length: 15, splits: [7, 0, 8], aad: 0 },
      { length: 100_003, splits: [1, 16, 17, 4095, 65_536, 30_338], aad: 29 },
      { length: 3_000_000, splits: [3_000_000], aad: 1000 },
    ];
    for (const c of cases) {
      const key = randomBytes(32);
      const iv = randomBytes(12);
      const aad = randomBytes(c.aad);
      const clear = randomBytes(c.length);
      const out = Buffer.alloc(c.length + 5, 0xee);
      const encryptor = new Encryptor(key, iv, aad);
      let at = 0;
      for (const n of c.splits) at += encryptor.update(clear.subarray(at, at + n), out, at + 2);
      expect(at).toBe(c.length);
      const tag = encryptor.final();
      const expected = nodeGcm(key, iv, aad, clear);
      expect(out.subarray(2, 2 + c.length).equals(expected.ciphertext)).toBe(true);
      expect(tag.equals(expected.tag)).toBe(true);
      // Nothing written outside the window it was given.
      expect([...out.subarray(0, 2), ...out.subarray(2 + c.length)]).toEqual([0xee, 0xee, 0xee, 0xee, 0xee]);
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 }).setAAD(aad).setAuthTag(tag);
      expect(Buffer.concat([decipher.update(out.subarray(2, 2 + c.length)), decipher.final()]).equals(clear)).toBe(true);
    }
  });

  it('refuses bad arguments with errors that name them, and an encryption that has ended', () => {
    if (Encryptor === null) throw new Error(`addon unavailable: ${nativeUnavailableReason()}`);
    const key = randomBytes(32);
    const iv = randomBytes(12);
    expect(() => new Encryptor(randomBytes(16), iv, Buffer.alloc(0))).toThrow(/key must be 32 bytes/);
    expect(() => new Encryptor(key, randomBytes(16), Buffer.alloc(0))).toThrow(/iv must be 12 bytes/);
    expect(() => new Encryptor(key, iv, 'aad' as unknown as Uint8Array)).toThrow(/aad must be a Uint8Array/);
    const encryptor = new Encryptor(key, iv, Buffer.alloc(0));
    expect(() => encryptor.update(Buffer.alloc(10), Buffer.alloc(9), 0)).toThrow(/no room/);
    expect(() => encryptor.update(Buffer.alloc(10), Buffer.alloc(20), 11)).toThrow(/no room/);
    expect(() => encryptor.update(Buffer.alloc(1), Buffer.alloc(2), -1)).toThrow(/outputOffset/);
    expect(() => encryptor.update(new Uint16Array(4) as unknown as Uint8Array, Buffer.alloc(8), 0)).toThrow(/input must be a Uint8Array/);
    expect(() => encryptor.update(Buffer.alloc(1), Buffer.alloc(2), 1e300)).toThrow(/outputOffset/);
    const shared = Buffer.alloc(64);
    expect(() => encryptor.update(shared.subarray(0, 32), shared, 16)).toThrow(/overlaps/);
    // A refused call changed nothing: the encryption goes on and still matches node:crypto.
    const clear = randomBytes(40);
    const out = Buffer.alloc(40);
    encryptor.update(clear, out, 0);
    const tag = encryptor.final();
    const expected = nodeGcm(key, iv, Buffer.alloc(0), clear);
    expect(out.equals(expected.ciphertext) && tag.equals(expected.tag)).toBe(true);
    // In place gives the same bytes.
    const inPlace = new Encryptor(key, iv, Buffer.alloc(0));
    const buffer = Buffer.from(clear);
    inPlace.update(buffer, buffer, 0);
    expect(buffer.equals(expected.ciphertext) && inPlace.final().equals(expected.tag)).toBe(true);
    expect(() => encryptor.update(clear, out, 0)).toThrow(/already ended/);
    expect(() => encryptor.final()).toThrow(/already ended/);
    encryptor.free();
    const freed = new Encryptor(key, iv, Buffer.alloc(0));
    freed.free();
    freed.free();
    expect(() => freed.final()).toThrow(/already ended/);
  });
});
