/**
 * The operator's commands as processes, end to end over loopback:
 * `balcao agency-sim`, `balcao station keygen`, `balcao packet demo`,
 * `balcao outbox list` and `balcao outbox flush`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { balcaoBin, repoRoot, runBalcao } from '../support/shell-process.js';
import { tempDir } from '../support/temp-station.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
});

function agencySim(keysDir: string): Promise<{ url: string; encryptionKey: string; receiptKey: string; stationsDir: string; token: string }> {
  const child = spawn(process.execPath, [balcaoBin, 'agency-sim', '--port', '0', '--keys', keysDir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (c: Buffer) => resolve(JSON.parse(c.toString().split('\n')[0] as string)));
    child.once('exit', (code) => reject(new Error(`agency-sim exited ${code}: ${stderr}`)));
  });
}

describe('balcao packet and outbox commands', () => {
  it('seals a demo enrolment, queues it, and flushes it to the agency simulator, which accepts it', async () => {
    const dir = tempDir('balcao-cli-outbox-').dir;
    const agency = await agencySim(path.join(dir, 'agency'));
    const config = path.join(dir, 'station.json');
    // Nested keys exactly as the provisioning table names them (agency-intake.md §1).
    writeFileSync(
      config,
      JSON.stringify({
        centreId: '10001',
        stationId: '10077',
        dataDir: 'data',
        agency: { url: agency.url, token: agency.token, encryptionKey: agency.encryptionKey, receiptKey: agency.receiptKey },
        station: { signingKey: 'data/keys/station-signing.pem' },
      }),
    );

    // No station key yet: one sentence naming the key and the file, and nothing sealed.
    const missing = await runBalcao(['packet', 'demo', '--config', config]);
    expect(missing.code).toBe(78);
    expect(missing.stderr).toContain('station.signingKey');
    expect(missing.stderr).toContain(path.join(dir, 'data', 'keys', 'station-signing.pem'));

    const keygen = await runBalcao(['station', 'keygen', '--config', config]);
    expect(keygen.code, keygen.stderr).toBe(0);
    const made = JSON.parse(keygen.stdout) as { publicKey: string; created: boolean; kid: string };
    expect(made.created).toBe(true);
    expect(made.kid).toMatch(/^[0-9a-f]{64}$/);
    copyFileSync(made.publicKey, path.join(agency.stationsDir, '10001-10077.pub.pem'));

    const demo = await runBalcao(['packet', 'demo', '--config', config, '--seed', '4'], 120_000);
    expect(demo.code, demo.stderr).toBe(0);
    const packetId = demo.stdout.trim();
    expect(packetId).toMatch(/^100011007700001\d{14}$/);

    const before = await runBalcao(['outbox', 'list', '--config', config, '--json']);
    expect(before.code, before.stderr).toBe(0);
    expect(JSON.parse(before.stdout)).toMatchObject({ entries: [expect.objectContaining({ packetId, state: 'sealed' })] });

    const flush = await runBalcao(['outbox', 'flush', '--config', config, '--timeout', '60'], 90_000);
    expect(flush.code, flush.stdout + flush.stderr).toBe(0);
    expect(flush.stdout).toMatch(/acknowledged 1, rejected 0/);

    const after = await runBalcao(['outbox', 'list', '--config', config, '--json']);
    expect(JSON.parse(after.stdout)).toMatchObject({ entries: [expect.objectContaining({ packetId, state: 'purged' })] });
  });
});
