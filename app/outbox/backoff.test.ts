import { describe, expect, it } from 'vitest';
import { backoffCeilingMs, nextDelayMs, parseRetryAfter } from './backoff.js';
import { createPrng } from '../../device-simulators/random.js';

const policy = { baseMs: 1000, capMs: 60_000 };

describe('backoff with full jitter', () => {
  it('doubles the window per failure up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 50].map((n) => backoffCeilingMs(n, policy))).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('draws every delay within [0, ceiling) and spreads them over the window', () => {
    const random = createPrng(0x5eed);
    for (let failures = 1; failures <= 10; failures += 1) {
      const ceiling = backoffCeilingMs(failures, policy);
      const delays = Array.from({ length: 2000 }, () => nextDelayMs(failures, policy, random));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThan(ceiling);
      // Full jitter: the mean is near half the window, and both halves are used.
      const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
      expect(mean / ceiling).toBeGreaterThan(0.45);
      expect(mean / ceiling).toBeLessThan(0.55);
      expect(delays.some((d) => d < ceiling * 0.1)).toBe(true);
      expect(delays.some((d) => d > ceiling * 0.9)).toBe(true);
    }
  });

  it('is the same sequence again from the same seed', () => {
    const a = createPrng(7);
    const b = createPrng(7);
    const run = (r: () => number) => Array.from({ length: 20 }, (_, i) => nextDelayMs(i + 1, policy, r));
    expect(run(a)).toEqual(run(b));
  });

  it('never waits less than Retry-After, even when the jitter draws 0', () => {
    expect(nextDelayMs(1, policy, () => 0, 5000)).toBe(5000);
    expect(nextDelayMs(8, policy, () => 0.999, 5000)).toBeGreaterThan(5000);
    const random = createPrng(3);
    for (let i = 0; i < 1000; i += 1) expect(nextDelayMs(1 + (i % 9), policy, random, 7000)).toBeGreaterThanOrEqual(7000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 22 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
