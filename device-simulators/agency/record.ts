/**
 * The schema the simulator holds `record.json` to. agency-intake.md §3 lists
 * what the record carries but names no fields, so these names are this
 * reader's choice (docs/agency-simulator.md lists them); the station's
 * sealer must use the same ones. Every object is loose: fields the
 * agency does not know are ignored, as §3 says of the manifest.
 */
import { z } from 'zod';

const isoDateTime = z.iso.datetime({ offset: true });
const nonEmpty = z.string().min(1);

/** "device (make, model, serial, approved-device id)". */
export const recordDeviceSchema = z.looseObject({
  make: nonEmpty,
  model: nonEmpty,
  /** Null where a device reports none. */
  serial: z.string().nullable(),
  approvedDeviceId: z.string().nullable().optional(),
});

/**
 * "for every capture the modality, position, device, quality score and
 * measures, attempts, exception and reason, force-capture and supervisor".
 * A capture that is an exception (a missing finger) may have no device and no quality.
 */
export const recordCaptureSchema = z.looseObject({
  modality: z.enum(['finger', 'signature', 'face', 'iris', 'document']),
  position: z.union([z.number().int(), z.string()]).nullable().optional(),
  device: recordDeviceSchema.nullable().optional(),
  quality: z
    .looseObject({
      score: z.number().nullable(),
      measures: z.record(z.string(), z.unknown()).optional(),
    })
    .nullable()
    .optional(),
  attempts: z.number().int().min(0),
  exception: z.looseObject({ reason: nonEmpty }).nullable().optional(),
  forceCapture: z.boolean().optional(),
  supervisorId: z.string().nullable().optional(),
});

/** "applicant demographics". Nationality is an ISO 3166-1 alpha-3 code, as in the MRZ. */
export const recordApplicantSchema = z.looseObject({
  surname: nonEmpty,
  givenNames: z.string(),
  birthDate: z.iso.date(),
  nationality: z.string().regex(/^[A-Z]{3}$/, 'an ISO 3166-1 alpha-3 code'),
  sex: z.enum(['M', 'F', 'X']).optional(),
});

/** "consent (text version, language, time)". */
export const recordConsentSchema = z.looseObject({
  textVersion: nonEmpty,
  language: z.string().min(2),
  givenAt: isoDateTime,
  /** When present, it must say the applicant agreed: nothing is sent without consent. */
  accepted: z.literal(true).optional(),
});

export const recordSchema = z.looseObject({
  packetId: z.string().regex(/^\d{29}$/).optional(),
  process: z.enum(['NEW', 'UPDATE', 'RENEWAL', 'DOCUMENTS']).optional(),
  serviceType: nonEmpty,
  applicant: recordApplicantSchema,
  consent: recordConsentSchema,
  captures: z.array(recordCaptureSchema),
  operatorId: nonEmpty,
  supervisorId: z.string().nullable().optional(),
  /** "timestamps": named by the station (e.g. caseOpenedAt), each an ISO 8601 date-time; completedAt at least. */
  timestamps: z.object({ completedAt: isoDateTime }).catchall(isoDateTime.nullable()),
});

export type PacketRecord = z.infer<typeof recordSchema>;
