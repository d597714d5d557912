/**
 * Packet ids (shared/reference/agency-intake.md §2): 29 digits = centreId (5)
 * + stationId (5) + a per-station sequence (5, zero-padded, wrapping) + the
 * UTC time of sealing yyyyMMddHHmmss (14). The sequence lives in SQLite
 * (migration v3, table packet_sequence) and is advanced in one statement, so
 * two sealers sharing a database never get the same number.
 */
import type { Db } from '../storage/database.js';

/** The sequence wraps after 99999 (five digits). */
export const SEQUENCE_MODULUS = 100_000;
export const PACKET_ID_PATTERN = /^(\d{5})(\d{5})(\d{5})(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** yyyyMMddHHmmss in UTC. */
export function utcStamp(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1, 2)}${pad(date.getUTCDate(), 2)}${pad(date.getUTCHours(), 2)}${pad(date.getUTCMinutes(), 2)}${pad(date.getUTCSeconds(), 2)}`;
}

/** The manifest's sealedAt: UTC, second precision, 'Z' (agency-intake.md §3 example). */
export function sealedAtString(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

function checkFiveDigits(value: string, what: string): void {
  if (!/^\d{5}$/.test(value)) throw new RangeError(`${what} must be exactly 5 digits, got ${JSON.stringify(value)}.`);
}

export function formatPacketId(centreId: string, stationId: string, sequence: number, sealedAt: Date): string {
  checkFiveDigits(centreId, 'centreId');
  checkFiveDigits(stationId, 'stationId');
  if (!Number.isInteger(sequence) || sequence < 0 || sequence >= SEQUENCE_MODULUS) throw new RangeError(`The packet sequence must be an integer in [0, 99999], got ${sequence}.`);
  const year = sealedAt.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) throw new RangeError(`The sealing time ${String(sealedAt)} has no 4-digit UTC year.`);
  return `${centreId}${stationId}${pad(sequence, 5)}${utcStamp(sealedAt)}`;
}

export interface ParsedPacketId {
  centreId: string;
  stationId: string;
  sequence: number;
  /** The sealing time, second precision. */
  sealedAt: Date;
}

/** Splits a packet id into its parts; null when it is not 29 digits with a valid UTC time. */
export function parsePacketId(id: string): ParsedPacketId | null {
  const m = PACKET_ID_PATTERN.exec(id);
  if (!m) return null;
  const [, centreId, stationId, sequence, y, mo, d, h, mi, s] = m as unknown as string[];
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  if (Number.isNaN(date.getTime()) || utcStamp(date) !== id.slice(15)) return null;
  return { centreId: centreId as string, stationId: stationId as string, sequence: Number(sequence), sealedAt: date };
}

/** Advances this station's sequence and returns the packet id for sealing at `now`. */
export function nextPacketId(db: Db, centreId: string, stationId: string, now: Date): string {
  checkFiveDigits(centreId, 'centreId');
  checkFiveDigits(stationId, 'stationId');
  // The first packet of a station gets sequence 00001 (the spec's example); after 99999 comes 00000.
  const row = db
    .prepare(
      `INSERT INTO packet_sequence (centre_id, station_id, last_sequence, updated_at) VALUES (?, ?, 1, ?)
       ON CONFLICT (centre_id, station_id) DO UPDATE SET last_sequence = (last_sequence + 1) % ${SEQUENCE_MODULUS}, updated_at = excluded.updated_at
       RETURNING last_sequence`,
    )
    .get(centreId, stationId, now.toISOString()) as { last_sequence: number };
  return formatPacketId(centreId, stationId, row.last_sequence, now);
}
