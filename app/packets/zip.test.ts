import { describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { createPrng } from '../../device-simulators/random.js';
import { zipParts } from './zip.js';

const concat = (parts: Uint8Array[]) => Buffer.concat(parts);

describe('zipParts (APPNOTE 6.3)', () => {
  it('writes archives fflate reads back: stored and deflated, multi-part data, UTF-8 names, empty entries', () => {
    const random = createPrng(9);
    const big = new Uint8Array(200_000).map(() => Math.floor(random() * 256));
    const text = Buffer.from('{"a": 1}\n'.repeat(1000));
    const { parts, size } = zipParts(
      [
        { name: 'manifest.json', data: text, method: 0 },
        { name: 'payload.enc', data: [big.subarray(0, 1000), big.subarray(1000)], method: 0 },
        { name: 'documents/01-declaração.json', data: text, method: 8 },
        { name: 'empty', data: new Uint8Array(0), method: 0 },
      ],
      new Date('2026-11-22T10:11:12Z'),
    );
    const zip = concat(parts);
    expect(zip.length).toBe(size);
    const read = unzipSync(zip);
    expect(Object.keys(read)).toEqual(['manifest.json', 'payload.enc', 'documents/01-declaração.json', 'empty']);
    expect(Buffer.from(read['payload.enc']!).equals(Buffer.from(big))).toBe(true);
    expect(Buffer.from(read['documents/01-declaração.json']!).equals(text)).toBe(true);
    expect(read['empty']!.length).toBe(0);
    // Method field of each local header (APPNOTE §4.3.7, offset 8), and the DOS time 10:11:12 → 10 << 11 | 11 << 5 | 6.
    expect(zip.readUInt16LE(8)).toBe(0);
    expect(zip.readUInt16LE(10)).toBe((10 << 11) | (11 << 5) | 6);
    expect(zip.readUInt16LE(12)).toBe(((2026 - 1980) << 9) | (11 << 5) | 22);
    const third = zip.indexOf(Buffer.from('documents/'));
    expect(zip.readUInt16LE(third - 30 + 8)).toBe(8);
  });

  it('refuses deflate over several parts and empty names', () => {
    expect(() => zipParts([{ name: 'x', data: [new Uint8Array(1), new Uint8Array(1)], method: 8 }], new Date())).toThrow(RangeError);
    expect(() => zipParts([{ name: '', data: new Uint8Array(1), method: 0 }], new Date())).toThrow(RangeError);
  });
});
