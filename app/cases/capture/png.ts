import sharp from 'sharp';
import type { GreyImage } from '../../../drivers/capture.js';
import { withPngDensity } from '../../imaging/png-density.js';

/** An 8-bit grey image as a one-channel PNG carrying its density (pHYs), for the screen and the draft. */
export async function greyPng(image: GreyImage, compressionLevel = 6): Promise<Buffer> {
  // Without b-w, sharp writes a single-channel input as RGB.
  const png = await sharp(Buffer.from(image.pixels.buffer, image.pixels.byteOffset, image.pixels.byteLength), { raw: { width: image.width, height: image.height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel })
    .toBuffer();
  return withPngDensity(png, image.ppi);
}
