import { createInstance } from 'i18next';
import type { ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider, initReactI18next } from 'react-i18next';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { CaseView } from '../../../../app/contract/cases';
import { messages } from '../../i18n/resources';
import { ControllerContext } from '../../station/context';
import type { StationController } from '../../station/controller';
import { StationStore } from '../../station/store';
import { DemographicsForm } from './DemographicsStep';
import { IdentityStep } from './IdentityStep';
import { ReceiptStep } from './ReceiptStep';
import { ReviewStep } from './ReviewStep';

/**
 * The enrolment steps' first render (server-side: no effects, no calls):
 * what the technician sees on arrival, found the way the end-to-end test
 * finds it (data-step, roles, button names).
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

const controller = { api: { call: {}, on: {} }, store: new StationStore() } as unknown as StationController;

function caseView(over: Partial<CaseView> = {}): CaseView {
  return {
    id: 'case-1',
    serviceType: 'legalisation',
    status: 'open',
    step: 'identity',
    steps: ['identity', 'demographics', 'consent', 'fingers', 'signature', 'documents', 'review', 'receipt'],
    completed: [],
    applicantLanguage: 'uk',
    operator: 'ana',
    openedAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    revision: 1,
    identity: { mrz: null, pages: [], verification: null },
    demographics: {},
    mrzName: null,
    mismatches: [],
    consent: null,
    fingers: Array.from({ length: 10 }, (_, i) => ({
      position: i + 1,
      state: 'captured' as const,
      attempts: 1,
      quality: { score: 70, passed: true, reasons: [] },
      image: null,
      needsDecision: false,
      forcedBy: null,
      exception: null,
      similarTo: null,
      device: null,
      capturedAt: null,
    })),
    signature: { state: 'pending', attempts: 0, quality: null, image: null, device: null, capturedAt: null },
    documents: { pages: [], checklist: [] },
    approval: { required: false, reasons: [], by: null, at: null },
    packet: null,
    ...over,
  };
}

function render(node: ReactNode, language = 'en'): string {
  void i18n.changeLanguage(language);
  return renderToStaticMarkup(
    <I18nextProvider i18n={i18n}>
      <ControllerContext.Provider value={controller}>
        <MemoryRouter>{node}</MemoryRouter>
      </ControllerContext.Provider>
    </I18nextProvider>,
  );
}

const noop = () => undefined;

describe('enrolment steps, first render', () => {
  it('identity: Read MRZ first, then the parsed fields and the agency’s answer in words and colour', () => {
    const fresh = render(<IdentityStep view={caseView()} onView={noop} />);
    expect(fresh).toContain('data-step="identity"');
    expect(fresh).toMatch(/class="button button--primary button--large"[^>]*data-testid="read-mrz"[^>]*>Read MRZ</);
    expect(fresh).toContain('<label class="field__label" for="mrz-text">MRZ lines</label>');

    const checked = render(
      <IdentityStep
        view={caseView({
          identity: {
            mrz: {
              lines: ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'],
              format: 'TD3',
              valid: true,
              fields: { documentNumber: 'L898902C3', surname: 'ERIKSSON', birthDate: '1974-08-12', sex: null },
              source: 'reader',
              readAt: '2025-01-01T10:00:00.000Z',
            },
            pages: [],
            verification: {
              at: '2025-01-01T10:01:00.000Z',
              identity: { ok: true, match: true, personRef: 'p-1', openCases: [] },
              document: { ok: true, status: 'REPORTED_STOLEN' },
            },
          },
        })}
        onView={noop}
      />,
    );
    expect(checked).toContain('data-mrz-field="documentNumber"');
    expect(checked).toMatch(/data-mrz-field="sex"><dt>Sex<\/dt><dd dir="ltr"><span class="field-invalid-value">Not valid/);
    expect(checked).toMatch(/verdict--success" data-testid="verification-identity" data-match="true"><p class="verdict__label">Identity<\/p><p class="verdict__value">Identity confirmed/);
    expect(checked).toMatch(/verdict--danger" data-testid="verification-document" data-status="REPORTED_STOLEN">.*REPORTED STOLEN.*Do not return it/);
  });

  it('demographics: the form from the schema, required marks, the MRZ name beside the names, a mismatch with both choices', () => {
    const view = caseView({
      step: 'demographics',
      demographics: { surname: 'Коваленко', givenNames: 'Олена', sex: 'F', nationality: 'UKR' },
      mrzName: { surname: 'KOVALENKO', givenNames: 'OLENA' },
      mismatches: [{ field: 'sex', typed: 'F', mrz: 'M' }],
    });
    const html = render(<DemographicsForm view={view} onView={noop} profile="pt-aima" />);
    expect(html).toContain('data-step="demographics"');
    expect([...html.matchAll(/data-section="(\w+)"/g)].map((m) => m[1])).toEqual(['person', 'document', 'contact']);
    expect(html).toMatch(/<label class="field__label" for="demo-surname">Surname<span class="required-mark" aria-hidden="true"> \*<\/span><\/label>/);
    expect(html).toMatch(/<label class="field__label" for="demo-givenNames">Given names<\/label>/);
    expect(html).toMatch(/id="demo-surname"[^>]*value="Коваленко"/);
    expect(html).toMatch(/id="demo-surname"[^>]*dir="auto"|dir="auto"[^>]*id="demo-surname"/);
    expect(html).toContain('data-testid="mrz-form-surname">In the MRZ: <span class="mono" dir="ltr">KOVALENKO</span>');
    expect(html).toMatch(/data-testid="mismatch-sex".*Use the MRZ value.*Keep what is typed/);
    expect(html).toMatch(/<select[^>]*id="demo-sex"[^>]*><option value="">Choose…<\/option><option value="F" selected="">Female/);
    // Nothing is complained about before the technician has left a field empty.
    expect(html).not.toContain('field__error');
  });

  it('review: each part with Change, the approval reasons and sign-off, Seal blocked with the reasons', () => {
    const view = caseView({
      step: 'review',
      completed: ['identity', 'demographics', 'consent', 'fingers', 'documents'],
      approval: { required: true, reasons: ['finger_exception', 'mrz_mismatch'], by: null, at: null },
    });
    const html = render(<ReviewStep view={view} onView={noop} />);
    expect(html).toContain('data-step="review"');
    expect([...html.matchAll(/data-review="(\w+)" data-complete="(\w+)"/g)].map((m) => `${m[1]}:${m[2]}`)).toEqual([
      'identity:true',
      'demographics:true',
      'consent:true',
      'fingers:true',
      'signature:false',
      'documents:true',
    ]);
    expect(html).toContain('aria-label="Change: Signature"');
    expect(html).toMatch(/data-reason="finger_exception">a finger is recorded as missing or injured/);
    expect(html).toContain('<label class="field__label" for="approval-password">Supervisor’s password</label>');
    expect(html).toMatch(/data-testid="seal-blocked">.*Signature is not complete.*a supervisor must approve it/);
    expect(html).toMatch(/data-testid="seal" aria-disabled="true"[^>]*>Seal</);
  });

  it('review: Seal is offered once everything is complete and approved', () => {
    const view = caseView({
      step: 'review',
      completed: ['identity', 'demographics', 'consent', 'fingers', 'signature', 'documents'],
      approval: { required: true, reasons: ['force_capture'], by: 'sofia', at: '2025-01-01T11:00:00.000Z' },
    });
    const html = render(<ReviewStep view={view} onView={noop} />);
    expect(html).not.toContain('seal-blocked');
    expect(html).toMatch(/data-testid="seal"(?![^>]*aria-disabled)[^>]*>Seal</);
    expect(html).toContain('data-approved="true"');
  });

  it('receipt: the packet id, print, download and the next applicant, in Arabic too', () => {
    const view = caseView({ step: 'receipt', status: 'sealed', packet: { packetId: 'PT-0001-20250101-000042', sealedAt: '2025-01-01T12:00:00.000Z' } });
    const html = render(<ReceiptStep view={view} onView={noop} />);
    expect(html).toContain('data-step="receipt"');
    expect(html).toContain('data-testid="packet-id">PT-0001-20250101-000042</dd>');
    expect(html).toMatch(/>Print receipt<.*>Download receipt<.*>Next applicant</);
    const arabic = render(<ReceiptStep view={view} onView={noop} />, 'ar');
    expect(arabic).toContain('طباعة الإيصال');
  });
});
