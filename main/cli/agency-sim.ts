/**
 * `balcao agency-sim --port <p> --keys <dir>`: the agency simulator as its
 * own process (device-simulators/agency/server.ts). Its keys are made in
 * --keys when missing.
 *
 * Output: stdout gets exactly one line, a JSON object with what a station is
 * provisioned with (URL, token, the two agency public key paths) and where
 * station keys go, so that scripts can read it; notes for people go to
 * stderr. It runs until SIGINT or SIGTERM (or `signal`).
 */
import { CliError, exitCodes } from './open-station.js';
import { startAgencySimulator } from '../../device-simulators/agency/server.js';
import { agencyFaultsSchema, type AgencyFaults } from '../../device-simulators/agency/faults.js';

export interface AgencySimOptions {
  /** Default 4700 (the demo station's agency.url, app/config/demo.ts); 0 picks a free port. */
  port?: number;
  keysDir: string;
  host?: string;
  token?: string;
  /** Where uploads and state are kept; a temporary directory by default. */
  dataDir?: string;
  faults?: Partial<AgencyFaults>;
  seed?: number;
  /** Stops the simulator; without it, SIGINT/SIGTERM do. */
  signal?: AbortSignal;
}

/** The line printed on stdout once the simulator listens. */
export interface AgencySimReady {
  url: string;
  token: string;
  /** agency.encryptionKey for the station. */
  encryptionKey: string;
  /** agency.receiptKey for the station. */
  receiptKey: string;
  /** Drop station public keys here as <centreId>-<stationId>.pub.pem. */
  stationsDir: string;
  dataDir: string;
  encryptionKid: string;
  receiptKid: string;
}

/**
 * Parses `--faults` text: comma-separated name=value pairs of AgencyFaults,
 * e.g. "latencyMs=200,fail5xxRate=0.1,rateLimitNext=3,retryAfterSeconds=2".
 */
export function parseFaults(text: string): Partial<AgencyFaults> {
  const out: Record<string, unknown> = {};
  const shape = agencyFaultsSchema.shape;
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, value] = pair.split('=');
    if (!name || value === undefined || !(name in shape)) throw new CliError(`Unknown fault "${pair}"; faults are ${Object.keys(shape).join(', ')} (name=value).`, exitCodes.usage);
    out[name] = value === 'true' ? true : value === 'false' ? false : value === 'null' ? null : Number(value);
  }
  const parsed = agencyFaultsSchema.partial().safeParse(out);
  if (!parsed.success) throw new CliError(`Bad faults "${text}": ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`, exitCodes.usage);
  return parsed.data;
}

export async function runAgencySim(options: AgencySimOptions): Promise<number> {
  let sim;
  try {
    sim = await startAgencySimulator({
      port: options.port ?? 4700,
      keysDir: options.keysDir,
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
      ...(options.faults !== undefined ? { faults: options.faults } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CliError(`Port ${options.port ?? 4700} is already in use; choose another with --port.`, exitCodes.usage);
    throw new CliError(`The agency simulator did not start: ${(error as Error).message}`, exitCodes.failure);
  }
  const ready: AgencySimReady = {
    url: sim.url,
    token: sim.token,
    encryptionKey: sim.keys.encryptionPublicKeyPath,
    receiptKey: sim.keys.receiptPublicKeyPath,
    stationsDir: sim.keys.stationsDir,
    dataDir: sim.dataDir,
    encryptionKid: sim.keys.encryptionKid,
    receiptKid: sim.keys.receiptKid,
  };
  process.stderr.write(
    [
      `Agency simulator at ${sim.url} (bearer token "${sim.token}").`,
      `Give the station: agency.encryptionKey = ${ready.encryptionKey}`,
      `                  agency.receiptKey    = ${ready.receiptKey}`,
      `Station public keys go in ${ready.stationsDir} as <centreId>-<stationId>.pub.pem.`,
      `Uploads and state: ${ready.dataDir}. Stop with Ctrl+C.`,
    ].join('\n') + '\n',
  );
  process.stdout.write(`${JSON.stringify(ready)}\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    if (options.signal) {
      if (options.signal.aborted) resolve();
      else options.signal.addEventListener('abort', stop, { once: true });
    } else {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    }
  });
  await sim.stop();
  process.stderr.write('Agency simulator stopped.\n');
  return exitCodes.ok;
}
