import { describe, expect, it } from 'vitest';
import type { CaseView, PageView } from '../../../../../app/contract/cases';
import { addedPage, groupPages, missingRequired, pageTypeChoices } from './documents';

function page(id: string, type: string): PageView {
  return {
    id,
    type,
    image: `img-${id}`,
    quality: { score: 80, passed: true, reasons: [] },
    width: 2480,
    height: 3508,
    device: null,
    scannedAt: '2025-01-01T00:00:00.000Z',
  };
}

const view = (pages: PageView[]): Pick<CaseView, 'documents'> => ({
  documents: {
    pages,
    checklist: [
      { type: 'passport', required: true, paper: 'td3', minPages: 1, pages: pages.filter((p) => p.type === 'passport').length, satisfied: pages.some((p) => p.type === 'passport') },
      { type: 'residence-permit', required: true, paper: 'id1', minPages: 2, pages: pages.filter((p) => p.type === 'residence-permit').length, satisfied: pages.filter((p) => p.type === 'residence-permit').length >= 2 },
      { type: 'proof-of-address', required: false, paper: 'a4', minPages: 1, pages: 0, satisfied: false },
    ],
  },
});

describe('documents checklist', () => {
  it('groups pages under their checklist item and keeps other types apart', () => {
    const v = view([page('a', 'passport'), page('b', 'residence-permit'), page('c', 'lease-contract'), page('d', 'residence-permit')]);
    const { groups, others } = groupPages(v);
    expect(groups.map((g) => [g.item.type, g.pages.map((p) => p.id)])).toEqual([
      ['passport', ['a']],
      ['residence-permit', ['b', 'd']],
      ['proof-of-address', []],
    ]);
    expect(others.map((p) => p.id)).toEqual(['c']);
  });

  it('marks required items not yet satisfied (a two-sided card with one side) and never optional ones', () => {
    const v = view([page('a', 'passport'), page('b', 'residence-permit')]);
    expect(missingRequired(v).map((i) => i.type)).toEqual(['residence-permit']);
    expect(groupPages(v).groups.map((g) => g.missing)).toEqual([false, true, false]);
    expect(missingRequired(view([])).map((i) => i.type)).toEqual(['passport', 'residence-permit']);
  });

  it('offers the checklist types, other, and the page’s own type for a page', () => {
    const v = view([]);
    expect(pageTypeChoices(v, page('x', 'passport'))).toEqual(['passport', 'residence-permit', 'proof-of-address', 'other']);
    expect(pageTypeChoices(v, page('x', 'lease-contract'))).toEqual(['passport', 'residence-permit', 'proof-of-address', 'other', 'lease-contract']);
  });

  it('finds the page a scan added', () => {
    const before = [page('a', 'passport')];
    expect(addedPage(before, [...before, page('b', 'passport')])?.id).toBe('b');
    expect(addedPage(before, before)).toBeNull();
  });
});
