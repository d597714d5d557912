import { describe, expect, it } from 'vitest';
import { approvedByLabel, matchApproval, type AdminApproval } from './matching.js';

const agency = [{ make: 'ADH-Tech', model: 'GT-5xx', serial: 'ABC123' }];
const admin = (over: Partial<AdminApproval>): AdminApproval => ({ id: 1, make: 'ZhianTec', model: 'R307', serial: null, address: '/dev/ttyUSB0', approvedBy: 'chefe', approvedAt: '2026-01-01T00:00:00Z', ...over });

describe('approval matching', () => {
  it('matches make + model + serial exactly, agency first', () => {
    const subject = { make: 'ADH-Tech', model: 'GT-5xx', serial: 'ABC123', address: '/dev/ttyUSB3' };
    expect(matchApproval(subject, agency, [])).toEqual({ source: 'agency' });
    expect(approvedByLabel(matchApproval(subject, agency, [admin({ make: 'ADH-Tech', model: 'GT-5xx', serial: 'ABC123', address: null })]))).toBe('agency');
    // Case, a different serial or model: no match.
    expect(matchApproval({ ...subject, serial: 'abc123' }, agency, [])).toBeNull();
    expect(matchApproval({ ...subject, serial: 'ABC124' }, agency, [])).toBeNull();
    expect(matchApproval({ ...subject, model: 'GT-521F52' }, agency, [])).toBeNull();
  });

  it('an admin approval of a device with a serial follows it to any address', () => {
    const approval = admin({ make: 'ADH-Tech', model: 'GT-5xx', serial: 'XYZ', address: null, approvedBy: 'chefe' });
    const match = matchApproval({ make: 'ADH-Tech', model: 'GT-5xx', serial: 'XYZ', address: '/dev/ttyUSB9' }, [], [approval]);
    expect(approvedByLabel(match)).toBe('admin:chefe');
  });

  it('a device without a serial matches only an admin approval at its address', () => {
    const subject = { make: 'ZhianTec', model: 'R307', serial: null, address: '/dev/ttyUSB0' };
    expect(matchApproval(subject, [{ make: 'ZhianTec', model: 'R307', serial: '/dev/ttyUSB0' }], [])).toBeNull();
    expect(matchApproval(subject, [], [admin({})])).toMatchObject({ source: 'admin' });
    expect(matchApproval({ ...subject, address: '/dev/ttyUSB1' }, [], [admin({})])).toBeNull();
    // An approval of a serial-bearing unit of the same model does not cover a serial-less one.
    expect(matchApproval(subject, [], [admin({ serial: 'S1', address: null })])).toBeNull();
  });
});
