// Every document type the station itself uses has a name in every language: the checklists of all default
// services, the identity document's page, and 'other' (always offered as a page type).
import { describe, expect, it } from 'vitest';
import { defaultServices } from '../cases/services.js';
import { locales } from './channels.js';
import { documentTypeIds, documentTypeName } from './document-types.js';

const used = new Set<string>(['identity-document', 'other']);
for (const service of Object.values(defaultServices)) for (const item of service.checklist) used.add(item.type);

describe('document type names', () => {
  it('cover every type the default checklists use, in every language, each name its own', () => {
    expect([...used].filter((type) => !(documentTypeIds as readonly string[]).includes(type))).toEqual([]);
    for (const locale of locales) {
      const names = documentTypeIds.map((type) => documentTypeName(type, locale));
      for (const [i, name] of names.entries()) {
        expect(name.trim(), `${locale} ${documentTypeIds[i]}`).not.toBe('');
        expect(name, `${locale} ${documentTypeIds[i]}`).not.toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      }
      expect(new Set(names).size, `${locale}: two types share a name`).toBe(names.length);
    }
  });

  it('writes Arabic names without vowel marks (the receipt reads back through pdftotext)', () => {
    for (const type of documentTypeIds) expect(documentTypeName(type, 'ar')).not.toMatch(/[\u064B-\u0652]/u);
  });

  it('names a station’s own type in words, never as its bare id', () => {
    expect(documentTypeName('union-card', 'pt')).toBe('Union card');
    expect(documentTypeName('x--y', 'en')).toBe('X y');
    expect(documentTypeName('proof-of-means', 'cs')).toBe('Doklad o prostředcích k pobytu');
  });
});
