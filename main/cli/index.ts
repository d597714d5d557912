import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { version } from '../../app/station/version.js';
import { CliError, exitCodes } from './open-station.js';
import { serve } from './serve.js';
import { simulatorNames } from './simulator-names.js';

/**
 * Commands other than `serve` are loaded only when run: the CLI is built with
 * esbuild's code splitting (scripts/build.mjs), so each of these is its own
 * chunk, and the npm packages only they use (sharp, serialport, mrz, the
 * agency simulator's tus server…) are not read at all by `balcao serve`.
 * Start-up time is the browser shell's cold-start budget (docs/benchmarks.md).
 */
const load = {
  deviceCapture: () => import('./device-capture.js'),
  deviceMrz: () => import('./device-mrz.js'),
  deviceList: () => import('./device-list.js'),
  deviceScan: () => import('./device-scan.js'),
  quality: () => import('./quality.js'),
  agencySim: () => import('./agency-sim.js'),
  packet: () => import('./packet.js'),
  stationKeygen: () => import('./station-keygen.js'),
  outbox: () => import('./outbox.js'),
  simulate: () => import('./simulate.js'),
};
import { fingerprintDriverNames } from './fingerprint-driver-names.js';
import { mrzFramings, type MrzFraming } from '../../drivers/mrz-reader/framing.js';
import { fingerprintQualities, type FingerprintQuality } from '../../device-simulators/fingerprint/synthetic.js';
import { DeviceError } from '../../drivers/errors.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a whole number greater than 0');
  return n;
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535 (0 picks a free one)');
  return port;
}

/** Ends long-running commands on SIGINT/SIGTERM so that the database is closed cleanly. */
function stopSignal(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return controller.signal;
}

/** The `balcao` command. Returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  let result: Promise<number> = Promise.resolve(exitCodes.ok);
  const program = new Command('balcao')
    .description('Balcão — enrolment station for one-stop migrant service centres')
    .version(version)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command('serve')
    .description('run the station in the browser shell on 127.0.0.1 and print its address')
    .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', portNumber, 5170)
    .option('--config <file>', 'station configuration file (JSON)')
    .option('--demo', 'demo profile: simulated devices, demo accounts ana/rui/admin')
    .option('--data-dir <dir>', 'data directory for the demo profile', '.balcao/demo')
    .action((options: { port: number; config?: string; demo?: boolean; dataDir: string }) => {
      result = serve(options, stopSignal());
    });

  const device = program.command('device').description('drive a real or simulated device');
  device
    .command('list')
    .description('serial ports, HID devices, SANE scanners and SBI device services on this machine, with what the station would try on each')
    .option('--json', 'print JSON')
    .option('--simulate', 'also list SANE\'s test backend (the simulated scanner)')
    .action((options: { json?: boolean; simulate?: boolean }) => {
      result = load.deviceList().then((m) => m.listDevices({ simulate: options.simulate ?? false })).then(({ devices, notes }) => {
        if (options.json) process.stdout.write(`${JSON.stringify({ devices, notes }, null, 2)}\n`);
        else {
          if (devices.length === 0) process.stdout.write('No serial ports, HID devices, SANE scanners or SBI services found.\n');
          for (const d of devices) {
            const ids = d.vendorId ? ` ${d.vendorId}:${d.productId ?? '????'}` : '';
            const who = [d.manufacturer, d.product].filter(Boolean).join(' ');
            process.stdout.write(`${d.bus.padEnd(6)} ${d.path}${ids}${who ? `  ${who}` : ''}${d.hint ? `  — ${d.hint}` : ''}\n`);
          }
        }
        for (const note of notes) process.stderr.write(`${note}\n`);
        return exitCodes.ok;
      });
    });

  device
    .command('capture')
    .description('one fingerprint from a real or simulated reader, written as an 8-bit greyscale PNG')
    .requiredOption('--driver <name>', `fingerprint driver: ${fingerprintDriverNames.join(', ')}`)
    .requiredOption('--port <path>', 'serial port (or the pty path `balcao simulate … --pty` printed)')
    .option('--baud <n>', 'line speed the module is at now (default: its power-up speed)', positiveInt)
    .option('--timeout <s>', 'seconds to wait for a finger', positiveInt, 20)
    .requiredOption('--out <file.png>', 'where to write the image')
    .action((options: { driver: string; port: string; baud?: number; timeout: number; out: string }) => {
      result = load.deviceCapture().then((m) => m.captureToPng({ ...options, timeoutMs: options.timeout * 1000 })).then((capture) => {
        const { width, height, ppi } = capture.image;
        process.stdout.write(`${JSON.stringify({ out: options.out, width, height, ppi, device: capture.device, capturedAt: capture.capturedAt })}\n`);
        return exitCodes.ok;
      });
    });
  device
    .command('read-mrz')
    .description('wait for one document on an MRZ reader and print the parsed MRZ as JSON')
    .requiredOption('--driver <framing>', `reader framing: ${mrzFramings.join(', ')}`)
    .requiredOption('--port <path>', 'serial port (or the pty path `balcao simulate … --pty` printed)')
    .option('--baud <n>', 'line speed', positiveInt, 9600)
    .option('--timeout <s>', 'seconds to wait for a document', positiveInt, 30)
    .action((options: { driver: string; port: string; baud: number; timeout: number }) => {
      if (!(mrzFramings as readonly string[]).includes(options.driver)) {
        throw new CliError(`No MRZ reader driver named ${options.driver}; use one of: ${mrzFramings.join(', ')}.`, exitCodes.usage);
      }
      const framing = options.driver as MrzFraming;
      result = load.deviceMrz().then((m) => m.readMrzOnce({ framing, port: options.port, baud: options.baud, timeoutMs: options.timeout * 1000 })).then((parsed) => {
        process.stdout.write(`${JSON.stringify(parsed, null, 2)}\n`);
        return exitCodes.ok;
      });
    });

  device
    .command('scan')
    .description('scan pages from a SANE scanner (scanimage) or an eSCL network scanner into image files')
    .requiredOption('--driver <driver>', 'sane or escl')
    .option('--device <name>', 'SANE device name as `scanimage -L` gives it (default: the first listed; test:0 with --simulate)')
    .option('--url <base url>', 'eSCL: the scanner\'s base URL, e.g. http://192.168.1.20/eSCL')
    .requiredOption('--out <file>', 'output image (.png, .jpg; SANE also .tif, .pnm); feeder pages go to <name>-1.png, <name>-2.png…')
    .option('--resolution <dpi>', 'dots per inch', positiveInt, 300)
    .option('--mode <mode>', 'color or gray', 'color')
    .option('--source <source>', 'platen or feeder', 'platen')
    .option('--pages <n>', 'feeder: exactly this many pages', positiveInt)
    .option('--timeout <s>', 'seconds before giving up', positiveInt, 60)
    .option('--simulate', 'SANE: add the test backend; eSCL: scan from the eSCL simulator on loopback')
    .action((options: { driver: string; device?: string; url?: string; out: string; resolution: number; mode: string; source: string; pages?: number; timeout: number; simulate?: boolean }) => {
      if (options.driver !== 'sane' && options.driver !== 'escl') throw new CliError(`No scanner driver named ${options.driver}; use sane or escl.`, exitCodes.usage);
      if (options.mode !== 'color' && options.mode !== 'gray') throw new CliError(`--mode is color or gray, not ${options.mode}.`, exitCodes.usage);
      if (options.source !== 'platen' && options.source !== 'feeder') throw new CliError(`--source is platen or feeder, not ${options.source}.`, exitCodes.usage);
      const { driver, mode, source } = options;
      const signal = stopSignal();
      result = load.deviceScan().then((m) => m.deviceScan({
        driver,
        out: options.out,
        resolution: options.resolution,
        mode,
        source,
        timeoutSeconds: options.timeout,
        ...(options.device !== undefined ? { device: options.device } : {}),
        ...(options.url !== undefined ? { url: options.url } : {}),
        ...(options.pages !== undefined ? { pages: options.pages } : {}),
        ...(options.simulate ? { simulate: true } : {}),
        signal,
      })).then((scan) => {
        process.stdout.write(`${JSON.stringify(scan)}\n`);
        return exitCodes.ok;
      });
    });

  program
    .command('station')
    .description('station provisioning')
    .command('keygen')
    .description('make the station\'s P-256 signing key where station.signingKey says (never overwriting one) and write its public key beside it for the agency')
    .requiredOption('--config <file>', 'station configuration file (JSON)')
    .action((options: { config: string }) => {
      result = load.stationKeygen().then((m) => m.stationKeygen({ config: options.config }));
    });

  program
    .command('packet')
    .description('sealed registration packets')
    .command('demo')
    .description('seal one complete synthetic enrolment (ten fingers, a signature, three document pages from the simulators) into the outbox and print its packet id')
    .requiredOption('--config <file>', 'station configuration file (JSON)')
    .option('--seed <n>', 'seed for the synthetic content', positiveInt)
    .action((options: { config: string; seed?: number }) => {
      result = load.packet().then((m) => m.packetDemo({ config: options.config, ...(options.seed !== undefined ? { seed: options.seed } : {}) }));
    });

  const outbox = program.command('outbox').description('the queue of sealed packets waiting for the agency');
  outbox
    .command('list')
    .description('every queued packet: state, tries, next try, last error, rejection reasons')
    .requiredOption('--config <file>', 'station configuration file (JSON)')
    .option('--json', 'print JSON')
    .action((options: { config: string; json?: boolean }) => {
      result = load.outbox().then((m) => m.outboxList({ config: options.config, json: options.json ?? false }));
    });
  outbox
    .command('flush')
    .description('upload everything due, retrying until all are acknowledged or the timeout passes; prints a summary (exit 0 only when nothing is left)')
    .requiredOption('--config <file>', 'station configuration file (JSON)')
    .option('--timeout <s>', 'seconds before giving up', positiveInt, 300)
    .option('--json', 'print the summary as JSON')
    .action((options: { config: string; timeout: number; json?: boolean }) => {
      result = load.outbox().then((m) => m.outboxFlush({ config: options.config, timeoutMs: options.timeout * 1000, json: options.json ?? false, signal: stopSignal() }));
    });

  program
    .command('agency-sim')
    .description('run the agency intake simulator (tus upload, packet checks, signed receipts, lookups) on 127.0.0.1 and print its URL and the public keys to give the station')
    .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', portNumber, 4700)
    .requiredOption('--keys <dir>', 'key folder: the agency\'s key pairs are made here if missing; station public keys go in <dir>/stations/<centreId>-<stationId>.pub.pem')
    .option('--data <dir>', 'where received packets and their state are kept (default: a temporary folder)')
    .option('--token <token>', 'the bearer token stations must send', 'demo-station-token')
    .option('--faults <list>', 'fault injection, e.g. latencyMs=200,fail5xxRate=0.1,rateLimitNext=2,retryAfterSeconds=3,resetAfterBytes=65536')
    .option('--seed <n>', 'seed for random faults', positiveInt)
    .action((options: { port: number; keys: string; data?: string; token: string; faults?: string; seed?: number }) => {
      const signal = stopSignal();
      result = load.agencySim().then((m) => {
        let faults;
        try {
          faults = options.faults !== undefined ? m.parseFaults(options.faults) : undefined;
        } catch (error) {
          throw new CliError((error as Error).message, exitCodes.usage);
        }
        return m.runAgencySim({
          port: options.port,
          keysDir: options.keys,
          token: options.token,
          ...(options.data !== undefined ? { dataDir: options.data } : {}),
          ...(faults !== undefined ? { faults } : {}),
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          signal,
        });
      });
    });

  const quality = program.command('quality').description('the quality stage on an image file: score, passed, measures, reasons');
  quality
    .command('fingerprint')
    .description('NIST NFIQ 2 native measures (their NIST names) and the station\'s 0–100 score of an 8-bit 500 ppi fingerprint image')
    .argument('<file>', 'PNG, JPEG, TIFF… (decoded to 8-bit grey)')
    .option('--json', 'print JSON')
    .action((file: string, options: { json?: boolean }) => {
      result = load.quality().then((m) => m.qualityFingerprint(file, { json: options.json ?? false })).then(({ output }) => {
        process.stdout.write(`${output}\n`);
        return exitCodes.ok;
      });
    });
  quality
    .command('document')
    .description('resolution, sharpness, exposure, glare, skew and coverage of a scanned document page')
    .argument('<file>', 'the page image')
    .requiredOption('--type <type>', 'a4, id1 or td3')
    .option('--json', 'print JSON')
    .action((file: string, options: { type: string; json?: boolean }) => {
      result = load.quality().then((m) => m.qualityDocument(file, { type: options.type, json: options.json ?? false })).then(({ output }) => {
        process.stdout.write(`${output}\n`);
        return exitCodes.ok;
      });
    });

  program
    .command('simulate')
    .description('run a device simulator and print where a driver reaches it: a pty path (serial devices) or a URL (SBI, eSCL)')
    .argument('<device>', `one of: ${simulatorNames.join(', ')}`)
    .option('--pty', 'on a pseudo-terminal pair (the only way for serial devices)', true)
    .option('--quality <q>', `fingerprint quality: ${fingerprintQualities.join(', ')}`)
    .option('--fault <f>', 'inject a fault on every exchange that can have it')
    .option('--seed <n>', 'image seed', positiveInt)
    .option('--every <ms>', 'MRZ readers: present a sample passport this often', positiveInt)
    .option('--port <port>', 'HTTP simulators: loopback port (SBI default 4501, the first of the spec\'s range)', portNumber)
    .action((name: string, options: { quality?: string; fault?: string; seed?: number; every?: number; port?: number }) => {
      if (!(simulatorNames as readonly string[]).includes(name)) throw new CliError(`No simulator named ${name}; use one of: ${simulatorNames.join(', ')}.`, exitCodes.usage);
      if (options.quality !== undefined && !(fingerprintQualities as readonly string[]).includes(options.quality)) {
        throw new CliError(`No fingerprint quality ${options.quality}; use one of: ${fingerprintQualities.join(', ')}.`, exitCodes.usage);
      }
      const signal = stopSignal();
      result = (async () => {
        const start = (await load.simulate()).simulators[name];
        if (start === undefined) throw new CliError(`No simulator named ${name}.`, exitCodes.usage);
        let sim;
        try {
          sim = await start({
            ...(options.quality ? { quality: options.quality as FingerprintQuality } : {}),
            ...(options.fault ? { fault: options.fault } : {}),
            ...(options.seed !== undefined ? { seed: options.seed } : {}),
            ...(options.every !== undefined ? { everyMs: options.every } : {}),
            ...(options.port !== undefined ? { port: options.port } : {}),
          });
        } catch (error) {
          throw new CliError((error as Error).message, exitCodes.usage);
        }
        process.stderr.write(`${name} simulator running; a driver opens the path below. Stop with Ctrl+C.\n`);
        process.stdout.write(`${sim.where}\n`);
        await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
        await sim.stop();
        return exitCodes.ok;
      })();
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return await result;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    if (error instanceof CliError) {
      process.stderr.write(`balcao: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof DeviceError) {
      process.stderr.write(`balcao: ${error.message}\n`);
      return exitCodes.device;
    }
    process.stderr.write(`balcao: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return exitCodes.failure;
  }
}
