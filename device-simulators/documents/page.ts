/**
 * Document pages as a scanner would see them, for the scanner simulators
 * (eSCL, and tests of the document-quality stage): an A4 form, an ID-1 card
 * and a TD3 passport data page whose MRZ is valid (./mrz.ts). Drawn as SVG
 * and rendered by sharp (librsvg) with the DejaVu fonts Debian ships
 * (fonts-dejavu-core): DejaVu Sans Mono stands in for OCR-B in the MRZ.
 *
 * Sizes: A4 210 × 297 mm (ISO 216); ID-1 85.60 × 53.98 mm (ISO/IEC 7810);
 * the passport data page is ID-3, 125 × 88 mm (ISO/IEC 7810; ICAO 9303
 * part 4 §2). MRZ pitch: 10 characters per inch, i.e. 2.54 mm per character
 * (ICAO 9303 part 3 §4.2, OCR-B size 1).
 *
 * Quality problems (blur, skew, glare, exposure, partial coverage) are
 * options, seeded through device-simulators/random.ts: same options and
 * seed → same bytes.
 */
import sharp from 'sharp';
import { withPngDensity } from '../../app/imaging/png-density.js';
import { createPrng } from '../random.js';
import { sampleDocuments, samplePeople, td1, td3, type DocumentRecord, type PersonRecord } from './mrz.js';

export const pageKinds = ['a4-application', 'a4-supporting', 'id1-card', 'td3-passport'] as const;
export type PageKind = (typeof pageKinds)[number];

/** Physical size in millimetres of each kind of page. */
export const pageSizesMm: Readonly<Record<PageKind, { width: number; height: number }>> = {
  'a4-application': { width: 210, height: 297 },
  'a4-supporting': { width: 210, height: 297 },
  'id1-card': { width: 85.6, height: 53.98 },
  'td3-passport': { width: 125, height: 88 },
};

export interface PageProblems {
  /** Gaussian blur, sigma in millimetres on the page (0.1 mm ≈ 1.2 px at 300 dpi): out of focus or moved. */
  blurMm?: number;
  /** The page lies rotated on the glass by this many degrees (positive = clockwise). */
  skewDegrees?: number;
  /** A bright reflection (0…1 strength) at a seeded place: a laminated card under the lamp. */
  glare?: number;
  /** Exposure in stops: negative darkens (under-exposed), positive washes out towards white (over-exposed). */
  exposureStops?: number;
  /** Fraction (0…1] of the page that lies on the glass; the rest is off one seeded edge. */
  coverage?: number;
}

export interface PageOptions {
  kind: PageKind;
  /** Rendering resolution in dots per inch (default 300). */
  dpi?: number;
  /** 'gray' gives one 8-bit channel; 'color' three (default 'gray'). */
  mode?: 'color' | 'gray';
  format?: 'png' | 'jpeg';
  /** JPEG quality 1–100 (default 85). */
  jpegQuality?: number;
  seed?: number;
  person?: PersonRecord;
  document?: DocumentRecord;
  problems?: PageProblems;
}

export interface PageImage {
  bytes: Buffer;
  format: 'png' | 'jpeg';
  width: number;
  height: number;
  dpi: number;
  channels: 1 | 3;
  /** The MRZ printed on the page (TD3: 2 × 44, ID-1: TD1 3 × 30); null on A4 pages. */
  mrz: string[] | null;
  /** Every other line of text on the page, in reading order (for OCR-minded tests). */
  text: string[];
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&${({ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' } as const)[c as '<']};`);
const SANS = "'DejaVu Sans', sans-serif";
const MONO = "'DejaVu Sans Mono', monospace";
/** DejaVu Sans Mono advances 0.602 em per character (its hmtx: 1233/2048). */
const MONO_ADVANCE_EM = 1233 / 2048;
/** ICAO 9303 part 3 §4.2: 2.54 mm per MRZ character. */
const MRZ_PITCH_MM = 2.54;
const MRZ_FONT_MM = MRZ_PITCH_MM / MONO_ADVANCE_EM;

function textEl(x: number, y: number, size: number, content: string, extra = ''): string {
  return `<text x="${x.toFixed(2)}" y="${y.toFixed(2)}" font-size="${size.toFixed(2)}" font-family="${SANS}" ${extra}>${escapeXml(content)}</text>`;
}

function mrzEl(lines: string[], x: number, bottom: number, lineGapMm: number): string {
  return lines
    .map((line, i) => `<text x="${x.toFixed(2)}" y="${(bottom - (lines.length - 1 - i) * lineGapMm).toFixed(2)}" font-size="${MRZ_FONT_MM.toFixed(3)}" font-family="${MONO}" fill="#111">${escapeXml(line)}</text>`)
    .join('');
}

/** ISO 3166-1 alpha-3 → the name printed on the documents (only the codes of the sample data are needed). */
const STATE_NAMES: Record<string, string> = { PRT: 'REPÚBLICA PORTUGUESA', BRA: 'REPÚBLICA FEDERATIVA DO BRASIL', UKR: 'УКРАЇНА / UKRAINE', DEU: 'BUNDESREPUBLIK DEUTSCHLAND' };

const isoToPrinted = (iso: string) => {
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
};

interface Drawn {
  body: string;
  mrz: string[] | null;
  text: string[];
}

function drawA4(kind: 'a4-application' | 'a4-supporting', person: PersonRecord, doc: DocumentRecord, colour: boolean): Drawn {
  const accent = colour ? '#1d4e89' : '#333';
  const name = `${person.givenNames} ${person.surname}`;
  const lines =
    kind === 'a4-application'
      ? [
          'AGÊNCIA PARA A INTEGRAÇÃO, MIGRAÇÕES E ASILO',
          'Pedido de autorização de residência / Application for a residence permit',
          `Nome / Name: ${name}`,
          `Nacionalidade / Nationality: ${person.nationality}`,
          `Data de nascimento / Date of birth: ${isoToPrinted(person.birthDate)}`,
          `Documento de viagem / Travel document: ${doc.documentNumber} (${doc.issuingState}), válido até ${isoToPrinted(doc.expirationDate)}`,
          'Morada / Address: Rua da Prata 118, 3.º esq., 1100-416 Lisboa',
          'Declaro que as informações prestadas são verdadeiras.',
          'I declare that the information given is true and complete.',
          'Lisboa, 2 de dezembro de 2026',
        ]
      : [
          'DECLARAÇÃO DE ALOJAMENTO / PROOF OF ADDRESS',
          'Junta de Freguesia de Santa Maria Maior',
          `Certifica-se que ${name}, de nacionalidade ${person.nationality},`,
          'reside na Rua da Prata 118, 3.º esq., 1100-416 Lisboa,',
          'desde 1 de março de 2025, conforme declaração do proprietário.',
          'This certifies that the person named above lives at the address given.',
          'Emitido para efeitos de autorização de residência.',
          'Lisboa, 28 de novembro de 2026',
        ];
  const parts: string[] = [];
  parts.push(`<rect x="18" y="16" width="174" height="1.2" fill="${accent}"/>`);
  lines.forEach((line, i) => {
    const heading = i < 2;
    parts.push(textEl(20, 30 + i * 12 + (heading ? 0 : 8), heading ? (i === 0 ? 5 : 4.2) : 3.6, line, heading ? `font-weight="bold" fill="${accent}"` : 'fill="#111"'));
  });
  // Form boxes and a signature line, so that the page has structure as well as text.
  parts.push(`<rect x="18" y="${30 + lines.length * 12 + 10}" width="174" height="40" fill="none" stroke="#444" stroke-width="0.4"/>`);
  parts.push(textEl(22, 30 + lines.length * 12 + 18, 3, 'Assinatura / Signature', 'fill="#444"'));
  parts.push(`<path d="M 40 ${30 + lines.length * 12 + 38} c 8 -10, 14 6, 22 -4 s 12 8, 20 -6 s 10 10, 16 0" fill="none" stroke="${colour ? '#123a8a' : '#222'}" stroke-width="0.6"/>`);
  parts.push(`<rect x="18" y="281" width="174" height="0.5" fill="#666"/>`);
  parts.push(textEl(20, 287, 2.6, 'Página 1 de 1 · Balcão simulated document', 'fill="#555"'));
  return { body: parts.join(''), mrz: null, text: lines };
}

function guilloche(width: number, height: number, colour: boolean, random: () => number): string {
  const stroke = colour ? '#9fc3b8' : '#c8c8c8';
  const phase = random() * Math.PI * 2;
  const paths: string[] = [];
  for (let k = 0; k < 12; k++) {
    let d = '';
    for (let x = 0; x <= width; x += 2) {
      const y = height * (0.15 + 0.06 * k) + 2.2 * Math.sin(x / 6 + k * 0.7 + phase);
      d += `${x === 0 ? 'M' : 'L'} ${x} ${y.toFixed(2)} `;
    }
    paths.push(`<path d="${d}" fill="none" stroke="${stroke}" stroke-width="0.15"/>`);
  }
  return paths.join('');
}

function portrait(x: number, y: number, w: number, h: number, colour: boolean): string {
  const bg = colour ? '#dfe7ef' : '#e2e2e2';
  const fg = colour ? '#6b5a4e' : '#666';
  return [
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${bg}" stroke="#555" stroke-width="0.2"/>`,
    `<ellipse cx="${x + w / 2}" cy="${y + h * 0.38}" rx="${w * 0.22}" ry="${h * 0.2}" fill="${fg}"/>`,
    `<path d="M ${x + w * 0.12} ${y + h} q ${w * 0.38} ${-h * 0.5} ${w * 0.76} 0 z" fill="${fg}"/>`,
  ].join('');
}

function drawTd3(person: PersonRecord, doc: DocumentRecord, colour: boolean, random: () => number): Drawn {
  const mrz = td3(person, doc);
  const tint = colour ? '#f3efe4' : '#f2f2f2';
  const state = STATE_NAMES[doc.issuingState] ?? doc.issuingState;
  const fields: Array<[string, string]> = [
    ['Apelido / Surname', person.surname],
    ['Nome próprio / Given names', person.givenNames],
    ['Nacionalidade / Nationality', person.nationality],
    ['Data de nascimento / Date of birth', isoToPrinted(person.birthDate)],
    ['Sexo / Sex', person.sex],
    ['Válido até / Date of expiry', isoToPrinted(doc.expirationDate)],
  ];
  const parts = [`<rect x="0" y="0" width="125" height="88" fill="${tint}"/>`, guilloche(125, 60, colour, random)];
  parts.push(textEl(6, 7, 3, `${state} · PASSAPORTE / PASSPORT`, `font-weight="bold" fill="${colour ? '#7a1f2b' : '#222'}"`));
  parts.push(textEl(6, 11.5, 2.2, `Tipo / Type P   Código / Code ${doc.issuingState}   N.º / No. ${doc.documentNumber}`, 'fill="#222"'));
  parts.push(portrait(6, 15, 28, 36, colour));
  fields.forEach(([label, value], i) => {
    parts.push(textEl(38, 17 + i * 6, 1.6, label, 'fill="#555"'));
    parts.push(textEl(38, 19.8 + i * 6, 2.5, value, 'fill="#111" font-weight="bold"'));
  });
  // MRZ zone: the bottom 23.2 mm of the page (ICAO 9303 part 4 §4.1), white so it reads cleanly.
  parts.push(`<rect x="0" y="64.8" width="125" height="23.2" fill="${colour ? '#fbfaf6' : '#fafafa'}"/>`);
  parts.push(mrzEl(mrz, 6.5, 82, 6.35));
  return { body: parts.join(''), mrz, text: [state, ...fields.map(([, v]) => v)] };
}

function drawId1(person: PersonRecord, doc: DocumentRecord, colour: boolean, random: () => number): Drawn {
  const mrz = td1(person, doc);
  const tint = colour ? '#e6eef7' : '#efefef';
  const state = STATE_NAMES[doc.issuingState] ?? doc.issuingState;
  const parts = [`<rect x="0" y="0" width="85.6" height="53.98" rx="3.18" fill="${tint}"/>`, guilloche(85.6, 30, colour, random)];
  parts.push(textEl(4, 5, 2.2, `${state} · ID`, `font-weight="bold" fill="${colour ? '#1d4e89' : '#222'}"`));
  parts.push(portrait(4, 7.5, 16, 20, colour));
  const fields = [person.surname, person.givenNames, `${isoToPrinted(person.birthDate)}  ${person.sex}  ${person.nationality}`, `${doc.documentNumber}  ${isoToPrinted(doc.expirationDate)}`];
  fields.forEach((value, i) => parts.push(textEl(23, 10 + i * 4.4, 2, value, 'fill="#111"')));
  // The TD1 MRZ (3 × 30, ICAO 9303 part 5) is on the card's back; shown here on the same face so one scan carries it.
  parts.push(`<rect x="0" y="31" width="85.6" height="22.98" fill="${colour ? '#f7f9fc' : '#f8f8f8'}"/>`);
  parts.push(mrzEl(mrz, 4.5, 50.2, 5.6));
  return { body: parts.join(''), mrz, text: [state, ...fields] };
}

/** The page as SVG in millimetres (viewBox) and the MRZ and text it carries. */
export function pageSvg(options: PageOptions): { svg: string; widthPx: number; heightPx: number; mrz: string[] | null; text: string[] } {
  const dpi = options.dpi ?? 300;
  if (!Number.isFinite(dpi) || dpi < 10 || dpi > 1200) throw new RangeError(`Page dpi must be 10…1200, got ${dpi}.`);
  const size = pageSizesMm[options.kind];
  const random = createPrng(options.seed ?? 1);
  const colour = (options.mode ?? 'gray') === 'color';
  const person = options.person ?? (options.kind === 'id1-card' ? samplePeople.ukrainian : samplePeople.portuguese);
  const doc = options.document ?? (options.kind === 'id1-card' ? sampleDocuments.idCard : sampleDocuments.passport);
  const drawn =
    options.kind === 'td3-passport' ? drawTd3(person, doc, colour, random) : options.kind === 'id1-card' ? drawId1(person, doc, colour, random) : drawA4(options.kind, person, doc, colour);
  const problems = options.problems ?? {};
  const widthPx = Math.max(1, Math.round((size.width / 25.4) * dpi));
  const heightPx = Math.max(1, Math.round((size.height / 25.4) * dpi));

  // Partial coverage: the page slides off one (seeded) edge of the glass by (1 − coverage) of its size.
  let dx = 0;
  let dy = 0;
  const edge = Math.floor(random() * 4);
  if (problems.coverage !== undefined) {
    if (!(problems.coverage > 0 && problems.coverage <= 1)) throw new RangeError(`coverage must be in (0, 1], got ${problems.coverage}.`);
    const off = 1 - problems.coverage;
    [dx, dy] = [
      [off * size.width, 0],
      [-off * size.width, 0],
      [0, off * size.height],
      [0, -off * size.height],
    ][edge] as [number, number];
  }
  const skew = problems.skewDegrees ?? 0;
  const pageRect = options.kind === 'id1-card' ? '' : `<rect x="0" y="0" width="${size.width}" height="${size.height}" fill="#ffffff"/>`;
  let glare = '';
  if (problems.glare !== undefined && problems.glare > 0) {
    const g = Math.min(1, problems.glare);
    const gx = size.width * (0.2 + 0.6 * random());
    const gy = size.height * (0.2 + 0.6 * random());
    const r = Math.min(size.width, size.height) * (0.18 + 0.12 * random());
    glare =
      `<defs><radialGradient id="glare"><stop offset="0" stop-color="#fff" stop-opacity="${g.toFixed(3)}"/><stop offset="0.6" stop-color="#fff" stop-opacity="${(g * 0.7).toFixed(3)}"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></radialGradient></defs>` +
      `<ellipse cx="${gx.toFixed(2)}" cy="${gy.toFixed(2)}" rx="${(r * 1.4).toFixed(2)}" ry="${r.toFixed(2)}" fill="url(#glare)"/>`;
  }
  // The scanner lid behind the page: a light grey, so that the page edge shows when the page is skewed or slid off.
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${heightPx}" viewBox="0 0 ${size.width} ${size.height}">` +
    `<rect x="0" y="0" width="${size.width}" height="${size.height}" fill="#e4e4e4"/>` +
    `<g transform="translate(${dx.toFixed(3)} ${dy.toFixed(3)}) rotate(${skew} ${size.width / 2} ${size.height / 2})">${pageRect}${drawn.body}${glare}</g>` +
    `</svg>`;
  return { svg, widthPx, heightPx, mrz: drawn.mrz, text: drawn.text };
}

/** Renders a page to PNG or JPEG bytes with its resolution recorded in the file (PNG pHYs, JFIF density). */
export async function renderPage(options: PageOptions): Promise<PageImage> {
  const dpi = options.dpi ?? 300;
  const { svg, widthPx, heightPx, mrz, text } = pageSvg(options);
  const colour = (options.mode ?? 'gray') === 'color';
  const format = options.format ?? 'png';
  const problems = options.problems ?? {};
  // librsvg renders at the SVG's own width/height; density 72 keeps sharp from rescaling it.
  let image = sharp(Buffer.from(svg), { density: 72 }).flatten({ background: '#ffffff' });
  if (problems.blurMm !== undefined && problems.blurMm > 0) {
    const sigma = Math.max(0.3, (problems.blurMm / 25.4) * dpi);
    image = image.blur(sigma);
  }
  if (problems.exposureStops !== undefined && problems.exposureStops !== 0) {
    const s = problems.exposureStops;
    // Under: everything darker by 2^s. Over: values pushed towards white (gain 2^−s, offset fills the rest), as a sensor washes out.
    const gain = s < 0 ? 2 ** s : 2 ** -s;
    const offset = s < 0 ? 0 : 255 * (1 - gain);
    image = image.linear(gain, offset);
  }
  image = colour ? image.toColourspace('srgb') : image.toColourspace('b-w');
  let bytes: Buffer;
  if (format === 'png') bytes = withPngDensity(await image.png({ compressionLevel: 6 }).toBuffer(), dpi);
  else bytes = withJpegDensity(await image.jpeg({ quality: options.jpegQuality ?? 85, mozjpeg: false }).toBuffer(), dpi);
  return { bytes, format, width: widthPx, height: heightPx, dpi, channels: colour ? 3 : 1, mrz, text };
}

/**
 * Records the resolution in the JFIF APP0 segment (JFIF 1.02: FF E0, length
 * 16, "JFIF\0", version 1.02, units 1 = dots per inch, Xdensity, Ydensity,
 * no thumbnail), replacing one that is there or inserting one after SOI
 * (libjpeg as sharp drives it writes none). sharp's withMetadata({ density })
 * would attach an ICC profile and turn a grey JPEG into three channels.
 */
export function withJpegDensity(jpeg: Buffer, dpi: number): Buffer {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('Not a JPEG file (no SOI marker).');
  const app0 = Buffer.alloc(18);
  app0.writeUInt16BE(0xffe0, 0);
  app0.writeUInt16BE(16, 2);
  app0.write('JFIF\0', 4, 'latin1');
  app0.writeUInt8(1, 9);
  app0.writeUInt8(2, 10);
  app0.writeUInt8(1, 11);
  app0.writeUInt16BE(Math.round(dpi), 12);
  app0.writeUInt16BE(Math.round(dpi), 14);
  const hasApp0 = jpeg[2] === 0xff && jpeg[3] === 0xe0 && jpeg.toString('latin1', 6, 11) === 'JFIF\0';
  const rest = hasApp0 ? jpeg.subarray(4 + jpeg.readUInt16BE(4)) : jpeg.subarray(2);
  return Buffer.concat([jpeg.subarray(0, 2), app0, rest]);
}
