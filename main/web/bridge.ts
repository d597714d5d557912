import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { ContractError } from '../../app/contract/errors.js';
import type { Dispatcher } from '../../app/contract/dispatcher.js';
import type { EventHub } from '../../app/contract/event-hub.js';
import { WsClientFrame, maxFrameBytes, type WsServerFrame } from '../../app/contract/wire.js';
import { tokenProtocolPrefix, wsPath, wsProtocol } from '../../app/contract/ws-protocol.js';
import type { Logger } from '../../app/log/logger.js';

export interface BridgeOptions {
  dispatcher: Dispatcher;
  hub: EventHub;
  token: string;
  /** Origins whose pages may connect: this shell's own address(es). */
  allowedOrigins: () => string[];
  log: Logger;
  /** Calls a single connection may have running at once; more are refused, not queued without bound. */
  maxInFlight?: number;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function offeredProtocols(request: IncomingMessage): string[] {
  const header = request.headers['sec-websocket-protocol'];
  return typeof header === 'string' ? header.split(',').map((p) => p.trim()).filter(Boolean) : [];
}

/** Reads an id from a frame that failed validation, so the caller's promise can still be answered. */
function salvageId(value: unknown): number | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const id = (value as Record<string, unknown>).id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
}

/**
 * The contract over a WebSocket, for the browser shell. The upgrade is
 * accepted only on the contract path, from an allowed Origin, offering the
 * per-launch token; every frame is parsed before it reaches the dispatcher.
 */
export class ContractBridge {
  private readonly wss: WebSocketServer;
  private readonly unsubscribe: () => void;
  private readonly maxInFlight: number;
  private answered: () => void = () => undefined;
  /**
   * Resolves when the first contract call from a page has been answered: the
   * page's script is running and its first screen is about to render. The
   * browser shell waits for it before starting work that would compete with
   * that first render (main/cli/serve.ts).
   */
  readonly firstAnswer: Promise<void> = new Promise((resolve) => (this.answered = resolve));

  constructor(private readonly options: BridgeOptions) {
    this.maxInFlight = options.maxInFlight ?? 64;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: maxFrameBytes,
      clientTracking: true,
      perMessageDeflate: false,
      // Answer with the contract protocol, never echo the token back.
      handleProtocols: (protocols) => (protocols.has(wsProtocol) ? wsProtocol : false),
    });
    this.wss.on('connection', (socket) => this.serve(socket));
    this.unsubscribe = options.hub.subscribe((event, payload) => {
      const frame = JSON.stringify({ type: 'event', event, payload } satisfies WsServerFrame);
      for (const client of this.wss.clients) if (client.readyState === client.OPEN) client.send(frame);
    });
  }

  get connections(): number {
    return this.wss.clients.size;
  }

  /** Decides an HTTP upgrade request. Returns false when it is not for the bridge (the caller answers 404). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(request.url ?? '/', 'http://placeholder');
    if (url.pathname !== wsPath) return false;
    const reject = (status: number, reason: string) => {
      this.options.log.warn('websocket upgrade refused', { reason, origin: String(request.headers.origin ?? '').slice(0, 100) });
      socket.write(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
      return true;
    };
    const origin = request.headers.origin;
    if (typeof origin !== 'string' || !this.options.allowedOrigins().includes(origin)) return reject(403, 'origin not allowed');
    const protocols = offeredProtocols(request);
    if (!protocols.includes(wsProtocol)) return reject(403, 'contract protocol not offered');
    const token = protocols.find((p) => p.startsWith(tokenProtocolPrefix))?.slice(tokenProtocolPrefix.length);
    if (token === undefined || !sameSecret(token, this.options.token)) return reject(401, 'missing or wrong token');
    this.wss.handleUpgrade(request, socket, head, (ws) => this.wss.emit('connection', ws, request));
    return true;
  }

  private serve(socket: WebSocket): void {
    let inFlight = 0;
    const send = (frame: WsServerFrame) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
    };
    const refuse = (id: number | null, error: ContractError) => {
      this.options.log.warn('contract frame refused', { code: error.code, detail: error.message });
      if (id === null) send({ type: 'refused', error: error.toBody() });
      else send({ type: 'result', id, reply: { ok: false, error: error.toBody() } });
    };

    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return refuse(null, new ContractError('contract.bad_envelope', 'Binary frames are not part of the contract; send JSON text.'));
      let json: unknown;
      try {
        json = JSON.parse(data.toString());
      } catch {
        return refuse(null, new ContractError('contract.bad_envelope', 'The frame is not valid JSON.'));
      }
      const frame = WsClientFrame.safeParse(json);
      if (!frame.success) {
        return refuse(salvageId(json), new ContractError('contract.bad_envelope', 'The frame is not a contract call ({type:"call", id, channel, payload}).'));
      }
      const { id, channel, payload } = frame.data;
      if (inFlight >= this.maxInFlight) {
        return refuse(id, new ContractError('contract.bad_envelope', `Too many calls at once on this connection (limit ${this.maxInFlight}).`));
      }
      inFlight += 1;
      void this.options.dispatcher
        .call(channel, payload, { transport: 'ws' })
        .then((reply) => {
          send({ type: 'result', id, reply });
          this.answered();
        })
        .finally(() => {
          inFlight -= 1;
        });
    });
    // A socket error (client vanished mid-frame, oversized frame) closes that socket only.
    socket.on('error', (error) => this.options.log.warn('websocket error', { error: error.message }));
  }

  close(): Promise<void> {
    this.unsubscribe();
    for (const client of this.wss.clients) client.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}
