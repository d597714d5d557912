import type { Handlers } from '../contract/dispatcher.js';
import type { ActivityView, StationInfo } from '../contract/channels.js';
import type { StationConfig } from '../config/schema.js';
import type { AuthService } from '../auth/service.js';
import type { AuditLog } from '../audit/log.js';
import { version } from './version.js';
import { demoAccounts, demoPassword } from './demo.js';
import type { DeviceManager } from '../devices/manager.js';
import { deviceErrorToContract } from '../devices/manager.js';
import { verifyPassword } from '../auth/passwords.js';
import { ContractError } from '../contract/errors.js';
import type { Outbox } from '../outbox/outbox.js';
import { OutboxError } from '../outbox/errors.js';
import { outboxEntryView } from '../outbox/view.js';
import type { CaseService } from '../cases/service.js';
import { caseHandlers } from '../cases/handlers.js';

/**
 * Approving or revoking a device asks the administrator for their password
 * again: the approval is what lets a device's data into applications.
 * Returns the username for the record. A wrong password is audited.
 */
async function confirmAdmin(auth: AuthService, audit: AuditLog, password: string, action: string): Promise<string> {
  const operator = auth.currentOperator();
  if (operator === null) throw new ContractError('auth.required', 'Sign in to use this.');
  if (!(await verifyPassword(password, operator.password_hash))) {
    audit.append({ type: 'devices.confirmation_failed', actor: operator.username, details: { action } });
    throw new ContractError('auth.invalid_credentials', 'The password does not match the signed-in administrator\'s.');
  }
  return operator.username;
}

async function deviceCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw deviceErrorToContract(error);
  }
}

/**
 * What the home screen offers. `available` is false for capabilities that are
 * not in this build yet: the UI shows them greyed, never as working buttons.
 */
function activities(config: StationConfig): ActivityView[] {
  const all: ActivityView[] = [
    { id: 'enrolment', minRole: 'operator', available: true },
    { id: 'digitisation', minRole: 'operator', available: true },
    { id: 'kiosk', minRole: 'operator', available: false },
    { id: 'devices', minRole: 'operator', available: true },
    { id: 'outbox', minRole: 'supervisor', available: true },
    { id: 'audit', minRole: 'supervisor', available: true },
    { id: 'operators', minRole: 'admin', available: true },
  ];
  // A digitisation counter offers no biometric enrolment.
  return config.mode === 'digitisation' ? all.filter((a) => a.id !== 'enrolment') : all;
}

/** The outbox's refusals as contract errors; anything else is a bug and goes to the dispatcher's 'internal'. */
function outboxCall<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof OutboxError && error.code === 'unknown_packet') throw new ContractError('outbox.unknown_packet', error.message);
    if (error instanceof OutboxError && error.code === 'not_retryable') throw new ContractError('outbox.not_retryable', error.message);
    throw error;
  }
}

export function createHandlers(config: StationConfig, auth: AuthService, audit: AuditLog, devices: DeviceManager, outbox: Outbox, cases: CaseService): Handlers {
  return {
    ...caseHandlers(cases),
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
    'devices.list': () => ({ devices: devices.list(), approvedList: devices.approvedListState(), candidates: devices.candidateList() }),
    'devices.testCapture': (request) => deviceCall(() => devices.testCapture(request.id)),
    'devices.approve': async (request) => devices.approve(request.id, await confirmAdmin(auth, audit, request.password, 'approve')),
    'devices.revoke': async (request) => devices.revoke(request.id, await confirmAdmin(auth, audit, request.password, 'revoke')),
    'devices.rescan': async () => ({ devices: await devices.rescan(), approvedList: devices.approvedListState(), candidates: devices.candidateList() }),
    'outbox.list': () => {
      const { byState, held } = outbox.counts();
      return { entries: outbox.list(500).map(outboxEntryView), counts: byState, held };
    },
    'outbox.retry': (request) => outboxCall(() => outboxEntryView(outbox.retryNow(request.packetId, auth.currentOperator()?.username ?? null))),
    'audit.recent': (request) => ({
      entries: audit.recent(request.limit).map(({ prevHash: _prev, ...entry }) => entry),
      chain: audit.verify(),
    }),
  };
}
