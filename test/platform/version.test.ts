import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { version } from '../../app/station/version.js';

describe('version', () => {
  it('the station reports the package version', () => {
    expect(version).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });
});
