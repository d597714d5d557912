// Lint rules that hold the architecture in place (shared/DESIGN.md, "Where things live"):
//   - only main/electron may import electron: everything else runs under plain Node, where the binary is absent;
//   - the renderer imports no Node built-in, no native module and nothing of the core but app/contract;
//   - the core (app/), drivers and simulators use neither electron nor the DOM.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const electron = { group: ['electron', 'electron/*'], message: 'Only main/electron may import electron: this code must run under plain Node.' };
const nodeBuiltins = {
  group: ['node:*', ...builtinModules.filter((m) => !m.startsWith('_')).flatMap((m) => [m, `${m}/*`])],
  message: 'The renderer runs in a sandboxed page: no Node built-ins.',
};
const nativeModules = {
  group: ['better-sqlite3', '@balcao/aes-gcm', 'serialport', '@serialport/*', 'node-hid', 'sharp', 'ws', 'commander'],
  message: 'The renderer reaches the core only through the contract (app/contract).',
};
const coreFromRenderer = {
  group: ['**/app/**', '!**/app/contract', '!**/app/contract/**', '**/main/**', '**/drivers/**', '**/device-simulators/**'],
  message: 'The renderer may import only app/contract from outside renderer/.',
};
const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'HTMLElement', 'fetch'].map((name) => ({
  name,
  message: 'The station core does not touch the DOM or browser APIs.',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'bench/results/**', '.balcao/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { patterns: [electron] }],
    },
  },
  {
    // CommonJS on purpose: the AES-GCM addon's loader and install step (native/aes-gcm) run before any build, as npm loads them.
    files: ['native/**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['main/electron/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electron, nodeBuiltins, nativeModules, coreFromRenderer] }] },
  },
  {
    files: ['app/**/*.ts', 'drivers/**/*.ts', 'device-simulators/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', ...domGlobals.filter((g) => g.name !== 'fetch')],
      'no-restricted-imports': ['error', { patterns: [electron, { group: ['**/renderer/**', 'react', 'react-dom', 'react-*'], message: 'The core does not import the UI.' }] }],
    },
  },
  {
    files: ['app/contract/**/*.ts'],
    ignores: ['app/contract/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [electron, nodeBuiltins, nativeModules, { group: ['../*', '!../contract/*'], message: 'The contract is shared with the renderer and preload: it imports only zod and itself.' }] }],
    },
  },
);
