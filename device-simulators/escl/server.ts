/**
 * An eSCL (AirScan) scanner as a real HTTP server on loopback: the device
 * side of drivers/escl, built from the same codec (drivers/escl/protocol.ts)
 * and the Mopria eSCL flow that sane-airscan exercises (devices.md §4):
 *   GET  /eSCL/ScannerCapabilities, GET /eSCL/ScannerStatus
 *   POST /eSCL/ScanJobs (scan:ScanSettings) → 201 + Location
 *   GET  {job}/NextDocument → 503 (not ready) × n, then a page, then 404
 *   DELETE {job} → cancelled
 * Pages are drawn by device-simulators/documents/page.ts at the requested
 * resolution and colour mode. Faults on demand: 'busy' (ScanJobs answers
 * 503), 'timeout' (NextDocument never answers), 'disconnect' (the socket is
 * destroyed halfway through a page), 'garbage' (capabilities are not XML),
 * 'jam' (the feeder jams: the job is aborted, status shows ScannerAdfJam).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { withPngDensity } from '../../app/imaging/png-density.js';
import { isDeviceError } from '../../drivers/errors.js';
import { buildCapabilities, buildStatus, parseScanSettings, type EsclCapabilitiesSpec, type EsclJobState, type EsclScanSettings } from '../../drivers/escl/protocol.js';
import { renderPage, withJpegDensity, type PageKind } from '../documents/page.js';
import { createPrng } from '../random.js';

export const esclFaults = ['busy', 'timeout', 'disconnect', 'garbage', 'jam'] as const;
export type EsclFault = (typeof esclFaults)[number];

export interface EsclSimulatorOptions {
  /** 0 (default) = an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1: loopback only. */
  host?: string;
  /** Pages in the feeder per job (default 3). The platen always gives one. */
  pages?: number;
  fault?: EsclFault | null;
  seed?: number;
  /** How many times NextDocument answers 503 before each page (default 1, as many devices do for the first page). */
  notReadyCount?: number;
  /** Documents on the glass / in the feeder, cycled page by page (default: A4 application, A4 supporting document). */
  documents?: PageKind[];
  /** Location header style for new jobs (default 'relative', e.g. /eSCL/ScanJobs/1; some devices send absolute URLs). */
  location?: 'relative' | 'absolute';
  /** What the scanner says it is. */
  makeAndModel?: string;
  serialNumber?: string;
  /** Called when the 'disconnect' fault has cut a page halfway (the bench then pulls the whole device: app/devices/simulation.ts). */
  onDisconnect?: () => void;
}

export interface EsclSimulatorJob {
  id: string;
  uuid: string;
  settings: EsclScanSettings;
  state: EsclJobState;
  reasons: string[];
  pagesServed: number;
  pagesLeft: number;
  notReadyLeft: number;
}

export interface EsclSimulator {
  /** Base URL of the eSCL service, e.g. http://127.0.0.1:41234/eSCL */
  url: string;
  port: number;
  /** Change the fault while running (null = none). */
  setFault(fault: EsclFault | null): void;
  /** The next page scanned is this document (someone laid it on the glass); then the configured cycle again. */
  setNextDocument(kind: PageKind | null): void;
  readonly jobs: ReadonlyMap<string, EsclSimulatorJob>;
  /** "METHOD path → status", in order, for tests. */
  readonly log: readonly string[];
  stop(): Promise<void>;
}

/** Letter-size glass and A4 feeder, in 1/300 inch (eSCL units): 8.5 in × 11.69 in. */
const MAX_WIDTH = 2550;
const MAX_HEIGHT = 3508;
const RESOLUTIONS = [75, 100, 150, 200, 300, 600];
const COLOR_MODES = ['RGB24', 'Grayscale8'];
const FORMATS = ['image/jpeg', 'image/png'];

export function simulatorCapabilities(options: Pick<EsclSimulatorOptions, 'makeAndModel' | 'serialNumber'> & { uuid: string }): EsclCapabilitiesSpec {
  const caps = { minWidth: 16, maxWidth: MAX_WIDTH, minHeight: 16, maxHeight: MAX_HEIGHT, colorModes: COLOR_MODES, documentFormats: FORMATS, resolutions: RESOLUTIONS, intents: ['Document', 'TextAndGraphic', 'Photo', 'Preview'] };
  return {
    makeAndModel: options.makeAndModel ?? 'Balcão SimScan 2',
    serialNumber: options.serialNumber ?? 'SIM-ESCL-0001',
    uuid: options.uuid,
    version: '2.63',
    adminUri: undefined,
    platen: caps,
    adf: { ...caps, feederCapacity: 50 },
  };
}

function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function startEsclSimulator(options: EsclSimulatorOptions = {}): Promise<EsclSimulator> {
  const random = createPrng(options.seed ?? 1);
  const scannerUuid = uuidFrom(random);
  let fault: EsclFault | null = options.fault ?? null;
  const jobs = new Map<string, EsclSimulatorJob>();
  const log: string[] = [];
  const documents = options.documents ?? ['a4-application', 'a4-supporting'];
  let nextJob = 1;
  let adfJammed = false;
  let nextDocument: PageKind | null = null;
  const capabilitiesXml = buildCapabilities(simulatorCapabilities({ ...options, uuid: scannerUuid }));
  let baseUrl = '';

  const send = (res: http.ServerResponse, req: http.IncomingMessage, status: number, body: string | Buffer = '', headers: Record<string, string> = {}) => {
    log.push(`${req.method} ${req.url} → ${status}`);
    res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  };

  const statusXml = () =>
    buildStatus({
      state: [...jobs.values()].some((j) => j.state === 'Processing') ? 'Processing' : 'Idle',
      adfState: adfJammed ? 'ScannerAdfJam' : 'ScannerAdfLoaded',
      jobs: [...jobs.values()].map((j) => ({
        jobUri: `/eSCL/ScanJobs/${j.id}`,
        jobUuid: j.uuid,
        imagesCompleted: j.pagesServed,
        imagesToTransfer: j.state === 'Processing' || j.state === 'Pending' ? j.pagesLeft : 0,
        jobState: j.state,
        jobStateReasons: j.reasons,
      })),
    });

  async function page(job: EsclSimulatorJob): Promise<{ bytes: Buffer; type: string }> {
    const s = job.settings;
    const dpi = s.xResolution;
    const colour = s.colorMode === 'RGB24' || s.colorMode === 'RGB48';
    const kind = nextDocument ?? (documents[job.pagesServed % documents.length] as PageKind);
    nextDocument = null;
    const rendered = await renderPage({ kind, dpi, mode: colour ? 'color' : 'gray', format: 'png', seed: (options.seed ?? 1) + job.pagesServed });
    let image = sharp(rendered.bytes);
    if (s.region) {
      // The scan area in pixels at the requested resolution (region units are 1/300 inch).
      const px = (u: number) => Math.max(1, Math.round((u * dpi) / 300));
      const left = Math.min(px(s.region.xOffset), rendered.width - 1);
      const top = Math.min(px(s.region.yOffset), rendered.height - 1);
      const w = px(s.region.width);
      const h = px(s.region.height);
      const ew = Math.min(w, rendered.width - left);
      const eh = Math.min(h, rendered.height - top);
      // What lies beyond the document is the white lid.
      image = sharp(await image.extract({ left, top, width: ew, height: eh }).toBuffer()).extend({ right: w - ew, bottom: h - eh, background: '#ffffff' });
    }
    image = colour ? image.toColourspace('srgb') : image.toColourspace('b-w');
    if (s.documentFormat === 'image/png') return { bytes: withPngDensity(await image.png().toBuffer(), dpi), type: 'image/png' };
    return { bytes: withJpegDensity(await image.jpeg({ quality: 85 }).toBuffer(), dpi), type: 'image/jpeg' };
  }

  function settingsProblem(s: EsclScanSettings): string | null {
    if (!RESOLUTIONS.includes(s.xResolution) || s.yResolution !== s.xResolution) return `resolution ${s.xResolution}×${s.yResolution} is not one of ${RESOLUTIONS.join(', ')}`;
    if (!COLOR_MODES.includes(s.colorMode)) return `colour mode ${s.colorMode} is not supported`;
    if (!FORMATS.includes(s.documentFormat)) return `document format ${s.documentFormat} is not supported`;
    if (s.inputSource === 'Camera') return 'this scanner has no camera';
    if (s.region && (s.region.xOffset + s.region.width > MAX_WIDTH || s.region.yOffset + s.region.height > MAX_HEIGHT || s.region.width < 16 || s.region.height < 16)) return 'the scan region does not fit the glass';
    return null;
  }

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');

    if (method === 'GET' && path === '/eSCL/ScannerCapabilities') {
      if (fault === 'garbage') return send(res, req, 200, '<scan:ScannerCapabilities xmlns:scan="x"><pwg:Version>2.63</pwg:Vers', { 'content-type': 'text/xml' });
      return send(res, req, 200, capabilitiesXml, { 'content-type': 'text/xml' });
    }
    if (method === 'GET' && path === '/eSCL/ScannerStatus') return send(res, req, 200, statusXml(), { 'content-type': 'text/xml' });
    if (method === 'POST' && path === '/eSCL/ScanJobs') {
      if (fault === 'busy') return send(res, req, 503, 'Scanner busy', { 'content-type': 'text/plain', 'retry-after': '5' });
      let settings: EsclScanSettings;
      try {
        settings = parseScanSettings(body);
      } catch (error) {
        if (isDeviceError(error)) return send(res, req, 400, error.message, { 'content-type': 'text/plain' });
        throw error;
      }
      const problem = settingsProblem(settings);
      if (problem) return send(res, req, 409, `Conflicting scan settings: ${problem}.`, { 'content-type': 'text/plain' });
      const id = String(nextJob++);
      const pages = settings.inputSource === 'Feeder' ? (options.pages ?? 3) : 1;
      jobs.set(id, { id, uuid: uuidFrom(random), settings, state: 'Processing', reasons: ['JobScanning'], pagesServed: 0, pagesLeft: pages, notReadyLeft: options.notReadyCount ?? 1 });
      const location = options.location === 'absolute' ? `${baseUrl}/ScanJobs/${id}` : `/eSCL/ScanJobs/${id}`;
      return send(res, req, 201, '', { location });
    }
    const jobMatch = /^\/eSCL\/ScanJobs\/([^/]+)(\/NextDocument)?\/?$/.exec(path);
    if (jobMatch) {
      const job = jobs.get(jobMatch[1] as string);
      if (!job) return send(res, req, 404, 'No such job');
      if (method === 'DELETE' && !jobMatch[2]) {
        if (job.state === 'Processing' || job.state === 'Pending') {
          job.state = 'Canceled';
          job.reasons = ['JobCanceledByUser'];
        }
        return send(res, req, 200);
      }
      if (method === 'GET' && jobMatch[2]) {
        if (job.state === 'Canceled' || job.state === 'Aborted' || job.state === 'Completed') return send(res, req, 404, 'No more documents');
        if (job.pagesLeft === 0) {
          job.state = 'Completed';
          job.reasons = ['JobCompletedSuccessfully'];
          return send(res, req, 404, 'No more documents');
        }
        if (fault === 'timeout') {
          // Stall: never answer; the connection is dropped when the simulator stops.
          log.push(`${method} ${req.url} → (stalled)`);
          return;
        }
        if (fault === 'jam') {
          adfJammed = job.settings.inputSource === 'Feeder';
          job.state = 'Aborted';
          job.reasons = [adfJammed ? 'JobCanceledByDevice' : 'ScannerError', 'ErrorsDetected'];
          return send(res, req, 500, 'Scan failed: document jam', { 'content-type': 'text/plain' });
        }
        if (job.notReadyLeft > 0) {
          job.notReadyLeft--;
          return send(res, req, 503, 'Not ready', { 'retry-after': '1' });
        }
        const image = await page(job);
        if (fault === 'disconnect') {
          log.push(`${method} ${req.url} → (disconnected mid-document)`);
          res.writeHead(200, { 'content-type': image.type, 'content-length': String(image.bytes.length) });
          res.write(image.bytes.subarray(0, Math.floor(image.bytes.length / 2)), () =>
            setImmediate(() => {
              res.socket?.destroy();
              options.onDisconnect?.();
            }),
          );
          return;
        }
        job.pagesServed++;
        job.pagesLeft--;
        job.notReadyLeft = options.notReadyCount ?? 1;
        if (job.pagesLeft === 0 && job.settings.inputSource !== 'Feeder') {
          job.state = 'Completed';
          job.reasons = ['JobCompletedSuccessfully'];
        }
        return send(res, req, 200, image.bytes, { 'content-type': image.type });
      }
      return send(res, req, 405, 'Method not allowed');
    }
    return send(res, req, 404, 'Not found');
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, req, 500, `Simulator error: ${(error as Error).message}`);
      else res.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}/eSCL`;
  return {
    url: baseUrl,
    port,
    setFault(next) {
      fault = next;
      if (next !== 'jam') adfJammed = false;
    },
    setNextDocument(kind) {
      nextDocument = kind;
    },
    jobs,
    log,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
