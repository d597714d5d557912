import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../../app/contract/errors';
import { locales } from '../../../app/contract/channels';
import { messages } from './resources';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const pluralSuffix = /_(zero|one|two|few|many|other)$/;
const base = (key: string) => key.replace(pluralSuffix, '');
const baseKeys = (flat: Map<string, string>) => new Set([...flat.keys()].map(base));
const pluralBases = (flat: Map<string, string>) => new Set([...flat.keys()].filter((k) => pluralSuffix.test(k)).map(base));
const variables = (text: string) => new Set([...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]));
const tags = (text: string) => [...text.matchAll(/<\/?(\w+)>/g)].map((m) => m[0]).sort();

/** The plural forms a language uses for whole numbers (all our counts are whole), plus `other`, which i18next falls back to. */
function neededCategories(language: string): Set<string> {
  const rules = new Intl.PluralRules(language);
  const needed = new Set<string>(['other']);
  for (let n = 0; n <= 1000; n++) needed.add(rules.select(n));
  return needed;
}

const flat = Object.fromEntries(locales.map((l) => [l, flatten(messages[l] as Tree)])) as Record<(typeof locales)[number], Map<string, string>>;
const en = flat.en;

describe('translations', () => {
  it.each(['pt', 'uk'] as const)('%s has exactly the keys English has (plural forms aside)', (language) => {
    expect([...baseKeys(flat[language])].sort()).toEqual([...baseKeys(en)].sort());
  });

  it.each(locales)('%s has no key English lacks, and no empty text', (language) => {
    const extra = [...baseKeys(flat[language])].filter((key) => !baseKeys(en).has(key));
    expect(extra).toEqual([]);
    const empty = [...flat[language]].filter(([, text]) => text.trim() === '').map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it.each(locales)('%s has every plural form its grammar needs', (language) => {
    const needed = neededCategories(language);
    const missing: string[] = [];
    for (const key of pluralBases(en)) {
      // A language still being translated may lack the key altogether (English is used); if present, it must be whole.
      const present = [...flat[language].keys()].some((k) => base(k) === key);
      if (!present) continue;
      for (const category of needed) if (!flat[language].has(`${key}_${category}`)) missing.push(`${key}_${category}`);
    }
    expect(missing).toEqual([]);
  });

  it.each(locales)('%s uses the same {{placeholders}} and tags as English', (language) => {
    const problems: string[] = [];
    for (const [key, text] of flat[language]) {
      const english = en.get(key) ?? en.get(`${base(key)}_other`);
      if (english === undefined) continue;
      // Any plural form may use what any English form of the same key uses (English "one" may spell out the number).
      const forms = pluralSuffix.test(key) ? [...en].filter(([k]) => base(k) === base(key)).map(([, v]) => v) : [english];
      const allowed = new Set(forms.flatMap((form) => [...variables(form)]));
      for (const v of variables(text)) if (!allowed.has(v)) problems.push(`${key}: {{${v}}}`);
      // A singular form may say "one" in words, so only non-plural texts must use every placeholder.
      if (!pluralSuffix.test(key)) for (const v of allowed) if (!variables(text).has(v)) problems.push(`${key}: lacks {{${v}}}`);
      if (tags(text).join() !== tags(english).join()) problems.push(`${key}: tags ${tags(text).join()} vs ${tags(english).join()}`);
    }
    expect(problems).toEqual([]);
  });

  it.each(['pt', 'en', 'uk'] as const)('%s translates every contract error code', (language) => {
    const missing = errorCodes.filter((code) => typeof flat[language].get(`errors.${code}`) !== 'string');
    expect(missing).toEqual([]);
    expect(flat[language].get('errors.unknown')).toBeTruthy();
  });
});
