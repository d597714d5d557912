/**
 * One page from a scanner for a case: the scanner (named, or the first ready
 * and approved), one scan of the given paper through the device manager, the
 * document quality checks for that paper (app/quality: resolution, focus,
 * exposure, glare, skew, coverage), and the bytes the packet keeps.
 *
 * Encoding for the packet (documents/NN-<type>.<ext> takes PNG or JPEG):
 *  - a JPEG from the scanner is kept as it came (re-encoding only loses more);
 *  - a grey or bilevel page stays lossless PNG (text on white compresses well);
 *  - a colour page of more than LARGE_COLOUR_PIXELS (an ID card at 300 dpi is
 *    ~1 MP, an A4 page ~8.7 MP) becomes JPEG at quality 85, which keeps print
 *    and photographs legible at a fraction of the PNG's size; smaller colour
 *    pages stay PNG.
 * The screen gets a PNG preview at most PREVIEW_MAX_WIDTH pixels wide.
 */
import sharp from 'sharp';
import { assess } from '../../quality/assess.js';
import { decodeGreyImage } from '../../quality/image-input.js';
import { DeviceError } from '../../../drivers/errors.js';
import { captureDeviceOf, selectDevice } from './select.js';
import type { CaptureDeps, PageScanOptions, PageScanResult } from './types.js';

const LARGE_COLOUR_PIXELS = 2_000_000;
const JPEG_QUALITY = 85;
const PREVIEW_MAX_WIDTH = 1200;

/** Whether a decoded page has colour worth keeping: any pixel whose channels differ by more than a few levels. */
async function isColour(bytes: Buffer): Promise<boolean> {
  const meta = await sharp(bytes).metadata();
  if ((meta.channels ?? 1) < 3) return false;
  // A grey page sent as RGB is grey: judged on a small copy, where scanner noise is averaged away.
  const { data, info } = await sharp(bytes).resize({ width: 256, withoutEnlargement: true }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  for (let i = 0; i + 2 < data.length; i += info.channels) {
    const r = data[i] ?? 0;
    const g = data[i + 1] ?? 0;
    const b = data[i + 2] ?? 0;
    if (Math.max(r, g, b) - Math.min(r, g, b) > 24) return true;
  }
  return false;
}

export async function encodePage(input: Uint8Array, mediaType: string): Promise<{ bytes: Buffer; mediaType: 'image/png' | 'image/jpeg'; width: number; height: number; preview: Buffer }> {
  const source = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const meta = await sharp(source).metadata();
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  let bytes: Buffer;
  let type: 'image/png' | 'image/jpeg';
  if (meta.format === 'jpeg' || /jpe?g/i.test(mediaType)) {
    bytes = source;
    type = 'image/jpeg';
  } else if (width * height > LARGE_COLOUR_PIXELS && (await isColour(source))) {
    bytes = await sharp(source).removeAlpha().jpeg({ quality: JPEG_QUALITY, mozjpeg: false }).withMetadata({ density: meta.density ?? 300 }).toBuffer();
    type = 'image/jpeg';
  } else if (meta.format === 'png') {
    bytes = source;
    type = 'image/png';
  } else {
    // TIFF, PNM…: lossless to PNG; grey stays one channel.
    const grey = !(await isColour(source));
    bytes = await (grey ? sharp(source).toColourspace('b-w') : sharp(source)).png().toBuffer();
    type = 'image/png';
  }
  const preview = await sharp(source).resize({ width: PREVIEW_MAX_WIDTH, withoutEnlargement: true }).png().toBuffer();
  return { bytes, mediaType: type, width, height, preview };
}

export async function scanPage(deps: CaptureDeps, options: PageScanOptions): Promise<PageScanResult> {
  const view = await selectDevice(deps.devices, 'scanner', options.deviceId);
  const raw = await deps.devices.scanPage(view.id, { paper: options.paper }, options.signal);
  let grey;
  try {
    grey = await decodeGreyImage(raw.bytes, { name: `the page from ${view.make} ${view.model}` });
  } catch (error) {
    throw new DeviceError('protocol', `The page ${view.make} ${view.model} (${view.id}) sent does not decode as an image (${(error as Error).message}).`);
  }
  const quality = assess('document', { image: grey, type: options.paper }, { config: deps.quality });
  const encoded = await encodePage(raw.bytes, raw.mediaType);
  return { ...encoded, quality, device: captureDeviceOf(deps.devices.get(view.id)), scannedAt: deps.now() };
}
