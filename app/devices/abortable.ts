import { DeviceError } from '../../drivers/errors.js';

/**
 * Races work against an abort signal: drivers that cannot be interrupted
 * mid-exchange still let the caller stop waiting ('cancelled'); the work
 * finishes or times out on its own behind the scenes.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(new DeviceError('cancelled', `${what} was cancelled.`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DeviceError('cancelled', `${what} was cancelled.`));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
