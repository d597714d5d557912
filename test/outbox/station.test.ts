import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { demoConfig } from '../../app/config/demo.js';
import { openStation } from '../../app/station/station.js';
import { createLogger, memorySink } from '../../app/log/logger.js';
import { aesGcmChoice } from '../../app/packets/aes-gcm.js';
import { demoPassword } from '../../app/station/demo.js';
import { ContractError } from '../../app/contract/errors.js';
import { outboxFlush, outboxList } from '../../main/cli/outbox.js';
import { startRig, type Rig } from './harness.js';

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe('outbox through the contract and the CLI', () => {
  it('lists the queue for supervisors only, retries on request, and pushes outbox.changed events', async () => {
    rig = await startRig();
    const sealed = await rig.seal();
    const dataDir = path.join(rig.dir, 'contract-station');
    const config = { ...demoConfig({ dataDir, agencyUrl: rig.agency.url }), agency: { ...rig.config.agency, token: 'wrong' } };
    const sink = memorySink();
    const station = await openStation(config, { log: createLogger('t', sink) });
    try {
      // The log says once which AES-256-GCM seals packets (the addon here; setup installs libcrypto.so.3).
      const aes = sink.records.filter((r) => r.msg.startsWith('packets: AES-256-GCM'));
      expect(aes).toHaveLength(1);
      expect(aes[0]).toMatchObject(aesGcmChoice().engine === 'openssl'
        ? { level: 'info', msg: 'packets: AES-256-GCM through the system OpenSSL', fields: { detail: expect.stringMatching(/^OpenSSL 3/) } }
        : { level: 'warn', msg: 'packets: AES-256-GCM through node:crypto (slower)' });
      const events: string[] = [];
      station.api.on['outbox.changed']((entry) => events.push(`${entry.state}:${entry.lastError?.code ?? '-'}`));
      station.outbox.enqueue(sealed);
      await station.api.call['auth.login']({ username: 'ana', password: demoPassword });
      await expect(station.api.call['outbox.list']({})).rejects.toMatchObject({ code: 'auth.forbidden' });
      await station.api.call['auth.logout']({});
      await station.api.call['auth.login']({ username: 'rui', password: demoPassword });
      // The background worker tries at once; the token is wrong, so the entry waits with a clear error.
      const started = Date.now();
      while (!events.includes('sealed:token_rejected') && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 20));
      const list = await station.api.call['outbox.list']({});
      expect(list.counts.sealed).toBe(1);
      expect(list.entries[0]).toMatchObject({ packetId: sealed.packetId, state: 'sealed', attempts: 1, lastError: { code: 'token_rejected' }, held: false });
      const retried = await station.api.call['outbox.retry']({ packetId: sealed.packetId });
      expect(Date.parse(retried.nextAttemptAt!)).toBeLessThanOrEqual(Date.now());
      const error = await station.api.call['outbox.retry']({ packetId: '10001100779999920261122101112' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ContractError);
      expect((error as ContractError).code).toBe('outbox.unknown_packet');
      expect(events[0]).toBe('sealed:-');
    } finally {
      station.close();
    }
  });

  it('balcao outbox list / flush print the queue and a summary, and exit 0 once all is delivered', async () => {
    rig = await startRig();
    const dataDir = path.join(rig.dir, 'cli-station');
    const base = demoConfig({ dataDir, agencyUrl: rig.agency.url });
    const configFile = path.join(rig.dir, 'station.json');
    writeFileSync(configFile, JSON.stringify({ centreId: base.centreId, stationId: base.stationId, dataDir, agency: rig.config.agency, station: rig.config.station }));
    const station = await openStation(base, { log: createLogger('t', memorySink()), outboxWorker: false });
    const sealed = await rig.seal();
    station.outbox.enqueue(sealed);
    station.close();
    let text = '';
    const out = (t: string) => {
      text += t;
    };
    expect(await outboxList({ config: configFile, out })).toBe(0);
    expect(text).toContain(sealed.packetId);
    expect(text).toMatch(/sealed 1/);
    text = '';
    expect(await outboxFlush({ config: configFile, timeoutMs: 20_000, out })).toBe(0);
    expect(text).toMatch(/acknowledged 1, rejected 0, purged 1, still pending 0/);
    text = '';
    await outboxList({ config: configFile, out, json: true });
    const listed = JSON.parse(text) as { counts: Record<string, number> };
    expect(listed.counts.purged).toBe(1);
  });
});
