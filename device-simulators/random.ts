/**
 * mulberry32: a small, fast, seedable 32-bit PRNG — for simulators that must
 * make the same image again from a seed, and for fuzz tests that print their
 * seed so that a failing run can be replayed. Not for anything secret.
 */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
