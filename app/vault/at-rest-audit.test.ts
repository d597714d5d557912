/**
 * The audit of issue 5 item 2: personal data and a fingerprint image go into
 * the vault, the database is closed, and every file under the data folder
 * (station.db, its -wal and -shm if any, the key file, the marker file) is
 * searched for the clear bytes. None may be found.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../storage/database.js';
import { tempDir } from '../../test/support/temp-station.js';
import { synthesizeFingerprint } from '../../device-simulators/fingerprint/synthetic.js';
import { openVault } from './vault.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** The longest run in `pixels` starting at the middle row that is not flat background (so it is distinctive). */
function pixelRun(pixels: Uint8Array, width: number, height: number, length: number): Buffer {
  const start = Math.floor(height / 2) * width + Math.floor((width - length) / 2);
  const run = Buffer.from(pixels.subarray(start, start + length));
  expect(new Set(run).size).toBeGreaterThan(16); // ridges and valleys, not a blank strip
  return run;
}

describe('nothing personal or biometric in clear under dataDir', () => {
  it('finds neither the personal marker nor the raw fingerprint pixels in any file after close', () => {
    const { dir, remove } = tempDir('balcao-vault-audit-');
    cleanups.push(remove);
    const marker = 'MARKER-Maria-Aparecida-dos-Santos-1987-03-14-CPF-52998224725';
    const width = 300;
    const height = 400;
    const pixels = synthesizeFingerprint({ width, height, quality: 'good', seed: 20250514 });
    const run = pixelRun(pixels, width, height, 64);

    const db = openDatabase({ dataDir: dir });
    const vault = openVault({ db, dataDir: dir });
    vault.put('case-draft', 'case-0001', { name: marker, address: `Rua ${marker}`, consent: true });
    vault.put('capture', 'case-0001.finger-2', Buffer.from(pixels));
    vault.put('capture', 'case-0001.finger-7', Buffer.from(pixels.subarray(0, 50_000)));
    // Exercise the paths that move data around: replace, delete, rotate.
    vault.put('case-draft', 'case-0002', { name: `${marker}-old` });
    vault.put('case-draft', 'case-0002', { name: `${marker}-new` });
    vault.delete('capture', 'case-0001.finger-7');
    vault.rotate();
    expect(vault.get('case-draft', 'case-0001')).toMatchObject({ name: marker });
    expect(vault.getBytes('capture', 'case-0001.finger-2')?.equals(Buffer.from(pixels))).toBe(true);
    vault.close();
    db.close();

    const files = filesUnder(dir);
    const names = files.map((f) => path.relative(dir, f)).sort();
    expect(names).toContain('station.db');
    expect(names).toContain(path.join('vault', 'data-key.json'));
    const needles: [string, Buffer][] = [
      ['marker (UTF-8)', Buffer.from(marker, 'utf8')],
      ['marker (UTF-16LE)', Buffer.from(marker, 'utf16le')],
      ['marker prefix', Buffer.from('Maria-Aparecida', 'utf8')],
      ['fingerprint pixel run', run],
    ];
    const found: string[] = [];
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const [what, needle] of needles) if (bytes.includes(needle)) found.push(`${what} in ${path.relative(dir, file)}`);
    }
    expect(found).toEqual([]);
    // Control: the same search does find the needles where they are in clear.
    const clear = Buffer.concat([Buffer.from(JSON.stringify({ name: marker })), Buffer.from(pixels)]);
    for (const [, needle] of needles.filter(([w]) => w !== 'marker (UTF-16LE)')) expect(clear.includes(needle)).toBe(true);
  });
});
