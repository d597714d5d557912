import { ConfigError, loadConfigFile } from '../../app/config/load.js';
import { demoConfig } from '../../app/config/demo.js';
import type { StationConfig } from '../../app/config/schema.js';
import { StorageError } from '../../app/storage/database.js';
import { openStation, type OpenStationOptions, type Station } from '../../app/station/station.js';
import { VaultError } from '../../app/vault/index.js';
import { createLogger, stderrSink } from '../../app/log/logger.js';

export interface StationSource {
  config?: string;
  demo?: boolean;
  dataDir?: string;
  /** Demo profile: where its agency simulator listens (app/station/demo-agency.ts); default the demo config's. */
  agencyUrl?: string;
}

/** Exit codes a script can act on. */
/** sysexits.h: 64 usage, 69 service unavailable (the device did not do its part), 74 I/O (storage), 78 configuration. */
export const exitCodes = { ok: 0, usage: 64, device: 69, config: 78, storage: 74, failure: 1 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function resolveConfig(source: StationSource): StationConfig {
  if (source.config !== undefined) {
    const config = loadConfigFile(source.config);
    return source.demo === true ? { ...config, demo: true } : config;
  }
  if (source.demo === true) return demoConfig({ dataDir: source.dataDir ?? '.balcao/demo', ...(source.agencyUrl !== undefined ? { agencyUrl: source.agencyUrl } : {}) });
  throw new CliError('Say which station to run: --config <file>, or --demo [--data-dir <dir>] for the demo profile.', exitCodes.usage);
}

/** Opens the station core for a command, turning config and storage problems into one clear sentence and an exit code. */
export async function openStationFor(source: StationSource, extra: Pick<OpenStationOptions, 'simulatorsAfter'> = {}): Promise<Station> {
  try {
    const config = resolveConfig(source);
    return await openStation(config, { log: createLogger('balcao', stderrSink(process.env.BALCAO_LOG === 'debug' ? 'debug' : 'warn')), ...extra });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message, exitCodes.config);
    if (error instanceof StorageError) throw new CliError(error.message, exitCodes.storage);
    if (error instanceof VaultError) throw new CliError(error.message, exitCodes.config);
    throw error;
  }
}
