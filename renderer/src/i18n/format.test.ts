import { describe, expect, it } from 'vitest';
import { formatCountdown, formatMoment } from './format';

describe('formatCountdown', () => {
  it('shows minutes and two-digit seconds, rounding up so 0:00 means the time is really up', () => {
    expect(formatCountdown(65_000, 'en')).toBe('1:05');
    expect(formatCountdown(59_001, 'pt')).toBe('1:00');
    expect(formatCountdown(500, 'uk')).toBe('0:01');
    expect(formatCountdown(-3000, 'en')).toBe('0:00');
  });
});

describe('formatMoment', () => {
  it('gives only the time for today and adds the date otherwise', () => {
    const now = new Date(2025, 5, 10, 9, 0);
    const today = new Date(2025, 5, 10, 14, 30).toISOString();
    const later = new Date(2025, 5, 12, 14, 30).toISOString();
    expect(formatMoment(today, 'pt', now)).toBe('14:30');
    expect(formatMoment(later, 'pt', now)).toMatch(/12.*2025.*14:30/);
  });

  it('returns text that is not a date unchanged', () => {
    expect(formatMoment('soon', 'en')).toBe('soon');
  });
});
