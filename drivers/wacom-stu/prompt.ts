/**
 * The prompt on the pad's screen — a title, a few lines of text, the signing
 * box and the accept / clear / cancel buttons — drawn as SVG and rasterised
 * by sharp (librsvg + Pango: Arabic is shaped and laid out right to left,
 * Cyrillic and Latin diacritics come from the same font). The font is DejaVu
 * Sans, installed with the station (/usr/share/fonts/truetype/dejavu), which
 * covers Latin, Cyrillic and Arabic. The result is RGB at the screen's size,
 * ready for StuDriver.writeImage in whatever mode the pad takes (1-bit pads
 * threshold it: everything drawn here is dark on white or white on light).
 */
import { padButtons, padLayout, type PadButton, type PadLayout, type PixelRect } from './layout.js';
import type { StuScreenImage } from './protocol.js';

export interface PadPrompt {
  title: string;
  lines: readonly string[];
  /** Button labels, already translated. */
  accept: string;
  clear: string;
  cancel: string;
}

export const PROMPT_FONT = 'DejaVu Sans';

/** DejaVu Sans advances average ~0.6 em over mixed text; used only to wrap and fit, not to place glyphs (Pango does that). */
const EM_WIDTH = 0.6;

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);

/** Right-to-left scripts (Hebrew, Arabic and their presentation forms): the text is aligned to the right. */
export function isRtl(text: string): boolean {
  return /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/.test(text);
}

/** Greedy word wrap by estimated width. */
function wrap(text: string, fontPx: number, widthPx: number): string[] {
  const max = Math.max(4, Math.floor(widthPx / (fontPx * EM_WIDTH)));
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line === '') line = word;
    else if ((line + ' ' + word).length <= max) line += ' ' + word;
    else {
      out.push(line);
      line = word;
    }
    while (line.length > max) {
      out.push(line.slice(0, max));
      line = line.slice(max);
    }
  }
  if (line !== '') out.push(line);
  return out;
}

/** Title and body sizes (and wrapped lines) that fit the text band: the largest that fit, down to 9 px. */
function fitText(prompt: PadPrompt, band: PixelRect): { titlePx: number; bodyPx: number; title: string[]; body: string[] } {
  const width = band.right - band.left + 1;
  const height = band.bottom - band.top + 1;
  let titlePx = Math.max(10, Math.round(height * 0.3));
  for (;;) {
    const bodyPx = Math.max(9, Math.round(titlePx * 0.75));
    const title = wrap(prompt.title, titlePx, width);
    const body = prompt.lines.flatMap((l) => wrap(l, bodyPx, width));
    const used = title.length * titlePx * 1.2 + body.length * bodyPx * 1.25;
    if (used <= height || titlePx <= 10) return { titlePx, bodyPx, title, body };
    titlePx--;
  }
}

/** The prompt as SVG (exported for tests and for a look at it in a browser). */
export function promptSvg(prompt: PadPrompt, layout: PadLayout): string {
  const { width, height } = layout.screen;
  const rtl = isRtl([prompt.title, ...prompt.lines].join(' '));
  const band = layout.text;
  const x = rtl ? band.right : band.left;
  const anchor = rtl ? 'end' : 'start';
  const fit = fitText(prompt, band);
  const stroke = Math.max(1, Math.round(height / 200));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`);
  parts.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  let y = band.top;
  const text = (t: string, px: number, weight: string) => {
    y += px;
    parts.push(`<text x="${x}" y="${y}" font-family="${PROMPT_FONT}" font-size="${px}" font-weight="${weight}" text-anchor="${anchor}" fill="#000000">${escapeXml(t)}</text>`);
    y += Math.round(px * 0.22);
  };
  for (const t of fit.title) text(t, fit.titlePx, 'bold');
  for (const t of fit.body) text(t, fit.bodyPx, 'normal');
  // The signing box: a thin frame and a baseline with a cross to sign on, as on paper forms.
  const box = layout.box;
  parts.push(`<rect x="${box.left}" y="${box.top}" width="${box.right - box.left}" height="${box.bottom - box.top}" fill="none" stroke="#000000" stroke-width="${stroke}"/>`);
  const baseY = Math.round(box.top + (box.bottom - box.top) * 0.75);
  const pad = Math.round((box.right - box.left) * 0.06);
  parts.push(`<line x1="${box.left + pad}" y1="${baseY}" x2="${box.right - pad}" y2="${baseY}" stroke="#000000" stroke-width="${stroke}" stroke-dasharray="${4 * stroke},${3 * stroke}"/>`);
  const cross = Math.max(3, Math.round(height / 60));
  const cx = rtl ? box.right - pad + cross * 2 : box.left + pad - cross * 2;
  parts.push(`<path d="M${cx - cross},${baseY - cross * 2 - cross} l${cross * 2},${cross * 2} m0,${-cross * 2} l${-cross * 2},${cross * 2}" stroke="#000000" stroke-width="${stroke}"/>`);
  // Buttons: dark frames and labels; accept filled light green (white on a 1-bit pad, still framed).
  const fills: Record<PadButton, string> = { accept: '#c8ecc8', clear: '#ffffff', cancel: '#f6d0d0' };
  for (const b of padButtons) {
    const r = layout.buttons[b];
    const w = r.right - r.left + 1;
    const h = r.bottom - r.top + 1;
    const label = prompt[b];
    const px = Math.max(9, Math.min(Math.round(h * 0.45), Math.floor((w * 0.9) / Math.max(1, label.length * EM_WIDTH))));
    parts.push(`<rect x="${r.left}" y="${r.top}" width="${w - 1}" height="${h - 1}" rx="${Math.round(h / 6)}" fill="${fills[b]}" stroke="#000000" stroke-width="${stroke * 2}"/>`);
    parts.push(
      `<text x="${r.left + w / 2}" y="${r.top + h / 2 + px * 0.36}" font-family="${PROMPT_FONT}" font-size="${px}" font-weight="bold" text-anchor="middle" fill="#000000">${escapeXml(label)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Renders the prompt for a screen of this size: RGB, 3 channels, row-major. */
export async function renderPrompt(prompt: PadPrompt, screen: { width: number; height: number }): Promise<{ image: StuScreenImage; layout: PadLayout }> {
  const layout = padLayout(screen);
  const { default: sharp } = await import('sharp');
  const { data, info } = await sharp(Buffer.from(promptSvg(prompt, layout)), { density: 72 })
    .resize(screen.width, screen.height, { fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== screen.width || info.height !== screen.height || info.channels !== 3) {
    throw new RangeError(`The prompt rendered at ${info.width}×${info.height}×${info.channels}, not ${screen.width}×${screen.height}×3.`);
  }
  return { image: { width: screen.width, height: screen.height, channels: 3, pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }, layout };
}
