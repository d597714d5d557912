// Contract round trip over the WebSocket bridge: 10,000 sequential calls from a client process to a
// `balcao serve` process, p50/p99. Reference in the same run: a bare `ws` echo server in its own
// process, same message size, so the figure shows what the contract layer (parse, role check,
// handler, response check) adds to the socket itself.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { startShell } from '../test/support/shell-process.js';
import { fmt, report, summarise } from './support.js';
import { tokenProtocolPrefix, wsPath, wsProtocol } from '../app/contract/ws-protocol.js';

const calls = Number(process.env.CALLS ?? 10_000);
const warmup = 500;

async function timeCalls(ws: WebSocket, frame: (id: number) => string): Promise<number[]> {
  const samples: number[] = [];
  let resolveNext: (() => void) | null = null;
  ws.on('message', () => resolveNext?.());
  for (let i = 0; i < warmup + calls; i++) {
    const start = performance.now();
    await new Promise<void>((resolve) => {
      resolveNext = resolve;
      ws.send(frame(i));
    });
    if (i >= warmup) samples.push(performance.now() - start);
  }
  return samples;
}

function open(url: string, protocols: string[], origin?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, origin ? { origin } : {});
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'balcao-bench-ws-'));
const shell = await startShell(['--demo', '--data-dir', path.join(dir, 'demo')]);
const token = new URL(shell.url).hash.replace('#token=', '');
const contract = await open(`${shell.origin.replace('http', 'ws')}${wsPath}`, [wsProtocol, `${tokenProtocolPrefix}${token}`], shell.origin);

// One login first, so the timed call runs the role check and the session's clock like a real page does.
// Wait for its own reply (the session.changed event arrives too) before timing anything.
await new Promise<void>((resolve, reject) => {
  const onMessage = (data: WebSocket.RawData) => {
    const frame = JSON.parse(data.toString()) as { type: string; id?: number; reply?: { ok: boolean } };
    if (frame.type !== 'result' || frame.id !== 0) return;
    contract.off('message', onMessage);
    if (frame.reply?.ok) resolve();
    else reject(new Error(`login failed: ${data.toString()}`));
  };
  contract.on('message', onMessage);
  contract.send(JSON.stringify({ type: 'call', id: 0, channel: 'auth.login', payload: { username: 'ana', password: 'balcao-demo' } }));
});
const infoSamples = await timeCalls(contract, (id) => JSON.stringify({ type: 'call', id: id + 1, channel: 'session.activity', payload: {} }));
contract.close();
await shell.stop();

// Reference: a bare ws echo server in a child process.
const echo = spawn(process.execPath, ['-e', `
  const { WebSocketServer } = require('ws');
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  wss.on('listening', () => console.log(wss.address().port));
  wss.on('connection', (ws) => ws.on('message', (m) => ws.send(m.toString())));
`], { stdio: ['ignore', 'pipe', 'inherit'] });
const echoPort = await new Promise<number>((resolve) => echo.stdout.once('data', (c: Buffer) => resolve(Number(c.toString().trim()))));
const bare = await open(`ws://127.0.0.1:${echoPort}/`, []);
const bareSamples = await timeCalls(bare, (id) => JSON.stringify({ type: 'call', id, channel: 'session.activity', payload: {} }));
bare.close();
echo.kill();
rmSync(dir, { recursive: true, force: true });

const contractStats = summarise(infoSamples);
const bareStats = summarise(bareSamples);
console.log(`contract call (session.activity) over the WebSocket bridge, ${calls} sequential calls:`);
console.log(`  p50 ${fmt(contractStats.p50)}  p90 ${fmt(contractStats.p90)}  p99 ${fmt(contractStats.p99)}  max ${fmt(contractStats.max)}  mean ${fmt(contractStats.mean)}`);
console.log(`reference: bare ws echo, same frames, ${calls} calls:`);
console.log(`  p50 ${fmt(bareStats.p50)}  p90 ${fmt(bareStats.p90)}  p99 ${fmt(bareStats.p99)}  max ${fmt(bareStats.max)}  mean ${fmt(bareStats.mean)}`);
console.log(`contract overhead at p50: ${fmt(contractStats.p50 - bareStats.p50)}`);
report('ws-roundtrip', { calls, contract: contractStats, bareEcho: bareStats });
