import { describe, expect, it } from 'vitest';
import { channelNames, channels, type ChannelName, type Role } from './channels.js';
import { createDispatcher, roleAllows, type Handlers } from './dispatcher.js';
import { ContractError } from './errors.js';
import { WireResult } from './wire.js';
import { createLogger, memorySink } from '../log/logger.js';

function counting(overrides: Partial<Record<ChannelName, (req: unknown) => unknown>> = {}) {
  const calls: string[] = [];
  const handlers = Object.fromEntries(
    channelNames.map((name) => [
      name,
      (req: unknown) => {
        calls.push(name);
        const override = overrides[name];
        if (override) return override(req);
        throw new Error(`no fake result for ${name}`);
      },
    ]),
  ) as unknown as Handlers;
  return { handlers, calls };
}

function make(role: Role | null, overrides: Partial<Record<ChannelName, (req: unknown) => unknown>> = {}) {
  const sink = memorySink();
  const { handlers, calls } = counting(overrides);
  const dispatcher = createDispatcher({ handlers, currentRole: () => role, log: createLogger('t', sink) });
  return { dispatcher, calls, logs: sink.records };
}

const ctx = { transport: 'inproc' as const };

describe('dispatcher', () => {
  it('answers an unknown channel with a typed error, logs it, and calls nothing', async () => {
    const { dispatcher, calls, logs } = make('admin');
    for (const name of ['nope', '', '__proto__', 'constructor', 'toString', 42, null, { a: 1 }]) {
      const reply = WireResult.parse(await dispatcher.call(name, {}, ctx));
      expect(reply).toMatchObject({ ok: false, error: { code: 'contract.unknown_channel' } });
    }
    expect(calls).toEqual([]);
    expect(logs.filter((l) => l.msg === 'contract call refused')).toHaveLength(8);
  });

  it('parses the request before the handler sees it', async () => {
    const { dispatcher, calls } = make(null);
    const bad = [{ username: 1, password: 'x' }, { username: 'a' }, { username: 'a', password: 'b', extra: true }, 'string', [1, 2], null];
    for (const payload of bad) {
      const reply = await dispatcher.call('auth.login', payload, ctx);
      expect(reply).toMatchObject({ ok: false, error: { code: 'contract.bad_request' } });
    }
    expect(calls).toEqual([]);
  });

  it('checks the role declared in the contract before anything else', async () => {
    expect(roleAllows(null, 'public')).toBe(true);
    expect(roleAllows(null, 'operator')).toBe(false);
    expect(roleAllows('operator', 'supervisor')).toBe(false);
    expect(roleAllows('admin', 'supervisor')).toBe(true);
    const anonymous = make(null);
    expect(await anonymous.dispatcher.call('operators.list', {}, ctx)).toMatchObject({ ok: false, error: { code: 'auth.required' } });
    const operator = make('operator');
    expect(await operator.dispatcher.call('operators.list', {}, ctx)).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });
    expect(await operator.dispatcher.call('audit.recent', { limit: 5 }, ctx)).toMatchObject({ ok: false, error: { code: 'auth.forbidden' } });
    expect([...anonymous.calls, ...operator.calls]).toEqual([]);
    // Every channel's access level is one the dispatcher knows.
    for (const name of channelNames) expect(['public', 'operator', 'supervisor', 'admin']).toContain(channels[name].access);
  });

  it('passes a service ContractError through, hides other failures, and checks responses', async () => {
    const { dispatcher, logs } = make('admin', {
      'operators.list': () => {
        throw new ContractError('auth.last_admin', 'nope');
      },
      'auth.logout': () => {
        throw new TypeError('secret internals');
      },
      'session.activity': () => ({ idleWarningAt: 12 }),
      'audit.recent': () => ({ entries: [], chain: { ok: true, checked: 0, brokenAt: null } }),
    });
    expect(await dispatcher.call('operators.list', {}, ctx)).toEqual({ ok: false, error: { code: 'auth.last_admin', message: 'nope' } });
    const internal = await dispatcher.call('auth.logout', {}, ctx);
    expect(internal).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(internal)).not.toContain('secret internals');
    expect(await dispatcher.call('session.activity', {}, ctx)).toMatchObject({ ok: false, error: { code: 'contract.bad_response' } });
    expect(await dispatcher.call('audit.recent', { limit: 3 }, ctx)).toEqual({ ok: true, result: { entries: [], chain: { ok: true, checked: 0, brokenAt: null } } });
    expect(logs.some((l) => l.level === 'error' && JSON.stringify(l.fields).includes('secret internals'))).toBe(true);
  });
});

describe('dispatcher logging', () => {
  it('keeps log lines short when a page sends enormous key names', async () => {
    const { dispatcher, logs } = make(null);
    const reply = await dispatcher.call('auth.login', { ['k'.repeat(100_000)]: 1, username: 'a', password: 'b' }, { transport: 'ws' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'contract.bad_request' } });
    expect(JSON.stringify(reply).length).toBeLessThan(2000);
    expect(JSON.stringify(logs.at(-1)).length).toBeLessThan(2000);
  });
});
