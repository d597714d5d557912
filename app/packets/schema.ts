/**
 * What goes into a packet, checked at the boundary (zod 4), and the shapes
 * that come out of it: record.json (schema version 1, documented in
 * docs/packet-format.md) and manifest.json (agency-intake.md §3).
 */
import { z } from 'zod';

const IsoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-22T10:11:12Z' });
const IsoDate = z.iso.date({ error: 'must be a date YYYY-MM-DD' });
const Text = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const Country = z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter ICAO/ISO 3166 code such as PRT');

export const processes = ['NEW', 'UPDATE', 'RENEWAL', 'DOCUMENTS'] as const;
export const PacketProcess = z.enum(processes);
export type PacketProcess = z.infer<typeof PacketProcess>;

export const DeviceInfo = z
  .object({
    make: Text(80),
    model: Text(80),
    serial: z.string().max(80).nullable(),
    /** The id of the device on the agency's approved-device list, or of the station's own approval; null when not approved. */
    approvedDeviceId: z.string().max(80).nullable(),
    firmware: z.string().max(80).nullable().default(null),
  })
  .strict();

export const captureModalities = ['finger', 'signature', 'face', 'document'] as const;

export const CaptureInfo = z
  .object({
    modality: z.enum(captureModalities),
    /** Finger: the ISO/IEC 19794-4 position as two digits '01' (right thumb) … '10' (left little); signature: 'signature'; document: the page number '01'…; face: 'frontal'. */
    position: Text(40),
    /** Null only when nothing was captured (an exception). */
    device: DeviceInfo.nullable(),
    quality: z
      .object({
        /** 0–100 (the station's quality score), null when not measured. */
        score: z.number().min(0).max(100).nullable(),
        passed: z.boolean().nullable().default(null),
        /** Named quality measures (NFIQ 2 measure names for fingers). */
        measures: z.record(z.string().max(64), z.number()).default({}),
      })
      .strict(),
    attempts: z.number().int().min(0).max(1000),
    /** Why this capture is missing or incomplete (amputated, bandaged, unable…); null when captured normally. */
    exception: z.object({ reason: Text(200) }).strict().nullable().default(null),
    /** Accepted below the quality threshold on a supervisor's authority. */
    forceCapture: z.boolean().default(false),
    supervisorId: z.string().min(1).max(64).nullable().default(null),
    capturedAt: IsoDateTime.nullable(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.forceCapture && c.supervisorId === null) ctx.addIssue({ code: 'custom', path: ['supervisorId'], message: 'is required when forceCapture is true' });
    if (c.exception === null && c.device === null) ctx.addIssue({ code: 'custom', path: ['device'], message: 'is required for a capture without an exception' });
    if (c.modality === 'finger' && !/^(0[1-9]|10)$/.test(c.position)) ctx.addIssue({ code: 'custom', path: ['position'], message: "must be an ISO finger position '01'…'10' for a finger" });
  });
export type CaptureInfo = z.output<typeof CaptureInfo>;

/** The enrolment as the case hands it to the sealer (record.json without what the sealer adds). */
export const RecordInput = z
  .object({
    /** The station's own reference of the case. */
    caseId: Text(64),
    /** The service requested, from the agency's catalogue (e.g. residence-permit). */
    serviceType: Text(64),
    applicant: z
      .object({
        surname: Text(200),
        givenNames: z.string().max(200),
        sex: z.enum(['F', 'M', 'X']),
        birthDate: IsoDate,
        nationality: Country,
        placeOfBirth: z.string().max(200).nullable().default(null),
        document: z
          .object({ type: Text(40), number: Text(40), issuingState: Country, expiryDate: IsoDate })
          .strict()
          .nullable()
          .default(null),
        contact: z
          .object({ email: z.string().max(200).nullable().default(null), phone: z.string().max(40).nullable().default(null), address: z.string().max(500).nullable().default(null) })
          .strict()
          .nullable()
          .default(null),
      })
      .strict(),
    consent: z
      .object({
        /** Version of the consent text shown. */
        textVersion: Text(40),
        /** Language it was shown in (BCP 47). */
        language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as pt or pt-PT'),
        givenAt: IsoDateTime,
        accepted: z.literal(true, { error: 'must be true: a packet is sealed only with consent' }),
      })
      .strict(),
    captures: z.array(CaptureInfo).max(64),
    operatorId: Text(64),
    supervisorId: z.string().min(1).max(64).nullable().default(null),
    timestamps: z.object({ caseOpenedAt: IsoDateTime, completedAt: IsoDateTime }).strict(),
  })
  .strict();
export type RecordInput = z.input<typeof RecordInput>;

const Bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, { error: 'must be bytes (Uint8Array or Buffer)' });

export const GreyImageInput = z
  .object({
    width: z.number().int().min(1).max(65535),
    height: z.number().int().min(1).max(65535),
    /** ISO/IEC 19794-4 images for registration: ≥ 500 ppi (agency-intake.md §3). */
    ppi: z.number().int().min(500, 'must be at least 500 ppi (agency-intake.md §3)').max(65535),
    pixels: Bytes,
  })
  .strict()
  .refine((i) => i.pixels.length === i.width * i.height, { message: 'pixels must hold width × height bytes (8-bit grey)', path: ['pixels'] });

export const FingerInput = z
  .object({
    /** ISO/IEC 19794-4 finger position: 1 right thumb … 10 left little (Table 6). */
    position: z.number().int().min(1).max(10),
    image: GreyImageInput,
    /** ISO/IEC 19794-4 impression type (Table 11); 0 live-scan plain. */
    impressionType: z.number().int().min(0).max(255).default(0),
  })
  .strict();

const PenSampleInput = z
  .object({
    t: z.number().finite().min(0),
    sequence: z.number().int().nullable(),
    rdy: z.boolean(),
    sw: z.number().int().min(0).max(7),
    pressure: z.number().min(0),
    x: z.number().min(0),
    y: z.number().min(0),
  })
  .strict();

export const SignatureInput = z
  .object({
    samples: z.array(PenSampleInput).min(1, 'must hold at least one pen sample').max(0xffffff),
    tablet: z
      .object({ maxX: z.number().int().min(1), maxY: z.number().int().min(1), maxPressure: z.number().int().min(1), unitsPerInch: z.number().positive().optional() })
      .strict(),
  })
  .strict()
  .refine((s) => s.samples.some((p) => p.rdy && p.sw !== 0), { message: 'must hold at least one pen-down sample', path: ['samples'] });

export const documentMediaTypes = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' } as const;

/** File signatures: JPEG SOI + marker (ITU T.81 B.1.1.3), PNG (ISO/IEC 15948 §5.2), PDF header (ISO 32000-1 §7.5.2). */
const magic: Record<keyof typeof documentMediaTypes, readonly number[]> = {
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d],
};
const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);

export const DocumentInput = z
  .object({
    /** The document type from the checklist; it names the entry (documents/NN-<type>.<ext>). */
    type: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be a checklist type: lowercase letters, digits and hyphens, at most 40'),
    mediaType: z.enum(Object.keys(documentMediaTypes) as [keyof typeof documentMediaTypes, ...(keyof typeof documentMediaTypes)[]]),
    bytes: Bytes.refine((b) => b.length > 0, 'must not be empty'),
  })
  .strict()
  .refine((d) => startsWith(d.bytes, magic[d.mediaType]), { message: 'do not begin as the media type says (JPEG FF D8 FF, PNG 89 50 4E 47 0D 0A 1A 0A, PDF %PDF-)', path: ['bytes'] });

export const AuditInput = z
  .object({
    at: IsoDateTime,
    type: Text(64),
    actor: z.string().max(64).nullable(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).default({}),
  })
  .strict();

export const PacketInput = z
  .object({
    record: RecordInput,
    fingers: z.array(FingerInput).max(10).default([]),
    signature: SignatureInput.nullable().default(null),
    documents: z.array(DocumentInput).max(99).default([]),
    audit: z.array(AuditInput).default([]),
  })
  .strict()
  .superRefine((input, ctx) => {
    const captures = input.record.captures;
    const seen = new Set<number>();
    input.fingers.forEach((f, i) => {
      if (seen.has(f.position)) ctx.addIssue({ code: 'custom', path: ['fingers', i, 'position'], message: `finger position ${f.position} appears twice` });
      seen.add(f.position);
      const code = String(f.position).padStart(2, '0');
      const capture = captures.find((c) => c.modality === 'finger' && c.position === code);
      if (!capture) ctx.addIssue({ code: 'custom', path: ['fingers', i], message: `has no capture record (record.captures with modality finger, position ${code})` });
      else if (capture.exception !== null) ctx.addIssue({ code: 'custom', path: ['fingers', i], message: `has an image but its capture record (position ${code}) declares an exception` });
    });
    captures.forEach((c, i) => {
      if (c.modality === 'finger' && c.exception === null && !input.fingers.some((f) => String(f.position).padStart(2, '0') === c.position)) {
        ctx.addIssue({ code: 'custom', path: ['record', 'captures', i], message: `finger ${c.position} is recorded as captured but no image was given (fingers)` });
      }
    });
    const signatureCapture = captures.find((c) => c.modality === 'signature' && c.exception === null);
    if (input.signature !== null && !signatureCapture) ctx.addIssue({ code: 'custom', path: ['signature'], message: 'has no capture record (record.captures with modality signature)' });
    if (input.signature === null && signatureCapture) ctx.addIssue({ code: 'custom', path: ['signature'], message: 'is recorded as captured (record.captures) but no pen samples were given' });
  });
export type PacketInput = z.input<typeof PacketInput>;
export type ParsedPacketInput = z.output<typeof PacketInput>;

/** The input was rejected: `field` is the dotted path of the first bad value. */
export class PacketInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'PacketInputError';
  }
}

export function parsePacketInput(input: unknown): ParsedPacketInput {
  const parsed = PacketInput.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problem(s))` : '';
  throw new PacketInputError(field, `The packet content is invalid: ${field}: ${issue?.message ?? 'invalid'}${more}. Nothing was sealed.`);
}

/** manifest.json (agency-intake.md §3). Readers ignore fields they do not know; this one is what the station writes. */
export const PacketManifest = z.object({
  format: z.literal('balcao-packet/1'),
  packetId: z.string().regex(/^\d{29}$/),
  process: PacketProcess,
  centreId: z.string().regex(/^\d{5}$/),
  stationId: z.string().regex(/^\d{5}$/),
  sealedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
  encryption: z.object({
    alg: z.literal('RSA-OAEP-256'),
    enc: z.literal('A256GCM'),
    kid: z.string().regex(/^[0-9a-f]{64}$/),
    wrappedKey: z.string().regex(/^[A-Za-z0-9_-]+$/),
    iv: z.string().regex(/^[A-Za-z0-9_-]{16}$/),
    tag: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  }),
  payload: z.object({ size: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
});
export type PacketManifest = z.infer<typeof PacketManifest>;

/** record.json as written: the record input plus what the sealer adds. */
export const RECORD_SCHEMA_VERSION = 1;
