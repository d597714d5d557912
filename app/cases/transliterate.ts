/**
 * Names in the machine-readable zone's character set (ICAO Doc 9303 part 3,
 * §6 "Transliterations"): upper-case A–Z, '<' for spaces and hyphens,
 * apostrophes and other punctuation dropped. Used to show the MRZ form of a
 * typed name and to compare what was typed with what the MRZ says, so that
 * "Conceição Simões" and "CONCEICAO<SIMOES" agree and "Шевченко" and
 * "SHEVCHENKO" agree.
 *
 * Tables: Latin letters with diacritics lose them (§6, table A), except the
 * two-way letters (Ä AE, Ö OE, Ü UE, Å AA, Æ AE, Ø OE, ß SS, Þ TH, IJ …) whose
 * single-letter form is also accepted in comparisons (issuers differ);
 * Cyrillic per table B with the Ukrainian exceptions (Г H, И Y, Ґ G, Є IE,
 * Ї I); Arabic per table C, consonants only (the MRZ of an Arabic name is
 * written from its Latin form on the document; this is a fallback).
 */

const LATIN_TWO_WAY: Readonly<Record<string, string>> = { Ä: 'AE', Ö: 'OE', Ü: 'UE', Å: 'AA', Æ: 'AE', Ø: 'OE', Œ: 'OE', ß: 'SS', ẞ: 'SS', Þ: 'TH', Ĳ: 'IJ' };
const LATIN_SPECIAL: Readonly<Record<string, string>> = { Ð: 'D', Đ: 'D', Ħ: 'H', Ł: 'L', Ŀ: 'L', Ŧ: 'T', Ŋ: 'N' };

const CYRILLIC: Readonly<Record<string, string>> = {
  А: 'A', Б: 'B', В: 'V', Г: 'G', Ґ: 'G', Д: 'D', Ђ: 'D', Ѓ: 'G', Е: 'E', Ё: 'E', Є: 'IE', Ж: 'ZH', З: 'Z', Ѕ: 'DZ', И: 'I', І: 'I', Ї: 'I', Й: 'I', Ј: 'J',
  К: 'K', Л: 'L', Љ: 'LJ', М: 'M', Н: 'N', Њ: 'NJ', О: 'O', П: 'P', Р: 'R', С: 'S', Т: 'T', Ћ: 'C', Ќ: 'K', У: 'U', Ў: 'U', Ф: 'F', Х: 'KH', Ц: 'TS',
  Ч: 'CH', Џ: 'DZ', Ш: 'SH', Щ: 'SHCH', Ъ: 'IE', Ы: 'Y', Ь: '', Э: 'E', Ю: 'IU', Я: 'IA',
};
const CYRILLIC_UKRAINIAN: Readonly<Record<string, string>> = { Г: 'H', И: 'Y' };
/** Bulgarian documents write Щ as SHT and Ъ as A (Bulgarian national transliteration, used in its MRZs). */
const CYRILLIC_BULGARIAN: Readonly<Record<string, string>> = { Щ: 'SHT', Ъ: 'A', Ь: 'Y' };

const ARABIC: Readonly<Record<string, string>> = {
  'ء': '', 'آ': 'A', 'أ': 'A', 'ؤ': 'W', 'إ': 'I', 'ئ': 'Y', 'ا': 'A', 'ب': 'B', 'ة': 'H', 'ت': 'T', 'ث': 'TH', 'ج': 'J', 'ح': 'H', 'خ': 'KH', 'د': 'D', 'ذ': 'DH',
  'ر': 'R', 'ز': 'Z', 'س': 'S', 'ش': 'SH', 'ص': 'S', 'ض': 'D', 'ط': 'T', 'ظ': 'Z', 'ع': '', 'غ': 'GH', 'ف': 'F', 'ق': 'Q', 'ك': 'K', 'ل': 'L', 'م': 'M', 'ن': 'N',
  'ه': 'H', 'و': 'W', 'ى': 'A', 'ي': 'Y',
};

export type NameLanguage = 'uk' | 'bg' | 'other';

/** Which Cyrillic exceptions apply: from the nationality or issuing state (ISO 3166-1 alpha-3). */
export function nameLanguageFor(country: string | null | undefined): NameLanguage {
  if (country === 'UKR') return 'uk';
  if (country === 'BGR') return 'bg';
  return 'other';
}

/** The MRZ form of a name: A–Z and '<' only (no leading, trailing or doubled '<'). `umlauts: 'plain'` gives the one-letter form of Ä, Ö, Ü. */
export function mrzName(name: string, options: { language?: NameLanguage; umlauts?: 'expand' | 'plain' } = {}): string {
  let out = '';
  for (const ch of name.normalize('NFC').toLocaleUpperCase('en')) {
    if (options.language === 'uk' && CYRILLIC_UKRAINIAN[ch] !== undefined) out += CYRILLIC_UKRAINIAN[ch];
    else if (options.language === 'bg' && CYRILLIC_BULGARIAN[ch] !== undefined) out += CYRILLIC_BULGARIAN[ch];
    else if (CYRILLIC[ch] !== undefined) out += CYRILLIC[ch];
    else if (ARABIC[ch] !== undefined) out += ARABIC[ch];
    else if (LATIN_TWO_WAY[ch] !== undefined) out += options.umlauts === 'plain' && 'ÄÖÜ'.includes(ch) ? (LATIN_TWO_WAY[ch] as string)[0] : LATIN_TWO_WAY[ch];
    else if (LATIN_SPECIAL[ch] !== undefined) out += LATIN_SPECIAL[ch];
    else if (/[A-Z]/.test(ch)) out += ch;
    else if (/[\s\-<]/.test(ch)) out += '<';
    else {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      if (/^[A-Z]+$/.test(base)) out += base;
      // Apostrophes, commas, full stops, digits and anything else are omitted (part 3 §6).
    }
  }
  return out.replace(/<+/g, '<').replace(/^<|<$/g, '');
}

/** An MRZ field as read (spaces or '<' between names), in the same normalised form. */
export function normaliseMrzField(value: string): string {
  return value
    .toUpperCase()
    .replace(/[^A-Z<\s]/g, '')
    .replace(/[\s<]+/g, '<')
    .replace(/^<|<$/g, '');
}

/**
 * Does a typed name agree with the MRZ's? Either form of the two-way letters
 * is accepted, and an MRZ name truncated to fit its line (part 3 §4.6) agrees
 * with a longer typed name that starts with it.
 */
export function sameMrzName(typed: string, mrz: string, language: NameLanguage = 'other'): boolean {
  const read = normaliseMrzField(mrz);
  if (read.length === 0) return typed.trim().length === 0;
  const forms = new Set([mrzName(typed, { language }), mrzName(typed, { language, umlauts: 'plain' })]);
  for (const form of forms) {
    if (form === read) return true;
    // The MRZ's name field is cut at the line's width; the cut keeps at least the first letters.
    if (read.length >= 10 && form.startsWith(read)) return true;
  }
  return false;
}

/** For the screen: the MRZ form with spaces between the names. */
export function mrzNameForDisplay(name: string, language: NameLanguage = 'other'): string {
  return mrzName(name, { language }).replace(/</g, ' ');
}
