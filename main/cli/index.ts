import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { version } from '../../app/station/version.js';
import { CliError, exitCodes } from './open-station.js';
import { serve } from './serve.js';
import { listDevices } from './device-list.js';

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
    .description('serial ports and HID devices on this machine, with what the station would try on each')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      result = listDevices().then(({ devices, notes }) => {
        if (options.json) process.stdout.write(`${JSON.stringify({ devices, notes }, null, 2)}\n`);
        else {
          if (devices.length === 0) process.stdout.write('No serial ports or HID devices found.\n');
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

  try {
    await program.parseAsync(argv, { from: 'user' });
    return await result;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    if (error instanceof CliError) {
      process.stderr.write(`balcao: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`balcao: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return exitCodes.failure;
  }
}
