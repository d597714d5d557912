/**
 * The agency simulator: the agency side of agency-intake.md §4 on loopback —
 * tus 1.0 (core + creation) uploads at /v1/uploads, packet checks when the
 * last byte arrives, signed receipts, the lookup endpoints — with bearer-token
 * auth, RFC 9457 problem answers and faults injected on demand.
 *
 * The tus protocol itself is @tus/server with @tus/file-store. In front of it
 * sits what the spec adds to plain tus: the create is checked and answered
 * here first, per packet id (the same Location again for an unfinished
 * upload, 200 + Packet-Status for a packet already accepted), and tus's
 * plain-text errors are turned into problem+json. Requests reach tus through
 * its web handler (handleWeb) so that a fault can cut a PATCH body after N
 * bytes or lose a create's answer.
 */
import http from 'node:http';
import { createHash, timingSafeEqual, type KeyObject } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Server as TusServer, type Upload } from '@tus/server';
import { FileStore } from '@tus/file-store';
import { z } from 'zod';
import { FaultState, type AgencyFaults } from './faults.js';
import { ensureAgencyKeys, parseStationKey, readStationKeyFile, type AgencyKeys } from './keys.js';
import { documentStatus, documentStatusRequestSchema, findAppointment, identityVerifyRequestSchema, verifyIdentity } from './lookups.js';
import { RECEIPT_MEDIA_TYPE, signReceipt } from './receipts.js';
import { packetIdPattern, verifyPacket } from './verify.js';

export type { AgencyFaults } from './faults.js';

/** The token a demo station is provisioned with (app/config/demo.ts). */
export const DEMO_STATION_TOKEN = 'demo-station-token';
/** tus 1.0.0 (the Tus-Resumable header value). */
const TUS_VERSION = '1.0.0';
const UPLOADS_PATH = '/v1/uploads';
/** The largest packet accepted: a full enrolment is ~5 MB (issue 5); 512 MiB leaves room for many scanned pages. */
const MAX_PACKET_BYTES = 512 * 1024 * 1024;
/** Lookup bodies are a handful of fields. */
const MAX_JSON_BODY = 64 * 1024;
const PROBLEM_BASE = 'https://intake.balcao.invalid/problems/';

export type AgencyPacketStatus = 'CHECKING' | 'ACCEPTED' | 'REJECTED';

export interface AgencyPacketRecord {
  packetId: string;
  /** SHA-256 of the whole received file (the declared one while CHECKING). */
  sha256: string;
  status: AgencyPacketStatus;
  reasons: string[];
  /** When the last byte arrived (ISO 8601, UTC). */
  receivedAt: string;
  /** How many uploads of this packet ran to their last byte (a duplicate counts, but is not stored again). */
  completedUploads: number;
  /** The tus upload whose bytes were checked, and where they are kept. */
  uploadId: string;
  file: string;
}

export interface AgencySimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the simulator is for loopback. */
  host?: string;
  keysDir: string;
  /** Where uploads and the simulator's state are kept; a temporary directory (removed at stop) by default. */
  dataDir?: string;
  /** The bearer token stations use; default 'demo-station-token'. More may be listed one per line in <keysDir>/tokens.txt. */
  token?: string;
  faults?: Partial<AgencyFaults>;
  /** Seed of the fault PRNG (rates). */
  seed?: number;
  now?: () => Date;
}

export interface AgencySimulator {
  /** Base URL ending in '/'. */
  url: string;
  port: number;
  token: string;
  dataDir: string;
  keys: { encryptionPublicKeyPath: string; receiptPublicKeyPath: string; encryptionKid: string; receiptKid: string; stationsDir: string };
  registerStation(centreId: string, stationId: string, publicKeyPem: string): void;
  setFaults(faults: Partial<AgencyFaults>): void;
  faults(): AgencyFaults;
  packets(): AgencyPacketRecord[];
  /** Resolves when every packet that has arrived has been checked. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

interface PacketState extends AgencyPacketRecord {
  receipt: string | null;
}

interface OpenUpload {
  uploadId: string;
  size: number;
  sha256: string;
}

interface SavedState {
  packets: PacketState[];
  open: Array<OpenUpload & { packetId: string }>;
}

const savedStateSchema = z.object({
  packets: z.array(
    z.object({
      packetId: z.string(),
      sha256: z.string(),
      status: z.enum(['CHECKING', 'ACCEPTED', 'REJECTED']),
      reasons: z.array(z.string()),
      receivedAt: z.string(),
      completedUploads: z.number(),
      uploadId: z.string(),
      file: z.string(),
      receipt: z.string().nullable(),
    }),
  ),
  open: z.array(z.object({ packetId: z.string(), uploadId: z.string(), size: z.number(), sha256: z.string() })),
});

/** Upload-Metadata (tus 1.0 creation): comma-separated "key base64value" pairs. */
export function parseUploadMetadata(header: string | undefined): Map<string, string> | null {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const pair of header.split(',')) {
    const [key, value, ...rest] = pair.trim().split(' ');
    if (!key || rest.length > 0 || out.has(key)) return null;
    if (value !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return null;
    out.set(key, value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8'));
  }
  return out;
}

function sendProblem(res: http.ServerResponse, status: number, slug: string, title: string, detail: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify({ type: `${PROBLEM_BASE}${slug}`, title, status, detail });
  res.writeHead(status, { ...headers, 'Content-Type': 'application/problem+json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Titles and problem types for the errors tus answers in plain text. */
const tusProblems: Record<number, [string, string]> = {
  400: ['bad-upload-request', 'Bad upload request'],
  403: ['upload-forbidden', 'Upload forbidden'],
  404: ['upload-not-found', 'No such upload'],
  409: ['offset-mismatch', 'Upload-Offset does not match the upload'],
  410: ['upload-gone', 'The upload is gone'],
  412: ['tus-version', 'Tus-Resumable 1.0.0 required'],
  413: ['packet-too-large', 'The packet is too large'],
  415: ['bad-content-type', 'PATCH needs Content-Type application/offset+octet-stream'],
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY) throw new Error(`the body is over ${MAX_JSON_BODY} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('the body is not JSON');
  }
}

const zodDetail = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
const digest = (text: string) => createHash('sha256').update(text).digest();

export async function startAgencySimulator(options: AgencySimulatorOptions): Promise<AgencySimulator> {
  const now = options.now ?? (() => new Date());
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? DEMO_STATION_TOKEN;
  const keys: AgencyKeys = await ensureAgencyKeys(options.keysDir);
  const stationsDir = path.join(keys.keysDir, 'stations');
  const temporaryData = options.dataDir === undefined;
  const dataDir = options.dataDir ? path.resolve(options.dataDir) : await mkdtemp(path.join(os.tmpdir(), 'balcao-agency-'));
  const uploadsDir = path.join(dataDir, 'uploads');
  const statePath = path.join(dataDir, 'agency-state.json');
  await mkdir(uploadsDir, { recursive: true });

  const faults = new FaultState(options.seed ?? 1, options.faults ?? {});
  const registered = new Map<string, KeyObject>();
  const packets = new Map<string, PacketState>();
  const open = new Map<string, OpenUpload>();
  const checks = new Set<Promise<void>>();
  const locks = new Map<string, Promise<unknown>>();

  // State survives a restart of the simulator with the same data directory.
  try {
    const saved = savedStateSchema.parse(JSON.parse(await readFile(statePath, 'utf8')));
    for (const p of saved.packets) packets.set(p.packetId, p);
    for (const o of saved.open) open.set(o.packetId, { uploadId: o.uploadId, size: o.size, sha256: o.sha256 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${statePath} cannot be read (${(error as Error).message}); move it away to start afresh.`);
  }
  let saving = Promise.resolve();
  const save = () => {
    const state: SavedState = { packets: [...packets.values()], open: [...open].map(([packetId, o]) => ({ packetId, ...o })) };
    const text = JSON.stringify(state, null, 1);
    saving = saving.then(async () => {
      const temp = `${statePath}.tmp`;
      await writeFile(temp, text);
      await rename(temp, statePath);
    });
    return saving;
  };

  /** One create at a time per packet id, so that two racing creates cannot make two uploads. */
  function withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = locks.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    locks.set(key, tail);
    void tail.then(() => {
      if (locks.get(key) === tail) locks.delete(key);
    });
    return next;
  }

  async function stationKey(centreId: string, stationId: string): Promise<KeyObject | null> {
    return registered.get(`${centreId}-${stationId}`) ?? (await readStationKeyFile(keys.keysDir, centreId, stationId));
  }

  async function acceptedTokens(): Promise<Buffer[]> {
    const list = [token];
    try {
      const text = await readFile(path.join(keys.keysDir, 'tokens.txt'), 'utf8');
      list.push(...text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#')));
    } catch {
      // No tokens file: only the configured token.
    }
    return list.map(digest);
  }

  const fileStore = new FileStore({ directory: uploadsDir });
  const tus = new TusServer({
    path: UPLOADS_PATH,
    datastore: fileStore,
    maxSize: MAX_PACKET_BYTES,
    // Tus's own default CORS headers are harmless here; its termination (DELETE) is not offered (§4 has none).
    onUploadCreate: async (_req, upload) => {
      const packetId = upload.metadata?.packetId ?? '';
      open.set(packetId, { uploadId: upload.id, size: upload.size ?? 0, sha256: upload.metadata?.sha256 ?? '' });
      await save();
      return {};
    },
    onUploadFinish: async (_req, upload) => {
      packetArrived(upload);
      return {};
    },
  });

  /** The last byte of an upload is in: record it now (so the receipt says 202), check it in the background. */
  function packetArrived(upload: Upload): void {
    const packetId = upload.metadata?.packetId ?? '';
    const declaredSha = upload.metadata?.sha256 ?? '';
    const file = path.join(uploadsDir, upload.id);
    if (open.get(packetId)?.uploadId === upload.id) open.delete(packetId);
    const existing = packets.get(packetId);
    if (existing && existing.status !== 'REJECTED') {
      // A second upload of a packet already accepted (or being checked): counted, not stored twice.
      existing.completedUploads++;
      void save();
      void fileStore.remove(upload.id).catch(() => undefined);
      return;
    }
    const state: PacketState = {
      packetId,
      sha256: declaredSha,
      status: 'CHECKING',
      reasons: [],
      receivedAt: now().toISOString(),
      completedUploads: (existing?.completedUploads ?? 0) + 1,
      uploadId: upload.id,
      file,
      receipt: null,
    };
    packets.set(packetId, state);
    void save();
    const check = (async () => {
      const delay = faults.current.checkDelayMs;
      if (delay > 0) await sleep(delay);
      let status: 'ACCEPTED' | 'REJECTED';
      let reasons: string[];
      let sha256 = declaredSha;
      try {
        const result = await verifyPacket({ file: await readFile(file), declared: { packetId, sha256: declaredSha }, encryptionKey: keys.encryption.privateKey, stationKey });
        ({ status, reasons, sha256 } = result);
      } catch (error) {
        status = 'REJECTED';
        reasons = [`internal: the packet could not be checked (${(error as Error).message})`];
      }
      state.status = status;
      state.reasons = reasons;
      state.sha256 = sha256;
      state.receipt = await signReceipt({ packetId, sha256, status, reasons, receivedAt: state.receivedAt }, keys.receipt.privateKey, keys.receipt.kid);
      await save();
    })().catch((error: unknown) => {
      // Only saving the state can fail here; the packet stays CHECKING and is checked again at the next start.
      process.stderr.write(`agency simulator: packet ${packetId}: ${(error as Error).message}\n`);
    });
    checks.add(check);
    void check.finally(() => checks.delete(check));
  }

  /** Passes a request to tus through its web handler; `cutAfter` ends a PATCH body after that many bytes and drops the connection. */
  async function forwardToTus(req: http.IncomingMessage, res: http.ServerResponse, opts: { cutAfter?: number | null; loseCreated?: boolean } = {}): Promise<void> {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) headers.set(name, value.join(', '));
    }
    let body: ReadableStream<Uint8Array> | undefined;
    if (req.method === 'PATCH' || req.method === 'POST') {
      const limit = opts.cutAfter;
      const source =
        limit === undefined || limit === null
          ? req
          : Readable.from(
              (async function* () {
                let seen = 0;
                for await (const chunk of req as AsyncIterable<Buffer>) {
                  const room = limit - seen;
                  if (chunk.length >= room) {
                    if (room > 0) yield chunk.subarray(0, room);
                    break; // leaving the loop destroys the request, and with it the connection: a reset mid-upload
                  }
                  seen += chunk.length;
                  yield chunk;
                }
              })(),
            );
      body = Readable.toWeb(source) as unknown as ReadableStream<Uint8Array>;
    }
    const init: RequestInit & { duplex?: 'half' } = { method: req.method ?? 'GET', headers };
    if (body) {
      init.body = body;
      init.duplex = 'half';
    }
    const response = await tus.handleWeb(new Request(`http://${req.headers.host ?? `${host}`}${req.url ?? '/'}`, init));
    if (opts.cutAfter !== undefined && opts.cutAfter !== null) {
      res.destroy(); // the socket with it (req.socket may already be detached once the request was cut)
      return;
    }
    if (opts.loseCreated && response.status === 201) {
      res.destroy(); // the socket with it (req.socket may already be detached once the request was cut)
      return;
    }
    if (res.destroyed) return;
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      out[name] = value;
    });
    if (response.status >= 400) {
      const text = (await response.text()).trim();
      const [slug, title] = tusProblems[response.status] ?? ['upload-error', 'Upload error'];
      sendProblem(res, response.status, slug, title, text || title, { 'Tus-Resumable': TUS_VERSION });
      return;
    }
    delete out['content-length'];
    const bytes = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, { ...out, ...(bytes.length > 0 ? { 'Content-Length': String(bytes.length) } : {}) });
    res.end(bytes);
  }

  function uploadUrl(req: http.IncomingMessage, uploadId: string): string {
    return `http://${req.headers.host ?? host}${UPLOADS_PATH}/${uploadId}`;
  }

  /** §4 create: checked here before tus, per packet id. */
  async function create(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawMetadata = req.headers['upload-metadata'];
    const metadata = parseUploadMetadata(Array.isArray(rawMetadata) ? rawMetadata.join(',') : rawMetadata);
    const packetId = metadata?.get('packetId') ?? '';
    const sha256 = metadata?.get('sha256') ?? '';
    const length = req.headers['upload-length'];
    const problems = [
      metadata === null ? 'Upload-Metadata is not "key base64, key base64"' : '',
      !packetIdPattern.test(packetId) ? 'Upload-Metadata packetId must be the 29-digit packet id' : '',
      !/^[0-9a-f]{64}$/.test(sha256) ? 'Upload-Metadata sha256 must be the lowercase hex SHA-256 of the packet file' : '',
      typeof length !== 'string' || !/^\d+$/.test(length) ? 'Upload-Length must be the packet size in bytes' : '',
    ].filter(Boolean);
    if (problems.length > 0) {
      req.resume();
      sendProblem(res, 400, 'bad-create', 'The upload cannot be created', problems.join('; '), { 'Tus-Resumable': TUS_VERSION });
      return;
    }
    await withLock(packetId, async () => {
      const loseCreated = faults.takeLoseCreate();
      const known = packets.get(packetId);
      if (known && known.status !== 'REJECTED') {
        // §4: already accepted → 200, Packet-Status, no Location; the station fetches the receipt.
        // While it is being checked this simulator says CHECKING (the receipt answers 202).
        req.resume();
        res.writeHead(200, { 'Tus-Resumable': TUS_VERSION, 'Packet-Status': known.status, 'Content-Length': '0' });
        res.end();
        return;
      }
      const existing = open.get(packetId);
      if (existing && existing.size === Number(length) && existing.sha256 === sha256 && (await stat(path.join(uploadsDir, existing.uploadId)).then(() => true, () => false))) {
        req.resume();
        if (loseCreated) {
          res.destroy(); // the socket with it (req.socket may already be detached once the request was cut)
          return;
        }
        res.writeHead(201, { 'Tus-Resumable': TUS_VERSION, Location: uploadUrl(req, existing.uploadId), 'Content-Length': '0' });
        res.end();
        return;
      }
      // An unfinished upload with another length or hash is left behind: the newest create wins.
      await forwardToTus(req, res, { loseCreated });
    });
  }

  async function receipt(res: http.ServerResponse, packetId: string): Promise<void> {
    const state = packets.get(packetId);
    if (!state) {
      sendProblem(res, 404, 'unknown-packet', 'Unknown packet', `No packet ${packetId} has been received in full.`);
      return;
    }
    if (state.status === 'CHECKING' || state.receipt === null) {
      sendJson(res, 202, { packetId, status: 'CHECKING' }, { 'Retry-After': '1' });
      return;
    }
    res.writeHead(200, { 'Content-Type': RECEIPT_MEDIA_TYPE, 'Content-Length': Buffer.byteLength(state.receipt) });
    res.end(state.receipt);
  }

  async function lookup<S extends z.ZodType>(req: http.IncomingMessage, res: http.ServerResponse, schema: S, answer: (body: z.infer<S>) => unknown): Promise<void> {
    let json: unknown;
    try {
      json = await readJsonBody(req);
    } catch (error) {
      sendProblem(res, 400, 'bad-request', 'Bad request body', (error as Error).message);
      return;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      sendProblem(res, 400, 'bad-request', 'Bad request body', zodDetail(parsed.error));
      return;
    }
    sendJson(res, 200, answer(parsed.data));
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const f = faults.current;
    if (f.latencyMs > 0) await sleep(f.latencyMs);
    const url = new URL(req.url ?? '/', 'http://agency.invalid');
    const method = req.method ?? 'GET';
    const refuse = (status: number, slug: string, title: string, detail: string, headers: Record<string, string> = {}) => {
      req.resume();
      sendProblem(res, status, slug, title, detail, { ...headers, ...(method === 'PATCH' || method === 'POST' ? { Connection: 'close' } : {}) });
    };

    // §4: every request carries the station's bearer token.
    const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const offered = auth ? digest(auth[1] as string) : null;
    if (!offered || !(await acceptedTokens()).some((t) => timingSafeEqual(t, offered))) {
      refuse(401, 'unauthorized', 'Unauthorized', auth ? 'The bearer token is not one this agency issued.' : 'The request has no "Authorization: Bearer <token>" header.', { 'WWW-Authenticate': 'Bearer realm="agency-intake"' });
      return;
    }
    const fault = faults.onRequest();
    if (fault.kind === 'expired') {
      refuse(401, 'token-expired', 'Token expired', 'The bearer token has expired; the station needs a new one.', { 'WWW-Authenticate': 'Bearer realm="agency-intake", error="invalid_token", error_description="The access token expired"' });
      return;
    }
    if (fault.kind === 'rate-limited') {
      refuse(429, 'rate-limited', 'Too many requests', `Try again in ${fault.retryAfter} s.`, { 'Retry-After': String(fault.retryAfter) });
      return;
    }
    if (fault.kind === 'server-error') {
      refuse(fault.status, 'unavailable', 'The intake service is unavailable', 'A fault injected by the agency simulator.', fault.retryAfter === null ? {} : { 'Retry-After': String(fault.retryAfter) });
      return;
    }

    const p = url.pathname;
    if (p === UPLOADS_PATH || p.startsWith(`${UPLOADS_PATH}/`)) {
      const isCollection = p === UPLOADS_PATH;
      const allowed = isCollection ? ['POST', 'OPTIONS'] : ['HEAD', 'PATCH', 'OPTIONS'];
      if (!allowed.includes(method)) {
        refuse(405, 'method-not-allowed', 'Method not allowed', `${p} answers ${allowed.join(', ')}.`, { Allow: allowed.join(', ') });
        return;
      }
      if (method === 'POST') return create(req, res);
      return forwardToTus(req, res, method === 'PATCH' ? { cutAfter: faults.takeReset() } : {});
    }
    const receiptPath = /^\/v1\/packets\/([^/]+)\/receipt$/.exec(p);
    if (receiptPath && method === 'GET') {
      const packetId = decodeURIComponent(receiptPath[1] as string);
      if (!packetIdPattern.test(packetId)) {
        sendProblem(res, 404, 'unknown-packet', 'Unknown packet', `"${packetId}" is not a 29-digit packet id.`);
        return;
      }
      return receipt(res, packetId);
    }
    if (p === '/v1/identity/verify' && method === 'POST') return lookup(req, res, identityVerifyRequestSchema, verifyIdentity);
    if (p === '/v1/documents/status' && method === 'POST') return lookup(req, res, documentStatusRequestSchema, (body) => documentStatus(body, now()));
    const appointment = /^\/v1\/appointments\/([^/]+)$/.exec(p);
    if (appointment && method === 'GET') {
      const reference = decodeURIComponent(appointment[1] as string);
      if (!/^[A-Za-z0-9-]{1,40}$/.test(reference)) {
        sendProblem(res, 400, 'bad-request', 'Bad appointment reference', 'A reference is letters, digits and hyphens, at most 40.');
        return;
      }
      const found = findAppointment(reference);
      if (found) sendJson(res, 200, found);
      else sendProblem(res, 404, 'unknown-appointment', 'Unknown appointment', `No appointment ${reference}.`);
      return;
    }
    refuse(404, 'not-found', 'Not found', `${method} ${p} is not part of the intake API.`);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendProblem(res, 500, 'internal', 'Internal error', (error as Error).message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  // Packets left CHECKING by a previous run are checked again.
  for (const state of packets.values()) {
    if (state.status === 'CHECKING') {
      const upload = await fileStore.getUpload(state.uploadId).catch(() => null);
      packets.delete(state.packetId);
      if (upload) packetArrived(upload);
    }
  }

  return {
    url: `http://${urlHost}:${port}/`,
    port,
    token,
    dataDir,
    keys: {
      encryptionPublicKeyPath: keys.encryption.publicPath,
      receiptPublicKeyPath: keys.receipt.publicPath,
      encryptionKid: keys.encryption.kid,
      receiptKid: keys.receipt.kid,
      stationsDir,
    },
    registerStation(centreId, stationId, publicKeyPem) {
      if (!/^\d{5}$/.test(centreId) || !/^\d{5}$/.test(stationId)) throw new Error(`centre "${centreId}" and station "${stationId}" must be 5 digits each (agency-intake.md §1)`);
      registered.set(`${centreId}-${stationId}`, parseStationKey(publicKeyPem));
    },
    setFaults: (partial) => faults.set(partial),
    faults: () => ({ ...faults.current }),
    packets: () => [...packets.values()].map(({ receipt: _receipt, ...record }) => ({ ...record, reasons: [...record.reasons] })),
    async idle() {
      while (checks.size > 0) await Promise.all([...checks]);
      await saving;
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      while (checks.size > 0) await Promise.all([...checks]);
      await saving;
      if (temporaryData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
