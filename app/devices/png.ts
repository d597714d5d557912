import sharp from 'sharp';
import type { GreyImage } from '../../drivers/capture.js';
import { withPngDensity } from '../imaging/png-density.js';

/** An 8-bit grey image as a PNG (with its pHYs density), base64 for the contract. */
export async function greyToPngBase64(image: GreyImage): Promise<string> {
  // Without b-w, sharp writes a single-channel input as RGB; the capture is one 8-bit grey channel.
  const png = await sharp(Buffer.from(image.pixels), { raw: { width: image.width, height: image.height, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
  return withPngDensity(png, image.ppi).toString('base64');
}
