/**
 * The agency's lookup endpoints (shared/reference/agency-intake.md §4,
 * "Lookups"): identity verification, document status and appointments. Every
 * request carries the station's bearer token and gives up after a timeout;
 * answers are parsed with zod (a boundary: they come off the network); errors
 * are RFC 9457 problem+json and become an AgencyLookupError whose sentence
 * names the endpoint and what the agency said.
 *
 * Each call is recorded in the audit log (§4 requires it): which endpoint,
 * for which case, the outcome and the HTTP status — never the document
 * number, name or birth date that were asked about.
 */
import { z } from 'zod';
import { documentStatuses } from '../contract/cases.js';
import type { AuditLog } from '../audit/log.js';

export const IdentityVerifyRequest = z
  .object({
    documentType: z.string().min(1).max(30),
    documentNumber: z.string().min(1).max(20),
    issuingState: z.string().regex(/^[A-Z]{3}$/),
    birthDate: z.iso.date(),
    nationality: z.string().regex(/^[A-Z]{3}$/),
  })
  .strict();
export type IdentityVerifyRequest = z.infer<typeof IdentityVerifyRequest>;

export const DocumentStatusRequest = z
  .object({
    documentType: z.string().min(1).max(30),
    documentNumber: z.string().min(1).max(20),
    issuingState: z.string().regex(/^[A-Z]{3}$/),
    expiryDate: z.iso.date(),
  })
  .strict();
export type DocumentStatusRequest = z.infer<typeof DocumentStatusRequest>;

const OpenCase = z.object({ caseRef: z.string() }).loose();
export const IdentityVerifyAnswer = z.object({ match: z.boolean(), personRef: z.string().optional(), openCases: z.array(OpenCase).optional() }).loose();
export type IdentityVerifyAnswer = z.infer<typeof IdentityVerifyAnswer>;
export const DocumentStatusAnswer = z.object({ status: z.enum(documentStatuses) }).loose();
export type DocumentStatusAnswer = z.infer<typeof DocumentStatusAnswer>;
export const AppointmentAnswer = z.object({ reference: z.string(), service: z.string(), date: z.string(), applicantName: z.string() }).loose();
export type AppointmentAnswer = z.infer<typeof AppointmentAnswer>;

const Problem = z.object({ type: z.string().optional(), title: z.string().optional(), detail: z.string().optional() }).loose();

export type AgencyLookupErrorCode = 'unreachable' | 'timeout' | 'unauthorized' | 'rejected' | 'not_found' | 'server_error' | 'bad_answer';

export class AgencyLookupError extends Error {
  override readonly name = 'AgencyLookupError';
  constructor(
    readonly code: AgencyLookupErrorCode,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export interface AgencyLookupOptions {
  /** agency.url from the station config. */
  url: string;
  token: string;
  timeoutMs?: number;
  audit?: AuditLog;
  fetch?: typeof fetch;
}

export interface LookupContext {
  /** Who asked (operator username) and for which case: what the audit entry records. */
  actor: string | null;
  caseId?: string;
}

export class AgencyLookups {
  readonly #base: URL;
  readonly #token: string;
  readonly #timeoutMs: number;
  readonly #audit: AuditLog | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: AgencyLookupOptions) {
    this.#base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 8000;
    this.#audit = options.audit;
    this.#fetch = options.fetch ?? fetch;
  }

  async verifyIdentity(request: IdentityVerifyRequest, context: LookupContext): Promise<IdentityVerifyAnswer> {
    return this.#call('identity.verify', 'POST', 'v1/identity/verify', IdentityVerifyRequest.parse(request), IdentityVerifyAnswer, context, (a) => ({ match: a.match }));
  }

  async documentStatus(request: DocumentStatusRequest, context: LookupContext): Promise<DocumentStatusAnswer> {
    return this.#call('documents.status', 'POST', 'v1/documents/status', DocumentStatusRequest.parse(request), DocumentStatusAnswer, context, (a) => ({ documentStatus: a.status }));
  }

  /** GET /v1/appointments/{reference}: null when the agency does not know the reference (404). */
  async appointment(reference: string, context: LookupContext): Promise<AppointmentAnswer | null> {
    if (!/^[A-Za-z0-9-]{1,40}$/.test(reference)) throw new AgencyLookupError('rejected', 'The appointment reference has characters the agency does not use (letters, digits and hyphens only).');
    try {
      return await this.#call('appointments.get', 'GET', `v1/appointments/${encodeURIComponent(reference)}`, undefined, AppointmentAnswer, context, () => ({}));
    } catch (error) {
      if (error instanceof AgencyLookupError && error.code === 'not_found') return null;
      throw error;
    }
  }

  async #call<T>(
    name: string,
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    context: LookupContext,
    outcome: (answer: T) => Record<string, string | boolean>,
  ): Promise<T> {
    const url = new URL(path, this.#base);
    const started = Date.now();
    const record = (details: Record<string, string | number | boolean | null>) =>
      this.#audit?.append({ type: 'agency.lookup', actor: context.actor, details: { endpoint: name, caseId: context.caseId ?? null, ms: Date.now() - started, ...details } });
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method,
        headers: { authorization: `Bearer ${this.#token}`, accept: 'application/json, application/problem+json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
      record({ outcome: timedOut ? 'timeout' : 'unreachable', status: null });
      throw timedOut
        ? new AgencyLookupError('timeout', `The agency did not answer ${method} ${url.pathname} within ${this.#timeoutMs} ms.`)
        : new AgencyLookupError('unreachable', `The agency at ${url.origin} could not be reached for ${method} ${url.pathname} (${(error as Error).message}).`);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      const problem = Problem.safeParse(safeJson(text));
      const said = problem.success ? [problem.data.title, problem.data.detail].filter((s) => typeof s === 'string' && s.length > 0).join(': ') : '';
      const code: AgencyLookupErrorCode =
        response.status === 401 || response.status === 403 ? 'unauthorized' : response.status === 404 ? 'not_found' : response.status >= 500 || response.status === 429 ? 'server_error' : 'rejected';
      record({ outcome: code, status: response.status });
      throw new AgencyLookupError(code, `The agency answered ${method} ${url.pathname} with HTTP ${response.status}${said ? ` (${said.slice(0, 300)})` : ''}.`, response.status);
    }
    const parsed = schema.safeParse(safeJson(text));
    if (!parsed.success) {
      record({ outcome: 'bad_answer', status: response.status });
      const issue = parsed.error.issues[0];
      throw new AgencyLookupError('bad_answer', `The agency's answer to ${method} ${url.pathname} is not what agency-intake.md §4 describes (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}).`, response.status);
    }
    record({ outcome: 'ok', status: response.status, ...outcome(parsed.data) });
    return parsed.data;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
