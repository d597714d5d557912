import { readFileSync } from 'node:fs';
import path from 'node:path';
import { StationConfig, type StationConfigInput } from './schema.js';

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly file: string | null,
    readonly field: string | null,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Validate a config object; the first bad field is named in the error, as a dotted path. */
export function parseConfig(input: unknown, file: string | null = null): StationConfig {
  const parsed = StationConfig.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    const where = file === null ? 'The station configuration' : `The station configuration ${file}`;
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem(s))` : '';
    throw new ConfigError(`${where} is invalid: ${field}: ${issue?.message ?? 'invalid'}${more}. The station will not start until it is corrected.`, file, field);
  }
  return parsed.data;
}

/** Paths in the config are taken relative to the config file's folder, so that a config and its keys travel together. */
function resolvePaths(config: StationConfig, baseDir: string): StationConfig {
  const abs = (p: string) => (path.isAbsolute(p) ? p : path.resolve(baseDir, p));
  return {
    ...config,
    dataDir: abs(config.dataDir),
    agency: { ...config.agency, encryptionKey: abs(config.agency.encryptionKey), receiptKey: abs(config.agency.receiptKey) },
    station: { signingKey: abs(config.station.signingKey) },
    devices: {
      ...config.devices,
      ...(config.devices.approvedList ? { approvedList: { file: abs(config.devices.approvedList.file), publicKey: abs(config.devices.approvedList.publicKey) } } : {}),
    },
  };
}

export function loadConfigFile(file: string): StationConfig {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError(`The station configuration ${absolute} cannot be read (${code}).`, absolute, null);
  }
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`The station configuration ${absolute} is not valid JSON: ${(error as Error).message}.`, absolute, null);
  }
  return resolvePaths(parseConfig(json, absolute), path.dirname(absolute));
}

export function configFromObject(input: StationConfigInput, baseDir: string): StationConfig {
  return resolvePaths(parseConfig(input), baseDir);
}
