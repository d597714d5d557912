import { createPrng } from '../../device-simulators/random.js';

/** A seeded PRNG (device-simulators/random.ts) with helpers, so that a failing fuzz run can be replayed from its printed seed. */
export function prng(seed: number) {
  const next = createPrng(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const string = (max = 40) => {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz.ãçé日本Ωж\u0000\u202e"\\{}[]:,<>/ ';
    let s = '';
    const len = int(max);
    for (let i = 0; i < len; i++) s += alphabet[int(alphabet.length)];
    return s;
  };
  /** Any JSON value, up to `depth` levels deep, including hostile keys. */
  const json = (depth = 3): unknown => {
    switch (int(depth <= 0 ? 6 : 9)) {
      case 0: return null;
      case 1: return next() < 0.5;
      case 2: return pick([0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER + 2, 42]);
      case 3: return string();
      case 4: return '';
      case 5: return 'x'.repeat(int(5000));
      case 6: return Array.from({ length: int(5) }, () => json(depth - 1));
      case 7: {
        const o: Record<string, unknown> = {};
        const keys = ['username', 'password', 'id', 'limit', 'language', 'role', 'disabled', '__proto__', 'constructor', 'prototype', string(8)];
        for (let i = int(5); i > 0; i--) o[pick(keys)] = json(depth - 1);
        return o;
      }
      default: return { __proto__: { polluted: true }, toString: 'nope' };
    }
  };
  return { next, int, pick, string, json };
}

export type Rng = ReturnType<typeof prng>;

/** Deeply nested arrays: a classic parser stressor. */
export function deepNesting(levels: number): string {
  return `${'['.repeat(levels)}${']'.repeat(levels)}`;
}
