/**
 * The lookup endpoints of agency-intake.md §4 ("Lookups"), answered from a
 * small, fixed register of people, documents and appointments. The people
 * and the two documents the MRZ simulator prints (device-simulators/documents/
 * mrz.ts samplePeople / sampleDocuments) are in it, so that reading the
 * simulated passport at the counter finds its holder. Countries are ISO
 * 3166-1 alpha-3 codes, as in the MRZ.
 */
import { z } from 'zod';
import { sampleDocuments, samplePeople } from '../documents/mrz.js';

/** Document kinds, with the ICAO 9303 document codes and the spellings a station may send for them. */
const documentKinds: Record<string, 'passport' | 'id-card' | 'residence-permit' | 'visa'> = {
  P: 'passport',
  PASSPORT: 'passport',
  I: 'id-card',
  ID: 'id-card',
  ID_CARD: 'id-card',
  IDCARD: 'id-card',
  'ID-CARD': 'id-card',
  A: 'residence-permit',
  C: 'residence-permit',
  RESIDENCE_PERMIT: 'residence-permit',
  'RESIDENCE-PERMIT': 'residence-permit',
  V: 'visa',
  VISA: 'visa',
};

/** The kind a document type names, or null for one the register does not know. */
export function documentKind(type: string): string | null {
  const key = type.trim().toUpperCase();
  // An MRZ document code may carry a second letter (e.g. "PD", "IR"); ICAO 9303 part 4/5 define the first as the kind.
  return documentKinds[key] ?? (key.length === 2 ? (documentKinds[key[0] as string] ?? null) : null);
}

const alpha3 = z.string().regex(/^[A-Z]{3}$/, 'an ISO 3166-1 alpha-3 code');
const documentNumber = z.string().min(1).max(20).regex(/^[A-Za-z0-9<]+$/, 'letters and digits');
const documentType = z.string().min(1).max(30);

export const identityVerifyRequestSchema = z.object({
  documentType,
  documentNumber,
  issuingState: alpha3,
  birthDate: z.iso.date(),
  nationality: alpha3,
});
export const documentStatusRequestSchema = z.object({
  documentType,
  documentNumber,
  issuingState: alpha3,
  expiryDate: z.iso.date(),
});
/** Appointment references as the agency issues them: "APT-" + year + "-" + 6 digits. */
export const appointmentReferencePattern = /^APT-\d{4}-\d{6}$/;

export type DocumentStatus = 'VALID' | 'EXPIRED' | 'REPORTED_LOST' | 'REPORTED_STOLEN' | 'REVOKED' | 'UNKNOWN';

interface OpenCase {
  caseRef: string;
  process: 'NEW' | 'UPDATE' | 'RENEWAL' | 'DOCUMENTS';
  status: string;
  openedAt: string;
}

interface RegisterPerson {
  personRef: string;
  surname: string;
  givenNames: string;
  birthDate: string;
  nationality: string;
  openCases: OpenCase[];
}

interface RegisterDocument {
  personRef: string;
  kind: string;
  documentNumber: string;
  issuingState: string;
  expiryDate: string;
  /** The register's status; VALID documents past their expiry date are reported EXPIRED. */
  status: Exclude<DocumentStatus, 'EXPIRED' | 'UNKNOWN'>;
}

interface Appointment {
  reference: string;
  service: string;
  date: string;
  applicantName: string;
}

const person = (personRef: string, p: { surname: string; givenNames: string; birthDate: string; nationality: string }, openCases: OpenCase[] = []): RegisterPerson => ({
  personRef,
  surname: p.surname,
  givenNames: p.givenNames,
  birthDate: p.birthDate,
  nationality: p.nationality,
  openCases,
});

export const seedPeople: readonly RegisterPerson[] = [
  person('PR-2019-004417', samplePeople.portuguese),
  person('PR-2023-011982', samplePeople.brazilian, [{ caseRef: 'CASE-2026-000311', process: 'RENEWAL', status: 'AWAITING_BIOMETRICS', openedAt: '2026-10-03T09:20:00Z' }]),
  person('PR-2012-000873', samplePeople.german),
  person('PR-2022-020561', samplePeople.ukrainian, [{ caseRef: 'CASE-2026-000287', process: 'NEW', status: 'AWAITING_DOCUMENTS', openedAt: '2026-09-14T14:05:00Z' }]),
  person('PR-2024-031207', { surname: 'Mendes Tavares', givenNames: 'Carla Sofia', birthDate: '1998-02-09', nationality: 'CPV' }),
  person('PR-2021-017655', { surname: 'Kumar', givenNames: 'Rajesh', birthDate: '1984-12-01', nationality: 'IND' }),
];

export const seedDocuments: readonly RegisterDocument[] = [
  // The MRZ simulator's sample passport (mrz.ts sampleDocuments.passport), held by the Portuguese sample person.
  { personRef: 'PR-2019-004417', kind: 'passport', ...pick(sampleDocuments.passport), status: 'VALID' },
  // The sample ID card (sampleDocuments.idCard), held by the Ukrainian sample person.
  { personRef: 'PR-2022-020561', kind: 'id-card', ...pick(sampleDocuments.idCard), status: 'VALID' },
  { personRef: 'PR-2023-011982', kind: 'passport', documentNumber: 'FX482913', issuingState: 'BRA', expiryDate: '2032-07-11', status: 'VALID' },
  { personRef: 'PR-2023-011982', kind: 'passport', documentNumber: 'FT110274', issuingState: 'BRA', expiryDate: '2028-03-02', status: 'REPORTED_LOST' },
  { personRef: 'PR-2012-000873', kind: 'passport', documentNumber: 'C01X00T47', issuingState: 'DEU', expiryDate: '2021-06-29', status: 'VALID' },
  { personRef: 'PR-2012-000873', kind: 'id-card', documentNumber: 'L01X00T47', issuingState: 'DEU', expiryDate: '2033-06-29', status: 'VALID' },
  { personRef: 'PR-2024-031207', kind: 'passport', documentNumber: 'PA0193847', issuingState: 'CPV', expiryDate: '2030-09-30', status: 'REPORTED_STOLEN' },
  { personRef: 'PR-2021-017655', kind: 'passport', documentNumber: 'Z4821937', issuingState: 'IND', expiryDate: '2031-01-17', status: 'REVOKED' },
];

function pick(d: { documentNumber: string; issuingState: string; expirationDate: string }) {
  return { documentNumber: d.documentNumber, issuingState: d.issuingState, expiryDate: d.expirationDate };
}

export const seedAppointments: readonly Appointment[] = [
  { reference: 'APT-2026-000123', service: 'RESIDENCE_PERMIT_NEW', date: '2026-11-23T09:30:00Z', applicantName: 'João Gonçalo Conceição Simões' },
  { reference: 'APT-2026-000124', service: 'RESIDENCE_PERMIT_RENEWAL', date: '2026-11-23T10:00:00Z', applicantName: 'Ana Luíza Gonçalves' },
  { reference: 'APT-2026-000125', service: 'BIOMETRICS_UPDATE', date: '2026-11-23T10:30:00Z', applicantName: 'Олександр Григорович Шевченко' },
  { reference: 'APT-2026-000126', service: 'DOCUMENTS_DIGITISATION', date: '2026-11-24T14:00:00Z', applicantName: 'Carla Sofia Mendes Tavares' },
];

const sameNumber = (a: string, b: string) => a.replace(/</g, '').toUpperCase() === b.replace(/</g, '').toUpperCase();

function findDocument(type: string, number: string, issuingState: string): RegisterDocument | undefined {
  const kind = documentKind(type);
  return seedDocuments.find((d) => d.kind === kind && d.issuingState === issuingState && sameNumber(d.documentNumber, number));
}

/** POST /v1/identity/verify: a match needs the document and the person's birth date and nationality to agree. */
export function verifyIdentity(request: z.infer<typeof identityVerifyRequestSchema>): { match: boolean; personRef?: string; openCases?: OpenCase[] } {
  const document = findDocument(request.documentType, request.documentNumber, request.issuingState);
  const holder = document && seedPeople.find((p) => p.personRef === document.personRef);
  if (!holder || holder.birthDate !== request.birthDate || holder.nationality !== request.nationality) return { match: false };
  return { match: true, personRef: holder.personRef, openCases: holder.openCases };
}

/** POST /v1/documents/status: unknown documents, and a known number with another expiry date, are UNKNOWN. */
export function documentStatus(request: z.infer<typeof documentStatusRequestSchema>, today: Date): { status: DocumentStatus } {
  const document = findDocument(request.documentType, request.documentNumber, request.issuingState);
  if (!document || document.expiryDate !== request.expiryDate) return { status: 'UNKNOWN' };
  if (document.status === 'VALID' && document.expiryDate < today.toISOString().slice(0, 10)) return { status: 'EXPIRED' };
  return { status: document.status };
}

/** GET /v1/appointments/{reference}. */
export function findAppointment(reference: string): Appointment | undefined {
  return seedAppointments.find((a) => a.reference === reference);
}
