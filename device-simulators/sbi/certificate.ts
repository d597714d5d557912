/**
 * A self-signed X.509 v3 certificate for the simulated device key, so that the
 * JWS headers carry "x5c" as the SBI spec's Digital ID section shows
 * ("alg": "RS256", "x5c": [certificate]). node:crypto parses certificates but
 * cannot make them, and no certificate library is among our dependencies, so
 * the few DER structures of RFC 5280 §4.1 are written here. Simulator only:
 * nothing in the station trusts a certificate because it is well-formed.
 */
import { sign, type KeyObject } from 'node:crypto';

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>>= 8) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.of(tag), derLength(body.length), body]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const nullValue = () => Buffer.of(0x05, 0x00);

function integer(bytes: Buffer): Buffer {
  // DER INTEGER is two's complement: a leading 1 bit needs a 00 in front to stay positive.
  const body = (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.of(0), bytes]) : bytes;
  return tlv(0x02, body);
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const out: number[] = [first * 40 + second];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let n = arc >>> 7; n > 0; n >>>= 7) chunk.unshift((n & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function utcTime(date: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  const text = `${p(date.getUTCFullYear() % 100)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

/** RFC 5280 Name with CN and O, as UTF8String. */
function name(commonName: string, organization: string): Buffer {
  return sequence(set(sequence(oid('2.5.4.10'), tlv(0x0c, Buffer.from(organization, 'utf8')))), set(sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))));
}

/** sha256WithRSAEncryption (RFC 4055 §5). */
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

export interface SelfSignedOptions {
  commonName: string;
  organization: string;
  /** 8 random-looking bytes; the caller passes them (from its PRNG) so a seed gives the same certificate subject. */
  serial: Buffer;
  notBefore: Date;
  notAfter: Date;
}

/** DER bytes of a self-signed RSA certificate for `publicKey`, signed with `privateKey`. */
export function selfSignedRsaCertificate(publicKey: KeyObject, privateKey: KeyObject, options: SelfSignedOptions): Buffer {
  const algorithm = sequence(oid(SHA256_WITH_RSA), nullValue());
  const subject = name(options.commonName, options.organization);
  const tbs = sequence(
    tlv(0xa0, integer(Buffer.of(2))), // [0] EXPLICIT version v3
    integer(options.serial),
    algorithm,
    subject,
    sequence(utcTime(options.notBefore), utcTime(options.notAfter)),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  return sequence(tbs, algorithm, tlv(0x03, Buffer.of(0), signature));
}
