/**
 * The two keys the sealer needs, loaded from the paths of the provisioning
 * table (shared/reference/agency-intake.md §1): the agency's RSA public key
 * (PEM, SPKI, ≥ 2048 bits) that wraps each packet's content key, and the
 * station's P-256 private key (PEM, PKCS#8) that signs each manifest.
 * Every failure names the file and the config key that points at it.
 */
import { readFileSync } from 'node:fs';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { StationConfig } from '../config/schema.js';

export interface SealKeys {
  /** RSA public key, ≥ 2048 bits. */
  agencyEncryptionKey: KeyObject;
  /** P-256 (prime256v1) private key. */
  stationSigningKey: KeyObject;
}

export type PacketKeyErrorCode = 'key_missing' | 'key_invalid' | 'key_wrong_type';

export class PacketKeyError extends Error {
  constructor(
    readonly code: PacketKeyErrorCode,
    /** The config key that names the file: 'agency.encryptionKey' or 'station.signingKey'. */
    readonly field: string,
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'PacketKeyError';
  }
}

/** Minimum RSA modulus of the agency key (agency-intake.md §1: "≥ 2048 bits"). */
export const MIN_RSA_BITS = 2048;

function readPem(field: string, file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new PacketKeyError('key_missing', field, file, `The ${what} (${field}) cannot be read from ${file} (${code}). Packets cannot be sealed until the file is provisioned.`);
  }
}

/** Checks an agency encryption key object: RSA, public, ≥ 2048 bits. */
export function checkAgencyEncryptionKey(key: KeyObject, file = '(key object)', field = 'agency.encryptionKey'): KeyObject {
  if (key.type !== 'public') throw new PacketKeyError('key_wrong_type', field, file, `The agency encryption key (${field}) in ${file} is a ${key.type} key; the station needs the agency's public key only.`);
  if (key.asymmetricKeyType !== 'rsa') throw new PacketKeyError('key_wrong_type', field, file, `The agency encryption key (${field}) in ${file} is ${key.asymmetricKeyType ?? 'not asymmetric'}, not RSA (packet keys are wrapped with RSA-OAEP-256).`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new PacketKeyError('key_invalid', field, file, `The agency encryption key (${field}) in ${file} has ${bits} bits; the intake interface requires at least ${MIN_RSA_BITS}.`);
  return key;
}

/** Checks a station signing key object: private, EC on P-256. */
export function checkStationSigningKey(key: KeyObject, file = '(key object)', field = 'station.signingKey'): KeyObject {
  if (key.type !== 'private') throw new PacketKeyError('key_wrong_type', field, file, `The station signing key (${field}) in ${file} is a ${key.type} key; a P-256 private key (PKCS#8) is needed to sign manifests.`);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    const what = key.asymmetricKeyType === 'ec' ? `an EC key on ${key.asymmetricKeyDetails?.namedCurve ?? 'an unknown curve'}` : `a ${key.asymmetricKeyType ?? 'non-asymmetric'} key`;
    throw new PacketKeyError('key_wrong_type', field, file, `The station signing key (${field}) in ${file} is ${what}; manifests are signed with ES256, which needs P-256.`);
  }
  return key;
}

export function loadAgencyEncryptionKey(file: string, field = 'agency.encryptionKey'): KeyObject {
  const pem = readPem(field, file, 'agency encryption key');
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new PacketKeyError('key_wrong_type', field, file, `The agency encryption key (${field}) in ${file} is a private key; give the station the agency's public key (PEM, SPKI) only.`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new PacketKeyError('key_invalid', field, file, `The agency encryption key (${field}) in ${file} is not a readable PEM public key (${(error as Error).message}).`);
  }
  return checkAgencyEncryptionKey(key, file, field);
}

export function loadStationSigningKey(file: string, field = 'station.signingKey'): KeyObject {
  const pem = readPem(field, file, 'station signing key');
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    if (/-----BEGIN [A-Z ]*PUBLIC KEY-----/.test(pem)) throw new PacketKeyError('key_wrong_type', field, file, `The station signing key (${field}) in ${file} is a public key; the station needs its P-256 private key (PEM, PKCS#8).`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new PacketKeyError('key_invalid', field, file, `The station signing key (${field}) in ${file} is not a readable PEM private key (${(error as Error).message}).`);
  }
  return checkStationSigningKey(key, file, field);
}

/** Loads both keys named in the station configuration; see PacketKeyError for the failures. */
export function loadSealKeys(config: Pick<StationConfig, 'agency' | 'station'>): SealKeys {
  return {
    agencyEncryptionKey: loadAgencyEncryptionKey(config.agency.encryptionKey),
    stationSigningKey: loadStationSigningKey(config.station.signingKey),
  };
}
