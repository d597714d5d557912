/**
 * The agency simulator's keys, kept as PEM files in one directory
 * (agency-intake.md §1, provisioning): the RSA key pair that unwraps packet
 * keys, the P-256 pair that signs receipts, and the stations' P-256 public
 * keys under `stations/<centreId>-<stationId>.pub.pem`. Public keys are SPKI,
 * private keys PKCS#8; private files are written with mode 0600 so that only
 * the simulator's user can read them.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const generate = promisify(generateKeyPair);

/** RSA modulus for the encryption key: 3072 bits (the spec asks for ≥ 2048; 3072 is NIST SP 800-57's 128-bit level). */
export const ENCRYPTION_KEY_BITS = 3072;

export const keyFileNames = {
  encryptionPrivate: 'agency-encryption.pem',
  encryptionPublic: 'agency-encryption.pub.pem',
  receiptPrivate: 'agency-receipt.pem',
  receiptPublic: 'agency-receipt.pub.pem',
  stationsDir: 'stations',
} as const;

export interface AgencyKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePath: string;
  publicPath: string;
  /** Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo (§1, key ids). */
  kid: string;
}

export interface AgencyKeys {
  keysDir: string;
  encryption: AgencyKeyPair;
  receipt: AgencyKeyPair;
  /** Whether this call made any key (false when all were already there). */
  generated: boolean;
}

/**
 * §1: "Key ids (kid) everywhere are the lowercase hex SHA-256 of the key's
 * DER SubjectPublicKeyInfo". Written here again on purpose, not imported from
 * the station's packet code: the simulator is a second reading of the spec.
 */
export function spkiKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

async function readIfPresent(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Writes through a temporary file and a rename, so a crash leaves the old file or the new one, never half a key. */
async function writeAtomically(file: string, text: string, mode: number): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode });
  await rename(temp, file);
}

async function loadOrMakePair(
  keysDir: string,
  privateName: string,
  publicName: string,
  make: () => Promise<{ privateKey: KeyObject; publicKey: KeyObject }>,
  check: (key: KeyObject) => string | null,
): Promise<AgencyKeyPair & { made: boolean }> {
  const privatePath = path.join(keysDir, privateName);
  const publicPath = path.join(keysDir, publicName);
  const privatePem = await readIfPresent(privatePath);
  let privateKey: KeyObject;
  let made = false;
  if (privatePem === null) {
    ({ privateKey } = await make());
    await writeAtomically(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
    made = true;
  } else {
    try {
      privateKey = createPrivateKey(privatePem);
    } catch (error) {
      throw new Error(`${privatePath} is not a PEM private key (${(error as Error).message}); remove it to have a new one made.`);
    }
    const problem = check(privateKey);
    if (problem) throw new Error(`${privatePath}: ${problem}; remove it to have a new one made.`);
  }
  const publicKey = createPublicKey(privateKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  // The public file is derived from the private key every start, so it can never disagree with it.
  if ((await readIfPresent(publicPath)) !== publicPem) await writeAtomically(publicPath, publicPem, 0o644);
  return { privateKey, publicKey, privatePath, publicPath, kid: spkiKeyId(publicKey), made };
}

/** Loads the agency's key pairs from `keysDir`, making any that are missing. */
export async function ensureAgencyKeys(keysDir: string): Promise<AgencyKeys> {
  const dir = path.resolve(keysDir);
  await mkdir(path.join(dir, keyFileNames.stationsDir), { recursive: true });
  const encryption = await loadOrMakePair(
    dir,
    keyFileNames.encryptionPrivate,
    keyFileNames.encryptionPublic,
    () => generate('rsa', { modulusLength: ENCRYPTION_KEY_BITS }),
    (key) => {
      if (key.asymmetricKeyType !== 'rsa') return `the encryption key is ${key.asymmetricKeyType}, not RSA`;
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      return bits < 2048 ? `the RSA key has ${bits} bits; the spec asks for at least 2048` : null;
    },
  );
  const receipt = await loadOrMakePair(
    dir,
    keyFileNames.receiptPrivate,
    keyFileNames.receiptPublic,
    () => generate('ec', { namedCurve: 'P-256' }),
    (key) => (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? null : 'the receipt key is not a P-256 key'),
  );
  return { keysDir: dir, encryption, receipt, generated: encryption.made || receipt.made };
}

const stationPart = /^\d{5}$/;

/** Where provisioning drops a station's public key (§1: "the agency holds its public key"). */
export function stationKeyPath(keysDir: string, centreId: string, stationId: string): string {
  if (!stationPart.test(centreId) || !stationPart.test(stationId)) throw new Error(`centre "${centreId}" and station "${stationId}" must be 5 digits each (agency-intake.md §1)`);
  return path.join(keysDir, keyFileNames.stationsDir, `${centreId}-${stationId}.pub.pem`);
}

/** Parses a station's public key and checks it is P-256 (ES256 needs it). */
export function parseStationKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('a station key must be a P-256 public key');
  return key;
}

/** Reads `stations/<centreId>-<stationId>.pub.pem`; null when there is none. */
export async function readStationKeyFile(keysDir: string, centreId: string, stationId: string): Promise<KeyObject | null> {
  const pem = await readIfPresent(stationKeyPath(keysDir, centreId, stationId));
  return pem === null ? null : parseStationKey(pem);
}
