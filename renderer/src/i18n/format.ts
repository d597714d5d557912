import type { Locale } from '../../../app/contract/channels';
import { intlLocales } from './languages';

function parse(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** A moment shortly ahead or behind (a lockout's end, a sign-in): the time alone when it is today, otherwise with the date. */
export function formatMoment(iso: string, language: Locale, now: Date = new Date()): string {
  const date = parse(iso);
  if (date === null) return iso;
  const options: Intl.DateTimeFormatOptions = sameDay(date, now)
    ? { timeStyle: 'short' }
    : { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(intlLocales[language], options).format(date);
}

/** A full timestamp for records such as the audit log, to the second. */
export function formatTimestamp(iso: string, language: Locale): string {
  const date = parse(iso);
  if (date === null) return iso;
  return new Intl.DateTimeFormat(intlLocales[language], { dateStyle: 'short', timeStyle: 'medium' }).format(date);
}

/** m:ss for a countdown, with the language's digits. */
export function formatCountdown(milliseconds: number, language: Locale): string {
  const total = Math.max(0, Math.ceil(milliseconds / 1000));
  const digits = new Intl.NumberFormat(intlLocales[language], { useGrouping: false });
  const twoDigits = new Intl.NumberFormat(intlLocales[language], { minimumIntegerDigits: 2, useGrouping: false });
  return `${digits.format(Math.floor(total / 60))}:${twoDigits.format(total % 60)}`;
}
