import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * electron-builder.yml checked against electron-builder 26's own schema
 * (app-builder-lib/scheme.json), so a misspelt key fails here rather than
 * being ignored — or failing — on the packaging machine. js-yaml and
 * app-builder-lib come with electron-builder; they have no types here, hence
 * createRequire with the one signature used.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const scheme = require('app-builder-lib/scheme.json') as {
  properties: Record<string, unknown>;
  additionalProperties: boolean;
  definitions: Record<string, { properties: Record<string, unknown>; additionalProperties?: boolean }>;
};
const { validateSchema } = require('app-builder-lib/out/util/config/schemaValidator') as {
  validateSchema(schema: unknown, data: unknown, options?: { name?: string }): void;
};

const config = yaml.load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it('uses only top-level keys that electron-builder 26 knows', () => {
    expect(scheme.additionalProperties).toBe(false);
    const unknown = Object.keys(config).filter((key) => !(key in scheme.properties));
    expect(unknown).toEqual([]);
  });

  it('passes electron-builder 26 schema validation as a whole', () => {
    expect(() => validateSchema(scheme, config, { name: 'electron-builder.yml' })).not.toThrow();
    // The validator is not a rubber stamp: a misspelt fuse is refused.
    const misspelt = { ...config, electronFuses: { ...(config.electronFuses as object), runAsNod: false } };
    expect(() => validateSchema(scheme, misspelt, { name: 'electron-builder.yml' })).toThrow();
  });

  it('names the app', () => {
    expect(config).toMatchObject({ appId: 'pt.claim.balcao', productName: 'Balcão', asar: true, npmRebuild: true });
  });

  it('packs the build output, package.json and node_modules', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'package.json', 'node_modules/**']));
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/electron/main.cjs');
  });

  it('unpacks every native module from the asar', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        '**/node_modules/better-sqlite3/**',
        '**/node_modules/@balcao/aes-gcm/**',
        '**/node_modules/serialport/**',
        '**/node_modules/@serialport/**',
        '**/node_modules/node-hid/**',
        '**/node_modules/sharp/**',
        '**/node_modules/@img/**',
      ]),
    );
  });

  it('flips the fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
    const known = Object.keys(scheme.definitions.FuseOptionsV1?.properties ?? {});
    for (const fuse of Object.keys(config.electronFuses as object)) expect(known, fuse).toContain(fuse);
  });

  it('builds AppImage and deb for Linux', () => {
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'] });
  });
});
