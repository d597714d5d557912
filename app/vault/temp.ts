/**
 * Private scratch folders. The rule (docs/data-at-rest.md): a temp folder
 * never holds clear personal or biometric data — only ciphertext (e.g. a
 * sealed packet before its atomic rename) or data that is not personal. Clear
 * data stays in memory, or goes to the vault. The folder is private anyway
 * (0700, mkdtemp), in case a file name or a non-personal file says more than
 * it should, and it is removed when `fn` ends, whether it succeeds or throws.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PrivateTempOptions {
  /** Where to create the folder (default: the OS temp folder). Use a folder on the same filesystem as the final file when renaming into place. */
  parent?: string;
  prefix?: string;
}

export async function withPrivateTempDir<T>(fn: (dir: string) => Promise<T> | T, options: PrivateTempOptions = {}): Promise<T> {
  const parent = options.parent ?? tmpdir();
  // mkdtemp creates the folder with mode 0700 (POSIX mkdtemp(3)); the name part is random.
  const dir = await mkdtemp(path.join(parent, options.prefix ?? 'balcao-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
