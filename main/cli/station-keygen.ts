/**
 * `balcao station keygen --config <file>`: makes the station's P-256 signing
 * key (agency-intake.md §1 `station.signingKey`, PEM PKCS#8, readable only by
 * this user) where the configuration says, unless one is already there, and
 * writes its public half beside it (`<key>.pub.pem`, SPKI) for the agency to
 * register. Never overwrites a key: packets signed with it must stay
 * verifiable.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { keyId } from '../../app/packets/key-id.js';
import { CliError, exitCodes, resolveConfig } from './open-station.js';
import { ConfigError } from '../../app/config/load.js';

export function publicKeyPathFor(signingKey: string): string {
  return signingKey.replace(/(\.pem)?$/, '.pub.pem');
}

export function stationKeygen(options: { config: string; out?: (text: string) => void }): number {
  const out = options.out ?? ((text: string) => void process.stdout.write(text));
  let file: string;
  try {
    file = resolveConfig({ config: options.config }).station.signingKey;
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, exitCodes.config);
    throw error;
  }
  const publicFile = publicKeyPathFor(file);
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
    throw new CliError(`The station signing key ${file} (station.signingKey) cannot be used: ${(error as Error).message}.`, exitCodes.config);
  }
  writeFileSync(publicFile, publicPem, { mode: 0o644 });
  out(`${JSON.stringify({ signingKey: file, created, publicKey: publicFile, kid: keyId(createPublicKey(publicPem)) })}\n`);
  return exitCodes.ok;
}
