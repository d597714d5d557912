import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { channelNames, channels, type ChannelName } from '../../app/contract/channels.js';
import { WsServerFrame, maxFrameBytes } from '../../app/contract/wire.js';
import { tokenProtocolPrefix, wsPath, wsProtocol } from '../../app/contract/ws-protocol.js';
import { openTempStation, type TempStation } from '../../test/support/temp-station.js';
import { deepNesting, prng } from '../../test/support/fuzz.js';
import { startWebShell, type WebShell } from './shell.js';

let t: TempStation;
let shell: WebShell;

beforeAll(async () => {
  t = await openTempStation();
  const rendererDir = path.join(t.dir, 'renderer');
  mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Balcão</title>');
  writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  shell = await startWebShell({ station: t.station, port: 0, rendererDir });
});

afterAll(async () => {
  await shell.close();
  t.close();
});

interface Client {
  ws: WebSocket;
  frames: WsServerFrame[];
  next(): Promise<WsServerFrame>;
  call(channel: string, payload: unknown): Promise<WsServerFrame>;
}

function connect(options: { token?: string; origin?: string; protocols?: string[] } = {}): Promise<Client> {
  const protocols = options.protocols ?? [wsProtocol, `${tokenProtocolPrefix}${options.token ?? shell.token}`];
  const ws = new WebSocket(`ws://127.0.0.1:${shell.port}${wsPath}`, protocols, { origin: options.origin ?? shell.origin });
  const frames: WsServerFrame[] = [];
  const waiters: ((f: WsServerFrame) => void)[] = [];
  ws.on('message', (data) => {
    const frame = WsServerFrame.parse(JSON.parse(data.toString()));
    const waiter = waiters.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const next = () => {
    const queued = frames.shift();
    return queued ? Promise.resolve(queued) : new Promise<WsServerFrame>((resolve) => waiters.push(resolve));
  };
  let id = 1;
  const client: Client = {
    ws,
    frames,
    next,
    call: (channel, payload) => {
      ws.send(JSON.stringify({ type: 'call', id: id++, channel, payload }));
      return next();
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function auditCount(): number {
  return t.station.audit.verify().checked;
}

describe('browser shell: HTTP', () => {
  it('listens on loopback only', () => {
    expect(shell.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(shell.url).toBe(`${shell.origin}/#token=${shell.token}`);
    expect(shell.token.length).toBeGreaterThanOrEqual(40);
  });

  it('serves the UI with a strict CSP, falls back to index.html for routes, and refuses traversal', async () => {
    const home = await fetch(`${shell.origin}/login`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<title>Balcão</title>');
    const csp = home.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${shell.port}`);
    expect(home.headers.get('cache-control')).toBe('no-store');
    expect((await fetch(`${shell.origin}/assets/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    // Sent raw (fetch would normalise the dots away before the server saw them).
    const { request } = await import('node:http');
    const raw = (rawPath: string) =>
      new Promise<{ status: number; body: string; csp: string }>((resolve, reject) => {
        request({ host: '127.0.0.1', port: shell.port, path: rawPath, headers: { Host: `127.0.0.1:${shell.port}` } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, csp: String(res.headers['content-security-policy'] ?? '') }));
        })
          .on('error', reject)
          .end();
      });
    for (const evil of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fetc%2fpasswd', '/assets/%00.js', '/assets\\..\\..\\etc\\passwd', '/%E0%A4%A']) {
      const response = await raw(evil);
      expect(response.body).not.toContain('root:');
      expect([400, 403]).toContain(response.status);
      expect(response.csp).toContain("default-src 'self'");
    }
    expect((await raw('/assets/missing.js')).status).toBe(404);
    expect((await fetch(`${shell.origin}/`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses requests for another Host name (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      request({ host: '127.0.0.1', port: shell.port, path: '/', headers: { Host: 'evil.example' } }, (res) => resolve(res.statusCode ?? 0)).end();
    });
    expect(status).toBe(421);
  });
});

describe('browser shell: WebSocket bridge', () => {
  it('accepts the right token from the right origin, and answers a call', async () => {
    const client = await connect();
    expect(client.ws.protocol).toBe(wsProtocol);
    const frame = await client.call('station.info', {});
    expect(frame).toMatchObject({ type: 'result', id: 1, reply: { ok: true, result: { product: 'Balcão', centreId: '10001' } } });
    client.ws.close();
  });

  it.each([
    ['a wrong token', { token: 'x'.repeat(43) }, 'HTTP 401'],
    ['no token', { protocols: [wsProtocol] }, 'HTTP 401'],
    ['no contract protocol', { protocols: [`${tokenProtocolPrefix}anything`] }, 'HTTP 403'],
    ['a foreign origin', { origin: 'http://evil.example' }, 'HTTP 403'],
    ['another port on loopback', { origin: 'http://127.0.0.1:1' }, 'HTTP 403'],
  ])('refuses %s', async (_name, options, expected) => {
    await expect(connect(options)).rejects.toThrow(expected);
  });

  it('survives 1,000 random and malformed frames: each gets a typed refusal, none reaches a service', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    console.log(`bridge fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`);
    const rng = prng(seed);
    const client = await connect();
    const before = auditCount();
    const allowed = new Set(['contract.bad_envelope', 'contract.unknown_channel', 'contract.bad_request', 'auth.required']);
    const kinds = new Map<string, number>();
    let sent = 0;

    const generators: (() => { text?: string; binary?: Buffer; kind: string })[] = [
      () => ({ kind: 'not json', text: rng.string(60) + '{' }),
      () => ({ kind: 'json non-object', text: JSON.stringify(rng.pick([null, 1, 'call', [1, 2, 3], true])) }),
      () => ({ kind: 'missing fields', text: JSON.stringify({ type: 'call', id: rng.int(1000) }) }),
      () => ({ kind: 'wrong type', text: JSON.stringify({ type: rng.pick(['cal', 'result', 'event', '', null]), id: 1, channel: 'station.info', payload: {} }) }),
      () => ({ kind: 'bad id', text: JSON.stringify({ type: 'call', id: rng.pick([-1, 1.5, '7', null, 1e300]), channel: 'station.info', payload: {} }) }),
      () => ({ kind: 'extra keys', text: JSON.stringify({ type: 'call', id: 3, channel: 'station.info', payload: {}, admin: true }) }),
      () => ({ kind: 'unknown channel', text: JSON.stringify({ type: 'call', id: 4, channel: rng.pick(['__proto__', 'constructor', 'toString', 'auth', 'auth.login ', 'AUTH.LOGIN', rng.string(20)]), payload: {} }) }),
      () => {
        // A known channel with a payload its schema rejects (checked here, so the case is really malformed).
        const name = rng.pick(channelNames) as ChannelName;
        for (;;) {
          const payload = rng.json(3);
          if (!channels[name].request.safeParse(payload ?? {}).success) {
            return { kind: 'bad payload', text: JSON.stringify({ type: 'call', id: 5, channel: name, payload }) };
          }
        }
      },
      () => ({ kind: 'prototype pollution', text: '{"type":"call","id":6,"channel":"auth.login","payload":{"__proto__":{"polluted":true},"username":"ana","password":"balcao-demo"}}' }),
      () => ({ kind: 'deep nesting', text: `{"type":"call","id":7,"channel":"auth.login","payload":${deepNesting(5000)}}` }),
      () => ({ kind: 'huge string', text: JSON.stringify({ type: 'call', id: 8, channel: 'auth.login', payload: { username: 'u'.repeat(100_000), password: 'p' } }) }),
      () => ({ kind: 'binary', binary: Buffer.from([0, 1, 2, 255, 254]) }),
      () => ({ kind: 'role-gated', text: JSON.stringify({ type: 'call', id: 9, channel: rng.pick(['operators.list', 'audit.recent', 'auth.logout', 'session.activity']), payload: rng.json(2) }) }),
    ];

    for (let i = 0; i < 1040; i++) {
      const message = (generators[i % generators.length] as (typeof generators)[number])();
      kinds.set(message.kind, (kinds.get(message.kind) ?? 0) + 1);
      if (message.binary) client.ws.send(message.binary, { binary: true });
      else client.ws.send(message.text as string);
      sent += 1;
      const frame = await client.next();
      const error = frame.type === 'refused' ? frame.error : frame.type === 'result' && !frame.reply.ok ? frame.reply.error : null;
      if (error === null || !allowed.has(error.code)) throw new Error(`message ${i} (${message.kind}) got ${JSON.stringify(frame).slice(0, 300)}`);
    }

    expect(sent).toBeGreaterThanOrEqual(1000);
    expect(kinds.size).toBe(generators.length);
    expect(auditCount()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(t.logs.filter((l) => l.msg === 'contract frame refused' || l.msg === 'contract call refused').length).toBeGreaterThanOrEqual(1000);
    // Still serving, on the same connection.
    expect(await client.call('station.info', {})).toMatchObject({ reply: { ok: true } });
    client.ws.close();
  });

  it('closes only the connection that sends an oversized frame', async () => {
    const victim = await connect();
    const bystander = await connect();
    const closed = new Promise<number>((resolve) => victim.ws.on('close', (code) => resolve(code)));
    victim.ws.send('x'.repeat(maxFrameBytes + 10));
    expect(await closed).toBe(1009);
    expect(await bystander.call('station.info', {})).toMatchObject({ reply: { ok: true } });
    bystander.ws.close();
  });

  it('pushes events to every connected page', async () => {
    const watcher = await connect();
    const actor = await connect();
    // The caller gets both its reply and the event; the event is emitted while the call runs, so it may come first.
    const first = await actor.call('auth.login', { username: 'ana', password: 'balcao-demo' });
    const actorFrames = [first, await actor.next()];
    expect(actorFrames.find((f) => f.type === 'result')).toMatchObject({ reply: { ok: true, result: { operator: { username: 'ana' } } } });
    const events = [await watcher.next(), actorFrames.find((f) => f.type === 'event')];
    for (const event of events) expect(event).toMatchObject({ type: 'event', event: 'session.changed', payload: { reason: 'login' } });
    watcher.ws.close();
    actor.ws.close();
  });
});
