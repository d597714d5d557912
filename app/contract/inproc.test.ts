import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, channels, type ChannelName } from './channels.js';
import { ContractError } from './errors.js';
import { openTempStation, type TempStation } from '../../test/support/temp-station.js';
import { prng } from '../../test/support/fuzz.js';

let t: TempStation;
beforeAll(async () => {
  t = await openTempStation();
});
afterAll(() => t.close());

describe('in-process transport', () => {
  it('answers 1,000 random and malformed calls with typed errors, reaching no service', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    console.log(`in-process fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`);
    const rng = prng(seed);
    const api = t.station.api;
    const dispatcher = t.station.dispatcher;
    const auditBefore = t.station.audit.verify().checked;
    const codes = new Map<string, number>();

    for (let i = 0; i < 1000; i++) {
      let reply;
      if (i % 4 === 0) {
        // Straight to the dispatcher with a channel name no contract has (or a non-string).
        reply = await dispatcher.call(rng.pick(['', 'auth', '__proto__', 'hasOwnProperty', 7, null, undefined, rng.string(30)]), rng.json(2), { transport: 'inproc' });
      } else {
        // Through the typed API, with a payload the channel's schema rejects.
        const name = rng.pick(channelNames) as ChannelName;
        let payload: unknown;
        do payload = rng.json(3);
        while (payload === undefined || channels[name].request.safeParse(payload).success);
        try {
          await (api.call[name] as (p: unknown) => Promise<unknown>)(payload);
          throw new Error(`call ${i} to ${name} with ${JSON.stringify(payload).slice(0, 100)} succeeded`);
        } catch (error) {
          expect(error).toBeInstanceOf(ContractError);
          reply = { ok: false as const, error: (error as ContractError).toBody() };
        }
      }
      expect(reply.ok).toBe(false);
      if (!reply.ok) codes.set(reply.error.code, (codes.get(reply.error.code) ?? 0) + 1);
    }
    expect([...codes.keys()].sort()).toEqual(expect.arrayContaining(['contract.bad_request', 'contract.unknown_channel']));
    for (const code of codes.keys()) expect(['contract.bad_request', 'contract.unknown_channel', 'auth.required']).toContain(code);
    expect(t.station.audit.verify().checked).toBe(auditBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await api.call['station.info']({})).product).toBe('Balcão');
  });
});
