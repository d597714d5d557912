import { z } from 'zod';
import { ContractErrorBody } from './errors.js';

/** What every transport carries back for one call: a result or a typed error, never a thrown exception. */
export const WireResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: ContractErrorBody }),
]);
export type WireResult = z.infer<typeof WireResult>;

/** WebSocket frames from the UI. `id` pairs a reply with its call. */
export const WsClientFrame = z
  .object({
    type: z.literal('call'),
    id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    channel: z.string().max(128),
    payload: z.unknown(),
  })
  .strict();
export type WsClientFrame = z.infer<typeof WsClientFrame>;

/** WebSocket frames to the UI. */
export const WsServerFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('result'), id: z.number().int().nonnegative(), reply: WireResult }),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }),
  /** A frame that could not be read at all, so there is no id to answer to. */
  z.object({ type: z.literal('refused'), error: ContractErrorBody }),
]);
export type WsServerFrame = z.infer<typeof WsServerFrame>;

/** Largest frame the bridge accepts; the contract has no call anywhere near this. */
export const maxFrameBytes = 256 * 1024;
