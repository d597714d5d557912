import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDeviceError } from '../errors.js';
import { HttpClient, errorForStatus } from './http-client.js';

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/ok') {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-echo': req.headers['x-test'] ?? '' });
      return res.end(`hello ${req.method}`);
    }
    if (url === '/echo' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(201, { location: '/jobs/1' });
        res.end(Buffer.concat(chunks));
      });
      return;
    }
    const status = /^\/status\/(\d+)$/.exec(url);
    if (status) {
      res.writeHead(Number(status[1]), { 'content-type': 'text/plain' });
      return res.end(`status body ${status[1]}`);
    }
    if (url === '/stall') return; // never answers
    if (url === '/cut') {
      res.writeHead(200, { 'content-length': '100000' });
      res.write(Buffer.alloc(1000), () => setImmediate(() => res.socket?.destroy()));
      return;
    }
    if (url === '/big') {
      res.writeHead(200);
      return res.end(Buffer.alloc(5000));
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('HttpClient over loopback', () => {
  it('gets and posts, resolving relative URLs against the base', async () => {
    const client = new HttpClient({ baseUrl: `${base}/`, headers: { 'x-test': 'yes' } });
    const got = await client.get('ok');
    expect(got.status).toBe(200);
    expect(got.text()).toBe('hello GET');
    expect(got.headers.get('x-echo')).toBe('yes');
    expect(got.url).toBe(`${base}/ok`);
    const posted = await client.post('/echo', '<xml/>');
    expect(posted.status).toBe(201);
    expect(posted.headers.get('location')).toBe('/jobs/1');
    expect(posted.text()).toBe('<xml/>');
    expect((await client.delete('ok')).text()).toBe('hello DELETE');
  });

  it('returns accepted statuses and throws the others, naming method and URL', async () => {
    const client = new HttpClient({ baseUrl: base });
    expect((await client.get('/status/503', { accept: [503] })).status).toBe(503);
    const cases: Array<[number, string]> = [
      [503, 'busy'],
      [500, 'refused'],
      [400, 'refused'],
      [409, 'busy'],
      [404, 'not_found'],
    ];
    for (const [status, code] of cases) {
      const error = await failure(client.get(`/status/${status}`));
      expect(isDeviceError(error, code as 'busy'), `${status} → ${String(error)}`).toBe(true);
      expect((error as Error).message).toContain(`GET ${base}/status/${status} answered HTTP ${status}`);
      expect((error as Error).message).toContain(`status body ${status}`);
    }
  });

  it('times out a request that never gets an answer', async () => {
    const error = await failure(new HttpClient({ timeoutMs: 150 }).get(`${base}/stall`));
    expect(isDeviceError(error, 'timeout')).toBe(true);
    expect((error as Error).message).toMatch(/No complete answer to GET .*\/stall within 150 ms/);
  });

  it('cancels through an AbortSignal', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failure(new HttpClient().get(`${base}/stall`, { signal: controller.signal }));
    expect(isDeviceError(error, 'cancelled')).toBe(true);
    expect(isDeviceError(await failure(new HttpClient().get(`${base}/ok`, { signal: AbortSignal.abort() })), 'cancelled')).toBe(true);
  });

  it('reports a refused connection as not_found (nothing listens there)', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(new HttpClient().get(`http://127.0.0.1:${port}/eSCL/ScannerCapabilities`));
    expect(isDeviceError(error, 'not_found')).toBe(true);
    expect((error as Error).message).toMatch(/connection was refused/);
    expect((error as Error).message).toContain(`GET http://127.0.0.1:${port}/eSCL/ScannerCapabilities`);
  });

  it('reports a connection dropped mid-body as disconnected', async () => {
    const error = await failure(new HttpClient().get(`${base}/cut`));
    expect(isDeviceError(error, 'disconnected')).toBe(true);
    expect((error as Error).message).toContain(`GET ${base}/cut`);
  });

  it('refuses bodies over the limit and URLs that are not URLs', async () => {
    expect(isDeviceError(await failure(new HttpClient().get(`${base}/big`, { maxBodyBytes: 1000 })), 'protocol')).toBe(true);
    expect(isDeviceError(await failure(new HttpClient().get('not a url')), 'not_found')).toBe(true);
  });
});

describe('errorForStatus', () => {
  it('maps statuses to codes', () => {
    expect(errorForStatus(429, 'GET', 'http://x/').code).toBe('busy');
    expect(errorForStatus(504, 'GET', 'http://x/').code).toBe('timeout');
    expect(errorForStatus(410, 'GET', 'http://x/').code).toBe('not_found');
    expect(errorForStatus(501, 'POST', 'http://x/').deviceCode).toBe(501);
  });
});
