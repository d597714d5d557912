import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-station.js';
import { withPrivateTempDir } from './temp.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('withPrivateTempDir', () => {
  it('gives a 0700 folder under the parent and removes it with its contents afterwards', async () => {
    const parent = tempDir('balcao-tmp-parent-');
    cleanups.push(parent.remove);
    let seen = '';
    const result = await withPrivateTempDir(
      async (dir) => {
        seen = dir;
        expect(path.dirname(dir)).toBe(parent.dir);
        expect(statSync(dir).mode & 0o777).toBe(0o700);
        writeFileSync(path.join(dir, 'sealed.part'), 'ciphertext only');
        return 42;
      },
      { parent: parent.dir, prefix: 'seal-' },
    );
    expect(result).toBe(42);
    expect(path.basename(seen).startsWith('seal-')).toBe(true);
    expect(existsSync(seen)).toBe(false);
  });

  it('removes the folder when the work throws, and rethrows', async () => {
    let seen = '';
    await expect(
      withPrivateTempDir((dir) => {
        seen = dir;
        writeFileSync(path.join(dir, 'x'), 'x');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(seen).not.toBe('');
    expect(existsSync(seen)).toBe(false);
  });
});
