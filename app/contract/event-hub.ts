import { events, type EventName, type EventOf } from './channels.js';

export type EventListener = (event: EventName, payload: unknown) => void;

/**
 * Fan-out of core events to every connected transport (Electron window,
 * WebSocket clients, in-process subscribers). Payloads are checked against
 * the contract before they leave the core.
 */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    const checked = events[event].parse(payload);
    for (const listener of [...this.listeners]) {
      try {
        listener(event, checked);
      } catch {
        // One broken subscriber (a closed socket, a destroyed window) must not stop the others.
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
