/**
 * `balcao station keygen --config <file>`: makes the station's P-256 signing
 * key (agency-intake.md §1 `station.signingKey`, PEM PKCS#8, readable only by
 * this user) where the configuration says, unless one is already there, and
 * writes its public half beside it (`<key>.pub.pem`, SPKI) for the agency to
 * register. Never overwrites a key: packets signed with it must stay
 * verifiable.
 */
import { ensureStationSigningKey } from '../../app/station/signing-key.js';
import { CliError, exitCodes, resolveConfig } from './open-station.js';
import { ConfigError } from '../../app/config/load.js';

export { publicKeyPathFor } from '../../app/station/signing-key.js';

export function stationKeygen(options: { config: string; out?: (text: string) => void }): number {
  const out = options.out ?? ((text: string) => void process.stdout.write(text));
  let file: string;
  try {
    file = resolveConfig({ config: options.config }).station.signingKey;
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, exitCodes.config);
    throw error;
  }
  let key;
  try {
    key = ensureStationSigningKey(file);
  } catch (error) {
    throw new CliError((error as Error).message, exitCodes.config);
  }
  out(`${JSON.stringify({ signingKey: key.signingKey, created: key.created, publicKey: key.publicKey, kid: key.kid })}\n`);
  return exitCodes.ok;
}
