/**
 * A small bidirectional-text layer for the receipt's single lines: enough of
 * the Unicode Bidirectional Algorithm (UAX #9) to put Arabic text with
 * embedded digits and Latin runs (names, ids, dates) in the right visual
 * order, and to hand pdfkit/fontkit strings that come out right.
 *
 * Why it exists: pdfkit has no RTL support (foliojs/pdfkit#219, open; #905 and
 * #1524: "You need a higher level library for this"). fontkit, which pdfkit
 * uses to lay out text, does shape Arabic (init/medi/fina/liga from the font's
 * GSUB) and then reverses the glyphs of the whole run it was given whenever the
 * first character with a real script (not Common/Inherited) belongs to an RTL
 * script (fontkit's Script.forString + direction(); pdfkit passes no direction,
 * see foliojs/fontkit#105). So fontkit reverses Latin or digits that happen to
 * be in an Arabic-led run, does not reverse words across spaces (pdfkit lays
 * out each space-delimited chunk separately and concatenates them in logical
 * order), and does not mirror brackets. The receipt therefore:
 *   1. resolves embedding levels here (rules W1–W7, N1–N2, I1–I2, L1, L2, L4),
 *   2. cuts each line, in visual order, into segments that contain no space,
 *      one level, and characters of one script direction,
 *   3. gives fontkit each segment in the order that fontkit's own reversal turns
 *      into the wanted visual order, and places the segments itself.
 * There are no bidi-js/ICU bidi bindings in node_modules; the whole receipt
 * needs one paragraph direction per block and no explicit embeddings, which
 * is what this implements. Not implemented, on purpose: explicit embeddings
 * and isolates (X1–X10; the input is stripped of those controls), paragraph
 * separators (one line at a time) and Bidi_Paired_Bracket matching (N0).
 */

export type BidiType = 'L' | 'R' | 'AL' | 'EN' | 'AN' | 'ES' | 'ET' | 'CS' | 'NSM' | 'WS' | 'ON';
export type Direction = 'ltr' | 'rtl';

/** Explicit directional formatting characters (UAX #9 §2): removed from input, since the receipt does not honour them. */
export const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

const RTL_SCRIPT_LETTER =
  /[\p{Script=Hebrew}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Cypriot}\p{Script=Kharoshthi}\p{Script=Phoenician}\p{Script=Lydian}\p{Script=Avestan}\p{Script=Imperial_Aramaic}\p{Script=Inscriptional_Pahlavi}\p{Script=Inscriptional_Parthian}\p{Script=Old_South_Arabian}\p{Script=Old_North_Arabian}\p{Script=Old_Turkic}\p{Script=Meroitic_Cursive}\p{Script=Meroitic_Hieroglyphs}\p{Script=Manichaean}\p{Script=Mende_Kikakui}\p{Script=Nabataean}\p{Script=Palmyrene}\p{Script=Psalter_Pahlavi}]/u;
const ARABIC_LETTER = /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}]/u;
const MARK = /[\p{Mn}\p{Me}]/u;
const STRONG_L = /[\p{L}\p{Mc}\p{Nl}]/u;
const WHITESPACE = /[\p{Zs}\t]/u;
const OTHER_DIGIT = /\p{Nd}/u;

/**
 * Bidi_Class of a code point (UnicodeData.txt field 4), for the characters a
 * receipt can hold. The tables are the ranges of DerivedBidiClass.txt that
 * matter for Latin, Cyrillic, Arabic and the ASCII/Latin-1 punctuation; other
 * code points fall back on their general category (letters L, marks NSM,
 * everything else ON), which is what DerivedBidiClass.txt does for most of them.
 */
export function bidiType(cp: number): BidiType {
  if (cp < BMP_CACHE.length) {
    const hit = BMP_CACHE[cp] as number;
    if (hit !== 0) return TYPES[hit - 1] as BidiType;
    const t = classify(cp);
    BMP_CACHE[cp] = TYPES.indexOf(t) + 1;
    return t;
  }
  return classify(cp);
}

const TYPES: readonly BidiType[] = ['L', 'R', 'AL', 'EN', 'AN', 'ES', 'ET', 'CS', 'NSM', 'WS', 'ON'];
/** Memo of classify() for the BMP (0 = not yet classified): the regular expressions are the expensive part. */
const BMP_CACHE = new Uint8Array(0x10000);

function classify(cp: number): BidiType {
  if (cp >= 0x30 && cp <= 0x39) return 'EN';
  if (cp === 0x2b || cp === 0x2d || cp === 0x207a || cp === 0x207b || cp === 0x208a || cp === 0x208b || cp === 0x2212 || cp === 0xfe62 || cp === 0xfe63 || cp === 0xff0b || cp === 0xff0d) return 'ES';
  if (cp === 0x23 || cp === 0x24 || cp === 0x25 || (cp >= 0xa2 && cp <= 0xa5) || cp === 0xb0 || cp === 0xb1 || cp === 0x066a || (cp >= 0x2030 && cp <= 0x2034) || (cp >= 0x20a0 && cp <= 0x20cf) || cp === 0x2213) return 'ET';
  if (cp === 0x2c || cp === 0x2e || cp === 0x2f || cp === 0x3a || cp === 0xa0 || cp === 0x060c || cp === 0x202f || cp === 0x2044 || cp === 0xfe50 || cp === 0xfe52 || cp === 0xfe55 || cp === 0xff0c || cp === 0xff0e || cp === 0xff0f || cp === 0xff1a) return 'CS';
  if ((cp >= 0xb2 && cp <= 0xb3) || cp === 0xb9 || (cp >= 0x2070 && cp <= 0x2079) || (cp >= 0x2080 && cp <= 0x2089) || (cp >= 0x06f0 && cp <= 0x06f9) || (cp >= 0xff10 && cp <= 0xff19)) return 'EN';
  if ((cp >= 0x0600 && cp <= 0x0605) || (cp >= 0x0660 && cp <= 0x0669) || cp === 0x066b || cp === 0x066c || cp === 0x06dd || cp === 0x0890 || cp === 0x0891 || cp === 0x08e2) return 'AN';
  const ch = String.fromCodePoint(cp);
  if (WHITESPACE.test(ch)) return 'WS';
  if (MARK.test(ch)) return 'NSM';
  // The Arabic blocks are AL throughout in DerivedBidiClass.txt (letters, tatweel, '؛', '؟', '۔' …), apart from the
  // digits and separators handled above, the marks (NSM) and a few symbols.
  if ((cp >= 0x0600 && cp <= 0x06ff) || (cp >= 0x0750 && cp <= 0x077f) || (cp >= 0x0870 && cp <= 0x08ff) || (cp >= 0xfb50 && cp <= 0xfdff) || (cp >= 0xfe70 && cp <= 0xfefe)) {
    if (cp === 0x0609 || cp === 0x060a) return 'ET';
    if (cp === 0x06de || cp === 0x06e9 || cp === 0xfd3e || cp === 0xfd3f) return 'ON';
    return 'AL';
  }
  if (ARABIC_LETTER.test(ch)) return /[\p{L}\p{Mc}\p{Po}]/u.test(ch) ? 'AL' : 'ON';
  if (RTL_SCRIPT_LETTER.test(ch)) return /[\p{L}\p{Mc}\p{Po}]/u.test(ch) ? 'R' : 'ON';
  if (STRONG_L.test(ch) || OTHER_DIGIT.test(ch)) return 'L';
  return 'ON';
}

const isStrong = (t: BidiType) => t === 'L' || t === 'R' || t === 'AL';
const isNeutral = (t: BidiType) => t === 'WS' || t === 'ON';

/**
 * Embedding levels of one line taken as one paragraph of base level 0 (LTR) or
 * 1 (RTL), with no explicit embeddings: rules W1–W7, N1–N2, I1–I2 and L1
 * (trailing whitespace back to the base level).
 */
export function resolveLevels(codePoints: readonly number[], base: 0 | 1): number[] {
  const n = codePoints.length;
  const original = codePoints.map(bidiType);
  const t = [...original];
  const sos: BidiType = base === 1 ? 'R' : 'L';
  // W1: a non-spacing mark takes the type of the character before it.
  for (let i = 0; i < n; i++) if (t[i] === 'NSM') t[i] = i === 0 ? sos : (t[i - 1] as BidiType);
  // W2: European digits after Arabic letters are Arabic numbers.  W3: AL is R from here on.
  let strong: BidiType = sos;
  for (let i = 0; i < n; i++) {
    const ti = t[i] as BidiType;
    if (isStrong(ti)) strong = ti;
    else if (ti === 'EN' && strong === 'AL') t[i] = 'AN';
  }
  for (let i = 0; i < n; i++) if (t[i] === 'AL') t[i] = 'R';
  // W4: one separator between two numbers of the same kind joins them.
  for (let i = 1; i < n - 1; i++) {
    const prev = t[i - 1];
    const next = t[i + 1];
    if (t[i] === 'ES' && prev === 'EN' && next === 'EN') t[i] = 'EN';
    else if (t[i] === 'CS' && prev === 'EN' && next === 'EN') t[i] = 'EN';
    else if (t[i] === 'CS' && prev === 'AN' && next === 'AN') t[i] = 'AN';
  }
  // W5: terminators next to European digits are European digits.
  for (let i = 0; i < n; ) {
    if (t[i] !== 'ET') {
      i++;
      continue;
    }
    let j = i;
    while (j < n && t[j] === 'ET') j++;
    if ((i > 0 && t[i - 1] === 'EN') || (j < n && t[j] === 'EN')) for (let k = i; k < j; k++) t[k] = 'EN';
    i = j;
  }
  // W6: the remaining separators and terminators are neutral.
  for (let i = 0; i < n; i++) if (t[i] === 'ES' || t[i] === 'ET' || t[i] === 'CS') t[i] = 'ON';
  // W7: European digits in Latin context are L.
  strong = sos;
  for (let i = 0; i < n; i++) {
    const ti = t[i] as BidiType;
    if (ti === 'L' || ti === 'R') strong = ti;
    else if (ti === 'EN' && strong === 'L') t[i] = 'L';
  }
  // N1/N2: a run of neutrals between text of the same direction takes it (numbers count as R); otherwise the base direction.
  const asStrong = (x: BidiType): 'L' | 'R' => (x === 'L' ? 'L' : 'R');
  for (let i = 0; i < n; ) {
    if (!isNeutral(t[i] as BidiType)) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && isNeutral(t[j] as BidiType)) j++;
    const before = i === 0 ? sos : asStrong(t[i - 1] as BidiType);
    const after = j === n ? sos : asStrong(t[j] as BidiType);
    const resolved: BidiType = before === after ? before : base === 1 ? 'R' : 'L';
    for (let k = i; k < j; k++) t[k] = resolved;
    i = j;
  }
  // I1/I2.
  const levels = t.map((ti) => {
    if (base === 0) return ti === 'R' ? 1 : ti === 'AN' || ti === 'EN' ? 2 : 0;
    return ti === 'L' || ti === 'AN' || ti === 'EN' ? 2 : 1;
  });
  // L1: whitespace at the end of the line goes back to the paragraph level.
  for (let i = n - 1; i >= 0 && original[i] === 'WS'; i--) levels[i] = base;
  return levels;
}

/** L2: the logical indices of a line in visual (left-to-right) order. */
export function visualOrder(levels: readonly number[]): number[] {
  const order = levels.map((_, i) => i);
  if (levels.length === 0) return order;
  const highest = Math.max(...levels);
  const lowestOdd = Math.min(...levels.map((l) => (l % 2 === 1 ? l : Infinity)));
  for (let level = highest; level >= lowestOdd && level > 0; level--) {
    for (let i = 0; i < order.length; ) {
      if ((levels[order[i] as number] as number) < level) {
        i++;
        continue;
      }
      let j = i;
      while (j < order.length && (levels[order[j] as number] as number) >= level) j++;
      const reversed = order.slice(i, j).reverse();
      order.splice(i, j - i, ...reversed);
      i = j;
    }
  }
  return order;
}

/** L4: Bidi_Mirroring_Glyph pairs (BidiMirroring.txt) for the brackets and quotes a receipt can contain. */
const MIRROR: Record<string, string> = { '(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<', '«': '»', '»': '«', '‹': '›', '›': '‹' };

/**
 * How fontkit will order the glyphs of a string it is given: it reverses them
 * when the first character whose script is not Common/Inherited/Unknown is in
 * a right-to-left script (fontkit Script.forString, Script.direction; its RTL
 * list is the one used here).
 */
export function fontkitDirection(text: string): Direction {
  for (const ch of text) {
    const c = scriptClass(ch);
    if (c !== 'neutral') return c;
  }
  return 'ltr';
}

/** A piece of a line in visual order: either a gap the width of `text`, or a string to hand to the font engine as it is. */
export interface VisualSegment {
  /** True for whitespace: nothing is drawn, the width of the text is skipped. */
  space: boolean;
  /** What to pass to pdfkit: chosen so that fontkit's glyph order is the visual order. */
  text: string;
  /** The same characters in logical order (for tests and measuring). */
  logical: string;
  level: number;
}

type ScriptClass = 'rtl' | 'ltr' | 'neutral';
const SCRIPT_CLASSES: readonly ScriptClass[] = ['rtl', 'ltr', 'neutral'];
const SCRIPT_CACHE = new Uint8Array(0x10000);
const classifyScript = (ch: string): ScriptClass =>
  /[\p{Script=Common}\p{Script=Inherited}\p{Script=Unknown}]/u.test(ch) ? 'neutral' : ARABIC_LETTER.test(ch) || RTL_SCRIPT_LETTER.test(ch) ? 'rtl' : 'ltr';
/** Which way fontkit's script detection counts a character: neutral (Common/Inherited/Unknown), or the direction of its script. */
function scriptClass(ch: string): ScriptClass {
  const cp = ch.codePointAt(0) as number;
  if (cp >= SCRIPT_CACHE.length) return classifyScript(ch);
  const hit = SCRIPT_CACHE[cp] as number;
  if (hit !== 0) return SCRIPT_CLASSES[hit - 1] as ScriptClass;
  const c = classifyScript(ch);
  SCRIPT_CACHE[cp] = SCRIPT_CLASSES.indexOf(c) + 1;
  return c;
}

/**
 * One line of text (logical order) → its segments in visual order, left to
 * right. Segments never contain whitespace (so pdfkit's per-word layout does
 * not reorder anything) and never mix characters of left-to-right and
 * right-to-left scripts (so fontkit's whole-run reversal is predictable).
 */
export function visualSegments(line: string, base: 0 | 1): VisualSegment[] {
  const chars = Array.from(line);
  const cps = chars.map((c) => c.codePointAt(0) as number);
  const levels = resolveLevels(cps, base);
  const order = visualOrder(levels);
  const segments: VisualSegment[] = [];
  // Walk in visual order, cutting where whitespace starts/ends, where the level changes or where the script direction flips.
  let current: { chars: string[]; level: number; space: boolean; script: ScriptClass } | null = null;
  const flush = () => {
    if (!current) return;
    const visual = current.chars;
    const odd = current.level % 2 === 1;
    // Logical order of the segment's characters: visual reversed at odd levels.
    const logicalChars = odd ? [...visual].reverse() : visual;
    const logical = logicalChars.join('');
    let text: string;
    if (current.space) text = visual.join('');
    else {
      const shown = odd ? visual.map((c) => MIRROR[c] ?? c) : visual;
      // fontkit reverses the whole string when it sees an RTL script: give it the reverse of what must appear.
      text = fontkitDirection(shown.join('')) === 'rtl' ? [...shown].reverse().join('') : shown.join('');
    }
    segments.push({ space: current.space, text, logical: current.space ? visual.join('') : logical, level: current.level });
    current = null;
  };
  for (const index of order) {
    const ch = chars[index] as string;
    const level = levels[index] as number;
    const space = WHITESPACE.test(ch);
    const cls = scriptClass(ch);
    if (current && current.space === space && current.level === level && (space || cls === 'neutral' || current.script === 'neutral' || current.script === cls)) {
      current.chars.push(ch);
      if (current.script === 'neutral') current.script = cls;
      continue;
    }
    flush();
    current = { chars: [ch], level, space, script: space ? 'neutral' : cls };
  }
  flush();
  return segments;
}

/** The visual string of a line (segments in order, each as it appears left to right) — for tests. */
export function visualString(line: string, base: 0 | 1): string {
  return visualSegments(line, base)
    .map((s) => (s.space ? s.text : s.level % 2 === 1 ? Array.from(s.logical).reverse().map((c) => MIRROR[c] ?? c).join('') : s.logical))
    .join('');
}

/** True when a line needs the bidi path at all (it has a right-to-left character, or the paragraph is RTL). */
export function needsBidi(line: string, base: 0 | 1): boolean {
  if (base === 1) return true;
  for (const ch of line) {
    const t = bidiType(ch.codePointAt(0) as number);
    if (t === 'R' || t === 'AL' || t === 'AN') return true;
  }
  return false;
}
