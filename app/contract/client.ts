import {
  channelNames,
  eventNames,
  events,
  type ChannelName,
  type EventName,
  type EventOf,
  type RequestOf,
  type ResponseOf,
} from './channels.js';
import { ContractError } from './errors.js';
import type { WireResult } from './wire.js';

/** One typed method per channel: `api.call['auth.login']({ … })`. */
export type CallApi = { [C in ChannelName]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };
/** One subscriber per event: `api.on['session.changed'](listener)` returns an unsubscribe function. */
export type EventApi = { [E in EventName]: (listener: (payload: EventOf<E>) => void) => () => void };

export interface StationApi {
  call: CallApi;
  on: EventApi;
}

/** What a transport must provide to the client side. */
export interface ClientTransport {
  send(channel: ChannelName, payload: unknown): Promise<WireResult>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

/**
 * Builds the typed API from the contract tables. Errors come back as thrown
 * ContractError values so UI code can switch on `code`. Event payloads are
 * parsed here too: a malformed event is dropped rather than handed to React.
 */
export function createStationApi(transport: ClientTransport): StationApi {
  const call = {} as Record<ChannelName, (request: unknown) => Promise<unknown>>;
  for (const name of channelNames) {
    call[name] = async (request: unknown) => {
      const reply = await transport.send(name, request);
      if (reply.ok) return reply.result;
      throw ContractError.fromBody(reply.error);
    };
  }
  const on = {} as Record<EventName, (listener: (payload: unknown) => void) => () => void>;
  for (const name of eventNames) {
    on[name] = (listener) =>
      transport.subscribe(name, (payload) => {
        const parsed = events[name].safeParse(payload);
        if (parsed.success) listener(parsed.data);
      });
  }
  return { call: call as unknown as CallApi, on: on as unknown as EventApi };
}
