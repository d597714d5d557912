import { z } from 'zod';

/**
 * Every failure that crosses the contract is one of these codes. The UI
 * translates the code (errors.<code> in each locale); `message` is an English
 * sentence for logs and for callers without a UI (CLI, tests).
 */
export const errorCodes = [
  // The envelope or payload was not what the contract declares.
  'contract.unknown_channel',
  'contract.bad_envelope',
  'contract.bad_request',
  'contract.bad_response',
  // Who may call what.
  'auth.required',
  'auth.forbidden',
  'auth.invalid_credentials',
  'auth.locked',
  'auth.disabled',
  'auth.first_run_done',
  'auth.first_run_required',
  'auth.weak_password',
  'auth.username_taken',
  'auth.unknown_operator',
  'auth.last_admin',
  // Transport-level refusals.
  'transport.forbidden_sender',
  'transport.closed',
  'transport.timeout',
  // Devices: one per DeviceError code (drivers/errors.ts), the sentence from the driver in `message`.
  'device.timeout',
  'device.checksum',
  'device.protocol',
  'device.disconnected',
  'device.refused',
  'device.busy',
  'device.not_found',
  'device.not_approved',
  'device.cancelled',
  // The device manager's own refusals.
  'device.unknown',
  'device.identity_unknown',
  'device.approved_by_agency',
  // The outbox's refusals (app/outbox).
  'outbox.unknown_packet',
  'outbox.not_retryable',
  // The enrolment case's refusals (app/cases).
  'case.unknown',
  'case.not_open',
  'case.step_not_in_service',
  'case.step_incomplete',
  'case.invalid_mrz',
  'case.invalid_demographics',
  'case.no_device',
  'case.capture_running',
  'case.retries_left',
  'case.not_supervisor',
  'case.approval_required',
  'case.agency_unreachable',
  'case.seal_failed',
  'case.slap_unsupported',
  'case.consent_rejected',
  // Anything a service did not expect; details are logged, not sent.
  'internal',
] as const;

export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ContractErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Values the UI may put into its translated sentence (e.g. lockedUntil). */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type ContractErrorBody = z.infer<typeof ContractErrorBody>;

/** A failure a service reports on purpose: a value with a code, thrown across the handler boundary. */
export class ContractError extends Error {
  readonly code: ErrorCode;
  readonly params: ContractErrorBody['params'];

  constructor(code: ErrorCode, message: string, params?: ContractErrorBody['params']) {
    super(message);
    this.name = 'ContractError';
    this.code = code;
    this.params = params;
  }

  toBody(): ContractErrorBody {
    return this.params === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, params: this.params };
  }

  static fromBody(body: ContractErrorBody): ContractError {
    return new ContractError(body.code, body.message, body.params);
  }
}

/** Summarise zod issues as "field: problem; field: problem" — enough to act on, no values echoed. */
export function describeIssues(error: z.ZodError): string {
  // Bounded: a hostile page can send key names of any length, and zod's messages repeat them.
  const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
  return clip(
    error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.length > 0 ? clip(issue.path.map(String).join('.'), 80) : '(root)'}: ${clip(issue.message, 120)}`)
      .join('; '),
    600,
  );
}
