/**
 * Sets a PNG's resolution (its pHYs chunk) without re-encoding. sharp 0.34
 * can only write a density together with an ICC profile, which turns an
 * 8-bit grey image into RGB; a fingerprint must stay one grey channel at its
 * true sampling rate (ISO/IEC 19794-4 expects ≥ 500 ppi, 8-bit grey).
 *
 * PNG specification (ISO/IEC 15948) §11.3.5.3: pHYs = pixels per unit X (4),
 * Y (4), unit (1: metre); it must come before the first IDAT. Chunks are
 * length (4) · type (4) · data · CRC-32 of type and data (§5.3).
 */
const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = (crcTable[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  typeAndData.copy(out, 4);
  out.writeUInt32BE(crc32(typeAndData), 8 + data.length);
  return out;
}

/** Returns the PNG with a pHYs chunk for `ppi` (replacing any there was), placed right after IHDR. */
export function withPngDensity(png: Buffer, ppi: number): Buffer {
  if (png.length < 33 || !png.subarray(0, 8).equals(signature) || png.toString('ascii', 12, 16) !== 'IHDR') {
    throw new Error('Not a PNG file (no signature and IHDR).');
  }
  // 1 inch = 0.0254 m.
  const perMetre = Math.round(ppi / 0.0254);
  const phys = Buffer.alloc(9);
  phys.writeUInt32BE(perMetre, 0);
  phys.writeUInt32BE(perMetre, 4);
  phys.writeUInt8(1, 8);
  const parts: Buffer[] = [png.subarray(0, 8)];
  let offset = 8;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > png.length) throw new Error('Truncated PNG chunk.');
    if (type !== 'pHYs') parts.push(png.subarray(offset, end));
    if (type === 'IHDR') parts.push(chunk('pHYs', phys));
    offset = end;
  }
  return Buffer.concat(parts);
}
