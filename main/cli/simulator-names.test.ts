import { describe, expect, it } from 'vitest';
import { simulators } from './simulate.js';
import { simulatorNames } from './simulator-names.js';

describe('simulator names', () => {
  it('the list the CLI shows is exactly the simulators it can run', () => {
    expect([...simulatorNames].sort()).toEqual(Object.keys(simulators).sort());
  });
});
