import { describe, expect, it } from 'vitest';
import { fingerprintDrivers } from './device-capture.js';
import { fingerprintDriverNames } from './fingerprint-driver-names.js';

describe('fingerprintDriverNames', () => {
  it('names exactly the drivers device-capture.ts has, in its order', () => {
    expect([...fingerprintDriverNames]).toEqual(Object.keys(fingerprintDrivers));
  });
});
