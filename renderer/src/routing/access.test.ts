import { describe, expect, it } from 'vitest';
import { accessOf, redirectFor } from './access';

const signedOut = { firstRun: false, role: null, returnTo: null };

describe('accessOf', () => {
  it('knows the enrolment pages, a case page by its id', () => {
    expect(accessOf('/enrolment')).toBe('operator');
    expect(accessOf('/enrolment/')).toBe('operator');
    expect(accessOf('/enrolment/c-20260101-0001')).toBe('operator');
    expect(accessOf('/enrolment/Not_An_Id')).toBeNull();
    expect(accessOf('/enrolment/a/b')).toBeNull();
  });

  it('lets an operator return to a case after signing in again', () => {
    expect(redirectFor('login', { firstRun: false, role: 'operator', returnTo: '/enrolment/c-1' })).toBe('/enrolment/c-1');
  });
});

describe('redirectFor', () => {
  it('sends everything to the first-run form until an administrator exists', () => {
    for (const access of ['login', 'operator', 'admin'] as const) {
      expect(redirectFor(access, { ...signedOut, firstRun: true })).toBe('/setup');
    }
    expect(redirectFor('setup', { ...signedOut, firstRun: true })).toBeNull();
  });

  it('closes the first-run form once it is done', () => {
    expect(redirectFor('setup', signedOut)).toBe('/login');
    expect(redirectFor('setup', { ...signedOut, role: 'admin' })).toBe('/');
  });

  it('sends signed-out people to sign in, and signed-in ones away from it', () => {
    expect(redirectFor('operator', signedOut)).toBe('/login');
    expect(redirectFor('supervisor', signedOut)).toBe('/login');
    expect(redirectFor('login', signedOut)).toBeNull();
    expect(redirectFor('login', { ...signedOut, role: 'operator' })).toBe('/');
  });

  it('keeps pages to the roles that may open them', () => {
    expect(redirectFor('admin', { ...signedOut, role: 'supervisor' })).toBe('/');
    expect(redirectFor('supervisor', { ...signedOut, role: 'operator' })).toBe('/');
    expect(redirectFor('supervisor', { ...signedOut, role: 'supervisor' })).toBeNull();
    expect(redirectFor('supervisor', { ...signedOut, role: 'admin' })).toBeNull();
    expect(redirectFor('operator', { ...signedOut, role: 'operator' })).toBeNull();
  });

  it('returns to the page the operator was on, if their role allows it', () => {
    expect(redirectFor('login', { firstRun: false, role: 'admin', returnTo: '/operators' })).toBe('/operators');
    expect(redirectFor('login', { firstRun: false, role: 'operator', returnTo: '/operators' })).toBe('/');
    expect(redirectFor('login', { firstRun: false, role: 'admin', returnTo: '/login' })).toBe('/');
    expect(redirectFor('login', { firstRun: false, role: 'admin', returnTo: '/elsewhere' })).toBe('/');
  });
});

describe('accessOf', () => {
  it('knows the pages, with or without a trailing slash', () => {
    expect(accessOf('/')).toBe('operator');
    expect(accessOf('/audit/')).toBe('supervisor');
    expect(accessOf('/operators')).toBe('admin');
    expect(accessOf('/index.html')).toBeNull();
  });
});
