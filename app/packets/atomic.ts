/**
 * Writes a file so that a crash leaves either no file or the whole file
 * under its final name: write to a temporary file in the same directory,
 * fsync it, rename it over the final name (atomic within one file system,
 * POSIX rename(2)), then fsync the directory so the rename itself survives
 * a power cut. The temporary file is removed on any error.
 */
import { open, rename, unlink, readdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

const TEMP_SUFFIX = '.tmp';
/** Temporary names: "." + final name + "." + 8 hex + ".tmp", so that listings of *.zip never see them. */
const TEMP_PATTERN = /^\..+\.[0-9a-f]{16}\.tmp$/;

export function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(8).toString('hex')}${TEMP_SUFFIX}`);
}

async function fsyncDirectory(dir: string): Promise<void> {
  // Linux and macOS allow fsync on a directory opened read-only; Windows does not open directories, and its rename is already durable in NTFS's journal.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `parts` (in order) to `file` atomically; refuses to replace an existing file unless `overwrite`. */
export async function writeFileAtomic(file: string, parts: readonly Uint8Array[], options: { overwrite?: boolean } = {}): Promise<void> {
  const temp = tempNameFor(file);
  let handle: Awaited<ReturnType<typeof open>> | null = null;
  try {
    handle = await open(temp, 'wx', 0o600);
    for (const part of parts) {
      let offset = 0;
      while (offset < part.length) {
        const { bytesWritten } = await handle.write(part, offset, part.length - offset);
        offset += bytesWritten;
      }
    }
    await handle.sync();
    await handle.close();
    handle = null;
    if (!options.overwrite) {
      // rename(2) replaces silently; a packet file, once written, is never replaced.
      const exists = await open(file, 'r').then(
        async (h) => (await h.close(), true),
        () => false,
      );
      if (exists) throw Object.assign(new Error(`${file} already exists; a sealed packet is never overwritten.`), { code: 'EEXIST' });
    }
    await rename(temp, file);
    await fsyncDirectory(path.dirname(file));
  } catch (error) {
    if (handle !== null) await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Removes temporary files a crash left in `dir` (they never hold a finished packet); returns their names. */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const stale = names.filter((n) => TEMP_PATTERN.test(n));
  for (const n of stale) await unlink(path.join(dir, n)).catch(() => undefined);
  return stale;
}
