/**
 * Every way a device exchange can fail, as a value a caller can act on. The
 * message is one sentence that says what was tried, where and at what speed
 * (e.g. "no answer from /dev/ttyUSB0 at 57600 baud to VfyPwd").
 */
export const deviceErrorCodes = [
  'timeout', // the device did not answer in time
  'checksum', // a frame arrived with a wrong checksum
  'protocol', // bytes that are not a frame of this protocol (garbage, truncated, wrong length)
  'disconnected', // the link went away (unplugged, port closed) mid-exchange
  'refused', // the device answered and said no (a confirmation or NACK code)
  'busy', // the device or port is in use
  'not_found', // no such port or device
  'not_approved', // not on the approved-device list
  'cancelled', // the caller stopped waiting
] as const;

export type DeviceErrorCode = (typeof deviceErrorCodes)[number];

export class DeviceError extends Error {
  constructor(
    readonly code: DeviceErrorCode,
    message: string,
    /** The device's own code, where it gave one (EF01 confirmation code, GT-5xx NACK parameter…). */
    readonly deviceCode?: number,
  ) {
    super(message);
    this.name = 'DeviceError';
  }
}

export function isDeviceError(error: unknown, code?: DeviceErrorCode): error is DeviceError {
  return error instanceof DeviceError && (code === undefined || error.code === code);
}
