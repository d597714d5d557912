/**
 * The station's P-256 signing key (agency-intake.md §1 `station.signingKey`:
 * PEM PKCS#8, readable only by this user) and its public half beside it
 * (`<key>.pub.pem`, SPKI) for the agency to register. A key is never
 * overwritten: packets signed with it must stay verifiable.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { keyId } from '../packets/key-id.js';

export function publicKeyPathFor(signingKey: string): string {
  return signingKey.replace(/(\.pem)?$/, '.pub.pem');
}

export interface StationSigningKey {
  signingKey: string;
  created: boolean;
  publicKey: string;
  publicPem: string;
  kid: string;
}

/** Makes the key unless one is there; throws with the file named when the one there is not a P-256 private key. */
export function ensureStationSigningKey(file: string): StationSigningKey {
  let created = false;
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    created = true;
  }
  let publicPem: string;
  try {
    const key = createPrivateKey(readFileSync(file));
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('it is not a P-256 key');
    publicPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  } catch (error) {
    throw new Error(`The station signing key ${file} (station.signingKey) cannot be used: ${(error as Error).message}.`);
  }
  const publicFile = publicKeyPathFor(file);
  writeFileSync(publicFile, publicPem, { mode: 0o644 });
  return { signingKey: file, created, publicKey: publicFile, publicPem, kid: keyId(createPublicKey(publicPem)) };
}
