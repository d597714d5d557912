import { describe, expect, it } from 'vitest';
import { activityIntervalMs, createThrottle } from './activity';

describe('activityIntervalMs', () => {
  it('is a quarter of the warning delay, at most 15 s', () => {
    expect(activityIntervalMs(600)).toBe(15_000);
    expect(activityIntervalMs(60)).toBe(15_000);
    expect(activityIntervalMs(40)).toBe(10_000);
    expect(activityIntervalMs(6)).toBe(1_500);
  });
});

describe('createThrottle', () => {
  it('lets the first event through at once, then at most one per interval', () => {
    let now = 1_000;
    const throttle = createThrottle(15_000, () => now);
    expect(throttle.take()).toBe(true);
    now += 100;
    expect(throttle.take()).toBe(false);
    now += 14_899;
    expect(throttle.take()).toBe(false);
    now += 1;
    expect(throttle.take()).toBe(true);
    now += 1;
    expect(throttle.take()).toBe(false);
  });

  it('sends the next event after a reset (failed call, new session)', () => {
    let now = 0;
    const throttle = createThrottle(15_000, () => now);
    expect(throttle.take()).toBe(true);
    now += 10;
    throttle.reset();
    expect(throttle.take()).toBe(true);
  });

  it('counts a burst of keystrokes as one report', () => {
    let now = 0;
    const throttle = createThrottle(10_000, () => now);
    let sent = 0;
    for (let i = 0; i < 300; i++) {
      now += 100; // 30 s of typing, ten keys a second
      if (throttle.take()) sent += 1;
    }
    expect(sent).toBe(3);
  });
});
