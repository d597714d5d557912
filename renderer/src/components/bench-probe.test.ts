import { describe, expect, it } from 'vitest';
import { RingBuffer, benchRequested, probe } from './bench-probe';

describe('benchmark probes', () => {
  it('keeps the newest samples, oldest first, once full', () => {
    const ring = new RingBuffer<number>(3);
    expect(ring.entries()).toEqual([]);
    ring.push(1);
    ring.push(2);
    expect(ring.entries()).toEqual([1, 2]);
    ring.push(3);
    ring.push(4);
    ring.push(5);
    expect(ring.entries()).toEqual([3, 4, 5]);
    expect(ring.total).toBe(5);
    ring.clear();
    expect(ring.entries()).toEqual([]);
    expect(ring.total).toBe(0);
    expect(() => new RingBuffer(0)).toThrow(RangeError);
  });

  it('is asked for only by bench=1 in the query', () => {
    expect(benchRequested('?bench=1')).toBe(true);
    expect(benchRequested('?lang=pt&bench=1')).toBe(true);
    expect(benchRequested('')).toBe(false);
    expect(benchRequested('?bench=0')).toBe(false);
    expect(benchRequested('?benchmark=1')).toBe(false);
  });

  it('creates nothing outside a page', () => {
    expect(probe('__balcaoInkTimings')).toBeNull();
  });
});
