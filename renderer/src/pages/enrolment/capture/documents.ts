import type { CaseView, PageView } from '../../../../../app/contract/cases';

/** The checklist as the documents screen shows it: pages grouped under their item, pages of other types apart. */

export type ChecklistEntry = CaseView['documents']['checklist'][number];

export interface ChecklistGroup {
  item: ChecklistEntry;
  pages: PageView[];
  /** Required and not yet satisfied: marked on screen. */
  missing: boolean;
}

export function groupPages(view: Pick<CaseView, 'documents'>): { groups: ChecklistGroup[]; others: PageView[] } {
  const types = new Set(view.documents.checklist.map((i) => i.type));
  const groups = view.documents.checklist.map((item) => ({
    item,
    pages: view.documents.pages.filter((p) => p.type === item.type),
    missing: item.required && !item.satisfied,
  }));
  const others = view.documents.pages.filter((p) => !types.has(p.type));
  return { groups, others };
}

export function missingRequired(view: Pick<CaseView, 'documents'>): ChecklistEntry[] {
  return view.documents.checklist.filter((i) => i.required && !i.satisfied);
}

/** The types a page may be given: the checklist's, then 'other', then the page's own if it is neither. */
export function pageTypeChoices(view: Pick<CaseView, 'documents'>, page: PageView): string[] {
  const choices = view.documents.checklist.map((i) => i.type);
  if (!choices.includes('other')) choices.push('other');
  if (!choices.includes(page.type)) choices.push(page.type);
  return choices;
}

/** The id of the page added by a scan: in the new view and not in the old one (null if none). */
export function addedPage(before: readonly PageView[], after: readonly PageView[]): PageView | null {
  const known = new Set(before.map((p) => p.id));
  return after.find((p) => !known.has(p.id)) ?? null;
}
