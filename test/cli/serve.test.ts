import { simulatedDevices } from '../../app/devices/manager.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-station.js';
import { runBalcao, startShell, writeStationConfig, type ShellProcess } from '../support/shell-process.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dir(): string {
  const t = tempDir('balcao-cli-');
  cleanups.push(t.remove);
  return t.dir;
}

async function shell(args: string[]): Promise<ShellProcess> {
  const s = await startShell(args);
  cleanups.push(() => s.stop());
  return s;
}

describe('balcao serve', () => {
  it('prints only its loopback address, with the token, on stdout; the demo accounts go to stderr', async () => {
    const s = await shell(['--demo', '--data-dir', path.join(dir(), 'demo')]);
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{40,}$/);
    expect(s.stderr()).toContain('ana (operator), rui (supervisor), admin (admin); password balcao-demo');
    const page = await fetch(s.origin);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
  });

  it('stops cleanly on SIGTERM and keeps its data for the next start', async () => {
    const data = path.join(dir(), 'demo');
    const first = await startShell(['--demo', '--data-dir', data]);
    expect(await first.stop()).toBe(0);
    const db = new Database(path.join(data, 'station.db'), { readonly: true });
    const types = db.prepare('SELECT type FROM audit_log ORDER BY seq').all() as { type: string }[];
    db.close();
    // The demo's simulated devices are approved once, by the demo admin, when first opened (one entry each at most).
    expect(types.map((t) => t.type).filter((t) => t !== 'devices.approved')).toEqual(['operators.seeded', 'operators.seeded', 'operators.seeded', 'station.started', 'station.stopped']);
    // They open in the background, so a station stopped at once may not have opened (and approved) them all.
    expect(types.filter((t) => t.type === 'devices.approved').length).toBeLessThanOrEqual(simulatedDevices.length);
    const second = await shell(['--demo', '--data-dir', data]);
    expect(second.url).toMatch(/^http:\/\/127\.0\.0\.1/);
  });

  it('refuses an invalid config, naming the file and the field', async () => {
    const d = dir();
    const file = writeStationConfig(d, (c) => ({ ...c, agency: { ...c.agency, url: 'ftp://nowhere' } }));
    const result = await runBalcao(['serve', '--port', '0', '--config', file]);
    expect(result.code).toBe(78);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(file);
    expect(result.stderr).toContain('agency.url');
  });

  it('refuses a config that is not JSON, naming the file', async () => {
    const d = dir();
    const file = path.join(d, 'station.json');
    writeFileSync(file, '{ "centreId": "10001",');
    const result = await runBalcao(['serve', '--port', '0', '--config', file]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`${file} is not valid JSON`);
  });

  it('refuses a corrupt database, naming it, and does not touch it', async () => {
    const d = dir();
    const file = writeStationConfig(d);
    const dbFile = path.join(d, 'data', 'station.db');
    (await import('node:fs')).mkdirSync(path.dirname(dbFile), { recursive: true });
    writeFileSync(dbFile, 'garbage, not SQLite'.repeat(100));
    const result = await runBalcao(['serve', '--port', '0', '--config', file]);
    expect(result.code).toBe(74);
    expect(result.stderr).toContain(dbFile);
    expect(result.stderr).toContain('damaged');
    expect(readFileSync(dbFile, 'utf8').startsWith('garbage')).toBe(true);
  });

  it('says when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
    const port = (blocker.address() as { port: number }).port;
    const result = await runBalcao(['serve', '--port', String(port), '--demo', '--data-dir', path.join(dir(), 'demo')]);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
  });

  it('asks which station to run when given neither --config nor --demo', async () => {
    const result = await runBalcao(['serve', '--port', '0']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('--config <file>');
  });
});
