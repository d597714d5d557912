import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/src/i18n/locales/en';

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'renderer', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

function has(key: string): boolean {
  let node: unknown = en;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return false;
    const record = node as Record<string, unknown>;
    node = part in record ? record[part] : (record[`${part}_other`] ?? undefined);
  }
  return typeof node === 'string';
}

describe('translation keys used in the code', () => {
  it('all exist in English (literal keys in t(…), i18nKey and *Keys tables)', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const file of sources(src)) {
      const text = readFileSync(file, 'utf8');
      const found = [
        ...text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g),
        ...text.matchAll(/i18nKey="([a-zA-Z0-9_.]+)"/g),
        ...text.matchAll(/key: '([a-z][a-zA-Z0-9_]*\.[a-zA-Z0-9_.]+)'/g),
        ...text.matchAll(/: '(validation\.[a-zA-Z0-9_]+)'/g),
      ].map((m) => m[1] as string);
      checked += found.length;
      for (const key of found) if (!has(key)) missing.push(`${path.relative(src, file)}: ${key}`);
    }
    expect(missing).toEqual([]);
    // Guards the patterns above: if they stopped matching, this test would pass while checking nothing.
    expect(checked).toBeGreaterThan(100);
  });
});
