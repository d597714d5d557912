import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import QRCode from 'qrcode';
import { afterAll, describe, expect, it } from 'vitest';
import { RECEIPT_LAYOUT, ReceiptInputError, receiptFileName, receiptQrPayload, receiptSummaryText, renderReceiptPdf, type ReceiptInput } from './index.js';
import { receiptStrings } from './strings.js';

const dir = mkdtempSync(path.join(tmpdir(), 'balcao-receipt-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

const base: ReceiptInput = {
  registrationId: '10001100770000120261122101112',
  centre: { id: '10001', name: 'CLAIM Lisboa Martim Moniz' },
  stationId: '10077',
  serviceType: 'health',
  applicant: { surname: 'Kovalenko', givenNames: 'Olena Mykolaivna', birthDate: '1988-04-17', nationality: 'UKR', documentNumber: 'FX123456' },
  sealedAt: '2026-11-22T10:11:12Z',
  operator: 'Ana Ferreira',
  summary: { fingersCaptured: 8, fingerExceptions: 2, signature: true, documentPages: 3, documents: ['passport', 'proof-of-address'] },
  languages: { applicant: 'uk', operator: 'pt' },
};

async function render(input: ReceiptInput): Promise<{ file: string; pdf: Buffer }> {
  const pdf = await renderReceiptPdf(input);
  const file = path.join(dir, `r${fileNo++}.pdf`);
  writeFileSync(file, pdf);
  return { file, pdf };
}
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
/** pdftotext marks RTL runs with U+202A…U+202E embedding controls; they are not part of the text. */
const clean = (s: string) => s.replace(/[\u202A-\u202E]/gu, '').normalize('NFC');
const flat = (s: string) => clean(s).replace(/\s+/gu, ' ').trim();
const text = (file: string) => flat(run('pdftotext', ['-enc', 'UTF-8', file, '-']));

describe('what pdftotext reads back', () => {
  it.each([
    ['pt', 'pt'],
    ['en', 'pt'],
    ['uk', 'en'],
    ['ar', 'pt'],
  ] as const)('applicant %s, operator %s: id, name and service name in each language', async (applicant, operator) => {
    const { file } = await render({ ...base, languages: { applicant, operator } });
    const t = text(file);
    expect(t).toContain(base.registrationId);
    expect(t).toContain('KOVALENKO, Olena Mykolaivna');
    expect(t).toContain('Kovalenko, Olena Mykolaivna');
    for (const locale of new Set(['pt', applicant, operator] as const)) expect(t).toContain(receiptStrings[locale].services.health);
    if (applicant === 'uk') expect(t).toContain(receiptStrings.uk.summaryHeading);
  });

  it('names every document in words, in each language, never as its id (a station’s own type in words too)', async () => {
    const documents = ['identity-document', 'passport', 'proof-of-means', 'proof-of-address', 'health-insurance', 'union-card'];
    const { file } = await render({ ...base, summary: { ...base.summary, documents }, languages: { applicant: 'uk', operator: 'en' } });
    const t = text(file);
    for (const id of documents) expect(t).not.toContain(id);
    expect(t).toContain('Documento de identificação, Passaporte, Comprovativo de meios de subsistência, Comprovativo de morada, Seguro de saúde, Union card');
    for (const locale of ['uk', 'en'] as const) {
      const line = receiptSummaryText({ ...base, summary: { ...base.summary, documents }, languages: { applicant: 'uk', operator: 'en' } }, locale).join(' ');
      for (const id of documents) expect(line).not.toContain(id);
    }
    expect(t).toContain('Підтвердження засобів до існування');
    expect(t).toContain('Proof of means of subsistence');
  });

  // A lam followed by an alef is drawn as one ligature glyph whose ToUnicode entry is the two letters in logical
  // order; pdftotext reverses the characters of an RTL word including those two, so it reports alef-lam.
  const asPdftotextReadsLigatures = (s: string) => s.replace(/ل([اأإآ])/gu, '$1ل');

  /**
   * pdftotext decides one primary direction for the page by counting left-to-right against right-to-left
   * characters; the receipt's page is mostly Portuguese, so it is LTR, and pdftotext writes each line's runs in
   * visual order, left to right, wrapping every right-to-left run (in logical order) in U+202B … U+202C. For a line
   * of an RTL paragraph the logical order is then those runs read from right to left: reverse them.
   */
  const logicalLinesFromPdftotext = (raw: string): string[] =>
    raw.split('\n').map((line) => {
      if (!line.includes('\u202B')) return clean(line);
      const units = [...line.matchAll(/\u202B([^\u202C]*)\u202C|([^\u202B]+)/gu)].map((m) => clean(m[1] ?? m[2] ?? ''));
      return units.reverse().join('');
    });
  const noSpace = (x: string) => x.replace(/\s+/gu, '');

  it('puts the Arabic summary on paper in right-to-left order: read back right to left, it is the logical text', async () => {
    const input: ReceiptInput = { ...base, languages: { applicant: 'ar', operator: 'en' } };
    const lines = logicalLinesFromPdftotext(run('pdftotext', ['-enc', 'UTF-8', (await render(input)).file, '-']));
    const heading = lines.findIndex((l) => l.includes(receiptStrings.ar.languageName));
    const block = lines.slice(heading + 1, lines.findIndex((l) => l.includes(receiptStrings.en.summaryHeading))).join('');
    const sentences = receiptSummaryText(input, 'ar');
    // First sentence (Arabic words, the 29-digit id, '؛', ':', no lam-alef): exactly, spaces aside.
    expect(sentences[0]).not.toMatch(/ل[اأإآ]/u);
    expect(noSpace(block)).toContain(noSpace(sentences[0] as string));
    // All sentences: every letter and digit in logical order. Punctuation that sits between an Arabic run and a
    // Latin/digit run is attached to one side or the other by pdftotext's own guess, so it is left out of this
    // comparison; a lam-alef ligature glyph maps to lam+alef, which pdftotext reverses with the rest of the word.
    const core = (x: string) => noSpace(x).replace(/[:؛،,.]/gu, '');
    for (const sentence of sentences) expect(core(block)).toContain(core(asPdftotextReadsLigatures(sentence)));
  });

  it('reads every Arabic run back in logical order', async () => {
    const input: ReceiptInput = { ...base, languages: { applicant: 'ar', operator: 'en' } };
    const t = text((await render(input)).file);
    // Runs of Arabic words (letters only; punctuation between runs is placed by pdftotext's guess, see above).
    const word = '(?:(?=\\p{L})\\p{Script=Arabic})+';
    const runs = receiptSummaryText(input, 'ar').flatMap((x) => x.match(new RegExp(`${word}(?: ${word})*`, 'gu')) ?? []);
    expect(runs.length).toBeGreaterThan(15);
    for (const r of runs) expect(t).toContain(asPdftotextReadsLigatures(r));
  });

  it('prints the Latin, Cyrillic and Arabic summary headings', async () => {
    const { file } = await render({ ...base, languages: { applicant: 'ar', operator: 'uk' } });
    const t = text(file);
    expect(t).toContain(`${receiptStrings.uk.summaryHeading} — ${receiptStrings.uk.languageName}`);
    expect(t).toContain(receiptStrings.pt.title);
    expect(t).toContain(`${receiptStrings.ar.summaryHeading} — ${receiptStrings.ar.languageName}`);
  });
});

describe('the PDF', () => {
  it('is one A4 page, with the creation date of sealedAt', async () => {
    const { file } = await render(base);
    const info = run('pdfinfo', ['-isodates', file]);
    expect(info).toMatch(/^Pages:\s+1$/mu);
    expect(info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/mu);
    expect(info).toMatch(/^CreationDate:\s+2026-11-22T10:11:12Z$/mu);
  });

  it('is byte-for-byte the same for the same input, and differs when sealedAt does', async () => {
    const a = await renderReceiptPdf(base);
    const b = await renderReceiptPdf(structuredClone(base));
    expect(b.equals(a)).toBe(true);
    const c = await renderReceiptPdf({ ...base, sealedAt: '2026-11-22T10:11:13Z' });
    expect(c.equals(a)).toBe(false);
  });

  it('holds a QR code whose modules are those of the documented payload (rendered by pdftoppm, sampled per module)', async () => {
    const { file } = await render(base);
    const dpi = 200;
    const prefix = path.join(dir, 'qr');
    run('pdftoppm', ['-r', String(dpi), '-gray', '-f', '1', '-l', '1', '-singlefile', file, prefix]);
    const pgm = readFileSync(`${prefix}.pgm`);
    // Binary PGM (P5): magic, width, height, maxval, one byte per pixel.
    const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/u.exec(pgm.toString('latin1', 0, 40));
    expect(header).not.toBeNull();
    const [hdr, w] = [header?.[0] as string, Number(header?.[1])];
    const pixels = pgm.subarray(hdr.length);
    const expected = QRCode.create(receiptQrPayload(base), { errorCorrectionLevel: 'M' }).modules;
    const scale = dpi / 72;
    const { x, y, size } = RECEIPT_LAYOUT.qr;
    const m = size / expected.size;
    let mismatches = 0;
    let dark = 0;
    for (let r = 0; r < expected.size; r++) {
      for (let c = 0; c < expected.size; c++) {
        const px = Math.round((x + (c + 0.5) * m) * scale);
        const py = Math.round((y + (r + 0.5) * m) * scale);
        const isDark = (pixels[py * w + px] as number) < 128;
        if (isDark) dark++;
        if (isDark !== (expected.get(r, c) === 1)) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
    expect(dark).toBeGreaterThan(expected.size * 4); // not an empty square
    // The quiet zone (4 modules, ISO/IEC 18004) around the symbol is white.
    for (const [qx, qy] of [[x - 2 * m, y + size / 2], [x + size + 2 * m, y + size / 2], [x + size / 2, y - 2 * m], [x + size / 2, y + size + 2 * m]] as const) {
      expect(pixels[Math.round(qy * scale) * w + Math.round(qx * scale)]).toBeGreaterThan(200);
    }
    expect(JSON.parse(receiptQrPayload(base))).toEqual({ t: 'balcao-receipt', v: 1, id: base.registrationId, centre: '10001', sealedAt: base.sealedAt });
  });
});

describe('hostile input', () => {
  it('wraps or cuts overlong text, replaces characters no font has, and stays on one page inside the margins', async () => {
    const long = 'Wolfeschlegelsteinhausenbergerdorff'.repeat(150);
    const input: ReceiptInput = {
      ...base,
      centre: { id: '10001', name: 'Centro '.repeat(500) },
      applicant: { surname: long, givenNames: 'Maria '.repeat(2000), birthDate: 'X'.repeat(300), nationality: '中国 नमस्ते', documentNumber: 'A\u0000B\uD800C\u202EDE\nF' },
      operator: 'Operador Muito Comprido '.repeat(100),
      summary: { ...base.summary, documents: Array.from({ length: 5000 }, (_, i) => `document-type-${i}`) },
      languages: { applicant: 'ar', operator: 'bg' },
    };
    const t0 = performance.now();
    const { file } = await render(input);
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(run('pdfinfo', [file])).toMatch(/^Pages:\s+1$/mu);
    const t = text(file);
    expect(t).toContain(base.registrationId);
    expect(t).toContain('\uFFFD'); // Chinese, Devanagari, NUL and the lone surrogate
    expect(t).toContain('A\uFFFDB\uFFFDCDE F'); // NUL and lone surrogate → placeholder, RLO dropped, newline → space
    expect(t).toContain('…');
    // Every word pdftotext finds lies inside the page's margins.
    const bbox = run('pdftotext', ['-bbox', file, '-']);
    const words = [...bbox.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">/gu)].map((mm) => mm.slice(1, 5).map(Number) as [number, number, number, number]);
    expect(words.length).toBeGreaterThan(50);
    const { margin, page } = RECEIPT_LAYOUT;
    for (const [x0, y0, x1, y1] of words) {
      expect(x0).toBeGreaterThanOrEqual(margin - 1);
      expect(y0).toBeGreaterThanOrEqual(margin - 3);
      expect(x1).toBeLessThanOrEqual(page.width - margin + 1);
      expect(y1).toBeLessThanOrEqual(page.height - margin + 1);
    }
  });

  it('rejects bad input with an error naming the field, its cause the ZodError', async () => {
    const cases: Array<[unknown, string]> = [
      [{ ...base, registrationId: '123' }, 'registrationId'],
      [{ ...base, applicant: { ...base.applicant, surname: 42 } }, 'applicant.surname'],
      [{ ...base, languages: { applicant: 'xx', operator: 'pt' } }, 'languages.applicant'],
      [{ ...base, sealedAt: 'yesterday' }, 'sealedAt'],
      [{ ...base, summary: { ...base.summary, fingersCaptured: 1.5 } }, 'summary.fingersCaptured'],
      [{ ...base, extra: true }, '(top level)'],
    ];
    for (const [input, field] of cases) {
      const error = await renderReceiptPdf(input as ReceiptInput).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ReceiptInputError);
      expect((error as ReceiptInputError).field).toBe(field);
      expect((error as ReceiptInputError).message).toContain(field);
      expect((error as ReceiptInputError).cause).toBeInstanceOf(Error);
      expect(((error as ReceiptInputError).cause as Error).name).toBe('ZodError');
    }
  });
});

describe('receiptFileName', () => {
  it('names the file after the registration id', () => {
    expect(receiptFileName(base.registrationId)).toBe('balcao-receipt-10001100770000120261122101112.pdf');
    expect(() => receiptFileName('../x')).toThrow();
  });
});
