import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSbiSimulator, type SbiSimulator } from './server.js';

/** Sends raw bytes and returns everything the server writes before it closes. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

describe('why the SBI simulator reads HTTP itself', () => {
  it("node:http's server answers 400 to MOSIPDISC before any handler runs", async () => {
    let handlerRan = false;
    const server = http.createServer((_, response) => {
      handlerRan = true;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const answer = await raw(port, 'MOSIPDISC /device HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(handlerRan).toBe(false);
  });
});

describe('SBI simulator HTTP reader', () => {
  let sim: SbiSimulator;
  beforeAll(async () => {
    sim = await startSbiSimulator({ fingerWidth: 64, fingerHeight: 80 });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('answers MOSIPDISC with the absolute-URL request line the spec writes, body split across packets', async () => {
    const body = JSON.stringify({ type: 'Finger' });
    const answer = await raw(sim.port, `MOSIPDISC http://127.0.0.1:${sim.port}/device HTTP/1.1\r\nHOST: 127.0.0.1:${sim.port}\r\nEXT: test\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toMatch(/\r\nConnection: close\r\n/);
    const json = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { deviceId: string; deviceStatus: string; callbackId: string }[];
    expect(json[0]).toMatchObject({ deviceId: '1', deviceStatus: 'Ready', callbackId: `${sim.url}/` });
  });

  it('answers discovery for Face with an empty list and an unknown type with error 502', async () => {
    const ask = async (type: string) => {
      const body = JSON.stringify({ type });
      const answer = await raw(sim.port, `MOSIPDISC /device HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      return JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as unknown;
    };
    expect(await ask('Face')).toEqual([]);
    expect(await ask('Toaster')).toMatchObject([{ error: { errorCode: '502' } }]);
  });

  it('refuses what is not HTTP, unknown paths and wrong methods', async () => {
    expect(await raw(sim.port, 'hello there\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(sim.port, 'GET /nowhere HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 404/);
    expect(await raw(sim.port, 'GET /capture HTTP/1.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 405/);
    expect(await raw(sim.port, 'RCAPTURE /capture HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n')).toMatch(/^HTTP\/1\.1 413/);
  });
});
