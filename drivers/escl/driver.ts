/**
 * eSCL client (devices.md §4 "eSCL"): capabilities, status, one scan job
 * from creation to its last page, over drivers/transport/http-client.ts.
 * The flow follows the Mopria eSCL specification and sane-airscan
 * (airscan-escl.c): POST {base}/ScanJobs → 201 + Location; GET
 * {Location}/NextDocument until 404 (503 = the page is not ready yet, ask
 * again); DELETE {Location} to cancel.
 *
 * Discovery here is from configured URLs only: finding scanners by mDNS
 * (_uscan._tcp / _uscans._tcp) needs a multicast DNS client, which this
 * project does not carry yet.
 */
import type { DiscoveredDevice } from '../discovery.js';
import { DeviceError, isDeviceError } from '../errors.js';
import { HttpClient, type HttpResponse } from '../transport/http-client.js';
import { buildScanSettings, parseCapabilities, parseStatus, type EsclCapabilities, type EsclScanSettings, type EsclStatus } from './protocol.js';

export interface EsclClientOptions {
  /** Per-request deadline (default 10 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface NextDocumentOptions {
  /** Pause between NextDocument requests while the scanner answers 503 (default 500 ms; sane-airscan retries similarly). */
  retryMs?: number;
  /** Longest to wait for one page, retries included (default 60 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface EsclPage {
  bytes: Buffer;
  /** Content-Type as the scanner sent it (e.g. 'image/jpeg'). */
  contentType: string;
  /** 1-based, in the order the scanner delivered them. */
  index: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DeviceError('cancelled', 'Waiting for the scanner was cancelled by the caller.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** "http://host:8080/eSCL" or "http://host:8080/eSCL/" or "http://host:8080" → "http://host:8080/eSCL/". */
export function normaliseEsclBase(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DeviceError('not_found', `"${url}" is not a URL of an eSCL scanner (expected e.g. http://192.168.1.20/eSCL).`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new DeviceError('not_found', `"${url}" is not an http(s) URL of an eSCL scanner.`);
  let path = parsed.pathname.replace(/\/+$/, '');
  // The root defaults to /eSCL, the path the Mopria spec and mDNS "rs" TXT key give by default.
  if (path === '') path = '/eSCL';
  parsed.pathname = `${path}/`;
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString();
}

export class EsclClient {
  readonly baseUrl: string;
  private readonly http: HttpClient;
  private readonly signal: AbortSignal | undefined;

  constructor(baseUrl: string, options: EsclClientOptions = {}) {
    this.baseUrl = normaliseEsclBase(baseUrl);
    this.http = new HttpClient({ baseUrl: this.baseUrl, timeoutMs: options.timeoutMs ?? 10_000, headers: { 'user-agent': 'Balcao-eSCL/0.1' } });
    this.signal = options.signal;
  }

  private async xml(path: string, what: string): Promise<string> {
    const response = await this.http.get(path, { signal: this.signal, headers: { accept: 'text/xml, application/xml' } });
    if (response.body.length === 0) throw new DeviceError('protocol', `The scanner at ${response.url} sent an empty ${what} document.`);
    return response.text();
  }

  async capabilities(): Promise<EsclCapabilities> {
    try {
      return parseCapabilities(await this.xml('ScannerCapabilities', 'ScannerCapabilities'));
    } catch (error) {
      throw this.explain(error, 'ScannerCapabilities');
    }
  }

  async status(): Promise<EsclStatus> {
    try {
      return parseStatus(await this.xml('ScannerStatus', 'ScannerStatus'));
    } catch (error) {
      throw this.explain(error, 'ScannerStatus');
    }
  }

  /** POST ScanJobs → the job's absolute URL (Location may be relative or absolute). */
  async createJob(settings: EsclScanSettings): Promise<string> {
    const body = buildScanSettings(settings);
    const response = await this.http.post('ScanJobs', body, { signal: this.signal, headers: { 'content-type': 'text/xml' }, accept: [201] });
    const location = response.headers.get('location');
    if (response.status !== 201 || !location) {
      throw new DeviceError('protocol', `POST ${response.url} answered HTTP ${response.status} ${location ? '' : 'without a Location header '}instead of 201 Created with the job's location.`);
    }
    try {
      const url = new URL(location, response.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
      return url.toString().replace(/\/+$/, '');
    } catch {
      throw new DeviceError('protocol', `POST ${response.url} gave a Location that is not a URL: "${location.slice(0, 200)}".`);
    }
  }

  /**
   * The job's next page, or null when there are no more (404). A 503 means
   * "not ready yet": ask again after retryMs until timeoutMs has passed.
   */
  async nextDocument(jobUrl: string, options: NextDocumentOptions = {}): Promise<EsclPage | null> {
    const retryMs = options.retryMs ?? 500;
    const timeoutMs = options.timeoutMs ?? 60_000;
    const signal = options.signal ?? this.signal;
    const url = `${jobUrl.replace(/\/+$/, '')}/NextDocument`;
    const deadline = performance.now() + timeoutMs;
    let attempts = 0;
    let notReady = 0;
    const gaveUp = () =>
      notReady > 0
        ? new DeviceError('timeout', `GET ${url} answered "not ready" (503) for ${timeoutMs} ms (${notReady} times); the page never came.`)
        : new DeviceError('timeout', `No page from GET ${url} within ${timeoutMs} ms (${attempts} attempts).`);
    for (;;) {
      attempts++;
      const left = deadline - performance.now();
      if (left <= 0) throw gaveUp();
      let response: HttpResponse;
      try {
        response = await this.http.get(url, { signal, accept: [404, 503], timeoutMs: left });
      } catch (error) {
        if (isDeviceError(error, 'timeout')) throw gaveUp();
        throw error;
      }
      if (response.status === 404) return null;
      if (response.status === 503) {
        notReady++;
        await sleep(Math.min(retryMs, Math.max(0, deadline - performance.now())), signal);
        continue;
      }
      if (response.body.length === 0) throw new DeviceError('protocol', `GET ${url} answered HTTP ${response.status} with no image data.`);
      return { bytes: response.body, contentType: response.headers.get('content-type') ?? 'application/octet-stream', index: 0 };
    }
  }

  /** DELETE the job (cancels it on the scanner). A job the scanner no longer knows (404) counts as cancelled. */
  async cancel(jobUrl: string): Promise<void> {
    await this.http.delete(jobUrl, { signal: this.signal, accept: [404] });
  }

  /**
   * One job from start to its last page: Feeder → NextDocument until 404;
   * Platen → one page (a 404 before any page is an error). On failure the
   * job is cancelled (best effort) before the error is thrown.
   */
  async scanPages(settings: EsclScanSettings, options: NextDocumentOptions & { maxPages?: number } = {}): Promise<EsclPage[]> {
    const job = await this.createJob(settings);
    const pages: EsclPage[] = [];
    const maxPages = options.maxPages ?? 500;
    try {
      for (;;) {
        const page = await this.nextDocument(job, options);
        if (page === null) break;
        pages.push({ ...page, index: pages.length + 1 });
        if (settings.inputSource !== 'Feeder' || pages.length >= maxPages) break;
      }
    } catch (error) {
      await this.cancel(job).catch(() => undefined);
      throw await this.withJobState(error, job);
    }
    if (pages.length === 0) {
      const reason = await this.jobReason(job);
      throw new DeviceError('refused', `The scanner at ${this.baseUrl} ended job ${job} without a page${settings.inputSource === 'Feeder' ? ' (is the feeder empty?)' : ''}${reason}.`);
    }
    return pages;
  }

  /** ScannerStatus's word on a job, for error messages: " (job Aborted: …; ADF ScannerAdfJam)". */
  private async jobReason(job: string): Promise<string> {
    try {
      const status = await this.status();
      const path = new URL(job).pathname;
      const info = status.jobs.find((j) => j.jobUri === path || j.jobUri === job || path.endsWith(j.jobUri));
      const parts: string[] = [];
      if (info) parts.push(`job ${info.jobState}${info.jobStateReasons.length ? `: ${info.jobStateReasons.join(', ')}` : ''}`);
      if (status.adfState) parts.push(`feeder ${status.adfState}`);
      return parts.length ? ` (${parts.join('; ')})` : '';
    } catch {
      return '';
    }
  }

  /** A failed page fetch: where the scanner's status explains it (a jam, the cover), say so and use the right code. */
  private async withJobState(error: unknown, job: string): Promise<unknown> {
    if (!isDeviceError(error) || error.code === 'cancelled' || error.code === 'disconnected') return error;
    const reason = await this.jobReason(job);
    if (/Jam|Mispick|Multipick/i.test(reason)) return new DeviceError('refused', `The document feeder is jammed${reason}: ${error.message}`, error.deviceCode);
    if (/Open/i.test(reason)) return new DeviceError('refused', `The scanner's cover or feeder hatch is open${reason}: ${error.message}`, error.deviceCode);
    if (/Aborted/.test(reason)) return new DeviceError('refused', `The scanner aborted the job${reason}: ${error.message}`, error.deviceCode);
    return error;
  }

  private explain(error: unknown, what: string): unknown {
    if (isDeviceError(error, 'not_found') && /connection was refused|could not be resolved|cannot be reached/.test(error.message)) {
      return new DeviceError('not_found', `No eSCL scanner answered at ${this.baseUrl}${what}: ${error.message}`);
    }
    return error;
  }
}

/**
 * Scanners at configured base URLs, as discovery results (family 'escl',
 * kind 'scanner'). A URL where nothing answers, or where the answer is not
 * eSCL, is left out: discovery reports what is there. mDNS (_uscan._tcp) is
 * out of scope here (see the file comment).
 */
export async function discoverEsclScanners(urls: string[], options: EsclClientOptions = {}): Promise<DiscoveredDevice[]> {
  const found = await Promise.all(
    urls.map(async (url): Promise<DiscoveredDevice | null> => {
      try {
        const client = new EsclClient(url, { timeoutMs: options.timeoutMs ?? 3000, signal: options.signal });
        const caps = await client.capabilities();
        return { family: 'escl', kind: 'scanner', address: client.baseUrl, make: caps.make, model: caps.model, serial: caps.serialNumber, firmware: null };
      } catch (error) {
        if (isDeviceError(error)) return null;
        throw error;
      }
    }),
  );
  return found.filter((d): d is DiscoveredDevice => d !== null);
}
