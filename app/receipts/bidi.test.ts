import { describe, expect, it } from 'vitest';
import { createPrng } from '../../device-simulators/random.js';
import { bidiType, fontkitDirection, resolveLevels, visualOrder, visualSegments, visualString } from './bidi.js';

const cps = (s: string) => Array.from(s, (c) => c.codePointAt(0) as number);
const rev = (s: string) => Array.from(s).reverse().join('');

describe('bidi classes', () => {
  it('classifies the characters a receipt holds', () => {
    expect(['a', 'Ж', 'ç'].map((c) => bidiType(c.codePointAt(0) as number))).toEqual(['L', 'L', 'L']);
    expect(['س', 'ـ', '؛'].map((c) => bidiType(c.codePointAt(0) as number))).toEqual(['AL', 'AL', 'AL']);
    expect(['1', '۱', '١', '+', '%', ',', '/', ':', ' ', '(', '\u064B'].map((c) => bidiType(c.codePointAt(0) as number))).toEqual(['EN', 'EN', 'AN', 'ES', 'ET', 'CS', 'CS', 'CS', 'WS', 'ON', 'NSM']);
  });
});

describe('levels and visual order (UAX #9 subset)', () => {
  it('keeps left-to-right text as it is', () => {
    expect(visualString('Hello, world 123.', 0)).toBe('Hello, world 123.');
    expect(resolveLevels(cps('ab 12'), 0)).toEqual([0, 0, 0, 0, 0]);
  });

  it('reverses an Arabic line, word order included', () => {
    expect(visualString('سلام عليكم', 1)).toBe(rev('سلام عليكم'));
  });

  it('keeps digits, dates with "/" and the 29-digit id left to right inside Arabic (W2, W4, I2)', () => {
    expect(resolveLevels(cps('رقم 123'), 1)).toEqual([1, 1, 1, 1, 2, 2, 2]);
    expect(visualString('رقم 123', 1)).toBe(`123 ${rev('رقم')}`);
    expect(visualString('تاريخ الميلاد: 17/04/1988؛ الجنسية', 1)).toBe(`${rev('الجنسية')} ؛17/04/1988 :${rev('تاريخ الميلاد')}`);
    const id = '10001100770000120261122101112';
    expect(visualString(`برقم ${id}؛ الخدمة`, 1)).toBe(`${rev('الخدمة')} ؛${id} ${rev('برقم')}`);
  });

  it('reorders a hyphenated date inside Arabic as the UBA does (why the receipt writes dates with "/")', () => {
    expect(visualString('في 2026-11-22', 1)).toBe(`22-11-2026 ${rev('في')}`);
  });

  it('keeps an embedded Latin name in its own order in an RTL paragraph, and an Arabic name reversed in an LTR one', () => {
    expect(visualString('مقدم الطلب: SILVA, Maria؛ الجنسية', 1)).toBe(`${rev('الجنسية')} ؛SILVA, Maria :${rev('مقدم الطلب')}`);
    expect(visualString('Name: محمد علي, born 1990', 0)).toBe(`Name: ${rev('محمد علي')}, born 1990`);
  });

  it('mirrors brackets at odd levels (L4)', () => {
    expect(visualString('(سلام)', 1)).toBe(`(${rev('سلام')})`);
  });

  it('puts trailing whitespace back to the paragraph level (L1) and orders a permutation (L2)', () => {
    expect(resolveLevels(cps('abc '), 1)).toEqual([2, 2, 2, 1]);
    expect(visualOrder([0, 0, 1, 1, 2, 2, 1, 0])).toEqual([0, 1, 6, 4, 5, 3, 2, 7]);
  });
});

describe('segments handed to fontkit', () => {
  it('never contain spaces or mix script directions, and are pre-reversed exactly when fontkit will reverse them', () => {
    const segs = visualSegments('الاسم: Olena ١٢٣ و 45', 1);
    for (const s of segs) {
      if (s.space) continue;
      expect(s.text).not.toMatch(/\s/u);
      const glyphOrder = fontkitDirection(s.text) === 'rtl' ? rev(s.text) : s.text;
      // What fontkit draws, left to right, is the logical text reversed at odd levels and as is at even ones.
      const expected = s.level % 2 === 1 ? rev(s.logical) : s.logical;
      expect(glyphOrder).toBe(expected);
    }
    // Arabic-Indic digits are Arabic script for fontkit: at an even level they must be handed over reversed.
    const digits = segs.find((s) => s.logical === '١٢٣');
    expect(digits?.level).toBe(2);
    expect(digits?.text).toBe('٣٢١');
  });

  it('keeps every character, once, for random mixed text (4,000 lines, both directions)', () => {
    const rng = createPrng(20261122);
    const pool = Array.from('abcXYZ ЖщӨ سلامعيكم ١٢٣۴ 0123456789 .,:;/-+%()«»؛،\u064B');
    const failures: string[] = [];
    for (let n = 0; n < 4_000; n++) {
      const len = 1 + Math.floor(rng() * 40);
      let line = '';
      for (let i = 0; i < len; i++) line += pool[Math.floor(rng() * pool.length)];
      for (const base of [0, 1] as const) {
        const order = visualOrder(resolveLevels(cps(line), base));
        const isPermutation = [...order].sort((a, b) => a - b).every((v, i) => v === i) && order.length === cps(line).length;
        const kept = Array.from(visualSegments(line, base).map((s) => s.logical).join('')).sort().join('') === Array.from(line).sort().join('');
        if (!isPermutation || !kept) failures.push(`${base}:${JSON.stringify(line)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
