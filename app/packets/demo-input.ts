/**
 * A complete synthetic enrolment from the device simulators — ten fingers
 * (synthetic ridges at 500 ppi), a signature (pen strokes as an STU-540
 * samples them) and document pages (rendered scans) — for `balcao packet
 * demo`, the seal benchmark and tests. Seeded: the same options give the
 * same content. Demo data only: no real person.
 */
import { synthesizeFingerprint } from '../../device-simulators/fingerprint/synthetic.js';
import { generateSignature } from '../../device-simulators/wacom-stu/strokes.js';
import { renderPage, type PageKind } from '../../device-simulators/documents/page.js';
import { samplePeople, sampleDocuments } from '../../device-simulators/documents/mrz.js';
import type { PenSample } from '../../drivers/capture.js';
import type { PacketInput } from './schema.js';

export interface DemoInputOptions {
  seed?: number;
  /** Finger image size in pixels at 500 ppi (default 400 × 500: a plain impression, 20 × 25 mm). */
  fingerWidth?: number;
  fingerHeight?: number;
  /** Document pages to render: kind, format, dpi (default: an A4 application form as JPEG at 300 dpi, the passport data page and the ID card as PNG at 300 dpi). */
  pages?: { kind: PageKind; format: 'png' | 'jpeg'; dpi?: number; mode?: 'gray' | 'color'; jpegQuality?: number; type: string }[];
  /** Base time of the case (default 2026-11-22T10:00:00Z). */
  at?: Date;
}

const STU540 = { maxX: 10800, maxY: 6480, maxPressure: 1023, unitsPerInch: 2540 };

export async function demoPacketInput(options: DemoInputOptions = {}): Promise<PacketInput> {
  const seed = options.seed ?? 1;
  const width = options.fingerWidth ?? 400;
  const height = options.fingerHeight ?? 500;
  const at = options.at ?? new Date('2026-11-22T10:00:00Z');
  const time = (seconds: number) => new Date(at.getTime() + seconds * 1000).toISOString();
  const device = (make: string, model: string, serial: string) => ({ make, model, serial, approvedDeviceId: `${make}-${model}-${serial}`.toLowerCase(), firmware: null });

  const fingers = Array.from({ length: 10 }, (_, i) => ({
    position: i + 1,
    image: { width, height, ppi: 500, pixels: synthesizeFingerprint({ width, height, quality: 'good', seed: seed * 100 + i }) },
    impressionType: 0,
  }));

  const generated = generateSignature({ seed, tabletMaxX: STU540.maxX, tabletMaxY: STU540.maxY, maxPressure: STU540.maxPressure, unitsPerInch: STU540.unitsPerInch });
  const samples: PenSample[] = generated.frames.map((f, i) => ({ t: Math.round(i * generated.intervalMs), sequence: i, rdy: f.rdy, sw: f.sw, pressure: f.pressure, x: f.x, y: f.y }));

  const pageSpecs = options.pages ?? [
    { kind: 'a4-application' as const, format: 'jpeg' as const, dpi: 300, type: 'application-form' },
    { kind: 'td3-passport' as const, format: 'png' as const, dpi: 300, type: 'passport' },
    { kind: 'id1-card' as const, format: 'png' as const, dpi: 300, type: 'residence-card' },
  ];
  const pages = await Promise.all(
    pageSpecs.map((p: NonNullable<DemoInputOptions['pages']>[number], i) =>
      renderPage({ kind: p.kind, format: p.format, dpi: p.dpi ?? 300, seed: seed + i, mode: p.mode ?? 'gray', ...(p.jpegQuality !== undefined ? { jpegQuality: p.jpegQuality } : {}) }),
    ),
  );
  const documents = pages.map((page, i) => ({ type: (pageSpecs[i] as { type: string }).type, mediaType: page.format === 'png' ? ('image/png' as const) : ('image/jpeg' as const), bytes: page.bytes }));

  const person = samplePeople.portuguese;
  const scanner = device('Demo', 'Page Scanner', 'PS-0001');
  return {
    record: {
      caseId: `demo-${seed}`,
      serviceType: 'residence-permit',
      applicant: {
        surname: person.surname,
        givenNames: person.givenNames,
        sex: person.sex,
        birthDate: person.birthDate,
        nationality: person.nationality,
        placeOfBirth: 'Lisboa',
        document: { type: 'P', number: sampleDocuments.passport.documentNumber, issuingState: sampleDocuments.passport.issuingState, expiryDate: sampleDocuments.passport.expirationDate },
        contact: null,
      },
      consent: { textVersion: '2026-01', language: 'pt', givenAt: time(30), accepted: true },
      captures: [
        ...fingers.map((f, i) => ({
          modality: 'finger' as const,
          position: String(f.position).padStart(2, '0'),
          device: device('ZhianTec', 'ZFM-20', 'SIM-EF01'),
          quality: { score: 70 + (i % 3) * 5, passed: true, measures: {} },
          attempts: 1,
          exception: null,
          forceCapture: false,
          supervisorId: null,
          capturedAt: time(60 + i * 10),
        })),
        {
          modality: 'signature' as const,
          position: 'signature',
          device: device('Wacom', 'STU-540', 'SIM-STU'),
          quality: { score: 90, passed: true, measures: {} },
          attempts: 1,
          exception: null,
          forceCapture: false,
          supervisorId: null,
          capturedAt: time(200),
        },
        ...documents.map((_, i) => ({
          modality: 'document' as const,
          position: String(i + 1).padStart(2, '0'),
          device: scanner,
          quality: { score: null, passed: null, measures: {} },
          attempts: 1,
          exception: null,
          forceCapture: false,
          supervisorId: null,
          capturedAt: time(240 + i * 20),
        })),
      ],
      operatorId: 'op-demo',
      supervisorId: null,
      timestamps: { caseOpenedAt: time(0), completedAt: time(320) },
    },
    fingers,
    signature: { samples, tablet: STU540 },
    documents,
    audit: [
      { at: time(0), type: 'case.opened', actor: 'op-demo', details: { service: 'residence-permit' } },
      { at: time(30), type: 'consent.given', actor: 'op-demo', details: { textVersion: '2026-01', language: 'pt' } },
      { at: time(320), type: 'case.completed', actor: 'op-demo', details: { fingers: 10, documents: documents.length } },
    ],
  };
}
