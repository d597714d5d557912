import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { channelNames, channels, eventNames, type ChannelName } from '../../app/contract/channels.js';
import { roleAllows, type Dispatcher } from '../../app/contract/dispatcher.js';
import { errorCodes, type ErrorCode } from '../../app/contract/errors.js';
import { EventHub } from '../../app/contract/event-hub.js';
import { WireResult } from '../../app/contract/wire.js';
import { demoConfig } from '../../app/config/demo.js';
import { createLogger, memorySink } from '../../app/log/logger.js';
import { demoPassword } from '../../app/station/demo.js';
import { openStation, type Station } from '../../app/station/station.js';
import {
  attachIpc,
  createSenderCheck,
  ipcNames,
  type FrameLike,
  type InvokeEventLike,
  type IpcMainLike,
  type WebContentsLike,
} from './ipc-adapter.js';
import { ipcCallPrefix, ipcChannelName, ipcEventName } from './ipc-names.js';

// ---------------------------------------------------------------------------
// A fake ipcMain that behaves like Electron's where it matters here: one
// handler per name (a second registration throws), an invoke on a name with
// no handler rejects before any of our code runs, and arguments and replies
// are structured-cloned on the way (so functions cannot cross, and an object
// with a throwing getter is read in the "renderer", not in main).
// ---------------------------------------------------------------------------
type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  async invoke(channel: string, event: InvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const cloned = structuredClone(args);
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    return structuredClone(await handler(event, ...cloned));
  }
}

interface MutableFrame {
  url: string;
  origin?: string;
  parent: FrameLike | null;
  processId: number;
  routingId: number;
}

let nextRoutingId = 1;
function frame(url: string, parent: FrameLike | null = null, origin?: string): MutableFrame {
  return { url, origin, parent, processId: 7, routingId: nextRoutingId++ };
}

function contents(id: number, mainFrame: FrameLike): WebContentsLike & { destroyed: boolean } {
  return {
    id,
    mainFrame,
    destroyed: false,
    isDestroyed() {
      return this.destroyed;
    },
  };
}

// ---------------------------------------------------------------------------
// Seeded randomness, so that a failure can be replayed: FUZZ_SEED=<n>.
// ---------------------------------------------------------------------------
const seed = Number(process.env.FUZZ_SEED ?? 20240611);
function mulberry32(a: number): () => number {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(seed);
const int = (n: number) => Math.floor(random() * n);
function pick<T>(items: readonly T[]): T {
  return items[int(items.length)] as T;
}

/** Planted in payload values: it must never show up in a log line. */
const marker = 'SECRET-MARKER-7f3a';
const hugeString = `${marker}${'x'.repeat(1_500_000)}`;
const nastyKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'then', ''];
const fieldNames = ['username', 'password', 'displayName', 'role', 'language', 'id', 'disabled', 'limit'];

function randomString(): string {
  switch (int(8)) {
    case 0:
      return '';
    case 1:
      return hugeString;
    case 2:
      return `${marker}\u0000\u202e\ud800${'é'.repeat(int(300))}`;
    case 3:
      return "'; DROP TABLE operators; --";
    case 4:
      return pick(nastyKeys);
    case 5:
      return `${marker}-${'a'.repeat(int(5000))}`;
    case 6:
      return String.fromCharCode(...Array.from({ length: int(40) }, () => int(0xffff)));
    default:
      return pick(['ana', 'admin', 'pt', 'operator', 'balcao-demo']);
  }
}

function randomValue(depth: number): unknown {
  const leaf = depth > 4 || random() < 0.35;
  if (leaf) {
    switch (int(12)) {
      case 0:
        return null;
      case 1:
        return undefined;
      case 2:
        return random() < 0.5;
      case 3:
        return pick([Number.NaN, Infinity, -Infinity, -0, 1e308, -1, 0, 2 ** 53, 3.5, 501]);
      case 4:
        return BigInt(int(1000)) * 10n ** 30n;
      case 5:
        return new Date(int(2 ** 40));
      case 6:
        return new Uint8Array(int(64));
      case 7:
        return /re(g)ex/gi;
      default:
        return randomString();
    }
  }
  switch (int(6)) {
    case 0:
      return Array.from({ length: int(6) }, () => randomValue(depth + 1));
    case 1:
      return new Map([[randomString(), randomValue(depth + 1)]]);
    case 2:
      return new Set([randomValue(depth + 1)]);
    case 3: {
      // Own __proto__ / constructor keys, as JSON.parse makes them (a plain assignment would set the prototype).
      const key = pick(nastyKeys);
      return JSON.parse(`{${JSON.stringify(key)}: {"polluted": true, "isAdmin": true, "role": "admin"}}`) as unknown;
    }
    default: {
      const object: Record<string, unknown> = {};
      for (let i = int(5); i > 0; i -= 1) object[pick([...fieldNames, ...nastyKeys.filter((k) => k !== '__proto__')])] = randomValue(depth + 1);
      return object;
    }
  }
}

function deepNest(levels: number): unknown {
  let value: unknown = marker;
  for (let i = 0; i < levels; i += 1) value = random() < 0.5 ? [value] : { a: value };
  return value;
}

/** A payload close to valid for `channel`, then broken in one way. */
function nearMiss(channel: ChannelName): unknown {
  const valid: Record<ChannelName, Record<string, unknown>> = {
    'station.info': {},
    'auth.createFirstAdmin': { username: 'boss', displayName: 'Boss', password: 'long-enough-pass' },
    'auth.login': { username: 'ana', password: demoPassword },
    'auth.logout': {},
    'session.activity': {},
    'session.setLanguage': { language: 'en' },
    'operators.list': {},
    'operators.create': { username: 'newop', displayName: 'New Op', role: 'operator', password: 'long-enough-pass' },
    'operators.setDisabled': { id: 1, disabled: true },
    'operators.resetPassword': { id: 1, password: 'long-enough-pass' },
    'audit.recent': { limit: 10 },
    'devices.list': {},
    'devices.testCapture': { id: 'sim-ef01' },
    'devices.approve': { id: 'sim-ef01', password: demoPassword },
    'devices.revoke': { id: 'sim-ef01', password: demoPassword },
    'devices.rescan': {},
    'outbox.list': {},
    'outbox.retry': { packetId: '10001100770000120261122101112' },
    'cases.services': {},
    'cases.list': {},
    'cases.start': { serviceType: 'legalisation', applicantLanguage: 'uk' },
    'cases.get': { caseId: 'c-0001' },
    'cases.pause': { caseId: 'c-0001' },
    'cases.resume': { caseId: 'c-0001' },
    'cases.cancel': { caseId: 'c-0001', reason: 'applicant left' },
    'cases.goto': { caseId: 'c-0001', step: 'fingers' },
    'cases.next': { caseId: 'c-0001' },
    'cases.setApplicantLanguage': { caseId: 'c-0001', language: 'ar' },
    'cases.readMrz': { caseId: 'c-0001', deviceId: 'sim-mrz-desko' },
    'cases.enterMrz': { caseId: 'c-0001', lines: ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'] },
    'cases.scanIdentityPage': { caseId: 'c-0001', paper: 'td3' },
    'cases.verify': { caseId: 'c-0001' },
    'cases.setDemographics': { caseId: 'c-0001', values: { surname: 'Шевченко' } },
    'cases.consentText': { language: 'uk' },
    'cases.captureConsent': { caseId: 'c-0001', language: 'uk' },
    'cases.captureFinger': { caseId: 'c-0001', position: 2 },
    'cases.captureSlap': { caseId: 'c-0001', slap: 'left', positions: [7, 9] },
    'cases.fingerException': { caseId: 'c-0001', position: 7, reason: 'bandaged' },
    'cases.clearFinger': { caseId: 'c-0001', position: 2 },
    'cases.forceFinger': { caseId: 'c-0001', position: 2, supervisor: { username: 'sofia', password: demoPassword } },
    'cases.captureSignature': { caseId: 'c-0001' },
    'cases.signatureAction': { caseId: 'c-0001', action: 'accept' },
    'cases.scanDocument': { caseId: 'c-0001', type: 'proof-of-address' },
    'cases.rescanPage': { caseId: 'c-0001', pageId: 'p-1' },
    'cases.deletePage': { caseId: 'c-0001', pageId: 'p-1' },
    'cases.setPageType': { caseId: 'c-0001', pageId: 'p-1', type: 'passport' },
    'cases.image': { caseId: 'c-0001', ref: 'f-02-1' },
    'cases.approve': { caseId: 'c-0001', supervisor: { username: 'sofia', password: demoPassword } },
    'cases.seal': { caseId: 'c-0001' },
    'cases.receipt': { caseId: 'c-0001' },
  };
  const base: Record<string, unknown> = { ...valid[channel] };
  const keys = Object.keys(base);
  switch (int(6)) {
    case 0: {
      // An extra key, often a prototype-pollution one (an own property, as JSON.parse makes it).
      const extra = `${JSON.stringify(pick([...nastyKeys, 'isAdmin', 'role']))}:{"polluted":true,"role":"admin"}`;
      const body = JSON.stringify(base).slice(1, -1);
      return JSON.parse(`{${body}${body === '' ? '' : ','}${extra}}`) as unknown;
    }
    case 1:
      if (keys.length > 0) delete base[pick(keys)];
      else base.extra = marker;
      return base;
    case 2:
      if (keys.length > 0) base[pick(keys)] = randomValue(3);
      else base.unexpected = randomValue(3);
      return base;
    case 3:
      if (keys.length > 0) base[pick(keys)] = hugeString;
      else base.x = hugeString;
      return base;
    case 4:
      return pick([[base], JSON.stringify(base), 42, null, true, `${marker}`]);
    default:
      return { payload: base };
  }
}

function randomPayload(channel: ChannelName): unknown {
  switch (int(4)) {
    case 0:
      return randomValue(0);
    case 1:
      return deepNest(50 + int(500));
    default:
      return nearMiss(channel);
  }
}

/** What the contract says about a payload as it arrives in main (after the clone). */
function isValidFor(channel: ChannelName, arrived: unknown): boolean {
  return channels[channel].request.safeParse(arrived === undefined ? {} : arrived).success;
}

function malformedPayload(channel: ChannelName): unknown {
  for (let tries = 0; tries < 50; tries += 1) {
    const payload = randomPayload(channel);
    if (!isValidFor(channel, structuredClone(payload))) return payload;
  }
  return `${marker}-not-an-object`;
}

// ---------------------------------------------------------------------------

describe('ipc adapter against a real station (real dispatcher, real SQLite)', () => {
  let dataDir: string;
  let station: Station;
  const sink = memorySink();
  const log = createLogger('test', sink);
  const ipcMain = new FakeIpcMain();
  const sent: { channel: string; payload: unknown }[] = [];
  let detach: () => void;
  let dispatcherCalls = 0;
  let serviceCalls = 0;

  const appFrame = frame('app://balcao/');
  const app = contents(1, appFrame);
  const trusted: InvokeEventLike = { sender: app, senderFrame: appFrame };

  const auditCount = () => (station.db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'balcao-ipc-'));
    station = await openStation(demoConfig({ dataDir }), { log });
    // The demo's simulators open in the background (and approve themselves in the audit log): let them finish first.
    await station.devices.settled();
    // Count every way into the services: the auth service and the audit log.
    for (const method of ['login', 'logout', 'createFirstAdmin', 'touch', 'setLanguage', 'listOperators', 'createOperator', 'setDisabled', 'resetPassword'] as const) {
      const original = station.auth[method].bind(station.auth) as (...args: unknown[]) => unknown;
      vi.spyOn(station.auth, method).mockImplementation(((...args: unknown[]) => {
        serviceCalls += 1;
        return original(...args);
      }) as never);
    }
    for (const method of ['append', 'recent', 'verify'] as const) {
      const original = station.audit[method].bind(station.audit) as (...args: unknown[]) => unknown;
      vi.spyOn(station.audit, method).mockImplementation(((...args: unknown[]) => {
        serviceCalls += 1;
        return original(...args);
      }) as never);
    }
    const counted: Dispatcher = {
      call: (channel, payload, context) => {
        dispatcherCalls += 1;
        return station.dispatcher.call(channel, payload, context);
      },
    };
    detach = attachIpc({
      ipcMain,
      dispatcher: counted,
      hub: station.hub,
      checkSender: createSenderCheck(() => (app.destroyed ? null : app)),
      sendEvent: (channel, payload) => sent.push({ channel, payload }),
      log: log.child('ipc'),
    });
  });

  afterAll(async () => {
    detach?.();
    station?.close();
    vi.restoreAllMocks();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('registers exactly one handler per contract channel, under balcao:call:<channel>', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(channelNames.map((c) => `balcao:call:${c}`).sort());
    expect(ipcNames.calls).toEqual(channelNames.map(ipcChannelName));
    expect(ipcNames.events).toEqual(eventNames.map((e) => `balcao:event:${e}`));
  });

  /**
   * One fuzz round. Returns how many messages it sent. Every reply is checked
   * to be a WireResult with the code the contract and the sender predict;
   * none of them may reach a service.
   */
  async function fuzz(rounds: number, role: 'operator' | 'supervisor' | 'admin' | null): Promise<Record<string, number>> {
    const tally: Record<string, number> = {};
    const count = (what: string) => {
      tally[what] = (tally[what] ?? 0) + 1;
    };
    const auditBefore = auditCount();
    const servicesBefore = serviceCalls;

    const otherWindowFrame = frame('app://balcao/');
    const otherWindow = contents(2, otherWindowFrame);
    const evilUrls = [
      'https://evil.example/',
      'http://127.0.0.1:5173/',
      'file:///etc/passwd',
      'app://evil/',
      'app://balcao.evil.example/',
      'app://balcao:4433/',
      'app://user@balcao/',
      'APP://BALCAO/',
      'about:blank',
      'devtools://devtools/bundled/inspector.html',
      'data:text/html,<script>1</script>',
      'chrome-error://chromewebdata/',
      '',
      'not a url',
    ];

    const untrustedSenders: (() => { event: InvokeEventLike; restore?: () => void })[] = [
      // Another window, even one showing the app.
      () => ({ event: { sender: otherWindow, senderFrame: otherWindowFrame } }),
      // A sub-frame of the app window, same origin.
      () => ({ event: { sender: app, senderFrame: frame('app://balcao/', appFrame) } }),
      // A frame that has gone (Electron gives null after navigation/disposal).
      () => ({ event: { sender: app, senderFrame: null } }),
      // The app's top frame, but showing something else.
      () => {
        const previous = appFrame.url;
        appFrame.url = pick(evilUrls);
        return { event: trusted, restore: () => (appFrame.url = previous) };
      },
      // Our URL, but Chromium says the origin is opaque (sandboxed document).
      () => {
        appFrame.origin = 'null';
        return { event: trusted, restore: () => (appFrame.origin = undefined) };
      },
      // A disposed WebFrameMain: reading it throws.
      () => ({
        event: {
          sender: app,
          get senderFrame(): FrameLike {
            throw new Error('Render frame was disposed before WebFrameMain could be accessed');
          },
        },
      }),
      // The app window is gone.
      () => {
        app.destroyed = true;
        return { event: trusted, restore: () => (app.destroyed = false) };
      },
      // Nothing sensible at all.
      () => ({ event: { sender: contents(99, appFrame), senderFrame: appFrame } }),
      () => ({ event: {} as InvokeEventLike }),
    ];

    const unknownNames = [
      'balcao:call:unknown',
      'balcao:call:__proto__',
      'balcao:call:constructor',
      'balcao:call:toString',
      'balcao:call:station.info ',
      'balcao:call:AUTH.LOGIN',
      'balcao:call:',
      'balcao:event:session.changed',
      'auth.login',
      'station.info',
      '__proto__',
      '',
      `balcao:call:${'x'.repeat(10_000)}`,
    ];

    // A third of the rounds on the public channels, so that the outcomes that only they can give (a malformed
    // payload reaching validation while signed out) stay common however many operator channels the contract has.
    const publicChannels = channelNames.filter((c) => channels[c].access === 'public');
    for (let i = 0; i < rounds; i += 1) {
      const channel = random() < 1 / 3 ? pick(publicChannels) : pick(channelNames);
      const roll = random();
      const dispatcherBefore = dispatcherCalls;

      if (roll < 0.3) {
        // Untrusted sender: refused before the dispatcher, even with a perfectly valid login.
        const make = pick(untrustedSenders);
        const payload = random() < 0.3 && channel === 'auth.login' ? { username: 'admin', password: demoPassword } : random() < 0.5 ? {} : malformedPayload(channel);
        const { event, restore } = make();
        let reply: unknown;
        try {
          reply = await ipcMain.invoke(ipcChannelName(channel), event, payload);
        } finally {
          restore?.();
        }
        expectError(reply, 'transport.forbidden_sender');
        expect(dispatcherCalls).toBe(dispatcherBefore);
        count('forbidden_sender');
      } else if (roll < 0.42) {
        // An IPC name outside the contract: Electron rejects it; none of our handlers runs.
        const name = random() < 0.7 ? pick(unknownNames) : `${ipcCallPrefix}${randomString().slice(0, 200)}`;
        if (ipcMain.handlers.has(name)) continue;
        await expect(ipcMain.invoke(name, trusted, randomValue(0))).rejects.toThrow(/No handler registered/);
        expect(dispatcherCalls).toBe(dispatcherBefore);
        count('no_handler');
      } else if (roll < 0.5) {
        // Not one payload: not from our preload.
        const args = random() < 0.4 ? [] : Array.from({ length: 2 + int(4) }, () => randomValue(2));
        const reply = await ipcMain.invoke(ipcChannelName(channel), trusted, ...args);
        expectError(reply, 'contract.bad_envelope');
        expect(dispatcherCalls).toBe(dispatcherBefore);
        count('bad_envelope');
      } else if (roll < 0.53) {
        // Values that cannot be cloned never leave the renderer (Electron throws in ipcRenderer.invoke).
        const payload = pick<unknown>([() => 1, { f: () => 1 }, Symbol('s'), { s: Symbol('t') }, new WeakMap()]);
        await expect(ipcMain.invoke(ipcChannelName(channel), trusted, payload)).rejects.toThrow();
        expect(dispatcherCalls).toBe(dispatcherBefore);
        count('uncloneable');
      } else {
        // Trusted sender, contract channel, malformed payload: the dispatcher refuses it.
        const payload = malformedPayload(channel);
        const reply = await ipcMain.invoke(ipcChannelName(channel), trusted, payload);
        const access = channels[channel].access;
        const expected: ErrorCode = !roleAllows(role, access) ? (role === null ? 'auth.required' : 'auth.forbidden') : 'contract.bad_request';
        expectError(reply, expected);
        expect(dispatcherCalls).toBe(dispatcherBefore + 1);
        count(expected);
      }
    }
    // Nothing reached a service: no service method ran and the audit log did not grow.
    expect(serviceCalls).toBe(servicesBefore);
    expect(auditCount()).toBe(auditBefore);
    return tally;
  }

  function expectError(reply: unknown, code: ErrorCode): void {
    const parsed = WireResult.safeParse(reply);
    expect(parsed.success, `not a WireResult: ${JSON.stringify(reply)?.slice(0, 200)}`).toBe(true);
    if (!parsed.success) return;
    expect(parsed.data.ok).toBe(false);
    if (parsed.data.ok) return;
    expect(errorCodes).toContain(parsed.data.error.code);
    expect(parsed.data.error.code, parsed.data.error.message).toBe(code);
  }

  let total = 0;

  it('refuses 800 random and malformed messages while nobody is signed in', async () => {
    const tally = await fuzz(800, null);
    total += Object.values(tally).reduce((a, b) => a + b, 0);
    console.log(`ipc fuzz (signed out, seed ${seed}):`, tally);
    expect(tally['forbidden_sender']).toBeGreaterThan(100);
    expect(tally['auth.required']).toBeGreaterThan(50);
    expect(tally['contract.bad_request']).toBeGreaterThan(20);
    expect(station.auth.currentRole()).toBeNull();
  });

  it('then serves a valid call from the app page, and pushes the event to the window', async () => {
    const info = await ipcMain.invoke(ipcChannelName('station.info'), trusted, undefined);
    expect(WireResult.parse(info)).toMatchObject({ ok: true, result: { product: 'Balcão', session: null } });

    const auditBefore = auditCount();
    sent.length = 0;
    const login = await ipcMain.invoke(ipcChannelName('auth.login'), trusted, { username: 'admin', password: demoPassword });
    expect(login).toMatchObject({ ok: true, result: { operator: { username: 'admin', role: 'admin' } } });
    expect(auditCount()).toBe(auditBefore + 1);
    expect(sent).toEqual([{ channel: ipcEventName('session.changed'), payload: expect.objectContaining({ reason: 'login' }) }]);
  });

  it('refuses 700 more while an admin is signed in, and the session survives them', async () => {
    const tally = await fuzz(700, 'admin');
    total += Object.values(tally).reduce((a, b) => a + b, 0);
    console.log(`ipc fuzz (admin signed in, seed ${seed}):`, tally);
    expect(tally['contract.bad_request']).toBeGreaterThan(100);
    expect(tally['auth.required'] ?? 0).toBe(0);
    // An untrusted sender's auth.logout or operators.* did nothing.
    expect(station.auth.currentRole()).toBe('admin');
    expect(total).toBeGreaterThanOrEqual(1000);
  });

  it('still works afterwards: valid calls succeed and the audit chain is intact', async () => {
    const list = await ipcMain.invoke(ipcChannelName('operators.list'), trusted, {});
    expect(list).toMatchObject({ ok: true });
    const audit = await ipcMain.invoke(ipcChannelName('audit.recent'), trusted, { limit: 5 });
    expect(audit).toMatchObject({ ok: true, result: { chain: { ok: true, brokenAt: null } } });
    const logout = await ipcMain.invoke(ipcChannelName('auth.logout'), trusted, {});
    expect(logout).toEqual({ ok: true, result: { ok: true } });
    expect(station.auth.currentRole()).toBeNull();
  });

  it('never writes payload values (passwords, planted markers) into the log', () => {
    const text = sink.records.map((r) => JSON.stringify(r)).join('\n');
    expect(sink.records.some((r) => r.scope === 'test.ipc' && r.msg.includes('untrusted sender'))).toBe(true);
    expect(text).not.toContain(marker);
    expect(text).not.toContain(demoPassword);
  });

  it('removes every handler and its hub subscription when detached', () => {
    const hub = station.hub;
    const before = hub.size;
    detach();
    expect(ipcMain.handlers.size).toBe(0);
    expect(hub.size).toBe(before - 1);
    detach(); // idempotent
  });
});

describe('ipc adapter: last-resort guards', () => {
  const appFrame = frame('app://balcao/');
  const app = contents(1, appFrame);
  const trusted: InvokeEventLike = { sender: app, senderFrame: appFrame };
  const log = createLogger('test', memorySink());

  it('turns a throwing dispatcher into a typed internal error', async () => {
    const ipcMain = new FakeIpcMain();
    attachIpc({
      ipcMain,
      dispatcher: {
        call: () => {
          throw new Error('boom');
        },
      },
      hub: new EventHub(),
      checkSender: createSenderCheck(() => app),
      sendEvent: () => undefined,
      log,
    });
    const reply = await ipcMain.invoke(ipcChannelName('station.info'), trusted, {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('a window that cannot take an event does not break the hub', () => {
    const hub = new EventHub();
    const delivered: string[] = [];
    hub.subscribe((event) => delivered.push(event));
    attachIpc({
      ipcMain: new FakeIpcMain(),
      dispatcher: { call: async () => ({ ok: true, result: null }) },
      hub,
      checkSender: createSenderCheck(() => app),
      sendEvent: () => {
        throw new Error('Object has been destroyed');
      },
      log,
    });
    expect(() => hub.emit('session.idleWarning', { expiresAt: new Date().toISOString(), secondsLeft: 30 })).not.toThrow();
    expect(delivered).toEqual(['session.idleWarning']);
  });

  it('trusts the app top frame, by identity or by the same process/routing id', () => {
    const check = createSenderCheck(() => app);
    expect(check(trusted)).toEqual({ trusted: true });
    const sameFrameOtherWrapper = { ...appFrame };
    expect(check({ sender: app, senderFrame: sameFrameOtherWrapper })).toEqual({ trusted: true });
    const routed = { ...appFrame, url: 'app://balcao/operators?x=1#y' };
    expect(check({ sender: app, senderFrame: routed })).toEqual({ trusted: true });
    expect(check({ sender: app, senderFrame: { ...appFrame, routingId: appFrame.routingId + 1000 } })).toMatchObject({ trusted: false });
    expect(createSenderCheck(() => null)(trusted)).toMatchObject({ trusted: false, reason: 'no app window' });
  });
});
