import { z } from 'zod';

/**
 * The applicant's demographic form, one zod schema per agency profile. The
 * core validates with it (cases.setDemographics, and before the step is
 * complete); the UI generates the form from it with describeForm() and shows
 * zod's issue codes as sentences in the operator's language (forms.issues.*).
 *
 * Every value is a string as typed: dates YYYY-MM-DD, countries ICAO/ISO 3166
 * alpha-3. Names keep their own script and diacritics; the MRZ form is
 * derived by the core (ICAO 9303 part 3, app/cases/transliterate.ts) and
 * shown beside the typed name, never typed.
 *
 * Shared with the renderer: imports only zod.
 */

export const fieldKinds = ['text', 'date', 'select', 'country', 'email', 'phone', 'textarea'] as const;
export type FieldKind = (typeof fieldKinds)[number];

export interface FieldMeta {
  kind: FieldKind;
  /** select: the values (translated as forms.options.<field>.<value>). */
  options?: readonly string[];
  /** Which MRZ field this one is compared with (mismatches). */
  mrz?: 'surname' | 'givenNames' | 'sex' | 'birthDate' | 'nationality' | 'documentNumber' | 'issuingState' | 'expiryDate';
  /** Form section (forms.sections.<id>). */
  section: 'person' | 'document' | 'contact';
}

const metas = new WeakMap<z.ZodType, FieldMeta>();
function field<T extends z.ZodType>(schema: T, meta: FieldMeta): T {
  metas.set(schema, meta);
  return schema;
}

const Name = z.string().trim().min(1).max(200);
const OptionalText = (max: number) => z.string().trim().max(max);
// Factories, not shared instances: field() keys its metadata by schema instance, so two fields sharing one would share one meta.
const IsoDate = () => z.iso.date();
const Alpha3 = () => z.string().regex(/^[A-Z]{3}$/);
const sexes = ['F', 'M', 'X'] as const;
export const identityDocumentTypes = ['passport', 'identity-card', 'residence-permit', 'travel-document', 'other'] as const;

/** Portugal's migration agency (AIMA) intake profile: what the record schema needs, plus contact details. */
const ptAima = z
  .object({
    surname: field(Name, { kind: 'text', mrz: 'surname', section: 'person' }),
    givenNames: field(OptionalText(200), { kind: 'text', mrz: 'givenNames', section: 'person' }),
    sex: field(z.enum(sexes), { kind: 'select', options: sexes, mrz: 'sex', section: 'person' }),
    birthDate: field(IsoDate(), { kind: 'date', mrz: 'birthDate', section: 'person' }),
    placeOfBirth: field(OptionalText(200), { kind: 'text', section: 'person' }),
    nationality: field(Alpha3(), { kind: 'country', mrz: 'nationality', section: 'person' }),
    documentType: field(z.enum(identityDocumentTypes), { kind: 'select', options: identityDocumentTypes, section: 'document' }),
    documentNumber: field(z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9<-]+$/), { kind: 'text', mrz: 'documentNumber', section: 'document' }),
    issuingState: field(Alpha3(), { kind: 'country', mrz: 'issuingState', section: 'document' }),
    expiryDate: field(IsoDate(), { kind: 'date', mrz: 'expiryDate', section: 'document' }),
    email: field(z.union([z.literal(''), z.email()]), { kind: 'email', section: 'contact' }),
    phone: field(z.union([z.literal(''), z.string().regex(/^\+?[0-9 ()-]{6,20}$/)]), { kind: 'phone', section: 'contact' }),
    address: field(OptionalText(500), { kind: 'textarea', section: 'contact' }),
  })
  .strict();

export const demographicsProfiles = { 'pt-aima': ptAima } as const;
export type DemographicsProfileId = keyof typeof demographicsProfiles;
export const DemographicsProfileId = z.enum(Object.keys(demographicsProfiles) as [DemographicsProfileId]);
export type Demographics = z.infer<typeof ptAima>;

export interface FieldDescriptor extends FieldMeta {
  name: string;
  required: boolean;
  maxLength: number | null;
}

/** The form, field by field, in schema order: what the UI renders. */
export function describeForm(profile: DemographicsProfileId): FieldDescriptor[] {
  const schema = demographicsProfiles[profile];
  return Object.entries(schema.shape).map(([name, fieldSchema]) => {
    const meta = metas.get(fieldSchema as z.ZodType);
    if (meta === undefined) throw new Error(`demographics profile ${profile}: field ${name} has no form metadata`);
    // Required: an empty string does not parse.
    const required = !(fieldSchema as z.ZodType).safeParse('').success;
    const maxLength = (fieldSchema as { maxLength?: number | null }).maxLength ?? null;
    return { name, ...meta, required, maxLength };
  });
}
