/**
 * `balcao device scan`: pages from a real or simulated scanner — SANE
 * (scanimage) or eSCL (network, HTTP) — written to files. One page (platen)
 * goes to `out` itself; feeder pages go to numbered files beside it:
 * "scan.png" → "scan-1.png", "scan-2.png", … (numbered whenever the source
 * is the feeder, since how many pages it holds is known only afterwards).
 * The file format follows the extension of `out` (.png, .jpg/.jpeg, and for
 * SANE also .tif/.tiff and .pnm).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { withPngDensity } from '../../app/imaging/png-density.js';
import { saneSimulatorConfigPath } from '../../device-simulators/sane/config.js';
import { startEsclSimulator } from '../../device-simulators/escl/server.js';
import { EsclClient } from '../../drivers/escl/driver.js';
import type { EsclColorMode } from '../../drivers/escl/protocol.js';
import { DeviceError } from '../../drivers/errors.js';
import { listSaneDevices, resolveSaneSource, scanPagesWithSane, scanWithSane, type SaneScan } from '../../drivers/sane/driver.js';
import type { SaneFormat } from '../../drivers/sane/protocol.js';
import { CliError, exitCodes } from './open-station.js';

export interface DeviceScanOptions {
  driver: 'sane' | 'escl';
  /** SANE device name (default: test:0 when simulated, else the first device scanimage lists). */
  device?: string;
  /** eSCL base URL, e.g. http://192.168.1.20/eSCL (required for eSCL unless simulated). */
  url?: string;
  out: string;
  /** Dots per inch (default 300). */
  resolution?: number;
  mode?: 'color' | 'gray';
  source?: 'platen' | 'feeder';
  /** Feeder only: exactly this many pages (SANE: fewer in the feeder is an error); default: until the feeder is empty. */
  pages?: number;
  timeoutSeconds?: number;
  /** SANE: add the test backend (device-simulators/sane); eSCL: start the eSCL simulator on loopback for this scan. */
  simulate?: boolean;
  signal?: AbortSignal;
}

export interface DeviceScanResult {
  /** Files written, in page order. */
  pages: string[];
  driver: 'sane' | 'escl';
  /** SANE device name or eSCL base URL. */
  device: string;
  make: string | null;
  model: string | null;
  width: number;
  height: number;
  ppi: number;
  mode: 'color' | 'gray';
  source: 'platen' | 'feeder';
  simulated: boolean;
}

type OutFormat = 'png' | 'jpeg' | 'tiff' | 'pnm';

function outFormat(out: string, driver: 'sane' | 'escl'): OutFormat {
  const ext = path.extname(out).toLowerCase();
  const formats: Record<string, OutFormat> = { '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.tif': 'tiff', '.tiff': 'tiff', '.pnm': 'pnm', '.pgm': 'pnm', '.ppm': 'pnm' };
  const format = formats[ext];
  if (format === undefined) throw new CliError(`Cannot tell the image format from "${out}": end it in .png, .jpg${driver === 'sane' ? ', .tif or .pnm' : ''}.`, exitCodes.usage);
  if (driver === 'escl' && (format === 'tiff' || format === 'pnm')) throw new CliError(`eSCL scans are written as .png or .jpg, not ${ext}.`, exitCodes.usage);
  return format;
}

/** "dir/scan.png", 2 → "dir/scan-2.png". */
export function numberedPath(out: string, page: number): string {
  const ext = path.extname(out);
  return `${out.slice(0, out.length - ext.length)}-${page}${ext}`;
}

function write(file: string, bytes: Buffer): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, bytes);
}

export async function deviceScan(options: DeviceScanOptions): Promise<DeviceScanResult> {
  const resolution = options.resolution ?? 300;
  const mode = options.mode ?? 'color';
  const source = options.source ?? 'platen';
  const timeoutMs = (options.timeoutSeconds ?? 60) * 1000;
  if (!Number.isInteger(resolution) || resolution < 1) throw new CliError(`--resolution must be a whole number of dpi, got ${resolution}.`, exitCodes.usage);
  if (options.pages !== undefined && source !== 'feeder') throw new CliError('--pages applies to the feeder only (--source feeder).', exitCodes.usage);
  return options.driver === 'sane' ? scanSane(options, { resolution, mode, source, timeoutMs }) : scanEscl(options, { resolution, mode, source, timeoutMs });
}

interface Resolved {
  resolution: number;
  mode: 'color' | 'gray';
  source: 'platen' | 'feeder';
  timeoutMs: number;
}

async function scanSane(options: DeviceScanOptions, r: Resolved): Promise<DeviceScanResult> {
  const format = outFormat(options.out, 'sane') as SaneFormat;
  const run = { saneConfigDir: options.simulate ? saneSimulatorConfigPath() : undefined, signal: options.signal };
  let device = options.device ?? (options.simulate ? 'test:0' : undefined);
  let make: string | null = null;
  let model: string | null = null;
  if (device === undefined) {
    const devices = await listSaneDevices({ ...run, timeoutMs: Math.min(r.timeoutMs, 20_000) });
    const first = devices[0];
    if (!first) throw new DeviceError('not_found', 'No SANE scanner was found (scanimage -L listed none); connect one, name it with --device, or add --simulate for the test backend.');
    device = first.name;
    make = first.vendor;
    model = first.model;
  }
  const saneSource = (await resolveSaneSource(device, r.source, { ...run, timeoutMs: Math.min(r.timeoutMs, 20_000) })) ?? undefined;
  const request = { ...run, device, mode: r.mode === 'color' ? ('Color' as const) : ('Gray' as const), resolution: r.resolution, format, source: saneSource, timeoutMs: r.timeoutMs };
  let scans: SaneScan[];
  let files: string[];
  if (r.source === 'feeder') {
    scans = await scanPagesWithSane({ ...request, pages: options.pages });
    files = scans.map((_, i) => numberedPath(options.out, i + 1));
  } else {
    scans = [await scanWithSane(request)];
    files = [options.out];
  }
  scans.forEach((scan, i) => write(files[i] as string, scan.bytes));
  const first = scans[0] as SaneScan;
  return { pages: files, driver: 'sane', device, make, model, width: first.width, height: first.height, ppi: first.ppi || r.resolution, mode: r.mode, source: r.source, simulated: options.simulate ?? false };
}

async function scanEscl(options: DeviceScanOptions, r: Resolved): Promise<DeviceScanResult> {
  const format = outFormat(options.out, 'escl');
  const simulator = options.simulate ? await startEsclSimulator({ pages: options.pages ?? 3 }) : null;
  try {
    const url = simulator?.url ?? options.url;
    if (!url) throw new CliError('Say where the eSCL scanner is: --url http://<address>/eSCL (mDNS discovery is not implemented), or add --simulate.', exitCodes.usage);
    const client = new EsclClient(url, { timeoutMs: Math.min(r.timeoutMs, 15_000), signal: options.signal });
    const caps = await client.capabilities();
    const input = r.source === 'feeder' ? (caps.adfSimplex ?? caps.adfDuplex) : caps.platen;
    if (!input) throw new DeviceError('not_found', `The eSCL scanner at ${client.baseUrl} (${caps.makeAndModel}) has no ${r.source === 'feeder' ? 'document feeder' : 'platen'}.`);
    const colorMode: EsclColorMode = r.mode === 'color' ? 'RGB24' : 'Grayscale8';
    if (!input.colorModes.includes(colorMode)) throw new DeviceError('refused', `The eSCL scanner at ${client.baseUrl} does not scan in ${colorMode} from its ${r.source} (it offers ${input.colorModes.join(', ')}).`);
    const supported = input.resolutions.includes(r.resolution) || (input.resolutionRange !== null && r.resolution >= input.resolutionRange.min && r.resolution <= input.resolutionRange.max);
    if (!supported) throw new DeviceError('refused', `The eSCL scanner at ${client.baseUrl} does not scan at ${r.resolution} dpi from its ${r.source} (it offers ${input.resolutions.join(', ') || `${input.resolutionRange?.min}–${input.resolutionRange?.max}`} dpi).`);
    // JPEG is the one format every eSCL scanner sends (sane-airscan asks for nothing else); PNG when asked for and offered.
    const documentFormat = format === 'png' && input.documentFormats.includes('image/png') ? 'image/png' : 'image/jpeg';
    const pages = await client.scanPages(
      { inputSource: r.source === 'feeder' ? 'Feeder' : 'Platen', colorMode, documentFormat, xResolution: r.resolution, yResolution: r.resolution, region: { xOffset: 0, yOffset: 0, width: input.maxWidth, height: input.maxHeight } },
      { timeoutMs: r.timeoutMs, retryMs: 300, maxPages: options.pages },
    );
    const files = r.source === 'feeder' ? pages.map((_, i) => numberedPath(options.out, i + 1)) : [options.out];
    let width = 0;
    let height = 0;
    for (const [i, page] of pages.entries()) {
      let bytes = page.bytes;
      let meta: sharp.Metadata;
      try {
        meta = await sharp(bytes).metadata();
      } catch (error) {
        throw new DeviceError('protocol', `Page ${i + 1} from ${client.baseUrl} (${page.contentType}) is not a readable image: ${(error as Error).message}.`);
      }
      const sent = meta.format === 'jpeg' ? 'jpeg' : meta.format === 'png' ? 'png' : null;
      if (sent !== format) {
        const image = sharp(bytes).toColourspace(r.mode === 'color' ? 'srgb' : 'b-w');
        bytes = format === 'png' ? withPngDensity(await image.png().toBuffer(), r.resolution) : await image.jpeg({ quality: 90 }).toBuffer();
      }
      if (i === 0) {
        width = meta.width ?? 0;
        height = meta.height ?? 0;
      }
      write(files[i] as string, bytes);
    }
    return { pages: files, driver: 'escl', device: client.baseUrl, make: caps.make, model: caps.model, width, height, ppi: r.resolution, mode: r.mode, source: r.source, simulated: simulator !== null };
  } finally {
    await simulator?.stop();
  }
}
