import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tokenFragmentKey } from '../../app/contract/ws-protocol.js';
import type { Station } from '../../app/station/station.js';
import { ContractBridge } from './bridge.js';
import { securityHeaders } from './security-headers.js';
import { loadStatic } from './static.js';

export interface WebShellOptions {
  station: Station;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** Fixed token for tests; a fresh random one per launch otherwise. */
  token?: string;
}

export interface WebShell {
  /** The address to open, with the token in its fragment. */
  url: string;
  origin: string;
  port: number;
  token: string;
  bridge: ContractBridge;
  close(): Promise<void>;
}

/**
 * The browser shell: the built UI and the contract bridge on 127.0.0.1 only.
 * The Host header is checked so that a web page elsewhere cannot reach the
 * shell through DNS rebinding; the WebSocket also needs the token and Origin.
 */
export async function startWebShell({ station, port, rendererDir, token = randomBytes(32).toString('base64url') }: WebShellOptions): Promise<WebShell> {
  const log = station.log.child('web');
  let boundPort = port;
  const hosts = () => [`127.0.0.1:${boundPort}`, `localhost:${boundPort}`];
  const origins = () => hosts().map((h) => `http://${h}`);

  const bridge = new ContractBridge({
    dispatcher: station.dispatcher,
    hub: station.hub,
    token,
    allowedOrigins: origins,
    log,
  });

  const server: Server = createServer((request, response) => {
    const host = request.headers.host ?? '';
    if (!hosts().includes(host)) {
      response.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Misdirected request: use the address the station printed.\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const origin = `http://${host}`;
    void loadStatic(rendererDir, request.url ?? '/').then((file) => {
      if (file.kind === 'refused') {
        response.writeHead(file.status, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders(origin) }).end(`${file.status === 404 ? 'Not found' : 'Refused'}\n`);
        return;
      }
      response.writeHead(200, {
        'Content-Type': file.contentType,
        'Content-Length': String(file.body.length),
        'Cache-Control': file.cacheable ? 'public, max-age=31536000, immutable' : 'no-store',
        ...securityHeaders(origin),
      });
      response.end(request.method === 'HEAD' ? undefined : file.body);
    });
  });

  server.on('upgrade', (request, socket, head) => {
    if (!hosts().includes(request.headers.host ?? '')) {
      socket.destroy();
      return;
    }
    if (!bridge.handleUpgrade(request, socket, head)) {
      socket.write('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
    }
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the contract must never be reachable from the network.
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  boundPort = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${boundPort}`;
  log.info('browser shell listening', { origin });

  return {
    url: `${origin}/#${tokenFragmentKey}=${token}`,
    origin,
    port: boundPort,
    token,
    bridge,
    async close() {
      await bridge.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
