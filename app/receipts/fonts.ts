/**
 * The receipt's fonts and what they can draw.
 *
 * DejaVu Sans (Debian package fonts-dejavu-core) covers Latin, Cyrillic and
 * Arabic, with the Arabic positional forms and lam-alef ligatures in its GSUB
 * table, which fontkit applies. Any character it has no glyph for would come
 * out as an invisible .notdef box in the PDF and as nothing at all in the text
 * layer; the receipt replaces such characters with U+FFFD instead, which is
 * visible on paper and in pdftotext output.
 *
 * Coverage is read from the font's own 'cmap' table (OpenType spec, "cmap —
 * Character to glyph index mapping table", subtable formats 4 and 12) rather
 * than through pdfkit's private font object: a few dozen lines, no reliance on
 * undocumented internals.
 */
import { readFileSync } from 'node:fs';
import { BIDI_CONTROLS } from './bidi.js';

export const FONT_REGULAR = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
export const FONT_BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

/** Shown in place of a character no receipt font can draw (U+FFFD REPLACEMENT CHARACTER; both DejaVu faces have it). */
export const PLACEHOLDER = '\uFFFD';

export interface LoadedFont {
  path: string;
  bytes: Buffer;
  /** Code points with a glyph (cmap entry mapping to a glyph other than 0). */
  has(cp: number): boolean;
}

/** Code-point ranges [start, end] mapped to a non-zero glyph, from the best Unicode cmap subtable. */
export function readCmapRanges(font: Buffer): Array<[number, number]> {
  const tag = (o: number) => font.toString('latin1', o, o + 4);
  const numTables = font.readUInt16BE(4);
  let cmap = -1;
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    if (tag(rec) === 'cmap') cmap = font.readUInt32BE(rec + 8);
  }
  if (cmap < 0) throw new Error('font has no cmap table');
  const count = font.readUInt16BE(cmap + 2);
  let format4 = -1;
  let format12 = -1;
  for (let i = 0; i < count; i++) {
    const rec = cmap + 4 + 8 * i;
    const platform = font.readUInt16BE(rec);
    const encoding = font.readUInt16BE(rec + 2);
    const offset = cmap + font.readUInt32BE(rec + 4);
    const format = font.readUInt16BE(offset);
    // Windows Unicode BMP (3,1) / full repertoire (3,10), or the Unicode platform (0,*).
    const unicode = (platform === 3 && (encoding === 1 || encoding === 10)) || platform === 0;
    if (!unicode) continue;
    if (format === 12 && format12 < 0) format12 = offset;
    if (format === 4 && format4 < 0) format4 = offset;
  }
  const ranges: Array<[number, number]> = [];
  if (format12 >= 0) {
    const groups = font.readUInt32BE(format12 + 12);
    for (let g = 0; g < groups; g++) {
      const o = format12 + 16 + 12 * g;
      const start = font.readUInt32BE(o);
      const end = font.readUInt32BE(o + 4);
      const glyph = font.readUInt32BE(o + 8);
      // A group maps start…end to glyph…glyph+n; only a group starting at glyph 0 has an unmapped first code point.
      if (glyph === 0) {
        if (end > start) ranges.push([start + 1, end]);
      } else ranges.push([start, end]);
    }
    return ranges;
  }
  if (format4 < 0) throw new Error('font has no Unicode cmap subtable (format 4 or 12)');
  const segX2 = font.readUInt16BE(format4 + 6);
  const ends = format4 + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const rangeOffsets = deltas + segX2;
  for (let s = 0; s < segX2 / 2; s++) {
    const end = font.readUInt16BE(ends + 2 * s);
    const start = font.readUInt16BE(starts + 2 * s);
    const delta = font.readInt16BE(deltas + 2 * s);
    const rangeOffset = font.readUInt16BE(rangeOffsets + 2 * s);
    if (start === 0xffff) continue;
    for (let cp = start; cp <= end; cp++) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (cp + delta) & 0xffff;
      else {
        const at = rangeOffsets + 2 * s + rangeOffset + 2 * (cp - start);
        glyph = font.readUInt16BE(at);
        if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
      }
      if (glyph === 0) continue;
      const last = ranges.at(-1);
      if (last && last[1] === cp - 1) last[1] = cp;
      else ranges.push([cp, cp]);
    }
  }
  return ranges;
}

const UNPRINTABLE = /[\p{Cc}\p{Cs}\p{Co}\p{Cn}]/u;

const cache = new Map<string, LoadedFont>();

/** Reads a font file once per process. */
export function loadFont(path: string): LoadedFont {
  const hit = cache.get(path);
  if (hit) return hit;
  const bytes = readFileSync(path);
  const ranges = readCmapRanges(bytes);
  const has = (cp: number): boolean => {
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [start, end] = ranges[mid] as [number, number];
      if (cp < start) hi = mid - 1;
      else if (cp > end) lo = mid + 1;
      else return true;
    }
    return false;
  };
  const font = { path, bytes, has };
  cache.set(path, font);
  return font;
}

/**
 * Makes free text printable with the given fonts: NFC, line breaks and tabs
 * become spaces, explicit bidi controls are dropped (the receipt's bidi layer
 * does not honour them, and they could be used to disguise a line), and every
 * other character that some font lacks — control characters, lone
 * surrogates, scripts DejaVu does not cover — becomes PLACEHOLDER.
 */
export function printable(text: string, fonts: readonly LoadedFont[]): string {
  const normalised = text.normalize('NFC').replace(BIDI_CONTROLS, '').replace(/[\r\n\t\v\f\u0085\u2028\u2029]/gu, ' ');
  let out = '';
  for (const ch of normalised) {
    const cp = ch.codePointAt(0) as number;
    // Control characters, surrogates, private-use and unassigned code points are never text, whatever a cmap says (DejaVu maps U+0000 and U+000D to its empty .null glyph).
    out += !UNPRINTABLE.test(ch) && fonts.every((f) => f.has(cp)) ? ch : PLACEHOLDER;
  }
  return out;
}
