/**
 * Where things go on the pad's screen when it shows a prompt: the text at
 * the top, the signing box in the middle (the STU's handwriting display
 * area, report 0x2A, so ink is drawn there only) and three buttons along the
 * bottom (accept, clear, cancel). The layout is given in shares of the
 * screen so that every model (STU-430 320×200, 530/540 800×480; devices.md
 * §3) gets the same arrangement, and so that the host can map a pen position
 * (tablet units, which span the whole screen [SDK demos: tablet max X/Y ↔
 * screen width/height]) onto it without knowing the screen's pixel size.
 * Pure: no I/O. The simulator reads the same layout to know where to sign and
 * where to tap, as a person reads the screen.
 */

export type PadButton = 'accept' | 'clear' | 'cancel';
export const padButtons: readonly PadButton[] = ['accept', 'clear', 'cancel'];

/** A rectangle in shares of the screen (0…1), left/top inclusive, right/bottom exclusive. */
export interface FractionRect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A rectangle in screen pixels, both ends inclusive (as HandwritingDisplayArea takes it [cpp setHandwritingDisplayArea]). */
export interface PixelRect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Shares chosen so that on the smallest screen (STU-430, 200 px high) the
 * text band is ~60 px (a 16 px title and two or three 12 px lines), the box
 * ~85 px and the buttons ~32 px: a finger-wide target for a pen tap.
 */
const marginX = 0.025;
const gapX = 0.02;
export const padLayoutFractions: { text: FractionRect; box: FractionRect; buttons: Record<PadButton, FractionRect> } = (() => {
  const top = 0.81;
  const bottom = 0.97;
  const width = (1 - 2 * marginX - 2 * gapX) / 3;
  const column = (i: number): FractionRect => ({ left: marginX + i * (width + gapX), top, right: marginX + i * (width + gapX) + width, bottom });
  return {
    text: { left: marginX, top: 0.03, right: 1 - marginX, bottom: 0.34 },
    box: { left: marginX, top: 0.36, right: 1 - marginX, bottom: 0.78 },
    buttons: { accept: column(0), clear: column(1), cancel: column(2) },
  };
})();

export interface PadLayout {
  screen: { width: number; height: number };
  text: PixelRect;
  /** The signing box: the handwriting display area. */
  box: PixelRect;
  buttons: Record<PadButton, PixelRect>;
}

function toPixels(r: FractionRect, width: number, height: number): PixelRect {
  return {
    left: Math.round(r.left * width),
    top: Math.round(r.top * height),
    right: Math.min(width - 1, Math.round(r.right * width) - 1),
    bottom: Math.min(height - 1, Math.round(r.bottom * height) - 1),
  };
}

/** The layout in pixels for a screen of this size. */
export function padLayout(screen: { width: number; height: number }): PadLayout {
  const { width, height } = screen;
  if (!(width >= 32 && height >= 32)) throw new RangeError(`A pad screen of ${width}×${height} is too small for a prompt.`);
  const f = padLayoutFractions;
  return {
    screen: { width, height },
    text: toPixels(f.text, width, height),
    box: toPixels(f.box, width, height),
    buttons: { accept: toPixels(f.buttons.accept, width, height), clear: toPixels(f.buttons.clear, width, height), cancel: toPixels(f.buttons.cancel, width, height) },
  };
}

/** A pixel rectangle in tablet units (tablet max X/Y ↔ screen width/height). */
export function rectToTablet(rect: PixelRect, screen: { width: number; height: number }, tablet: { maxX: number; maxY: number }): FractionRect {
  return {
    left: (rect.left / screen.width) * tablet.maxX,
    top: (rect.top / screen.height) * tablet.maxY,
    right: ((rect.right + 1) / screen.width) * tablet.maxX,
    bottom: ((rect.bottom + 1) / screen.height) * tablet.maxY,
  };
}

/** Is a screen point inside a pixel rectangle? */
export function inside(rect: PixelRect, point: { x: number; y: number }): boolean {
  return point.x >= rect.left && point.x < rect.right + 1 && point.y >= rect.top && point.y < rect.bottom + 1;
}

/** The button under a screen point, if any. */
export function buttonAt(layout: PadLayout, point: { x: number; y: number }): PadButton | null {
  for (const b of padButtons) if (inside(layout.buttons[b], point)) return b;
  return null;
}

/**
 * A pen position (tablet units) as shares of the signing box, each clamped
 * to 0…1: what the screen's ink view draws. The pad itself does not draw
 * outside the box either.
 */
export function toBoxFraction(point: { x: number; y: number }, tablet: { maxX: number; maxY: number }): { x: number; y: number } {
  const box = padLayoutFractions.box;
  const fx = point.x / Math.max(1, tablet.maxX);
  const fy = point.y / Math.max(1, tablet.maxY);
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return { x: clamp((fx - box.left) / (box.right - box.left)), y: clamp((fy - box.top) / (box.bottom - box.top)) };
}

/** The signing box in tablet units. */
export function boxInTablet(tablet: { maxX: number; maxY: number }): FractionRect {
  const b = padLayoutFractions.box;
  return { left: b.left * tablet.maxX, top: b.top * tablet.maxY, right: b.right * tablet.maxX, bottom: b.bottom * tablet.maxY };
}
