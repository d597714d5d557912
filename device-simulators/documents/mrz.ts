/**
 * Machine-readable zones for simulated documents, built by the rules of
 * ICAO Doc 9303 (8th edition):
 *   part 3 §4.9  check digits: weights 7, 3, 1 repeating; '<' = 0, A–Z = 10–35; sum mod 10;
 *   part 3 §6    transliteration of national characters (app/cases/transliterate.ts);
 *   part 4 §4.2  TD3 (passport): 2 lines × 44;
 *   part 5 §4.2  TD1 (ID card): 3 lines × 30;
 *   part 6 §4.2  TD2: 2 lines × 36.
 * Issuing state and nationality are ISO 3166-1 alpha-3 codes (never the
 * specimen code "UTO", which the `mrz` package reports as invalid).
 */
import { mrzName } from '../../app/cases/transliterate.js';

export interface PersonRecord {
  /** Primary identifier, as written in the person's own script (diacritics, Cyrillic…). */
  surname: string;
  /** Secondary identifier(s). */
  givenNames: string;
  /** ISO 3166-1 alpha-3, e.g. 'PRT', 'BRA', 'UKR', 'DEU'. */
  nationality: string;
  /** 'YYYY-MM-DD'. */
  birthDate: string;
  sex: 'M' | 'F' | 'X';
  /** Which Cyrillic table variant applies (ICAO 9303 part 3 table B names exceptions for Ukrainian). */
  language?: 'uk' | 'ru' | 'be' | 'bg' | 'sr' | 'mk';
}

export interface DocumentRecord {
  /** Up to 9 characters (A–Z, 0–9). */
  documentNumber: string;
  /** ISO 3166-1 alpha-3. */
  issuingState: string;
  /** 'YYYY-MM-DD'. */
  expirationDate: string;
  /** TD3: personal number (≤ 14). TD1: optional data line 1 (≤ 15). TD2: optional data (≤ 7). */
  optionalData?: string;
  /** Second letter of the document code ('<' when absent). */
  documentType?: string;
}

/** Check digits by the field names the `mrz` package gives them. */
export type CheckDigitField = 'documentNumberCheckDigit' | 'birthDateCheckDigit' | 'expirationDateCheckDigit' | 'personalNumberCheckDigit' | 'compositeCheckDigit';

export interface MrzOptions {
  /** Make this check digit wrong (the composite is recomputed over the wrong digit, so only this field fails). */
  corrupt?: CheckDigitField;
  /** ICAO 9303 part 3 allows Ä/Ö/Ü → AE/OE/UE or A/O/U; 'expand' (the default) gives AE/OE/UE. */
  umlauts?: 'expand' | 'plain';
}

const CHAR_VALUE = (c: string): number => {
  if (c === '<') return 0;
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  throw new Error(`"${c}" is not an MRZ character`);
};

/** ICAO 9303 part 3 §4.9: weights 7, 3, 1; '<' = 0, A–Z = 10–35; sum mod 10. */
export function checkDigit(text: string): string {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += CHAR_VALUE(text[i] as string) * (weights[i % 3] as number);
  return String(sum % 10);
}

/**
 * A name in the MRZ character set (ICAO 9303 part 3 §6: upper case A–Z, '<'
 * for spaces and hyphens, other punctuation dropped). The tables are the
 * station's own (app/cases/transliterate.ts), so that the documents the
 * simulators make and the station's cross-check of typed names against the
 * MRZ read the same rules.
 */
export function transliterate(name: string, options: { language?: PersonRecord['language']; umlauts?: 'expand' | 'plain' } = {}): string {
  const language = options.language === 'uk' || options.language === 'bg' ? options.language : 'other';
  return mrzName(name, { language, ...(options.umlauts !== undefined ? { umlauts: options.umlauts } : {}) });
}

/** Primary<<secondary, truncated and filled to `width` (part 3 §4.6). */
export function nameField(person: PersonRecord, width: number, umlauts?: 'expand' | 'plain'): string {
  const t = (s: string) => transliterate(s, { language: person.language, umlauts });
  const given = t(person.givenNames);
  const text = given.length > 0 ? `${t(person.surname)}<<${given}` : t(person.surname);
  return fill(text.slice(0, width), width);
}

function fill(text: string, width: number): string {
  if (text.length > width) throw new Error(`"${text}" does not fit in ${width} characters`);
  return text.padEnd(width, '<');
}

function field(text: string | undefined, width: number, what: string): string {
  const value = (text ?? '').toUpperCase().replace(/[\s-]/g, '<');
  if (!/^[A-Z0-9<]*$/.test(value)) throw new Error(`${what} "${text}" has characters outside the MRZ set`);
  return fill(value, width);
}

/** 'YYYY-MM-DD' → 'YYMMDD'. */
function date(iso: string, what: string): string {
  const m = /^\d{2}(\d{2})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`${what} "${iso}" is not YYYY-MM-DD`);
  return `${m[1]}${m[2]}${m[3]}`;
}

function state(code: string, what: string): string {
  if (!/^[A-Z]{3}$/.test(code)) throw new Error(`${what} "${code}" is not an ISO 3166-1 alpha-3 code`);
  return code;
}

function wrong(digit: string): string {
  return String((Number(digit) + 1) % 10);
}

function cd(text: string, name: CheckDigitField, options: MrzOptions): string {
  const d = checkDigit(text);
  return options.corrupt === name ? wrong(d) : d;
}

/** TD3 (passport, ICAO 9303 part 4): two lines of 44. */
export function td3(person: PersonRecord, doc: DocumentRecord, options: MrzOptions = {}): string[] {
  const line1 = `P${field(doc.documentType ?? '<', 1, 'Document type')}${state(doc.issuingState, 'Issuing state')}${nameField(person, 39, options.umlauts)}`;
  const number = field(doc.documentNumber, 9, 'Document number');
  const birth = date(person.birthDate, 'Birth date');
  const expiry = date(doc.expirationDate, 'Expiration date');
  const personal = field(doc.optionalData, 14, 'Personal number');
  // Part 4 §4.2.2: the personal number's check digit may be '<' when the field is all fillers.
  const personalCd = /^<+$/.test(personal) && options.corrupt !== 'personalNumberCheckDigit' ? '<' : cd(personal, 'personalNumberCheckDigit', options);
  const a = `${number}${cd(number, 'documentNumberCheckDigit', options)}`;
  const b = `${birth}${cd(birth, 'birthDateCheckDigit', options)}`;
  const c = `${expiry}${cd(expiry, 'expirationDateCheckDigit', options)}`;
  const d = `${personal}${personalCd}`;
  const composite = cd(`${a}${b}${c}${d}`, 'compositeCheckDigit', options);
  const line2 = `${a}${state(person.nationality, 'Nationality')}${b}${person.sex}${c}${d}${composite}`;
  return [line1, line2];
}

/** TD1 (ID card, ICAO 9303 part 5): three lines of 30. */
export function td1(person: PersonRecord, doc: DocumentRecord, options: MrzOptions = {}): string[] {
  const number = field(doc.documentNumber, 9, 'Document number');
  const line1 = `I${field(doc.documentType ?? '<', 1, 'Document type')}${state(doc.issuingState, 'Issuing state')}${number}${cd(number, 'documentNumberCheckDigit', options)}${field(doc.optionalData, 15, 'Optional data')}`;
  const birth = date(person.birthDate, 'Birth date');
  const expiry = date(doc.expirationDate, 'Expiration date');
  const head = `${birth}${cd(birth, 'birthDateCheckDigit', options)}${person.sex}${expiry}${cd(expiry, 'expirationDateCheckDigit', options)}${state(person.nationality, 'Nationality')}${fill('', 11)}`;
  // Part 5 §4.2.2: composite over line 1 positions 6–30 and line 2 positions 1–7, 9–15, 19–29.
  const composite = cd(`${line1.slice(5, 30)}${head.slice(0, 7)}${head.slice(8, 15)}${head.slice(18, 29)}`, 'compositeCheckDigit', options);
  return [line1, `${head}${composite}`, nameField(person, 30, options.umlauts)];
}

/** TD2 (ICAO 9303 part 6): two lines of 36. */
export function td2(person: PersonRecord, doc: DocumentRecord, options: MrzOptions = {}): string[] {
  const line1 = `I${field(doc.documentType ?? '<', 1, 'Document type')}${state(doc.issuingState, 'Issuing state')}${nameField(person, 31, options.umlauts)}`;
  const number = field(doc.documentNumber, 9, 'Document number');
  const birth = date(person.birthDate, 'Birth date');
  const expiry = date(doc.expirationDate, 'Expiration date');
  const a = `${number}${cd(number, 'documentNumberCheckDigit', options)}`;
  const b = `${birth}${cd(birth, 'birthDateCheckDigit', options)}`;
  const c = `${expiry}${cd(expiry, 'expirationDateCheckDigit', options)}`;
  const optional = field(doc.optionalData, 7, 'Optional data');
  // Part 6 §4.2.2: composite over positions 1–10, 14–20, 22–35 of line 2.
  const composite = cd(`${a}${b}${c}${optional}`, 'compositeCheckDigit', options);
  return [line1, `${a}${state(person.nationality, 'Nationality')}${b}${person.sex}${c}${optional}${composite}`];
}

/** Sample people for simulators and tests (fictitious; real ISO 3166 codes). */
export const samplePeople = {
  portuguese: { surname: 'Conceição Simões', givenNames: 'João Gonçalo', nationality: 'PRT', birthDate: '1987-03-14', sex: 'M' },
  brazilian: { surname: 'Gonçalves', givenNames: 'Ana Luíza', nationality: 'BRA', birthDate: '1992-11-02', sex: 'F' },
  german: { surname: 'Müller-Lüdenscheidt', givenNames: 'Jürgen', nationality: 'DEU', birthDate: '1975-06-30', sex: 'M' },
  ukrainian: { surname: 'Шевченко', givenNames: 'Олександр Григорович', nationality: 'UKR', birthDate: '1990-08-24', sex: 'M', language: 'uk' },
} as const satisfies Record<string, PersonRecord>;

export const sampleDocuments = {
  passport: { documentNumber: 'CB1234567', issuingState: 'PRT', expirationDate: '2031-05-20' },
  idCard: { documentNumber: 'UA0042917', issuingState: 'UKR', expirationDate: '2030-01-15' },
} as const satisfies Record<string, DocumentRecord>;
