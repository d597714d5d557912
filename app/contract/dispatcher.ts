import { z } from 'zod';
import {
  channels,
  isChannelName,
  type Access,
  type ChannelName,
  type ParsedRequestOf,
  type ResponseOf,
  type Role,
} from './channels.js';
import { ContractError, describeIssues } from './errors.js';
import type { WireResult } from './wire.js';

/** The slice of a logger the dispatcher needs; app/log's Logger satisfies it. */
export interface ContractLog {
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export type TransportKind = 'ipc' | 'ws' | 'inproc';

export interface CallContext {
  transport: TransportKind;
}

export type Handler<C extends ChannelName> = (
  request: ParsedRequestOf<C>,
  context: CallContext,
) => ResponseOf<C> | Promise<ResponseOf<C>>;

export type Handlers = { [C in ChannelName]: Handler<C> };

const roleRank: Record<Role, number> = { operator: 1, supervisor: 2, admin: 3 };

export function roleAllows(role: Role | null, access: Access): boolean {
  if (access === 'public') return true;
  return role !== null && roleRank[role] >= roleRank[access];
}

export interface Dispatcher {
  /** Never throws: every outcome, including a bug in a handler, is a WireResult. */
  call(channel: unknown, payload: unknown, context: CallContext): Promise<WireResult>;
}

export interface DispatcherOptions {
  handlers: Handlers;
  /** Role of the operator signed in at this station, or null. */
  currentRole: () => Role | null;
  log: ContractLog;
}

/**
 * The single gate between a transport and the services: look up the channel,
 * check the caller's role, parse the request, run the handler, check the
 * response against the contract. Transports add only their own checks
 * (sender frame, token, origin).
 */
export function createDispatcher({ handlers, currentRole, log }: DispatcherOptions): Dispatcher {
  function refuse(error: ContractError, channel: string, transport: TransportKind): WireResult {
    log.warn('contract call refused', { channel: channel.slice(0, 128), transport, code: error.code, detail: error.message });
    return { ok: false, error: error.toBody() };
  }

  async function run<C extends ChannelName>(name: C, payload: unknown, context: CallContext): Promise<WireResult> {
    const spec = channels[name];
    const role = currentRole();
    if (!roleAllows(role, spec.access)) {
      const error =
        role === null
          ? new ContractError('auth.required', `Sign in to use ${name}.`)
          : new ContractError('auth.forbidden', `${name} needs the ${spec.access} role.`);
      return refuse(error, name, context.transport);
    }
    const parsed = spec.request.safeParse(payload === undefined ? {} : payload);
    if (!parsed.success) {
      return refuse(
        new ContractError('contract.bad_request', `Malformed request for ${name}: ${describeIssues(parsed.error)}`),
        name,
        context.transport,
      );
    }
    const handler = handlers[name] as Handler<C>;
    const result = await handler(parsed.data as ParsedRequestOf<C>, context);
    const checked = (spec.response as z.ZodType).safeParse(result);
    if (!checked.success) {
      // A service broke the contract: a bug on our side, so log it fully and tell the caller only that.
      log.error('service response broke the contract', { channel: name, issues: describeIssues(checked.error) });
      return { ok: false, error: new ContractError('contract.bad_response', `The station answered ${name} wrongly.`).toBody() };
    }
    return { ok: true, result: checked.data };
  }

  return {
    async call(channel, payload, context) {
      if (!isChannelName(channel)) {
        const shown = typeof channel === 'string' ? channel : typeof channel;
        return refuse(new ContractError('contract.unknown_channel', `No channel named "${shown.slice(0, 64)}".`), shown, context.transport);
      }
      try {
        return await run(channel, payload, context);
      } catch (thrown) {
        if (thrown instanceof ContractError) return { ok: false, error: thrown.toBody() };
        log.error('service failed', { channel, error: thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown) });
        return { ok: false, error: new ContractError('internal', 'The station could not complete this request; it has been logged.').toBody() };
      }
    },
  };
}
