/**
 * Key ids (`kid`) as the agency's intake interface defines them
 * (shared/reference/agency-intake.md §1): the lowercase hex SHA-256 of the
 * key's DER SubjectPublicKeyInfo. A private key is accepted and its public
 * half used, so that the station can name its own signing key.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

export function keyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.type !== 'public') throw new TypeError(`keyId needs an asymmetric key, got a ${key.type} key.`);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('hex');
}
