import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { channelNames, eventNames } from '../../app/contract/channels.js';
import { ipcChannelName, ipcEventName } from './ipc-names.js';
import { createPreloadBridge, type IpcListener, type PreloadIpc } from './preload-api.js';

/** A fake ipcRenderer: records invokes, and emits (event, payload) like Electron does. */
function fakeIpcRenderer(reply: (channel: string, payload: unknown) => unknown = () => ({ ok: true, result: null })) {
  const emitter = new EventEmitter();
  const invoked: { channel: string; args: unknown[] }[] = [];
  const fakeEvent = { sender: { send: () => 'ipcRenderer!' }, ports: [], senderId: 0 };
  const ipc: PreloadIpc = {
    invoke: async (channel, ...args) => {
      invoked.push({ channel, args });
      return reply(channel, args[0]);
    },
    on: (channel, listener) => {
      emitter.on(channel, listener);
    },
    removeListener: (channel, listener: IpcListener) => {
      emitter.removeListener(channel, listener);
    },
  };
  return { ipc, invoked, emitter, emit: (channel: string, payload: unknown) => emitter.emit(channel, fakeEvent, payload) };
}

describe('preload bridge (window.balcao)', () => {
  it('has exactly one call per contract channel and one subscriber per event, nothing else', () => {
    const bridge = createPreloadBridge(fakeIpcRenderer().ipc);
    expect(Object.keys(bridge).sort()).toEqual(['calls', 'events']);
    expect(Object.keys(bridge.calls).sort()).toEqual([...channelNames].sort());
    expect(Object.keys(bridge.events).sort()).toEqual([...eventNames].sort());
    for (const fn of [...Object.values(bridge.calls), ...Object.values(bridge.events)]) expect(typeof fn).toBe('function');
    // No generic entry point that takes a channel name, under any spelling.
    const everyKey = [...Object.keys(bridge), ...Object.keys(bridge.calls), ...Object.keys(bridge.events)];
    for (const generic of ['invoke', 'send', 'sendSync', 'on', 'once', 'off', 'removeListener', 'ipcRenderer', 'call', 'emit', 'postMessage']) {
      expect(everyKey).not.toContain(generic);
    }
    // Frozen: the page cannot add or swap a function (contextBridge copies it anyway; this keeps the contract honest).
    expect(Object.isFrozen(bridge) && Object.isFrozen(bridge.calls) && Object.isFrozen(bridge.events)).toBe(true);
  });

  it('sends each call on its own namespaced IPC channel, with exactly the payload', async () => {
    const fake = fakeIpcRenderer();
    const bridge = createPreloadBridge(fake.ipc);
    for (const channel of channelNames) {
      const call = bridge.calls[channel] as (...args: unknown[]) => Promise<unknown>;
      await call({ probe: channel }, 'smuggled', { extra: true });
    }
    expect(fake.invoked).toEqual(channelNames.map((c) => ({ channel: ipcChannelName(c), args: [{ probe: c }] })));
  });

  it('always resolves to a WireResult: a rejected invoke or a strange reply become typed errors', async () => {
    const rejecting = createPreloadBridge({
      ...fakeIpcRenderer().ipc,
      invoke: async () => {
        throw new Error("Error invoking remote method 'balcao:call:station.info': Error: No handler registered");
      },
    });
    await expect(rejecting.calls['station.info']({})).resolves.toMatchObject({ ok: false, error: { code: 'transport.closed' } });

    const strange = createPreloadBridge(fakeIpcRenderer(() => ({ ok: 'yes', ipcRenderer: {} })).ipc);
    await expect(strange.calls['auth.login']({})).resolves.toMatchObject({ ok: false, error: { code: 'contract.bad_response' } });

    const fine = createPreloadBridge(fakeIpcRenderer(() => ({ ok: false, error: { code: 'auth.required', message: 'Sign in.' } })).ipc);
    await expect(fine.calls['operators.list']({})).resolves.toEqual({ ok: false, error: { code: 'auth.required', message: 'Sign in.' } });
  });

  it('gives listeners the payload only — never the IpcRendererEvent', () => {
    const fake = fakeIpcRenderer();
    const bridge = createPreloadBridge(fake.ipc);
    const seen: unknown[][] = [];
    bridge.events['session.changed']((...args: unknown[]) => seen.push(args));
    fake.emit(ipcEventName('session.changed'), { session: null, reason: 'logout' });
    expect(seen).toEqual([[{ session: null, reason: 'logout' }]]);
  });

  it('routes each event to its own subscribers only, and unsubscribe works (once, idempotently)', () => {
    const fake = fakeIpcRenderer();
    const bridge = createPreloadBridge(fake.ipc);
    const changed: unknown[] = [];
    const warned: unknown[] = [];
    const listener = (p: unknown) => changed.push(p);
    const off1 = bridge.events['session.changed'](listener);
    const off2 = bridge.events['session.changed'](listener); // the same function twice: two subscriptions
    const offWarn = bridge.events['session.idleWarning']((p) => warned.push(p));
    expect(fake.emitter.listenerCount(ipcEventName('session.changed'))).toBe(1); // fanned out, not piled up

    fake.emit(ipcEventName('session.changed'), 1);
    expect(changed).toEqual([1, 1]);
    expect(warned).toEqual([]);

    off1();
    off1();
    fake.emit(ipcEventName('session.changed'), 2);
    expect(changed).toEqual([1, 1, 2]);

    off2();
    expect(fake.emitter.listenerCount(ipcEventName('session.changed'))).toBe(0);
    fake.emit(ipcEventName('session.changed'), 3);
    expect(changed).toEqual([1, 1, 2]);

    fake.emit(ipcEventName('session.idleWarning'), { secondsLeft: 5 });
    expect(warned).toEqual([{ secondsLeft: 5 }]);
    offWarn();
    expect(fake.emitter.eventNames()).toEqual([]);
  });

  it('a throwing page listener does not stop the others; a non-function is refused', () => {
    const fake = fakeIpcRenderer();
    const bridge = createPreloadBridge(fake.ipc);
    const got: unknown[] = [];
    bridge.events['session.changed'](() => {
      throw new Error('page bug');
    });
    bridge.events['session.changed']((p) => got.push(p));
    expect(() => fake.emit(ipcEventName('session.changed'), 'x')).not.toThrow();
    expect(got).toEqual(['x']);
    expect(() => bridge.events['session.changed']('alert(1)' as unknown as () => void)).toThrow(TypeError);
  });
});
