import { parse } from 'mrz';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { samplePeople } from './mrz.js';
import { pageSizesMm, pageSvg, renderPage, withJpegDensity } from './page.js';

async function grey(bytes: Buffer) {
  const { data, info } = await sharp(bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const mean = (data: Uint8Array) => data.reduce((a, b) => a + b, 0) / data.length;

/** Mean absolute horizontal gradient: drops when an image is blurred. */
function sharpness({ data, width, height }: { data: Uint8Array; width: number; height: number }) {
  let sum = 0;
  for (let y = 0; y < height; y++) for (let x = 1; x < width; x++) sum += Math.abs((data[y * width + x] as number) - (data[y * width + x - 1] as number));
  return sum / (width * height);
}

describe('document pages', () => {
  it('renders each kind at its physical size for the requested dpi, with the dpi in the file', async () => {
    for (const [kind, size] of Object.entries(pageSizesMm)) {
      const page = await renderPage({ kind: kind as keyof typeof pageSizesMm, dpi: 100 });
      const meta = await sharp(page.bytes).metadata();
      expect(meta.width).toBe(Math.round((size.width / 25.4) * 100));
      expect(meta.height).toBe(Math.round((size.height / 25.4) * 100));
      expect(meta.density).toBe(100);
      expect(meta.channels).toBe(1);
      expect(page.channels).toBe(1);
    }
  });

  it('gives grey or colour, PNG or JPEG', async () => {
    const colour = await renderPage({ kind: 'td3-passport', dpi: 150, mode: 'color', format: 'jpeg' });
    const meta = await sharp(colour.bytes).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', channels: 3, density: 150 });
    const { data, info } = await sharp(colour.bytes).raw().toBuffer({ resolveWithObject: true });
    let chroma = 0;
    for (let i = 0; i < data.length; i += info.channels) chroma += Math.abs((data[i] as number) - (data[i + 2] as number));
    expect(chroma / (data.length / 3)).toBeGreaterThan(3);
    const greyJpeg = await renderPage({ kind: 'a4-supporting', dpi: 75, format: 'jpeg' });
    expect(await sharp(greyJpeg.bytes).metadata()).toMatchObject({ format: 'jpeg', channels: 1, density: 75 });
  });

  it('prints a valid MRZ on the passport (TD3) and the card (TD1)', () => {
    const passport = pageSvg({ kind: 'td3-passport' });
    expect(passport.mrz).toHaveLength(2);
    const parsed = parse(passport.mrz ?? []);
    expect(parsed.valid).toBe(true);
    expect(parsed.format).toBe('TD3');
    expect(parsed.fields.issuingState).toBe('PRT');
    expect(passport.svg).toContain(passport.mrz?.[1]?.replace(/</g, '&lt;'));
    const card = pageSvg({ kind: 'id1-card', person: samplePeople.brazilian });
    expect(parse(card.mrz ?? []).valid).toBe(true);
    expect(parse(card.mrz ?? []).format).toBe('TD1');
    expect(pageSvg({ kind: 'a4-application' }).mrz).toBeNull();
  });

  it('puts the MRZ in DejaVu Sans Mono at 10 characters per inch', () => {
    const { svg } = pageSvg({ kind: 'td3-passport' });
    const size = Number(/font-size="([\d.]+)" font-family="'DejaVu Sans Mono'/.exec(svg)?.[1]);
    // 44 characters × 0.602 em must span 44 × 2.54 mm.
    expect(44 * size * (1233 / 2048)).toBeCloseTo(44 * 2.54, 1);
  });

  it('is deterministic for a seed', async () => {
    const a = await renderPage({ kind: 'td3-passport', dpi: 72, seed: 7, problems: { glare: 0.8, coverage: 0.8 } });
    const b = await renderPage({ kind: 'td3-passport', dpi: 72, seed: 7, problems: { glare: 0.8, coverage: 0.8 } });
    const c = await renderPage({ kind: 'td3-passport', dpi: 72, seed: 8, problems: { glare: 0.8, coverage: 0.8 } });
    expect(a.bytes.equals(b.bytes)).toBe(true);
    expect(a.bytes.equals(c.bytes)).toBe(false);
  });

  it('applies the quality problems', async () => {
    const base = await grey((await renderPage({ kind: 'td3-passport', dpi: 100 })).bytes);
    const blurred = await grey((await renderPage({ kind: 'td3-passport', dpi: 100, problems: { blurMm: 0.4 } })).bytes);
    expect(sharpness(blurred)).toBeLessThan(sharpness(base) * 0.7);
    const under = await grey((await renderPage({ kind: 'td3-passport', dpi: 100, problems: { exposureStops: -1.5 } })).bytes);
    const over = await grey((await renderPage({ kind: 'td3-passport', dpi: 100, problems: { exposureStops: 1.5 } })).bytes);
    expect(mean(under.data)).toBeLessThan(mean(base.data) - 50);
    expect(mean(over.data)).toBeGreaterThan(mean(base.data) + 5);
    const glare = await grey((await renderPage({ kind: 'td3-passport', dpi: 100, problems: { glare: 1 } })).bytes);
    expect(mean(glare.data)).toBeGreaterThan(mean(base.data) + 1);
    // Skew and partial coverage show the grey lid (≈ 228) where the white page was.
    const lid = (img: { data: Uint8Array }) => img.data.filter((v) => v > 220 && v < 236).length / img.data.length;
    const skewed = await grey((await renderPage({ kind: 'a4-application', dpi: 50, problems: { skewDegrees: 5 } })).bytes);
    const straight = await grey((await renderPage({ kind: 'a4-application', dpi: 50 })).bytes);
    expect(lid(skewed)).toBeGreaterThan(lid(straight) + 0.02);
    const partial = await grey((await renderPage({ kind: 'a4-application', dpi: 50, problems: { coverage: 0.6 } })).bytes);
    expect(lid(partial)).toBeGreaterThan(0.35);
    expect(() => pageSvg({ kind: 'a4-application', problems: { coverage: 0 } })).toThrow(RangeError);
    expect(() => pageSvg({ kind: 'a4-application', dpi: 5 })).toThrow(RangeError);
  });

  it('writes the JFIF density into a JPEG with or without an APP0 segment', () => {
    const bare = Buffer.from([0xff, 0xd8, 0xff, 0xdb, 0x00, 0x02, 0xff, 0xd9]);
    const out = withJpegDensity(bare, 300);
    expect(out.subarray(2, 4)).toEqual(Buffer.from([0xff, 0xe0]));
    expect(out.toString('latin1', 6, 11)).toBe('JFIF\0');
    expect(out.readUInt16BE(14)).toBe(300);
    expect(out.subarray(20)).toEqual(bare.subarray(2));
    const again = withJpegDensity(out, 150);
    expect(again.length).toBe(out.length);
    expect(again.readUInt16BE(16)).toBe(150);
  });
});
