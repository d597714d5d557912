/**
 * The demo profile's agency: the agency simulator (device-simulators/agency)
 * on loopback, with its keys in the station's data directory where the demo
 * config looks for them (app/config/demo.ts), the station's signing key made
 * if missing and registered with it. So a demo enrolment goes all the way to
 * the agency's ACCEPTED receipt on one machine, with no setup.
 *
 * Never used outside the demo profile: a real station is provisioned with a
 * real agency's URL and keys (agency-intake.md §1).
 */
import { createServer } from 'node:net';
import path from 'node:path';
import type { StationConfig } from '../config/schema.js';
import { ensureStationSigningKey } from './signing-key.js';

/** The demo config's agency port (app/config/demo.ts); used when free. */
export const DEMO_AGENCY_PORT = 4700;

/** `preferred` if nothing listens there on 127.0.0.1, else a free port the OS picks. */
export async function pickAgencyPort(preferred = DEMO_AGENCY_PORT): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address !== null ? address.port : null;
        server.close(() => resolve(chosen));
      });
    });
  return (await tryListen(preferred)) ?? (await tryListen(0)) ?? preferred;
}

export interface DemoAgency {
  url: string;
  stop(): Promise<void>;
}

/** Starts the simulator at config.agency.url's port, keys in <dataDir>/keys, its state in <dataDir>/agency. */
export async function startDemoAgency(config: StationConfig): Promise<DemoAgency> {
  if (!config.demo) throw new Error('The agency simulator starts with the demo profile only.');
  const url = new URL(config.agency.url);
  const keysDir = path.dirname(config.agency.encryptionKey);
  const station = ensureStationSigningKey(config.station.signingKey);
  // Loaded here, not at the top: the simulator (tus server, verifier) is not part of starting a station.
  const { startAgencySimulator } = await import('../../device-simulators/agency/server.js');
  const sim = await startAgencySimulator({
    port: Number(url.port),
    host: url.hostname,
    keysDir,
    dataDir: path.join(config.dataDir, 'agency'),
    token: config.agency.token,
  });
  sim.registerStation(config.centreId, config.stationId, station.publicPem);
  return { url: sim.url, stop: () => sim.stop() };
}
