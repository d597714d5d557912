/**
 * The applicant's acknowledgement receipt: one A4 page, as a PDF, made in the
 * station core under plain Node (pdfkit + qrcode, DejaVu Sans).
 *
 * What is on it, top to bottom: the title, the registration id (large) and a
 * QR code of RECEIPT_QR_PAYLOAD, the service, the applicant (name, date of
 * birth, nationality, document number), what was captured (fingers,
 * exceptions, signature, document pages and their types), the date and time
 * of sealing, the centre, station and operator — in the centre's official
 * language (strings.ts OFFICIAL_LOCALE) — and then a summary of the same in the
 * applicant's language and in the operator's language (once when they are the
 * same). Arabic is shaped by fontkit and put in visual order by ./bidi.ts.
 *
 * Determinism: nothing reads the clock. The PDF's CreationDate/ModDate (and so
 * its file identifier, which pdfkit derives from the info dictionary) come
 * from sealedAt, and the same input always gives the same bytes.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { z, ZodError } from 'zod';
import { Locale } from '../contract/channels.js';
import { serviceTypeIds, type ServiceTypeId } from '../contract/cases.js';
import { documentTypeName } from '../contract/document-types.js';
import { bidiType, needsBidi, visualSegments } from './bidi.js';
import { FONT_BOLD, FONT_REGULAR, loadFont, printable, type LoadedFont } from './fonts.js';
import { formatDate, OFFICIAL_LOCALE, receiptStrings, type ReceiptStrings, type SummaryValues } from './strings.js';

const IsoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-22T10:11:12Z' });
const Count = (max: number) => z.number().int().min(0).max(max);

export const ReceiptInput = z
  .object({
    /** The packet id (29 digits: centre 5, station 5, sequence 5, UTC timestamp 14). */
    registrationId: z.string().regex(/^\d{29}$/, 'must be the 29-digit packet id'),
    // The centre id goes into the QR code, whose capacity is finite: an id is short.
    centre: z.object({ id: z.string().min(1).max(64), name: z.string() }).strict(),
    stationId: z.string().min(1).max(64),
    /** A service type id (app/contract/cases.ts serviceTypeIds); an unknown id is printed as it is. */
    serviceType: z.string().min(1).max(64),
    applicant: z
      .object({
        surname: z.string(),
        givenNames: z.string(),
        /** YYYY-MM-DD is formatted per language; anything else (a partial date) is printed as given. */
        birthDate: z.string(),
        nationality: z.string(),
        documentNumber: z.string().nullable(),
      })
      .strict(),
    sealedAt: IsoDateTime,
    operator: z.string(),
    summary: z
      .object({
        fingersCaptured: Count(10),
        fingerExceptions: Count(10),
        signature: z.boolean(),
        documentPages: Count(100_000),
        /** Document type ids (checklist ids such as 'passport'); known ones are translated. */
        documents: z.array(z.string()),
      })
      .strict(),
    languages: z.object({ applicant: Locale, operator: Locale }).strict(),
  })
  .strict();
export type ReceiptInput = z.infer<typeof ReceiptInput>;

/** Bad receipt input: names the first offending field; the ZodError (all issues) is the cause. */
export class ReceiptInputError extends Error {
  override readonly name = 'ReceiptInputError';
  constructor(
    /** Dotted path of the first invalid field, e.g. 'applicant.surname'. */
    readonly field: string,
    readonly zodError: ZodError,
  ) {
    const first = zodError.issues[0];
    const more = zodError.issues.length > 1 ? ` (and ${zodError.issues.length - 1} more problem(s))` : '';
    super(`The receipt input is invalid: ${field}: ${first?.message ?? 'invalid'}${more}. No receipt was made.`, { cause: zodError });
  }
}

export function parseReceiptInput(input: unknown): ReceiptInput {
  const parsed = ReceiptInput.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
  throw new ReceiptInputError(field, parsed.error);
}

export function receiptFileName(registrationId: string): string {
  if (!/^\d{29}$/.test(registrationId)) throw new Error(`receiptFileName: not a 29-digit registration id: ${JSON.stringify(registrationId)}`);
  return `balcao-receipt-${registrationId}.pdf`;
}

/**
 * What the QR code holds: compact JSON, keys in this order, no personal data —
 *   {"t":"balcao-receipt","v":1,"id":"<29-digit registration id>","centre":"<centre id>","sealedAt":"<sealedAt as given>"}
 * Encoded by `qrcode` in byte mode, error-correction level M (15 %), smallest
 * version that fits, the library's mask choice.
 */
export function receiptQrPayload(input: Pick<ReceiptInput, 'registrationId' | 'centre' | 'sealedAt'>): string {
  return JSON.stringify({ t: 'balcao-receipt', v: 1, id: input.registrationId, centre: input.centre.id, sealedAt: input.sealedAt });
}
export const RECEIPT_QR_ERROR_CORRECTION = 'M' as const;

/** Page geometry in PDF points (1/72 in), for printing and for tests that look at the rendered page. */
export const RECEIPT_LAYOUT = {
  /** ISO 216 A4, 210 × 297 mm. */
  page: { width: 595.28, height: 841.89 },
  /** 15 mm: inside the unprintable border of office printers. */
  margin: 42.52,
  /** The QR symbol itself (modules only); the margin and white page around it give more than the 4-module quiet zone of ISO/IEC 18004 §7.3.8. */
  qr: { x: 595.28 - 42.52 - 120, y: 42.52, size: 120 },
} as const;

const GREY = '#4d4d4d';
const RULE = '#999999';
const ELLIPSIS = '…';

interface Style {
  bold?: boolean;
  size: number;
  color?: string;
}

/**
 * Passing `features` makes pdfkit lay out a string in one fontkit call instead of one call per space-separated
 * chunk (pdfkit EmbeddedFont.layout); an empty list keeps the font's default features (kern, liga, Arabic forms).
 * The receipt's bidi segments contain no spaces, and left-to-right lines are one run, so nothing else changes.
 */
const WHOLE_RUN = { features: [] as PDFKit.Mixins.OpenTypeFeatures[] };
const widthCache = new Map<string, number>();
const WIDTH_CACHE_MAX = 20_000;

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });
const splitGraphemes = (text: string): string[] => Array.from(graphemes.segment(text), (s) => s.segment);

/** P2/P3 of UAX #9: the paragraph direction of free text is that of its first strong character. */
function firstStrongBase(text: string): 0 | 1 {
  for (const ch of text) {
    const t = bidiType(ch.codePointAt(0) as number);
    if (t === 'L') return 0;
    if (t === 'R' || t === 'AL') return 1;
  }
  return 0;
}

/** Draws wrapped, bidi-ordered text on the one page; refuses to go below `bottom`. */
class PageWriter {
  private readonly fonts: LoadedFont[];
  readonly bottom: number;
  droppedLines = 0;

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    regular: LoadedFont,
    bold: LoadedFont,
    bottom: number,
  ) {
    this.fonts = [regular, bold];
    this.bottom = bottom;
  }

  clean(text: string): string {
    return printable(text, this.fonts).replace(/ {2,}/g, ' ').trim();
  }

  private use(style: Style): void {
    this.doc.font(style.bold ? FONT_BOLD : FONT_REGULAR).fontSize(style.size).fillColor(style.color ?? 'black');
  }

  /**
   * Advance width of `text` in points. Widths are cached across documents per font (at 1 pt): fontkit sets up a
   * shaping plan on every layout call, which dominated the time when each word was measured afresh per receipt.
   */
  width(text: string, style: Style): number {
    const key = `${style.bold ? 'B' : 'R'}${text}`;
    let perPoint = widthCache.get(key);
    if (perPoint === undefined) {
      this.use(style);
      perPoint = this.doc.widthOfString(text, WHOLE_RUN) / style.size;
      if (widthCache.size >= WIDTH_CACHE_MAX) widthCache.clear();
      widthCache.set(key, perPoint);
    }
    return perPoint * style.size;
  }

  lineHeight(style: Style): number {
    return style.size * 1.28;
  }

  /**
   * Greedy line breaking at spaces; a word wider than the line is cut between
   * graphemes; more than maxLines lines → the last one ends with an ellipsis.
   * Widths are summed per word and per grapheme (pdfkit caches each), so the
   * cost is linear in the text, however long the input.
   */
  wrap(text: string, style: Style, maxWidth: number, maxLines: number): string[] {
    const w = (s: string) => this.width(s, style);
    const space = w(' ');
    const lines: string[] = [];
    let cur = '';
    let curW = 0;
    const push = (line: string) => lines.push(line);
    for (const word of text.split(' ')) {
      if (lines.length > maxLines) break;
      if (word === '') continue;
      const ww = w(word);
      if (cur !== '' && curW + space + ww <= maxWidth) {
        cur += ` ${word}`;
        curW += space + ww;
        continue;
      }
      if (ww <= maxWidth) {
        if (cur !== '') push(cur);
        cur = word;
        curW = ww;
        continue;
      }
      // An overlong word: fill the current line's remainder, then whole lines, grapheme by grapheme.
      let chunk = cur === '' ? '' : `${cur} `;
      let chunkW = cur === '' ? 0 : curW + space;
      for (const g of splitGraphemes(word)) {
        const gw = w(g);
        if (chunkW + gw > maxWidth && chunk.trim() !== '') {
          push(chunk.trimEnd());
          if (lines.length > maxLines) break;
          chunk = '';
          chunkW = 0;
        }
        chunk += g;
        chunkW += gw;
      }
      cur = chunk.trimEnd();
      curW = chunkW;
    }
    if (cur !== '' && lines.length <= maxLines) push(cur);
    if (lines.length <= maxLines) return lines;
    const kept = lines.slice(0, maxLines);
    const budget = maxWidth - w(ELLIPSIS);
    const last = splitGraphemes(kept[maxLines - 1] as string);
    let lastW = last.reduce((s, g) => s + w(g), 0);
    while (last.length > 0 && lastW > budget) lastW -= w(last.pop() as string);
    kept[maxLines - 1] = `${last.join('').trimEnd()}${ELLIPSIS}`;
    return kept;
  }

  /** One line at (x, y), in a box `width` wide; RTL text (base 1) is right-aligned. */
  line(text: string, style: Style, x: number, y: number, width: number, base: 0 | 1, align: 'left' | 'right' | 'center' = base === 1 ? 'right' : 'left'): void {
    this.use(style);
    const options = { lineBreak: false, ...WHOLE_RUN };
    if (!needsBidi(text, base)) {
      const tw = this.width(text, style);
      const at = align === 'right' ? x + width - tw : align === 'center' ? x + (width - tw) / 2 : x;
      this.doc.text(text, at, y, options);
      return;
    }
    const segments = visualSegments(text, base).map((s) => ({ ...s, w: this.width(s.text, style) }));
    const total = segments.reduce((sum, s) => sum + s.w, 0);
    let at = align === 'right' ? x + width - total : align === 'center' ? x + (width - total) / 2 : x;
    for (const s of segments) {
      if (!s.space) this.doc.text(s.text, at, y, options);
      at += s.w;
    }
  }

  /** A wrapped paragraph starting at y; returns the y below it. Lines that would cross `bottom` are not drawn. */
  paragraph(text: string, style: Style, x: number, y: number, width: number, opts: { maxLines: number; base?: 0 | 1; align?: 'left' | 'right' | 'center'; bottom?: number }): number {
    const clean = this.clean(text);
    const base = opts.base ?? firstStrongBase(clean);
    const lh = this.lineHeight(style);
    for (const line of this.wrap(clean, style, width, opts.maxLines)) {
      if (y + lh > (opts.bottom ?? this.bottom)) {
        this.droppedLines += 1;
        continue;
      }
      this.line(line, style, x, y, width, base, opts.align);
      y += lh;
    }
    return y;
  }
}

function serviceName(strings: ReceiptStrings, id: string): string {
  return (serviceTypeIds as readonly string[]).includes(id) ? strings.services[id as ServiceTypeId] : id;
}

function documentList(strings: ReceiptStrings, locale: Locale, ids: readonly string[]): string {
  if (ids.length === 0) return strings.noDocuments;
  // The list is bounded on paper anyway; joining 10⁶ entries first would only waste time.
  return ids
    .slice(0, 200)
    .map((id) => documentTypeName(id, locale))
    .join(strings.direction === 'rtl' ? '، ' : ', ');
}

/** The sealing time as written in sealedAt (its own offset, so no time-zone database and no host TZ): date, 'HH:MM', zone. */
function sealedParts(sealedAt: string): { date: string; clock: string; zone: string } {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(sealedAt);
  if (!m) return { date: sealedAt, clock: '', zone: '' };
  const zone = m[3] === undefined || m[3].toUpperCase() === 'Z' ? 'UTC' : `UTC${m[3]}`;
  return { date: m[1] as string, clock: m[2] as string, zone };
}

/** Bounds applied to free text inside the summary sentences, so that each block keeps to a few lines. */
function clip(text: string, max: number): string {
  const g = splitGraphemes(text.trim());
  return g.length <= max ? g.join('') : `${g.slice(0, max - 1).join('').trimEnd()}${ELLIPSIS}`;
}

function summaryValues(input: ReceiptInput, locale: Locale, strings: ReceiptStrings): SummaryValues {
  const { date, clock, zone } = sealedParts(input.sealedAt);
  const a = input.applicant;
  return {
    registrationId: input.registrationId,
    service: serviceName(strings, input.serviceType),
    name: clip(`${a.surname.trim()}, ${a.givenNames.trim()}`, 80),
    birthDate: clip(formatDate(a.birthDate.trim(), locale), 24),
    nationality: clip(a.nationality, 24),
    document: a.documentNumber === null || a.documentNumber.trim() === '' ? strings.noDocument : clip(a.documentNumber, 40),
    fingersCaptured: input.summary.fingersCaptured,
    fingerExceptions: input.summary.fingerExceptions,
    signature: input.summary.signature ? strings.yes : strings.no,
    documentPages: input.summary.documentPages,
    documents: clip(documentList(strings, locale, input.summary.documents), 120),
    date: formatDate(date, locale),
    time: `${clock} ${zone}`,
    clock,
    zone,
    centre: clip(input.centre.name, 60),
    station: clip(input.stationId, 24),
    operator: clip(input.operator, 40),
  };
}

/** The summary paragraphs as printed in `locale` (logical order), before wrapping. */
export function receiptSummaryText(input: ReceiptInput, locale: Locale): string[] {
  const r = parseReceiptInput(input);
  const strings = receiptStrings[locale];
  return strings.summary(summaryValues(r, locale, strings));
}

function drawQr(doc: PDFKit.PDFDocument, payload: string): void {
  const qr = QRCode.create(payload, { errorCorrectionLevel: RECEIPT_QR_ERROR_CORRECTION });
  const { size, data } = qr.modules;
  const { x, y, size: side } = RECEIPT_LAYOUT.qr;
  const m = side / size;
  // One rectangle per horizontal run of dark modules, filled as one path: fewer operators, no seams inside a run.
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; ) {
      if (!data[r * size + c]) {
        c++;
        continue;
      }
      let end = c;
      while (end < size && data[r * size + end]) end++;
      doc.rect(x + c * m, y + r * m, (end - c) * m, m);
      c = end;
    }
  }
  doc.fillColor('black').fill();
}

/** Renders the receipt; resolves to the PDF bytes. Throws ReceiptInputError (cause: ZodError) on bad input. */
export async function renderReceiptPdf(input: ReceiptInput): Promise<Buffer> {
  const r = parseReceiptInput(input);
  const regular = loadFont(FONT_REGULAR);
  const bold = loadFont(FONT_BOLD);
  const official = receiptStrings[OFFICIAL_LOCALE];
  const sealed = new Date(r.sealedAt);
  const { page, margin, qr } = RECEIPT_LAYOUT;

  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    // The first font pdfkit loads; without it, it parses Helvetica's AFM metrics for nothing.
    font: FONT_REGULAR,
    compress: true,
    pdfVersion: '1.7',
    lang: OFFICIAL_LOCALE,
    displayTitle: true,
    info: {
      Title: `${official.title} ${r.registrationId}`,
      Author: 'Balcão',
      Creator: 'Balcão',
      Producer: 'Balcão (pdfkit)',
      CreationDate: sealed,
      ModDate: sealed,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = margin;
  const contentW = page.width - 2 * margin;
  const footerY = page.height - margin - 10;
  const w = new PageWriter(doc, regular, bold, footerY - 6);
  // Nothing is painted outside the margins, whatever the text measures.
  doc.save();
  doc.rect(margin, margin, contentW, page.height - 2 * margin).clip();

  // Header: brand and centre, title, subtitle, registration id; QR code on the right.
  const headW = qr.x - 18 - left;
  let y: number = margin;
  y = w.paragraph(`Balcão · ${r.centre.name}`, { size: 9, color: GREY }, left, y, headW, { maxLines: 1, base: 0 });
  y = w.paragraph(official.title, { size: 20, bold: true }, left, y + 4, headW, { maxLines: 2, base: 0 });
  y = w.paragraph(official.subtitle, { size: 9.5, color: GREY }, left, y, headW, { maxLines: 2, base: 0 });
  y = w.paragraph(official.labels.registrationId, { size: 9, color: GREY }, left, y + 10, headW, { maxLines: 1, base: 0 });
  // The id in the largest size (≤ 22 pt) that fits the column on one line.
  const idSize = Math.min(22, Math.floor((headW / w.width(r.registrationId, { size: 10, bold: true })) * 10 * 10) / 10);
  y = w.paragraph(r.registrationId, { size: idSize, bold: true }, left, y, headW, { maxLines: 1, base: 0 });
  drawQr(doc, receiptQrPayload(r));
  const noteY = w.paragraph(official.qrNote, { size: 7, color: GREY }, qr.x - 6, qr.y + qr.size + 4, qr.size + 12, { maxLines: 3, base: 0, align: 'center' });
  y = Math.max(y, noteY) + 8;
  doc.moveTo(left, y).lineTo(left + contentW, y).lineWidth(0.7).strokeColor(RULE).stroke();
  y += 10;

  // Details, in the official language: label above value, two columns where the values are short.
  const colGap = 18;
  const colW = (contentW - colGap) / 2;
  const label: Style = { size: 8.5, color: GREY };
  const value: Style = { size: 11 };
  const cell = (lbl: string, val: string, x: number, top: number, width: number, maxLines: number, style: Style = value): number => {
    const after = w.paragraph(lbl, label, x, top, width, { maxLines: 1, base: 0 });
    return w.paragraph(val, style, x, after + 1, width, { maxLines });
  };
  const row = (a: [string, string, number], b: [string, string, number]): void => {
    const y1 = cell(a[0], a[1], left, y, colW, a[2]);
    const y2 = cell(b[0], b[1], left + colW + colGap, y, colW, b[2]);
    y = Math.max(y1, y2) + 7;
  };
  const v = summaryValues(r, OFFICIAL_LOCALE, official);
  const L = official.labels;
  const fullName = `${r.applicant.surname.trim().toLocaleUpperCase('pt')}, ${r.applicant.givenNames.trim()}`;
  row([L.service, v.service, 2], [L.dateTime, `${v.date} ${v.time}`, 1]);
  y = cell(L.applicant, fullName, left, y, contentW, 2, { size: 13, bold: true }) + 7;
  row([L.birthDate, formatDate(r.applicant.birthDate.trim(), OFFICIAL_LOCALE), 1], [L.nationality, r.applicant.nationality, 1]);
  row([L.document, r.applicant.documentNumber ?? official.noDocument, 1], [L.centre, `${r.centre.name} (${r.centre.id})`, 2]);
  row([L.station, r.stationId, 1], [L.operator, r.operator, 2]);
  const captured = `${L.fingers}: ${v.fingersCaptured} (${L.exceptions}: ${v.fingerExceptions}) · ${L.signature}: ${v.signature} · ${L.pages}: ${v.documentPages}`;
  y = cell(L.captured, captured, left, y, contentW, 2) + 7;
  y = cell(L.documents, documentList(official, OFFICIAL_LOCALE, r.summary.documents), left, y, contentW, 2) + 4;

  // The summary in the applicant's language, then in the operator's (once if the same).
  const locales = [...new Set([r.languages.applicant, r.languages.operator])];
  for (const locale of locales) {
    const s = receiptStrings[locale];
    const base: 0 | 1 = s.direction === 'rtl' ? 1 : 0;
    y += 6;
    doc.moveTo(left, y).lineTo(left + contentW, y).lineWidth(0.5).strokeColor(RULE).stroke();
    y += 6;
    y = w.paragraph(`${s.summaryHeading} — ${s.languageName}`, { size: 11, bold: true }, left, y, contentW, { maxLines: 1, base }) + 2;
    for (const sentence of s.summary(summaryValues(r, locale, s))) {
      y = w.paragraph(sentence, { size: 9, color: 'black' }, left, y, contentW, { maxLines: 3, base }) + 1.5;
    }
  }

  // Footer.
  w.paragraph(`${official.footer} · ${receiptFileName(r.registrationId)}`, { size: 7.5, color: GREY }, left, footerY, contentW, { maxLines: 1, base: 0, bottom: page.height - margin });
  doc.restore();
  doc.end();
  return done;
}
