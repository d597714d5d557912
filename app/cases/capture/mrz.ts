/**
 * The MRZ: read from a reader through the device manager, or typed by the
 * technician, and parsed the same way — by the `mrz` package through
 * drivers/mrz-reader/driver.ts parseMrzLines, the parser the devices screen's
 * test read already uses (one parser for the station, not two).
 *
 * Fields are renamed to the station's words (surname, givenNames,
 * expiryDate…), sexes to F/M/X and the six-digit dates to YYYY-MM-DD:
 *  - a birth date is in the past: YY is taken as 20YY unless that is after
 *    today, then 19YY;
 *  - an expiry date is taken in the century that puts it within 50 years of
 *    today (documents run for at most ten years, ICAO 9303 leaves the period
 *    to the issuer), so a valid document expires in the future and a lapsed
 *    one in the recent past.
 * Anything the package marks invalid is null.
 */
import type { RawMrzRead } from '../../../drivers/capture.js';
import { parseMrzLines } from '../../../drivers/mrz-reader/driver.js';
import { selectDevice, captureDeviceOf } from './select.js';
import type { CaptureDeps, MrzParse, MrzReadResult } from './types.js';

/** The fields every view shows, in order; each is null where the MRZ has it invalid or not at all. */
export const mrzFieldNames = ['documentCode', 'issuingState', 'surname', 'givenNames', 'documentNumber', 'nationality', 'birthDate', 'sex', 'expiryDate'] as const;

const emptyFields = (): Record<string, string | null> => Object.fromEntries(mrzFieldNames.map((n) => [n, null]));

/** A six-digit YYMMDD as YYYY-MM-DD, or null when it is not a calendar date. */
export function mrzDate(yymmdd: string | null | undefined, kind: 'birth' | 'expiry', today: Date = new Date()): string | null {
  if (typeof yymmdd !== 'string' || !/^\d{6}$/.test(yymmdd)) return null;
  const yy = Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  const check = (year: number) => {
    const date = new Date(Date.UTC(year, month - 1, day));
    return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
  };
  if (check(2000 + yy) === null) return null;
  const todayUtc = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  let year: number;
  if (kind === 'birth') {
    year = (check(2000 + yy)?.getTime() ?? Infinity) > todayUtc ? 1900 + yy : 2000 + yy;
  } else {
    // The century (19, 20, 21) that puts the date nearest today: within 50 years of it.
    const base = Math.floor(today.getUTCFullYear() / 100) * 100;
    const candidates = [base - 100 + yy, base + yy, base + 100 + yy];
    year = candidates.reduce((best, y) => (Math.abs(y - today.getUTCFullYear()) < Math.abs(best - today.getUTCFullYear()) ? y : best));
    if (check(year) === null) return null; // 29 February in a year that has none
  }
  const date = check(year);
  return date === null ? null : date.toISOString().slice(0, 10);
}

const sexCode: Record<string, string> = { male: 'M', female: 'F', nonspecified: 'X' };

/** Typed or read lines, parsed. Never throws: lines the package cannot take at all give format null, valid false, every field null. */
export function parseMrz(lines: string[], today: Date = new Date()): MrzParse {
  // Typed lines: stray spaces at the ends and lower case are the technician's, not the document's.
  const clean = lines.map((l) => l.trim().toUpperCase());
  let parsed;
  try {
    parsed = parseMrzLines(clean);
  } catch {
    return { lines: clean, format: null, valid: false, fields: emptyFields() };
  }
  const f = parsed.fields as Record<string, string | null | undefined>;
  const text = (value: string | null | undefined) => (typeof value === 'string' && value.length > 0 ? value : null);
  const fields: Record<string, string | null> = {
    documentCode: text(f['documentCode']),
    issuingState: text(f['issuingState']),
    surname: text(f['lastName']),
    givenNames: text(f['firstName']),
    documentNumber: text(parsed.documentNumber ?? f['documentNumber']),
    nationality: text(f['nationality']),
    birthDate: mrzDate(f['birthDate'], 'birth', today),
    sex: typeof f['sex'] === 'string' ? (sexCode[f['sex']] ?? null) : null,
    expiryDate: mrzDate(f['expirationDate'], 'expiry', today),
  };
  return { lines: clean, format: parsed.format, valid: parsed.valid, fields };
}

/** One read from an MRZ reader (the named one, or the first ready and approved). */
export async function readMrz(deps: CaptureDeps, options: { deviceId?: string; signal?: AbortSignal }): Promise<MrzReadResult> {
  const view = await selectDevice(deps.devices, 'mrz', options.deviceId);
  const raw: RawMrzRead = await deps.devices.readMrz(view.id, options.signal);
  const readAt = deps.now();
  return { ...parseMrz(raw.lines, readAt), device: captureDeviceOf(deps.devices.get(view.id)), readAt };
}
