/**
 * Scanners through SANE's scanimage (devices.md §4: "SANE"). One scanimage
 * run per scan: the process boundary keeps a misbehaving backend (they are
 * native code from many vendors) out of the station's process, and
 * scanimage is what every Debian/Ubuntu desk already has (sane-utils).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { DiscoveredDevice } from '../discovery.js';
import { DeviceError, isDeviceError } from '../errors.js';
import { runProcess, type ProcessResult } from '../transport/process-link.js';
import {
  LIST_FORMAT,
  buildScanArgs,
  mapScanimageFailure,
  parseFormattedDeviceList,
  parseSourceOption,
  pickSource,
  scannedPages,
  type SaneDevice,
  type SaneFormat,
  type SaneScanSettings,
} from './protocol.js';

/** Debian/Ubuntu package that ships scanimage (for the "not installed" sentence). */
export const SCANIMAGE_PACKAGE = 'sane-utils';

export interface SaneRunOptions {
  /**
   * SANE_CONFIG_DIR for the run. End it with ':' to search the default
   * directories (., /etc/sane.d) after it, as sane-dll(5) describes.
   * device-simulators/sane/config.ts gives the one that adds the test backend.
   */
  saneConfigDir?: string;
  /** Longest the whole scanimage run may take (default: 10 s for a list, 60 s for a scan). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The front end to run (default 'scanimage' on PATH). */
  program?: string;
}

export interface SaneScanRequest extends SaneScanSettings, SaneRunOptions {}

export interface SanePage {
  bytes: Buffer;
  format: SaneFormat;
  width: number;
  height: number;
  /** As the file says (PNG pHYs, TIFF/JPEG density); the requested resolution where the file says nothing. */
  ppi: number;
  /** 1 grey, 3 colour (as decoded). */
  channels: number;
}

export interface SaneScan extends SanePage {
  device: string;
  /** The command that made it, for logs. */
  command: string;
  durationMs: number;
}

function envFor(options: SaneRunOptions): Record<string, string> {
  return options.saneConfigDir === undefined ? {} : { SANE_CONFIG_DIR: options.saneConfigDir };
}

async function run(args: string[], options: SaneRunOptions, defaultTimeoutMs: number): Promise<ProcessResult> {
  return runProcess(options.program ?? 'scanimage', args, {
    env: envFor(options),
    timeoutMs: options.timeoutMs ?? defaultTimeoutMs,
    signal: options.signal,
    packageName: SCANIMAGE_PACKAGE,
  });
}

/** Every device the SANE backends can see (scanimage -f). Network backends may take seconds to look. */
export async function listSaneDevices(options: SaneRunOptions = {}): Promise<SaneDevice[]> {
  const result = await run(['--formatted-device-list', LIST_FORMAT], options, 10_000);
  if (result.exitCode !== 0) throw mapScanimageFailure({ ...result, what: `listing SANE devices (${result.command})` });
  return parseFormattedDeviceList(result.stdout.toString('utf8'));
}

/** SANE devices as discovery results (family 'sane', kind 'scanner'); throws 'not_found' when scanimage is not installed. */
export async function discoverSaneDevices(options: SaneRunOptions = {}): Promise<DiscoveredDevice[]> {
  const devices = await listSaneDevices(options);
  return devices.map((d) => ({ family: 'sane', kind: 'scanner', address: d.name, make: d.vendor, model: d.model || d.type, serial: null, firmware: null }));
}

/** The backend's own name for the platen or the feeder of `device` (from scanimage -A); 'not_found' when it has no such source. */
export async function resolveSaneSource(device: string, wanted: 'platen' | 'feeder', options: SaneRunOptions = {}): Promise<string | null> {
  const result = await run(['--device-name', device, '--all-options'], options, 10_000);
  if (result.exitCode !== 0) throw mapScanimageFailure({ ...result, device, what: `reading the options of ${device} (${result.command})` });
  const source = parseSourceOption(result.stdout.toString('utf8'));
  // A device without a --source option has one source; take it to be the platen (flatbeds) — a sheet-fed-only device has no choice to make either.
  if (source === null) return null;
  const name = pickSource(source.values, wanted);
  if (name === null) throw new DeviceError('not_found', `${device} has no ${wanted === 'feeder' ? 'document feeder' : 'flatbed'}: its sources are ${source.values.join(', ')}.`);
  return name;
}

function describeScan(request: SaneScanSettings): string {
  const parts = [`scanning from ${request.device}`];
  if (request.resolution !== undefined) parts.push(`at ${request.resolution} dpi`);
  if (request.mode !== undefined) parts.push(`in ${request.mode}`);
  if (request.source !== undefined) parts.push(`from ${request.source}`);
  return parts.join(' ');
}

/** One page, read from scanimage's stdout. */
export async function scanWithSane(request: SaneScanRequest): Promise<SaneScan> {
  const args = buildScanArgs(request);
  const what = describeScan(request);
  const result = await run(args, request, 60_000);
  if (result.exitCode !== 0) throw mapScanimageFailure({ ...result, device: request.device, what: `${what} (${result.command})` });
  const format = request.format ?? 'png';
  const page = await readPage(result.stdout, format, request.resolution, `${what} (${result.command})`);
  return { ...page, device: request.device, command: result.command, durationMs: result.durationMs };
}

/**
 * Pages from a feeder: scanimage --batch until the feeder is empty, or
 * exactly `pages` pages. Running out before `pages` is an error ('refused',
 * "out of documents", with how many were scanned); with no count, an empty
 * feeder simply ends the batch, as scanimage itself treats it.
 */
export async function scanPagesWithSane(request: SaneScanRequest & { pages?: number }): Promise<SaneScan[]> {
  if (request.pages !== undefined && (!Number.isInteger(request.pages) || request.pages < 1)) throw new RangeError(`Page count must be a whole number ≥ 1, got ${request.pages}.`);
  const format = request.format ?? 'png';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'balcao-sane-'));
  try {
    const args = buildScanArgs(request, { kind: 'batch', pattern: path.join(dir, `page-%d.${format}`), count: request.pages });
    const what = describeScan(request);
    const result = await run(args, request, 60_000 * Math.max(1, request.pages ?? 10));
    if (result.exitCode !== 0) {
      const error = mapScanimageFailure({ ...result, device: request.device, what: `${what} (${result.command})` });
      const done = scannedPages(result.stderr);
      throw new DeviceError(error.code, `${error.message.replace(/\.$/, '')} after ${done} page${done === 1 ? '' : 's'}${request.pages ? ` of ${request.pages}` : ''}.`, error.deviceCode);
    }
    const files = (await readdir(dir)).filter((f) => /^page-\d+\./.test(f)).sort((a, b) => pageNumber(a) - pageNumber(b));
    if (files.length === 0) throw new DeviceError('refused', `The document feeder of ${request.device} has no documents: ${what} (${result.command}) produced no page.`);
    const pages: SaneScan[] = [];
    for (const file of files) {
      const page = await readPage(await readFile(path.join(dir, file)), format, request.resolution, `${what} (${result.command}), ${file}`);
      pages.push({ ...page, device: request.device, command: result.command, durationMs: result.durationMs / files.length });
    }
    return pages;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const pageNumber = (file: string) => Number(/^page-(\d+)/.exec(file)?.[1] ?? 0);

async function readPage(bytes: Buffer, format: SaneFormat, requestedPpi: number | undefined, what: string): Promise<SanePage> {
  if (bytes.length === 0) throw new DeviceError('protocol', `${what} produced no image data.`);
  if (format === 'pnm') {
    const header = parsePnmHeader(bytes);
    if (!header) throw new DeviceError('protocol', `${what} did not produce a PNM image.`);
    return { bytes, format, width: header.width, height: header.height, ppi: requestedPpi ?? 0, channels: header.channels };
  }
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height) throw new Error('no dimensions');
    return { bytes, format, width: meta.width, height: meta.height, ppi: Math.round(meta.density ?? requestedPpi ?? 0), channels: meta.channels ?? 0 };
  } catch (error) {
    if (isDeviceError(error)) throw error;
    throw new DeviceError('protocol', `${what} produced bytes that are not a readable ${format} image (${(error as Error).message}).`);
  }
}

/** Netpbm header (P4 bitmap, P5 grey, P6 colour; netpbm(5)): sharp does not read PNM, and we need only the size. */
export function parsePnmHeader(bytes: Uint8Array): { width: number; height: number; channels: number } | null {
  const text = Buffer.from(bytes.subarray(0, 256)).toString('latin1');
  const m = /^P([456])\s+(?:#[^\n]*\n\s*)*(\d+)\s+(?:#[^\n]*\n\s*)*(\d+)/.exec(text);
  if (!m) return null;
  return { width: Number(m[2]), height: Number(m[3]), channels: m[1] === '6' ? 3 : 1 };
}
