import type { ChannelName, EventName } from './channels.js';
import { createStationApi, type StationApi } from './client.js';
import type { Dispatcher } from './dispatcher.js';
import type { EventHub } from './event-hub.js';

/** The third transport: the same contract called in the same process (CLI, tests, benchmarks). */
export function createInProcessApi(dispatcher: Dispatcher, hub: EventHub): StationApi {
  return createStationApi({
    send: (channel: ChannelName, payload: unknown) => dispatcher.call(channel, payload, { transport: 'inproc' }),
    subscribe: (event: EventName, listener: (payload: unknown) => void) =>
      hub.subscribe((name, payload) => {
        if (name === event) listener(payload);
      }),
  });
}
