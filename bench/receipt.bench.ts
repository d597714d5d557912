// The applicant's acknowledgement receipt (app/receipts): one A4 PDF with Latin, Cyrillic and Arabic text (fontkit
// shaping, the receipt's own bidi layer), a QR code and two embedded DejaVu subsets, rendered in-process under
// plain Node. Figures: ms per receipt, p50/p90 over 50 runs after 5 warm-up runs, for an Arabic + English receipt
// and a Ukrainian + Portuguese one; and the PDF size. No budget is set for it in DESIGN.md; printed for reference.
import { performance } from 'node:perf_hooks';
import { renderReceiptPdf, type ReceiptInput } from '../app/receipts/index.js';
import { fmt, report, summarise } from './support.js';

const RUNS = 50;
const WARMUP = 5;
const base: ReceiptInput = {
  registrationId: '10001100770000120261122101112',
  centre: { id: '10001', name: 'CLAIM Lisboa — Martim Moniz' },
  stationId: '10077',
  serviceType: 'family-reunification',
  applicant: { surname: 'Kovalenko', givenNames: 'Olena Mykolaivna', birthDate: '1988-04-17', nationality: 'UKR', documentNumber: 'FX123456' },
  sealedAt: '2026-11-22T10:11:12Z',
  operator: 'Ana Ferreira',
  summary: { fingersCaptured: 8, fingerExceptions: 2, signature: true, documentPages: 3, documents: ['passport', 'proof-of-address', 'birth-certificate'] },
  languages: { applicant: 'ar', operator: 'en' },
};

const figures: Record<string, unknown> = { runs: RUNS };
for (const [name, input] of [
  ['ar+en', base],
  ['uk+pt', { ...base, languages: { applicant: 'uk', operator: 'pt' } }],
] as const) {
  for (let i = 0; i < WARMUP; i++) await renderReceiptPdf(input);
  const samples: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    // Vary the id so that nothing could be served from a per-input cache.
    const t = performance.now();
    const pdf = await renderReceiptPdf({ ...input, registrationId: `100011007700${String(i).padStart(3, '0')}20261122101112` });
    samples.push(performance.now() - t);
    bytes = pdf.length;
  }
  const s = summarise(samples);
  console.log(`receipt ${name} (${RUNS} runs, ${(bytes / 1024).toFixed(1)} KiB): p50 ${fmt(s.p50)}, p90 ${fmt(s.p90)}, max ${fmt(s.max)} per receipt`);
  figures[name] = { ms: s, bytes };
}
report('receipt', figures);
process.exit(0);
