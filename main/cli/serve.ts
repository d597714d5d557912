import { existsSync } from 'node:fs';
import path from 'node:path';
import { startWebShell } from '../web/shell.js';
import { demoAccounts, demoPassword } from '../../app/station/demo.js';
import { CliError, exitCodes, openStationFor, type StationSource } from './open-station.js';
import { rendererDir } from './paths.js';
import { pickAgencyPort, startDemoAgency, type DemoAgency } from '../../app/station/demo-agency.js';

export interface ServeOptions extends StationSource {
  port: number;
}

/** After the first page's first answer, the time its first screen takes to render on a slow desk. */
const FIRST_SCREEN_MS = 1000;
/** With no page connecting (scripts, tests driving the contract), background work starts after this anyway. */
const NO_PAGE_MS = 3000;

/**
 * Resolves true once the first screen has had its time (FIRST_SCREEN_MS after
 * `firstAnswer`, or NO_PAGE_MS after the start, whichever comes first);
 * false at once if the shell is stopped before then.
 */
function afterFirstScreen(firstAnswer: Promise<void>, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timers: NodeJS.Timeout[] = [];
    const done = (go: boolean) => {
      for (const timer of timers) clearTimeout(timer);
      signal.removeEventListener('abort', stop);
      resolve(go);
    };
    const stop = () => done(false);
    signal.addEventListener('abort', stop, { once: true });
    timers.push(setTimeout(() => done(true), NO_PAGE_MS));
    void firstAnswer.then(() => timers.push(setTimeout(() => done(true), FIRST_SCREEN_MS)));
  });
}

/**
 * `balcao serve`: the browser shell alone. The address (with its per-launch
 * token) is the only thing written to stdout, so scripts can read it; notes
 * for people go to stderr.
 */
export async function serve(options: ServeOptions, signal: AbortSignal): Promise<number> {
  const dir = rendererDir();
  if (!existsSync(path.join(dir, 'index.html'))) {
    throw new CliError(`The UI is not built (${dir} has no index.html): run \`npm run build\`.`, exitCodes.failure);
  }
  // The demo profile brings its own agency (simulator) so that an enrolment reaches an ACCEPTED receipt.
  const demoProfile = options.demo === true && options.config === undefined;
  const agencyUrl = demoProfile ? `http://127.0.0.1:${await pickAgencyPort()}/` : undefined;
  // The simulated devices wait for the first screen too (below): the sign-in screen needs the cores more than they do.
  let releaseSimulators!: () => void;
  const simulatorsAfter = new Promise<void>((resolve) => (releaseSimulators = resolve));
  const station = await openStationFor({ ...options, ...(agencyUrl !== undefined ? { agencyUrl } : {}) }, { simulatorsAfter }).catch((error: unknown) => {
    releaseSimulators();
    throw error;
  });
  let shell;
  try {
    shell = await startWebShell({ station, port: options.port, rendererDir: dir });
  } catch (error) {
    releaseSimulators();
    station.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`Port ${options.port} on 127.0.0.1 is already in use; choose another with --port.`, exitCodes.usage);
    throw error;
  }
  const notes = [`Balcão browser shell for station ${station.config.centreId}/${station.config.stationId} (data: ${station.config.dataDir}).`, `Open: ${shell.url}`];
  if (station.config.demo) {
    notes.push(`Demo accounts: ${demoAccounts.map((a) => `${a.username} (${a.role})`).join(', ')}; password ${demoPassword}.`);
  }
  notes.push('Stop with Ctrl+C.');
  // Notes first, so that whoever reads the address off stdout finds them already written.
  process.stderr.write(`${notes.join('\n')}\n`);
  process.stdout.write(`${shell.url}\n`);

  // After the address is out, and after the first page's first screen: loading the simulator (its tus server) and
  // its keys (a first run makes an RSA key) take the station's one thread for a few hundred ms, which the sign-in
  // screen would otherwise wait for (the cold-start budget, docs/benchmarks.md). A packet sealed meanwhile waits in
  // the outbox as it would for any agency not answering.
  const firstScreen = afterFirstScreen(shell.bridge.firstAnswer, signal);
  void firstScreen.finally(releaseSimulators);
  let agency: Promise<DemoAgency | null> = Promise.resolve(null);
  if (demoProfile) {
    agency = firstScreen.then((go) => (go ? startDemoAgency(station.config) : null)).then(
      (started) => {
        if (started === null) return null;
        process.stderr.write(`Agency simulator (demo): ${started.url}\n`);
        return started;
      },
      (error: unknown) => {
        process.stderr.write(`The demo's agency simulator did not start (${(error as Error).message}); packets wait in the outbox until an agency answers.\n`);
        return null;
      },
    );
  }

  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await shell.close();
  station.close();
  await (await agency)?.stop();
  return exitCodes.ok;
}
