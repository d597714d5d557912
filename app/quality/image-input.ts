/**
 * Decodes an untrusted image file into 8-bit grey pixels for the quality
 * stage (app/quality/*), with every way it can fail reported as an
 * ImageInputError (a QualityInputError from pixels.ts) naming the file and
 * what was wrong.
 *
 * Limits, checked before any pixel is decoded:
 * - the byte size (`maxBytes`, default 64 MiB: an A4 page at 600 dpi as an
 *   uncompressed 8-bit PNG is about 35 MB);
 * - the pixel count from the header (`maxPixels`, default 40 MP, pixels.ts
 *   MAX_PIXELS), also passed to sharp as `limitInputPixels`, so a
 *   decompression bomb (a small file whose header claims a huge image) is
 *   refused from its header.
 * Decoding uses sharp with `failOn: 'error'`: a truncated or corrupt file is
 * an error, never a partly grey image.
 *
 * Conversions, all documented on the result (`conversions`):
 * - EXIF orientation applied (the image is turned upright);
 * - 16-bit samples → 8-bit as round(v / 257) (0 → 0, 65535 → 255, linear);
 * - colour → grey as ITU-R BT.601 luma, Y = (299 R + 587 G + 114 B) / 1000
 *   rounded half up (the weights OpenCV's COLOR_RGB2GRAY, which NIST's NFIQ 2
 *   tools use, applies), computed on the sRGB values sharp decodes to
 *   (palette, CMYK and ICC-tagged images are converted to sRGB by sharp);
 * - transparency composited onto white (the background of a fingerprint or
 *   a page), v' = round((v · a + max · (max − a)) / max).
 * The density (pixels per inch) in the file's metadata (PNG pHYs, JPEG JFIF,
 * TIFF resolution) is read and reported as `ppi` when present, never
 * assumed (densityOf): callers decide what a missing or wrong density means.
 */
import { readFile, stat } from 'node:fs/promises';
import sharp from 'sharp';
import { MAX_PIXELS, QualityInputError, type GreyPixels } from './pixels.js';

export type ImageInputErrorCode =
  | 'not_found' // no such file, or not a regular file
  | 'empty' // zero bytes
  | 'too_large' // more bytes than maxBytes
  | 'too_many_pixels' // the header declares more pixels than maxPixels
  | 'unsupported_format' // not an image format sharp can decode, or an unsupported sample type
  | 'truncated' // the file ends before its image data does
  | 'corrupt'; // any other decoding failure

/**
 * A decoding failure. It is a QualityInputError (pixels.ts) so that callers that already handle those keep
 * working; its `code` is the nearest of pixels.ts's codes and `inputCode` the precise one.
 */
export class ImageInputError extends QualityInputError {
  constructor(
    readonly inputCode: ImageInputErrorCode,
    /** The file name (or the label given for a buffer). */
    readonly file: string,
    message: string,
  ) {
    super(inputCode === 'too_large' || inputCode === 'too_many_pixels' ? 'image_too_large' : 'invalid_input', message);
    this.name = 'ImageInputError';
  }
}

export interface ImageInputOptions {
  /** Largest accepted file, bytes. Default DEFAULT_MAX_BYTES. */
  maxBytes?: number;
  /** Largest accepted width × height. Default pixels.ts MAX_PIXELS (40 MP). */
  maxPixels?: number;
  /** Name used in messages for a buffer (decodeGreyImage); readGreyImageFile uses the path. */
  name?: string;
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export type ImageConversion = 'auto_oriented' | '16_to_8_bit' | 'colour_to_grey' | 'alpha_on_white';

export interface DecodedGreyImage extends GreyPixels {
  /** Density from the file's metadata, pixels per inch; undefined when the file has none. */
  ppi: number | undefined;
  /** Container format as sharp names it: png, jpeg, tiff, webp, gif, … */
  format: string;
  /** Bits per sample in the file (8 or 16). */
  sourceBitDepth: 8 | 16;
  /** Channels in the file (1 grey, 2 grey + alpha, 3 colour, 4 colour + alpha). */
  sourceChannels: number;
  /** The conversions applied, in order. Empty for an upright 8-bit grey file without alpha. */
  conversions: ImageConversion[];
}

/** Reads and decodes the file at `path`; the size limit is checked with stat before reading. */
export async function readGreyImageFile(path: string, options: ImageInputOptions = {}): Promise<DecodedGreyImage> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new ImageInputError('not_found', path, `${path} is not a file.`);
    size = s.size;
  } catch (error) {
    if (error instanceof ImageInputError) throw error;
    throw new ImageInputError('not_found', path, `There is no readable file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  checkSize(size, maxBytes, path);
  return decodeGreyImage(await readFile(path), { ...options, name: path });
}

function checkSize(size: number, maxBytes: number, name: string): void {
  if (size === 0) throw new ImageInputError('empty', name, `${name} is empty (0 bytes); there is no image in it.`);
  if (size > maxBytes) {
    throw new ImageInputError('too_large', name, `${name} is ${formatBytes(size)}, more than the ${formatBytes(maxBytes)} the quality stage reads.`);
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} bytes`;
}

/** Decodes an image held in memory (the bytes of an untrusted file). */
export async function decodeGreyImage(bytes: Uint8Array, options: ImageInputOptions = {}): Promise<DecodedGreyImage> {
  const name = options.name ?? 'The image';
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxPixels = options.maxPixels ?? MAX_PIXELS;
  checkSize(bytes.length, maxBytes, name);
  const input = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  // limitInputPixels also applies to metadata(): a bomb's header is refused before anything is allocated for it.
  const open = () => sharp(input, { limitInputPixels: maxPixels, failOn: 'error', sequentialRead: true });

  let meta: sharp.Metadata;
  try {
    meta = await open().metadata();
  } catch (error) {
    throw classify(error, name, maxPixels, false, false);
  }
  const { width, height } = meta;
  if (!width || !height) throw new ImageInputError('corrupt', name, `${name} does not say how large its image is (format ${meta.format ?? 'unknown'}).`);
  if (width * height > maxPixels) {
    throw new ImageInputError('too_many_pixels', name, `${name} declares ${width} × ${height} pixels, more than the ${maxPixels / 1e6} million the quality stage decodes.`);
  }
  const sixteen = meta.depth === 'ushort';
  if (!sixteen && meta.depth !== 'uchar') {
    throw new ImageInputError('unsupported_format', name, `${name} stores ${meta.depth ?? 'unknown'} samples; the quality stage reads 8- and 16-bit integer images.`);
  }
  const sourceChannels = meta.channels ?? 1;
  const grey = meta.space === 'b-w' || meta.space === 'grey16';
  const conversions: ImageConversion[] = [];
  if ((meta.orientation ?? 1) > 1) conversions.push('auto_oriented');

  let data: Buffer;
  let info: sharp.OutputInfo;
  try {
    ({ data, info } = await open()
      .rotate()
      // libvips' grey colourspaces drop an alpha band, so grey + alpha goes through RGB (R = G = B, and the
      // luma weights sum to 1000: exact) to keep it.
      .toColourspace(grey && !meta.hasAlpha ? (sixteen ? 'grey16' : 'b-w') : sixteen ? 'rgb16' : 'srgb')
      .raw({ depth: sixteen ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true }));
  } catch (error) {
    throw classify(error, name, maxPixels, true, endsEarly(meta.format, input));
  }

  const n = info.width * info.height;
  const channels = info.channels;
  const max = sixteen ? 65535 : 255;
  const samples = sixteen ? new Uint16Array(data.buffer, data.byteOffset, data.length >> 1) : new Uint8Array(data.buffer, data.byteOffset, data.length);
  if (samples.length !== n * channels) throw new ImageInputError('corrupt', name, `${name} decoded to ${samples.length} samples instead of ${n} × ${channels}.`);
  const colour = channels >= 3;
  const alpha = channels === 2 || channels === 4;
  if (sixteen) conversions.push('16_to_8_bit');
  if (colour && !grey) conversions.push('colour_to_grey');
  if (alpha) conversions.push('alpha_on_white');

  const pixels = new Uint8Array(n);
  for (let i = 0, s = 0; i < n; i++, s += channels) {
    // BT.601 luma in integers: (299 R + 587 G + 114 B + 500) / 1000, exact for 8- and 16-bit samples.
    let v = colour ? Math.floor((299 * samples[s]! + 587 * samples[s + 1]! + 114 * samples[s + 2]! + 500) / 1000) : samples[s]!;
    if (alpha) {
      const a = samples[s + channels - 1]!;
      v = Math.floor((v * a + max * (max - a) + (max >> 1)) / max);
    }
    pixels[i] = sixteen ? Math.floor((v * 2 + 257) / 514) : v;
  }
  return {
    width: info.width,
    height: info.height,
    pixels,
    ppi: densityOf(meta, input),
    format: meta.format ?? 'unknown',
    sourceBitDepth: sixteen ? 16 : 8,
    sourceChannels,
    conversions,
  };
}

/**
 * The density the file states, pixels per inch. libvips reports 72 dpi for PNG and JPEG files that state
 * none, so for those two the density is read from the file itself: PNG pHYs with unit 1 = metre (PNG spec
 * §11.3.5.3), JPEG JFIF APP0 with units 1 = dots per inch or 2 = dots per cm (JFIF 1.02), else the EXIF
 * resolution when the JPEG has an EXIF segment. Other formats (TIFF XResolution) report sharp's value.
 */
function densityOf(meta: sharp.Metadata, bytes: Buffer): number | undefined {
  const valid = (v: number) => (Number.isFinite(v) && v > 0 ? v : undefined);
  if (meta.format === 'png') {
    // Chunks: length, type, data, CRC, after the 8-byte signature; pHYs comes before IDAT.
    for (let p = 8; p + 8 <= bytes.length; ) {
      const length = bytes.readUInt32BE(p);
      const type = bytes.toString('latin1', p + 4, p + 8);
      if (type === 'pHYs' && length === 9 && p + 17 <= bytes.length) return bytes[p + 16] === 1 ? valid(bytes.readUInt32BE(p + 8) * 0.0254) : undefined;
      if (type === 'IDAT' || type === 'IEND') return undefined;
      p += 12 + length;
    }
    return undefined;
  }
  if (meta.format === 'jpeg') {
    // Marker segments after SOI (ITU T.81 B.1.1.4), up to the first scan: APP0 "JFIF\0" holds version (2),
    // units (1), Xdensity (2); an APP1 "Exif\0\0" holds XResolution/ResolutionUnit (EXIF 2.3 §4.6.4, required
    // in IFD0), which libvips reads into sharp's density.
    let exif = false;
    for (let p = 2; p + 4 <= bytes.length && bytes[p] === 0xff; ) {
      const marker = bytes[p + 1]!;
      if (marker === 0xda || marker === 0xd9) break;
      const length = bytes.readUInt16BE(p + 2);
      if (marker === 0xe0 && length >= 14 && p + 4 + 12 <= bytes.length && bytes.toString('latin1', p + 4, p + 9) === 'JFIF\0') {
        const units = bytes[p + 11];
        const x = bytes.readUInt16BE(p + 12);
        return units === 1 ? valid(x) : units === 2 ? valid(x * 2.54) : undefined;
      }
      if (marker === 0xe1 && p + 10 <= bytes.length && bytes.toString('latin1', p + 4, p + 10) === 'Exif\0\0') exif = true;
      p += 2 + length;
    }
    return exif && meta.density !== undefined ? valid(meta.density) : undefined;
  }
  return meta.density === undefined ? undefined : valid(meta.density);
}

/**
 * Whether the bytes lack the end marker their format requires (PNG: an IEND chunk last, PNG spec §11.2.5;
 * JPEG: EOI, FF D9, ITU T.81 B.2.1). libspng reports a cut PNG only as "read error", the same words as other
 * damage, so the end marker decides between truncated and corrupt.
 */
function endsEarly(format: string | undefined, bytes: Buffer): boolean {
  const n = bytes.length;
  if (format === 'png') return n < 12 || bytes.toString('latin1', n - 8, n - 4) !== 'IEND';
  if (format === 'jpeg') return n < 2 || bytes[n - 2] !== 0xff || bytes[n - 1] !== 0xd9;
  return false;
}

/** Maps a sharp/libvips error to a code, from its message (sharp has no error codes). */
function classify(error: unknown, name: string, maxPixels: number, decoding: boolean, endsEarly: boolean): ImageInputError {
  const why = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
  if (/pixel limit/i.test(why)) {
    return new ImageInputError('too_many_pixels', name, `${name} declares more than the ${maxPixels / 1e6} million pixels the quality stage decodes.`);
  }
  if (/unsupported image format|unsupported format/i.test(why)) {
    return new ImageInputError('unsupported_format', name, `${name} is not an image format the quality stage reads (PNG, JPEG, TIFF, WebP, GIF…).`);
  }
  if (endsEarly || /premature end|truncated|unexpected end|not enough data|end of (file|stream)|short read|out of data/i.test(why)) {
    return new ImageInputError('truncated', name, `${name} ends before its image data does (the file is truncated: ${why}).`);
  }
  return new ImageInputError('corrupt', name, `${name} could not be ${decoding ? 'decoded' : 'read'} as an image: ${why}.`);
}
