import { channelNames, eventNames, isEventName, type ChannelName } from '../../app/contract/channels.js';
import type { Dispatcher } from '../../app/contract/dispatcher.js';
import type { EventListener } from '../../app/contract/event-hub.js';
import type { ContractErrorBody } from '../../app/contract/errors.js';
import type { WireResult } from '../../app/contract/wire.js';
import { appOrigin, isAppOrigin, isAppUrl } from './app-origin.js';
import { ipcChannelName, ipcEventName } from './ipc-names.js';

/**
 * The ipcMain adapter, without electron: main/electron/ipc.ts hands it the
 * real ipcMain and the app window; the unit tests hand it a fake. It adds the
 * one check only Electron can make — who sent the message — and leaves
 * everything else (unknown channel, role, request parsing, response checking)
 * to the dispatcher, which every transport shares.
 */

/** The parts of a WebFrameMain the sender check reads. */
export interface FrameLike {
  readonly url: string;
  readonly origin?: string;
  readonly parent: FrameLike | null;
  /** With routingId, names one frame (webFrameMain.fromId): used when two wrappers of one frame are not the same object. */
  readonly processId?: number;
  readonly routingId?: number;
}

/**
 * Electron returns one wrapper object per frame, so identity is the check;
 * the ids are a fallback so that a second wrapper of the same frame is not
 * refused (which would lock the UI out of the core).
 */
function sameFrame(a: FrameLike, b: FrameLike): boolean {
  if (a === b) return true;
  return (
    typeof a.processId === 'number' &&
    typeof a.routingId === 'number' &&
    a.processId === b.processId &&
    a.routingId === b.routingId
  );
}

/** The parts of a WebContents the sender check reads. */
export interface WebContentsLike {
  readonly id: number;
  readonly mainFrame: FrameLike;
  isDestroyed(): boolean;
}

/** The parts of IpcMainInvokeEvent the adapter reads. senderFrame is null once the frame has gone or navigated. */
export interface InvokeEventLike {
  readonly sender: WebContentsLike;
  readonly senderFrame: FrameLike | null;
}

/** The parts of ipcMain the adapter uses; electron's ipcMain satisfies it. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface HubLike {
  subscribe(listener: EventListener): () => void;
}

export interface AdapterLog {
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export type SenderVerdict = { trusted: true } | { trusted: false; reason: string };

export type SenderCheck = (event: InvokeEventLike) => SenderVerdict;

/**
 * A sender is trusted when it is the top frame of the app's own window and
 * shows the app's own origin (Electron security checklist §17, "Validate the
 * sender of all IPC messages"). Anything else — a sub-frame, another
 * window or webContents (devtools, a webview if one ever got in), a page that
 * navigated away, a frame already gone — is refused. Reading a disposed
 * WebFrameMain throws in Electron, so any exception is a refusal too.
 */
export function createSenderCheck(appContents: () => WebContentsLike | null): SenderCheck {
  return (event) => {
    try {
      const contents = appContents();
      if (contents === null || contents.isDestroyed()) return { trusted: false, reason: 'no app window' };
      // WebContents ids are unique in the process; Electron also hands out one wrapper per webContents.
      const sender = event.sender;
      if (sender?.id !== contents.id) return { trusted: false, reason: 'not the app window' };
      const frame = event.senderFrame;
      if (frame === null || frame === undefined) return { trusted: false, reason: 'sender frame gone' };
      if (frame.parent !== null || !sameFrame(frame, contents.mainFrame)) return { trusted: false, reason: 'not the top frame' };
      if (!isAppUrl(frame.url)) return { trusted: false, reason: 'not the app origin' };
      // Chromium's own view of the origin, when Electron gives it: an opaque ("null") origin is not ours even at our URL.
      if (frame.origin !== undefined && !isAppOrigin(frame.origin)) return { trusted: false, reason: 'not the app origin' };
      return { trusted: true };
    } catch {
      return { trusted: false, reason: 'sender unreadable' };
    }
  };
}

export interface AttachIpcOptions {
  ipcMain: IpcMainLike;
  dispatcher: Dispatcher;
  hub: HubLike;
  checkSender: SenderCheck;
  /** Delivers one event to the app window (main/electron/ipc.ts: webContents.send on the app's own page only). */
  sendEvent: (ipcChannel: string, payload: unknown) => void;
  log: AdapterLog;
}

function refusal(code: ContractErrorBody['code'], message: string): WireResult {
  return { ok: false, error: { code, message } };
}

/**
 * Registers one ipcMain handler per contract channel (nothing generic: an
 * IPC name outside the contract has no handler, and Electron rejects the
 * invoke before any code of ours runs) and forwards core events to the app
 * window. Returns a function that removes all of it.
 *
 * A handler never throws and never rejects: every outcome is a WireResult.
 */
export function attachIpc({ ipcMain, dispatcher, hub, checkSender, sendEvent, log }: AttachIpcOptions): () => void {
  const registered: string[] = [];

  const handlerFor =
    (channel: ChannelName) =>
    async (event: InvokeEventLike, ...args: unknown[]): Promise<WireResult> => {
      try {
        const verdict = checkSender(event);
        if (!verdict.trusted) {
          // The payload is not logged: it may hold a password or personal data.
          log.warn('ipc call refused: untrusted sender', { channel, reason: verdict.reason });
          return refusal('transport.forbidden_sender', `Only the app's own page (${appOrigin}) may call ${channel}.`);
        }
        // The preload always sends exactly one argument; anything else did not come through it.
        if (args.length !== 1) {
          log.warn('ipc call refused: bad envelope', { channel, args: args.length });
          return refusal('contract.bad_envelope', `A call to ${channel} carries exactly one payload.`);
        }
        return await dispatcher.call(channel, args[0], { transport: 'ipc' });
      } catch (thrown) {
        // dispatcher.call does not throw; this is the last guard so that the renderer always gets a typed answer.
        log.error('ipc handler failed', { channel, error: thrown instanceof Error ? thrown.message : String(thrown) });
        return refusal('internal', 'The station could not complete this request; it has been logged.');
      }
    };

  for (const channel of channelNames) {
    const name = ipcChannelName(channel);
    ipcMain.handle(name, handlerFor(channel));
    registered.push(name);
  }

  const unsubscribe = hub.subscribe((event, payload) => {
    if (!isEventName(event)) return;
    try {
      sendEvent(ipcEventName(event), payload);
    } catch (thrown) {
      // A window closing between the check and the send: the event is lost for a page that no longer exists.
      log.warn('event not delivered to the window', { event, error: thrown instanceof Error ? thrown.message : String(thrown) });
    }
  });

  let detached = false;
  return () => {
    if (detached) return;
    detached = true;
    unsubscribe();
    for (const name of registered) ipcMain.removeHandler(name);
  };
}

/** Every IPC name the adapter registers or sends on, for tests and docs. */
export const ipcNames = {
  calls: channelNames.map(ipcChannelName),
  events: eventNames.map(ipcEventName),
};
