/**
 * A small HTTP client for devices that speak HTTP (eSCL scanners, SBI
 * biometric services): node:http / node:https with a deadline on every
 * request, an AbortSignal, and every failure as a DeviceError whose sentence
 * names the method and the URL. It knows nothing of any one protocol: a
 * status the protocol treats as an answer (eSCL's 503 "not ready", 404 "no
 * more pages") is returned, not thrown, when the caller lists it in `accept`.
 *
 * Why node:http and not fetch: fetch (undici) refuses the Fetch standard's
 * "bad ports" (e.g. 9, 21, 25, 6000 …) before connecting, and a device may
 * listen anywhere; node:http also reports socket errors by their errno name.
 */
import http from 'node:http';
import https from 'node:https';
import { DeviceError } from '../errors.js';

export interface HttpRequest {
  method?: string;
  /** Absolute, or relative to the client's base URL. */
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Deadline for this request, headers and body (default: the client's). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Statuses returned to the caller as answers; any other non-2xx status is thrown as a DeviceError. */
  accept?: readonly number[];
  /** Body bytes beyond this fail with 'protocol' (default 256 MiB). */
  maxBodyBytes?: number;
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with ', '. */
  headers: { get(name: string): string | null };
  body: Buffer;
  /** The request's absolute URL (for resolving a Location header against it). */
  url: string;
  text(): string;
}

export interface HttpClientOptions {
  /** Requests with a relative URL are resolved against this. */
  baseUrl?: string;
  /** Default per-request deadline (default 10 s). */
  timeoutMs?: number;
  /** Sent with every request (user agent, auth…). */
  headers?: Record<string, string>;
}

/** What a 4xx/5xx status means for a device call (used when the caller did not accept it). */
export function errorForStatus(status: number, method: string, url: string, detail = ''): DeviceError {
  const said = detail ? `: ${detail}` : '';
  const where = `${method} ${url} answered HTTP ${status}`;
  if (status === 503 || status === 429) return new DeviceError('busy', `${where} (the device is busy; try again shortly)${said}.`, status);
  if (status === 404 || status === 410) return new DeviceError('not_found', `${where} (no such resource on the device)${said}.`, status);
  if (status === 408 || status === 504) return new DeviceError('timeout', `${where} (the device timed out)${said}.`, status);
  if (status === 409 || status === 423) return new DeviceError('busy', `${where} (the device is in a state that conflicts with the request)${said}.`, status);
  // Any other 4xx: the device understood and said no; 5xx: it failed the request.
  return new DeviceError('refused', `${where} (${status >= 500 ? 'the device failed the request' : 'the device rejected the request'})${said}.`, status);
}

/** Node's reasons a connection never carried an answer, by error code (libuv errno names). */
function errorForNetwork(error: unknown, method: string, url: string): DeviceError {
  const code = (error as { code?: string })?.code ?? '';
  const detail = (error as Error)?.message ?? String(error);
  switch (code) {
    case 'ECONNREFUSED':
      // Nothing listens at that address: there is no device there (or its service is not running) — not a link that was lost.
      return new DeviceError('not_found', `Nothing answered ${method} ${url}: the connection was refused, so no device service is listening there.`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new DeviceError('not_found', `${method} ${url} failed: the host name could not be resolved (${code}).`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new DeviceError('not_found', `${method} ${url} failed: the host cannot be reached (${code}).`);
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      // The device accepted the connection and then dropped it: it was there and went away mid-exchange.
      return new DeviceError('disconnected', `The device closed the connection during ${method} ${url} (${code}: ${detail}).`);
    case 'ETIMEDOUT':
      return new DeviceError('timeout', `${method} ${url} timed out (${code}).`);
    default:
      return new DeviceError('disconnected', `${method} ${url} failed before an answer arrived (${code || 'network error'}: ${detail}).`);
  }
}

export class HttpClient {
  readonly baseUrl: string | undefined;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;

  constructor(options: HttpClientOptions = {}) {
    this.baseUrl = options.baseUrl;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.headers = options.headers ?? {};
  }

  /** The absolute URL for `url` (relative ones against the base URL). */
  resolve(url: string): string {
    try {
      return new URL(url, this.baseUrl).toString();
    } catch {
      throw new DeviceError('not_found', `"${url}" is not a valid device URL${this.baseUrl ? ` (relative to ${this.baseUrl})` : ''}.`);
    }
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    return this.send(request);
  }

  private send(request: HttpRequest): Promise<HttpResponse> {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = this.resolve(request.url);
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const max = request.maxBodyBytes ?? 256 * 1024 * 1024;
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.reject(new DeviceError('not_found', `${url} is not an http(s) URL.`));
    if (request.signal?.aborted) return Promise.reject(new DeviceError('cancelled', `${method} ${url} was cancelled before it was sent.`));
    const body = request.body === undefined ? undefined : typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : Buffer.from(request.body);
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const fail = (error: DeviceError) => {
        settle(() => reject(error));
        req.destroy();
      };
      const headers: Record<string, string> = { ...this.headers, ...request.headers };
      if (body !== undefined) headers['content-length'] = String(body.length);
      const req = (target.protocol === 'https:' ? https : http).request(target, { method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        let total = 0;
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > max) fail(new DeviceError('protocol', `The answer to ${method} ${url} is larger than ${max} bytes.`));
          else chunks.push(chunk);
        });
        res.on('aborted', () => fail(new DeviceError('disconnected', `The device closed the connection during ${method} ${url} (the answer was cut short after ${total} bytes).`)));
        res.on('error', (error: NodeJS.ErrnoException) => fail(errorForNetwork(error, method, url)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const data = Buffer.concat(chunks);
          const expected = Number(res.headers['content-length']);
          if (Number.isFinite(expected) && data.length < expected) {
            return fail(new DeviceError('disconnected', `The device closed the connection during ${method} ${url} (${data.length} of ${expected} bytes arrived).`));
          }
          const accepted = request.accept?.includes(status) ?? false;
          if (!accepted && (status < 200 || status >= 300)) return fail(errorForStatus(status, method, url, summarise(data)));
          const raw = res.headers;
          settle(() =>
            resolve({
              status,
              headers: {
                get(name: string) {
                  const v = raw[name.toLowerCase()];
                  return v === undefined ? null : Array.isArray(v) ? v.join(', ') : String(v);
                },
              },
              body: data,
              url,
              text: () => data.toString('utf8'),
            }),
          );
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => fail(errorForNetwork(error, method, url)));
      const timer = setTimeout(() => fail(new DeviceError('timeout', `No complete answer to ${method} ${url} within ${timeoutMs} ms.`)), timeoutMs);
      const onAbort = () => fail(new DeviceError('cancelled', `${method} ${url} was cancelled by the caller.`));
      request.signal?.addEventListener('abort', onAbort, { once: true });
      req.end(body);
    });
  }

  get(url: string, options: Omit<HttpRequest, 'url' | 'method'> = {}): Promise<HttpResponse> {
    return this.request({ ...options, url, method: 'GET' });
  }

  post(url: string, body: string | Uint8Array, options: Omit<HttpRequest, 'url' | 'method' | 'body'> = {}): Promise<HttpResponse> {
    return this.request({ ...options, url, method: 'POST', body });
  }

  delete(url: string, options: Omit<HttpRequest, 'url' | 'method'> = {}): Promise<HttpResponse> {
    return this.request({ ...options, url, method: 'DELETE' });
  }
}

/** The first line of a text error body, for the message; binary bodies are not quoted. */
function summarise(body: Buffer): string {
  if (body.length === 0) return '';
  const text = body.subarray(0, 200).toString('utf8');
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) return '';
  return text.replace(/\s+/g, ' ').trim().slice(0, 120);
}
