import type { Handlers } from '../contract/dispatcher.js';
import type { ActivityView, StationInfo } from '../contract/channels.js';
import type { StationConfig } from '../config/schema.js';
import type { AuthService } from '../auth/service.js';
import type { AuditLog } from '../audit/log.js';
import { version } from './version.js';
import { demoAccounts, demoPassword } from './demo.js';

/**
 * What the home screen offers. `available` is false for capabilities that are
 * not in this build yet: the UI shows them greyed, never as working buttons.
 */
function activities(config: StationConfig): ActivityView[] {
  const all: ActivityView[] = [
    { id: 'enrolment', minRole: 'operator', available: false },
    { id: 'digitisation', minRole: 'operator', available: false },
    { id: 'kiosk', minRole: 'operator', available: false },
    { id: 'devices', minRole: 'operator', available: false },
    { id: 'outbox', minRole: 'supervisor', available: false },
    { id: 'audit', minRole: 'supervisor', available: true },
    { id: 'operators', minRole: 'admin', available: true },
  ];
  // A digitisation counter offers no biometric enrolment.
  return config.mode === 'digitisation' ? all.filter((a) => a.id !== 'enrolment') : all;
}

export function createHandlers(config: StationConfig, auth: AuthService, audit: AuditLog): Handlers {
  return {
    'station.info': (): StationInfo => ({
      product: 'Balcão',
      version,
      centreId: config.centreId,
      stationId: config.stationId,
      stationName: config.stationName,
      mode: config.mode,
      demo: config.demo,
      demoLogin: config.demo ? { password: demoPassword, accounts: demoAccounts.map(({ username, role }) => ({ username, role })) } : null,
      firstRun: auth.firstRun,
      languages: config.languages,
      defaultLanguage: config.defaultLanguage,
      idle: { ...config.auth.idle },
      passwordMinLength: config.auth.passwordMinLength,
      session: auth.sessionView(),
      activities: activities(config),
    }),
    'auth.createFirstAdmin': (request) => auth.createFirstAdmin(request),
    'auth.login': (request) => auth.login(request.username, request.password),
    'auth.logout': () => {
      auth.logout();
      return { ok: true as const };
    },
    'session.activity': () => auth.touch(),
    'session.setLanguage': (request) => auth.setLanguage(request.language),
    'operators.list': () => auth.listOperators(),
    'operators.create': (request) => auth.createOperator(request),
    'operators.setDisabled': (request) => auth.setDisabled(request.id, request.disabled),
    'operators.resetPassword': (request) => auth.resetPassword(request.id, request.password),
    'audit.recent': (request) => ({
      entries: audit.recent(request.limit).map(({ prevHash: _prev, ...entry }) => entry),
      chain: audit.verify(),
    }),
  };
}
