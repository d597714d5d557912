import { describe, expect, it } from 'vitest';
import { mrzName, sameMrzName } from './transliterate.js';
import { approvalReasons, mismatches, prefillFromMrz, stepMissing } from './rules.js';
import { CasesConfig, defaultServices, resolveServices } from './services.js';
import { emptyFinger, emptySignature, DRAFT_VERSION, type CaseDraft, type FingerSlot } from './draft.js';
import type { MrzView } from '../contract/cases.js';

const mrz = (fields: Record<string, string | null>): MrzView => ({ lines: [], format: 'TD3', valid: true, fields, source: 'reader', readAt: '2026-11-22T10:00:00Z' });

function draft(over: Partial<CaseDraft> = {}): CaseDraft {
  return {
    version: DRAFT_VERSION, id: 'c1', serviceType: 'legalisation', steps: defaultServices.legalisation.steps, machine: null, applicantLanguage: 'pt', operator: 'ana',
    openedAt: '', updatedAt: '', revision: 0, mrz: null, mrzDevice: null, identityPages: [], verification: null, demographics: {}, consent: null,
    fingers: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((p) => emptyFinger(p)), signature: emptySignature(), documents: [], approval: null, images: {}, audit: [],
    packet: null, receipt: null, nextRef: 1, ...over,
  };
}

describe('ICAO 9303 transliteration', () => {
  it('Latin diacritics, two-way letters, Cyrillic (Ukrainian, Bulgarian) and Arabic', () => {
    expect(mrzName('Conceição Simões')).toBe('CONCEICAO<SIMOES');
    expect(mrzName('Müller-Lüdenscheidt')).toBe('MUELLER<LUEDENSCHEIDT');
    expect(mrzName("Ørsted Strauß O'Brien")).toBe('OERSTED<STRAUSS<OBRIEN');
    expect(mrzName('Олександр Григорович', { language: 'uk' })).toBe('OLEKSANDR<HRYHOROVYCH');
    expect(mrzName('Григорий')).toBe('GRIGORII');
    expect(mrzName('Щерев', { language: 'bg' })).toBe('SHTEREV');
    expect(mrzName('محمد')).toBe('MHMD');
  });
  it('compares typed and read names: either umlaut form, truncated MRZ names, spaces or fillers', () => {
    expect(sameMrzName('Müller', 'MULLER')).toBe(true);
    expect(sameMrzName('Müller', 'MUELLER')).toBe(true);
    expect(sameMrzName('Шевченко', 'SHEVCHENKO', 'uk')).toBe(true);
    expect(sameMrzName('Conceição Simões', 'CONCEICAO SIMOES')).toBe(true);
    expect(sameMrzName('Wolfeschlegelsteinhausenbergerdorff', 'WOLFESCHLEGELSTEINHAUS')).toBe(true);
    expect(sameMrzName('Simoes', 'SIMOENS')).toBe(false);
  });
});

describe('case rules', () => {
  it('mismatches compare names transliterated, numbers without fillers, and skip empty fields', () => {
    const read = mrz({ surname: 'SHEVCHENKO', givenNames: 'OLEKSANDR', nationality: 'UKR', birthDate: '1990-08-24', documentNumber: 'UA0042917', sex: 'M' });
    expect(mismatches('pt-aima', { surname: 'Шевченко', givenNames: 'Олександр', documentNumber: 'UA004 2917', birthDate: '1990-08-24' }, read)).toEqual([]);
    expect(mismatches('pt-aima', { surname: 'Шевчук', sex: 'F' }, read)).toEqual([
      { field: 'surname', typed: 'Шевчук', mrz: 'SHEVCHENKO' },
      { field: 'sex', typed: 'F', mrz: 'M' },
    ]);
  });
  it('prefill fills only empty fields and maps the document code', () => {
    const out = prefillFromMrz('pt-aima', { surname: 'Conceição' }, mrz({ surname: 'CONCEICAO', givenNames: 'JOAO<GONCALO', documentCode: 'P', birthDate: '1987-03-14' }));
    expect(out).toMatchObject({ surname: 'Conceição', givenNames: 'JOAO GONCALO', documentType: 'passport', birthDate: '1987-03-14' });
  });
  it('step completeness names what is missing', () => {
    const s = defaultServices.legalisation;
    expect(stepMissing('identity', draft(), s, 'pt-aima')).toEqual(['mrz']);
    expect(stepMissing('identity', draft(), defaultServices.digitisation, 'pt-aima')).toEqual([]);
    expect(stepMissing('demographics', draft({ demographics: { surname: 'X' } }), s, 'pt-aima')).toContain('demographics.birthDate');
    expect(stepMissing('fingers', draft(), s, 'pt-aima')).toHaveLength(10);
    expect(stepMissing('documents', draft(), s, 'pt-aima')).toEqual(['document.passport', 'document.proof-of-means', 'document.proof-of-address']);
  });
  it('approval reasons follow exceptions, force-captures, verification and optional papers', () => {
    const fingers: FingerSlot[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((p) => ({ ...emptyFinger(p), state: 'captured' }));
    fingers[0] = { ...fingers[0]!, state: 'exception', exception: { reason: 'amputated', note: null } };
    fingers[1] = { ...fingers[1]!, forcedBy: 'rui' };
    const d = draft({ fingers, mrz: mrz({ surname: 'X' }), verification: { at: '', identity: { ok: true, match: false, personRef: null, openCases: [] }, document: { ok: true, status: 'EXPIRED' } } });
    expect(approvalReasons(d, defaultServices.legalisation, 'pt-aima')).toEqual(['finger_exception', 'force_capture', 'identity_no_match', 'document_not_valid', 'checklist_incomplete']);
    expect(approvalReasons(draft({ serviceType: 'digitisation', steps: defaultServices.digitisation.steps }), defaultServices.digitisation, 'pt-aima')).toEqual(['checklist_incomplete']);
  });
  it('the config may replace steps and checklists, within the rules', () => {
    const config = CasesConfig.parse({ services: { housing: { steps: ['identity', 'demographics', 'consent', 'documents', 'review', 'receipt'], checklist: [{ type: 'lease' }] } } });
    const housing = resolveServices(config).find((s) => s.id === 'housing')!;
    expect(housing.steps).not.toContain('fingers');
    expect(housing.checklist).toEqual([{ type: 'lease', required: true, paper: 'a4', minPages: 1 }]);
    expect(CasesConfig.safeParse({ services: { housing: { steps: ['fingers', 'identity', 'review', 'receipt'] } } }).success).toBe(false);
    expect(CasesConfig.safeParse({ services: { unknown: {} } }).success).toBe(false);
    expect(() => resolveServices(CasesConfig.parse({ services: { digitisation: { steps: ['demographics', 'consent', 'fingers', 'review', 'receipt'] } } }))).toThrow(/digitisation/);
    expect(resolveServices(CasesConfig.parse({}), 'digitisation').map((s) => s.id)).toEqual(['digitisation']);
  });
});
