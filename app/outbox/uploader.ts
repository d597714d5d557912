import type { Agent } from 'node:http';
import type { DetailedError, HttpRequest, HttpResponse } from 'tus-js-client';
import type { OutboxFailure } from './errors.js';
import { parseRetryAfter } from './backoff.js';

/**
 * One packet through tus 1.0 (core + creation) with tus-js-client, as
 * agency-intake.md §4 asks. Retries are ours (retryDelays: null): the outbox
 * schedules them with its own backoff and stores the state between them in
 * SQLite, which is also why the library's URL storage is off.
 */
export interface UploadRequest {
  /** The intake API's base URL (agency.url, ending in '/'). */
  agencyUrl: string;
  token: string;
  packetId: string;
  sha256: string;
  /** The exact bytes whose size and SHA-256 were checked against the queue. */
  bytes: Buffer;
  /** A tus upload created on an earlier try: resumed from the offset its HEAD reports. */
  uploadUrl: string | null;
  chunkSize: number;
  /**
   * Called as soon as the agency has given the upload's URL — before the
   * first PATCH is sent — and must persist it synchronously: a crash after
   * this point resumes this very upload instead of starting another.
   */
  onUploadUrl(url: string): void;
  /** Bytes about to be put on the wire in one PATCH (an upper bound: the whole chunk). */
  onBytesSent?(bytes: number): void;
  agent?: Agent;
  signal: AbortSignal;
  now: () => Date;
}

export type UploadOutcome =
  | { kind: 'complete' }
  /** The agency already holds an ACCEPTED packet with this id (create → 200, Packet-Status: ACCEPTED): fetch the receipt, send nothing. */
  | { kind: 'already_accepted' }
  | { kind: 'failed'; failure: OutboxFailure };

/** Problem details (RFC 9457) from the agency, shortened for a log line. */
function problemDetail(body: string): string {
  try {
    const problem = JSON.parse(body) as { title?: unknown; detail?: unknown };
    const parts = [problem.title, problem.detail].filter((p): p is string => typeof p === 'string' && p.length > 0);
    if (parts.length > 0) return parts.join(' — ').slice(0, 300);
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return body.trim().slice(0, 200);
}

/** Sorts an HTTP answer or a network failure into what the outbox does next. */
export function classifyHttp(status: number, headers: { get(name: string): string | null | undefined }, body: string, what: string, now: Date): OutboxFailure {
  const detail = problemDetail(body);
  const said = detail.length > 0 ? `: ${detail}` : '';
  if (status === 401) {
    return { code: 'token_rejected', message: `The agency refused the station's token (401) when ${what}${said}. Check agency.token in the station configuration; uploads wait until it is fixed.` };
  }
  if (status === 429 || status === 503) {
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'), now);
    const wait = retryAfterMs === null ? '' : ` and asked the station to wait ${Math.ceil(retryAfterMs / 1000)} s`;
    return { code: 'agency_busy', message: `The agency is busy (${status}) when ${what}${wait}; the station will try again.`, retryAfterMs };
  }
  if (status >= 500) return { code: 'agency_error', message: `The agency failed (${status}) when ${what}${said}; the station will try again.`, retryAfterMs: parseRetryAfter(headers.get('retry-after'), now) };
  return { code: 'agency_refused', message: `The agency refused (${status}) when ${what}${said}.`, retryAfterMs: parseRetryAfter(headers.get('retry-after'), now) };
}

export function networkFailure(error: unknown, what: string): OutboxFailure {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const cause = typeof error === 'object' && error !== null && 'cause' in error ? (error as { cause: unknown }).cause : null;
  const causeCode = typeof cause === 'object' && cause !== null && 'code' in cause ? String((cause as { code: unknown }).code) : '';
  const label = code || causeCode || (error instanceof Error ? error.message : String(error));
  return { code: 'agency_unreachable', message: `The agency could not be reached when ${what} (${label}); the station will try again.` };
}

function describeTusError(error: Error, what: string, now: Date, detailed: typeof DetailedError): OutboxFailure {
  if (error instanceof detailed) {
    const res: HttpResponse | null = error.originalResponse;
    if (res !== null && res !== undefined) {
      return classifyHttp(res.getStatus(), { get: (name) => res.getHeader(name) ?? null }, res.getBody() ?? '', what, now);
    }
    return networkFailure(error.causingError ?? error, what);
  }
  return { code: 'internal', message: `The upload library failed when ${what}: ${error.message}` };
}

export async function uploadPacket(request: UploadRequest): Promise<UploadOutcome> {
  // Loaded on the first upload, not with the station: tus-js-client is not part of starting one (the cold-start budget).
  const { DetailedError, DefaultHttpStack, Upload } = await import('tus-js-client');
  return new Promise((resolve) => {
    let settled = false;
    let alreadyAccepted = false;
    let storedUrl = request.uploadUrl;
    const finish = (outcome: UploadOutcome) => {
      if (settled) return;
      settled = true;
      request.signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const endpoint = new URL('v1/uploads', request.agencyUrl).toString();
    const upload = new Upload(request.bytes, {
      endpoint,
      uploadUrl: request.uploadUrl,
      uploadSize: request.bytes.length,
      chunkSize: request.chunkSize,
      retryDelays: null,
      storeFingerprintForResuming: false,
      removeFingerprintOnSuccess: false,
      headers: { Authorization: `Bearer ${request.token}` },
      metadata: { packetId: request.packetId, sha256: request.sha256 },
      httpStack: new DefaultHttpStack(request.agent ? { agent: request.agent } : {}),
      onUploadUrlAvailable: () => {
        // Runs after the create (or the resuming HEAD) and before any PATCH; the callback is synchronous and so is the SQLite write.
        if (upload.url !== null && upload.url !== storedUrl) {
          storedUrl = upload.url;
          request.onUploadUrl(upload.url);
        }
      },
      onBeforeRequest: (req: HttpRequest) => {
        if (req.getMethod() === 'PATCH') {
          const offset = Number(req.getHeader('Upload-Offset') ?? 0);
          request.onBytesSent?.(Math.max(0, Math.min(request.chunkSize, request.bytes.length - offset)));
        }
      },
      onAfterResponse: (req: HttpRequest, res: HttpResponse) => {
        // The spec's one addition to tus: creating an upload for a packet the agency has already
        // ACCEPTED answers 200 with Packet-Status and no Location. tus-js-client then reports
        // "missing Location"; this hook lets us tell that case apart and fetch the receipt instead.
        // Any Packet-Status on a 200 counts (an agency may say it is still checking): the receipt
        // request that follows is what decides, and its 202 simply means "ask again later".
        if (req.getMethod() === 'POST' && res.getStatus() === 200 && (res.getHeader('Packet-Status') ?? '').trim() !== '') {
          alreadyAccepted = true;
        }
      },
      onSuccess: () => finish({ kind: 'complete' }),
      onError: (error: Error) => {
        if (alreadyAccepted) finish({ kind: 'already_accepted' });
        else finish({ kind: 'failed', failure: describeTusError(error, storedUrl === null ? 'creating the upload' : 'sending the packet', request.now(), DetailedError) });
      },
    });
    const onAbort = () => {
      void upload.abort(false);
      finish({ kind: 'failed', failure: { code: 'timeout', message: `Sending packet ${request.packetId} was stopped before it finished (time limit or shutdown); the next try resumes where the agency stopped receiving.` } });
    };
    if (request.signal.aborted) {
      onAbort();
      return;
    }
    request.signal.addEventListener('abort', onAbort);
    upload.start();
  });
}
