import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The architecture's import rules, checked by linting small offending files at the paths where they would live. */
const eslint = new ESLint({ cwd: process.cwd() });
// The module name is assembled so that this file, which only lints offending snippets, does not itself read as one.
const E = ['elec', 'tron'].join('');

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('import boundaries', () => {
  it.each([
    ['app/station/x.ts', `import { app } from '${E}';\nexport const a = app;`],
    ['drivers/r30x/driver.ts', `import { ipcMain } from '${E}/main';\nexport const a = ipcMain;`],
    ['main/web/x.ts', `const e = require('${E}');\nexport const a = e;`],
    ['test/e2e/x.test.ts', `import electron from '${E}';\nexport const a = electron;`],
    ['renderer/src/x.tsx', `import { app } from '${E}';\nexport const a = app;`],
  ])('%s may not import electron', async (file, code) => {
    const ids = await ruleIds(file, code);
    expect(ids.some((id) => id === 'no-restricted-imports' || id === '@typescript-eslint/no-require-imports')).toBe(true);
  });

  it('main/electron may import electron', async () => {
    expect(await ruleIds('main/electron/x.ts', `import { app } from '${E}';\nexport const a = app;`)).toEqual([]);
  });

  it.each([
    "import fs from 'node:fs';\nexport const a = fs;",
    "import { readFile } from 'fs/promises';\nexport const a = readFile;",
    "import Database from 'better-sqlite3';\nexport const a = Database;",
    "import { SerialPort } from 'serialport';\nexport const a = SerialPort;",
    "import sharp from 'sharp';\nexport const a = sharp;",
    "import { openStation } from '../../app/station/station';\nexport const a = openStation;",
    "import { startWebShell } from '../../main/web/shell';\nexport const a = startWebShell;",
  ])('the renderer may not import Node, native modules or the core: %s', async (code) => {
    expect(await ruleIds('renderer/src/screens/x.tsx', code)).toContain('no-restricted-imports');
  });

  it('the renderer may import the contract', async () => {
    expect(await ruleIds('renderer/src/x.ts', "import { channels } from '../../app/contract/channels';\nexport const a = channels;")).toEqual([]);
  });

  it('the core may not use the DOM or import the UI', async () => {
    expect(await ruleIds('app/station/x.ts', 'export const a = document.title;')).toContain('no-restricted-globals');
    expect(await ruleIds('app/station/x.ts', "import React from 'react';\nexport const a = React;")).toContain('no-restricted-imports');
  });

  it('the contract imports nothing of the core and no Node', async () => {
    expect(await ruleIds('app/contract/x.ts', "import { openDatabase } from '../storage/database';\nexport const a = openDatabase;")).toContain('no-restricted-imports');
    expect(await ruleIds('app/contract/x.ts', "import { createHash } from 'node:crypto';\nexport const a = createHash;")).toContain('no-restricted-imports');
  });
});
