import { createInstance } from 'i18next';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import type { CaseView, FingerSlotView } from '../../../../../app/contract/cases';
import { messages } from '../../../i18n/resources';
import { ControllerContext } from '../../../station/context';
import type { StationController } from '../../../station/controller';
import { DocumentsStep } from './DocumentsStep';
import { FingersStep } from './FingersStep';
import { SignatureStep } from './SignatureStep';

/**
 * The steps' first render (server-side, so effects do not run): what the
 * technician sees before touching anything, found the way the end-to-end
 * test finds it (data-step, data-finger + data-state, button names).
 */

const i18n = createInstance();
void i18n.use(initReactI18next).init({
  resources: Object.fromEntries(Object.entries(messages).map(([lng, translation]) => [lng, { translation }])),
  lng: 'en',
  fallbackLng: 'en',
  initAsync: false,
  interpolation: { escapeValue: false },
  showSupportNotice: false,
});

const controller = { api: { call: {}, on: {} } } as unknown as StationController;

function slot(position: number, over: Partial<FingerSlotView> = {}): FingerSlotView {
  return { position, state: 'pending', attempts: 0, quality: null, image: null, needsDecision: false, forcedBy: null, exception: null, similarTo: null, device: null, capturedAt: null, ...over };
}

function caseView(over: Partial<CaseView> = {}): CaseView {
  return {
    id: 'case-1',
    serviceType: 'legalisation',
    status: 'open',
    step: 'fingers',
    steps: ['identity', 'demographics', 'consent', 'fingers', 'signature', 'documents', 'review', 'receipt'],
    completed: [],
    applicantLanguage: 'en',
    operator: 'ana',
    openedAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    revision: 1,
    identity: { mrz: null, pages: [], verification: null },
    demographics: {},
    mrzName: null,
    mismatches: [],
    consent: null,
    fingers: Array.from({ length: 10 }, (_, i) => slot(i + 1)),
    signature: { state: 'pending', attempts: 0, quality: null, image: null, device: null, capturedAt: null },
    documents: { pages: [], checklist: [] },
    approval: { required: false, reasons: [], by: null, at: null },
    packet: null,
    ...over,
  };
}

function render(node: React.ReactNode, language = 'en'): string {
  void i18n.changeLanguage(language);
  return renderToStaticMarkup(
    <I18nextProvider i18n={i18n}>
      <ControllerContext.Provider value={controller}>{node}</ControllerContext.Provider>
    </I18nextProvider>,
  );
}

const noop = () => undefined;

describe('capture steps, first render', () => {
  it('fingers: ten finger buttons with their state, the first open finger current, its instruction and Capture', () => {
    const fingers = caseView().fingers.map((s) =>
      s.position === 1 ? { ...s, state: 'captured' as const, attempts: 1, quality: { score: 71, passed: true, reasons: [] } } : s.position === 3 ? { ...s, state: 'exception' as const, exception: { reason: 'bandaged' as const, note: null } } : s,
    );
    const html = render(<FingersStep view={caseView({ fingers })} onView={noop} />);
    expect(html).toContain('data-step="fingers"');
    const states = [...html.matchAll(/data-finger="(\d+)" data-state="(\w+)"/g)].map((m) => [Number(m[1]), m[2]]);
    expect(states).toEqual([
      [1, 'captured'],
      [2, 'current'],
      [3, 'exception'],
      [4, 'pending'],
      [5, 'pending'],
      [6, 'pending'],
      [7, 'pending'],
      [8, 'pending'],
      [9, 'pending'],
      [10, 'pending'],
    ]);
    expect(html).toContain('aria-label="Right index finger: Now"');
    expect(html).toContain('Place the right index finger on the reader');
    expect(html).toMatch(/<button[^>]*data-testid="finger-capture"[^>]*>Capture<\/button>/);
    expect(html).toContain('Missing or injured finger');
    expect(html).toContain('2 of 10 fingers done');
  });

  it('fingers: with every finger settled, says so instead of asking for a capture', () => {
    const fingers = caseView().fingers.map((s) => ({ ...s, state: 'captured' as const, attempts: 1 }));
    const html = render(<FingersStep view={caseView({ fingers })} onView={noop} />);
    expect(html).toContain('data-testid="fingers-all-done"');
    expect(html).toContain('10 of 10 fingers done');
    // The notice says how many were captured and how many are missing, and what to do next.
    expect(html).toContain('All ten fingers done: 10 captured, 0 missing. Press Next to continue.');
    expect(html).not.toContain('data-testid="finger-capture"');
  });

  it('fingers: after the last failed retry, the choice is a supervisor or an exception, with the reasons shown', () => {
    const fingers = caseView().fingers.map((s) =>
      s.position === 1
        ? { ...s, attempts: 3, needsDecision: true, image: 'img-1', quality: { score: 22, passed: false, reasons: [{ code: 'score_too_low', params: { score: 22, minScore: 40 } }] } }
        : { ...s, state: 'captured' as const },
    );
    const html = render(<FingersStep view={caseView({ fingers })} onView={noop} />);
    expect(html).toContain('data-finger="1" data-state="decision"');
    expect(html).toContain('No attempts left');
    expect(html).toContain('Accept with a supervisor');
    expect(html).toContain('Quality score 22, at least 40 is needed.');
    expect(html).not.toContain('data-testid="finger-capture"');
  });

  it('fingers: Arabic text, hands not mirrored', () => {
    const html = render(<FingersStep view={caseView()} onView={noop} />, 'ar');
    expect(html).toContain('ضع إبهام اليد اليمنى على القارئ');
    expect(html).toContain('direction:ltr');
  });

  it('signature: the start button, then the result with its quality and Sign again', () => {
    expect(render(<SignatureStep view={caseView({ step: 'signature' })} onView={noop} />)).toMatch(/data-step="signature"[\s\S]*>Sign on the pad<\/button>/);
    const rejected = caseView({
      signature: { state: 'pending', attempts: 1, quality: { score: 12, passed: false, reasons: [{ code: 'signature_too_small', params: { boxAreaFraction: 0.02, minBoxFraction: 0.05 } }] }, image: 'sig-1', device: null, capturedAt: null },
    });
    const html = render(<SignatureStep view={rejected} onView={noop} />);
    expect(html).toContain('data-testid="signature-result"');
    expect(html).toContain('The signature is too small (2% of the pad, at least 5%). Ask the applicant to sign larger.');
    expect(html).toContain('>Sign again</button>');
  });

  it('documents: each checklist item with Scan, required ones missing marked, pages with type, Rescan and Delete', () => {
    const view = caseView({
      step: 'documents',
      documents: {
        pages: [
          {
            id: 'p1',
            type: 'residence-permit',
            image: 'img-p1',
            quality: { score: 30, passed: false, reasons: [{ code: 'glare', params: { glareFraction: 0.02, maxGlareFraction: 0.005 } }] },
            width: 1012,
            height: 638,
            device: null,
            scannedAt: '2025-01-01T00:00:00.000Z',
          },
        ],
        checklist: [
          { type: 'passport', required: true, paper: 'td3', minPages: 1, pages: 0, satisfied: false },
          { type: 'residence-permit', required: true, paper: 'id1', minPages: 2, pages: 1, satisfied: false },
          { type: 'proof-of-address', required: false, paper: 'a4', minPages: 1, pages: 0, satisfied: false },
        ],
      },
    });
    const html = render(<DocumentsStep view={view} onView={noop} />);
    expect(html).toContain('data-step="documents"');
    expect([...html.matchAll(/data-document="([\w-]+)" data-status="(\w+)"/g)].map((m) => [m[1], m[2]])).toEqual([
      ['passport', 'missing'],
      ['residence-permit', 'missing'],
      ['proof-of-address', 'optional'],
    ]);
    expect(html).toContain('Required documents still missing');
    expect(html).toContain('Pages: 1 of 2');
    expect(html).toContain('Scan another page');
    expect(html).toContain('There is glare on the page (2% of it, at most 0.5%).');
    expect(html).toContain('data-testid="page-rescan-p1"');
    expect(html).toContain('data-testid="page-delete-p1"');
    expect(html).toMatch(/<option value="residence-permit" selected="">Residence permit<\/option>/);
  });
});
