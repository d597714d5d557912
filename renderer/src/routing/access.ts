import type { Role } from '../../../app/contract/channels';

/** Who may see a page: the first-run form, the sign-in form, or a signed-in operator of at least this role. */
export type PageAccess = 'setup' | 'login' | Role;

export const paths = {
  home: '/',
  setup: '/setup',
  login: '/login',
  operators: '/operators',
  audit: '/audit',
  devices: '/devices',
  outbox: '/outbox',
  enrolment: '/enrolment',
} as const;

/** The page of one enrolment case: the URL holds the case, so a reload shows the same case at the same step. */
export function casePath(caseId: string): string {
  return `${paths.enrolment}/${encodeURIComponent(caseId)}`;
}

const casePathPattern = /^\/enrolment\/[a-z0-9-]{1,64}$/;

const pageAccess: Record<string, PageAccess> = {
  [paths.home]: 'operator',
  [paths.setup]: 'setup',
  [paths.login]: 'login',
  [paths.operators]: 'admin',
  [paths.audit]: 'supervisor',
  [paths.devices]: 'operator',
  [paths.outbox]: 'supervisor',
  [paths.enrolment]: 'operator',
};

/** The access rule of a known path (trailing slash ignored), or null for a path the UI does not have. */
export function accessOf(pathname: string): PageAccess | null {
  const clean = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (casePathPattern.test(clean)) return 'operator';
  return pageAccess[clean] ?? null;
}

const rank: Record<Role, number> = { operator: 1, supervisor: 2, admin: 3 };

/** Mirrors the core's dispatcher rule, so that the UI never offers what the core would refuse. */
export function roleAtLeast(role: Role, needed: Role): boolean {
  return rank[role] >= rank[needed];
}

export interface AccessState {
  firstRun: boolean;
  role: Role | null;
  /** Where an operator was heading when sent to sign in; honoured if their role allows it. */
  returnTo: string | null;
}

/**
 * Where to send someone who asks for a page, or null to let them in. The
 * first run comes before everything; then no session means the sign-in
 * page; a page above the operator's role sends them home.
 */
export function redirectFor(access: PageAccess, { firstRun, role, returnTo }: AccessState): string | null {
  if (firstRun) return access === 'setup' ? null : paths.setup;
  if (access === 'setup') return role === null ? paths.login : paths.home;
  if (access === 'login') {
    if (role === null) return null;
    const wanted = returnTo === null ? null : accessOf(returnTo);
    return wanted !== null && wanted !== 'login' && wanted !== 'setup' && roleAtLeast(role, wanted) ? returnTo : paths.home;
  }
  if (role === null) return paths.login;
  return roleAtLeast(role, access) ? null : paths.home;
}
