import { describe, expect, it } from 'vitest';
import { releaseCiphertextBuffer, takeCiphertextBuffer } from './ciphertext-buffer.js';

describe('the reused ciphertext buffer', () => {
  it('hands the same buffer back to the next seal when it is big enough, and never the same buffer to two seals at once', () => {
    const first = takeCiphertextBuffer(3_000_000);
    expect(first.length).toBeGreaterThanOrEqual(3_000_000);
    // A second seal while the first holds its buffer: a buffer of its own.
    const second = takeCiphertextBuffer(1000);
    expect(second.buffer).not.toBe(first.buffer);
    releaseCiphertextBuffer(second);
    releaseCiphertextBuffer(first); // the larger one is kept
    expect(takeCiphertextBuffer(2_500_000)).toBe(first);
    // Taken: the next seal gets a fresh one.
    expect(takeCiphertextBuffer(10)).not.toBe(first);
    releaseCiphertextBuffer(first);
    // Too small for the next packet: a fresh buffer, and the spare stays for later.
    const bigger = takeCiphertextBuffer(first.length + 1);
    expect(bigger).not.toBe(first);
    expect(bigger.length).toBeGreaterThan(first.length);
    expect(takeCiphertextBuffer(100)).toBe(first);
  });

  it('does not keep a huge buffer', () => {
    const huge = takeCiphertextBuffer(65 * 1024 * 1024);
    releaseCiphertextBuffer(huge);
    expect(takeCiphertextBuffer(1000)).not.toBe(huge);
  });
});
