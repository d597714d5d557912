#!/usr/bin/env node
// `npm test`: every check, in order — types, lint, unit tests, the end-to-end suite in Debian's
// Chromium, the Electron suite (skipped, and saying so, where Electron's binary is absent).
// Ends with one line "tests: N passed, N failed, N skipped" summed over every vitest project.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(root, 'test-results');
mkdirSync(results, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const failures = [];
const totals = { passed: 0, failed: 0, skipped: 0 };

function step(name, cmd, args) {
  const started = Date.now();
  process.stderr.write(`\n=== ${name}\n`);
  // Plain text in CI logs; colours for people at a terminal.
  const env = { ...process.env };
  if (env.CI) {
    delete env.FORCE_COLOR;
    env.NO_COLOR = '1';
  } else env.FORCE_COLOR ??= '1';
  const status = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env }).status;
  process.stderr.write(`=== ${name}: ${status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (status !== 0) failures.push(name);
}

function vitestProject(project) {
  const report = path.join(results, `vitest-${project}.json`);
  step(`vitest ${project}`, bin('vitest'), ['run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile=${report}`]);
  if (!existsSync(report)) return;
  const json = JSON.parse(readFileSync(report, 'utf8'));
  totals.passed += json.numPassedTests ?? 0;
  totals.failed += json.numFailedTests ?? 0;
  totals.skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
}

step('typecheck (tsc -b)', bin('tsc'), ['-b']);
step('lint (eslint)', bin('eslint'), ['.']);
vitestProject('unit');
vitestProject('e2e');
vitestProject('electron');

process.stderr.write(`\n${failures.length === 0 ? 'All checks passed.' : `Failed: ${failures.join(', ')}`}\n`);
process.stdout.write(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(failures.length === 0 ? 0 : 1);
