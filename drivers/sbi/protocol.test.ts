import { generateKeyPairSync } from 'node:crypto';
import { CompactSign, base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { createPrng } from '../../device-simulators/random.js';
import { DeviceError } from '../errors.js';
import {
  MultipartSplitter,
  SBI_INITIAL_HASH,
  buildRcaptureRequest,
  computeSbiHash,
  decodeSbiJws,
  decodeSbiJwsJson,
  isSbiHash,
  parseMultipartBoundary,
  parseSbiJson,
  sbiCaptureDataSchema,
  sbiDigitalIdSchema,
  sbiDiscoverResponseSchema,
  sbiErrorToDeviceError,
  sbiInfoResponseSchema,
  sbiRcaptureRequestSchema,
  sbiRcaptureResponseSchema,
  sbiStatusToDeviceError,
  verifySbiJws,
  type MultipartPart,
} from './protocol.js';

describe('SBI hash chain (bio.previousHash, biometrics[].hash)', () => {
  it('starts from SHA-256 of the empty string', () => {
    expect(SBI_INITIAL_HASH).toBe('E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855');
  });

  it('matches vectors computed with openssl over the raw 32-byte digests', () => {
    // printf '' | openssl dgst -sha256 -binary > e; printf abc | openssl dgst -sha256 -binary > a; cat e a | openssl dgst -sha256
    const first = computeSbiHash('', Buffer.from('abc'));
    expect(first).toBe('BDDBDF7E9DF02F902EE5DD61B2B513D7566A2112FF97DB7DC3B6D184A43EF0E3');
    // An empty previousHash and SHA-256("") in hex are the same start.
    expect(computeSbiHash(SBI_INITIAL_HASH, Buffer.from('abc'))).toBe(first);
    expect(computeSbiHash(first, Buffer.from('def'))).toBe('D06FFD66589038DEEA66A68731881D1D14470238326C1C55C4855C1DA9F9A1DC');
    // Lower-case previous hashes are accepted.
    expect(computeSbiHash(first.toLowerCase(), Buffer.from('def'))).toBe('D06FFD66589038DEEA66A68731881D1D14470238326C1C55C4855C1DA9F9A1DC');
    // Not the hex-string concatenation (which would give 9992B37B…).
    expect(first).not.toBe('9992B37B41E1AEA19A8A7BE65B63090397FEE8C9662B3708EF7D3B81A362BEE2');
    expect(isSbiHash(first)).toBe(true);
    expect(isSbiHash(first.toLowerCase())).toBe(false);
  });

  it('refuses a previousHash that is not a SHA-256 in hex', () => {
    expect(() => computeSbiHash('XYZ', Buffer.from('abc'))).toThrow(DeviceError);
  });
});

describe('SBI error codes', () => {
  it('maps each spec code to a DeviceError with the spec meaning', () => {
    expect(sbiErrorToDeviceError(0, 'Success', 'here')).toBeNull();
    const cases: [number, string, RegExp][] = [
      [100, 'not_approved', /not registered/],
      [101, 'refused', /unable to detect a biometric object/],
      [102, 'refused', /extraction/],
      [103, 'not_approved', /tamper/],
      [106, 'not_found', /not found/],
      [109, 'refused', /number of biometrics is not supported/],
      [110, 'busy', /not ready/],
      [111, 'busy', /busy/],
      [112, 'refused', /transaction ID is invalid/],
      [555, 'refused', /vendor-specific/],
    ];
    for (const [code, deviceCode, meaning] of cases) {
      const error = sbiErrorToDeviceError(code, 'device text', 'http://127.0.0.1:4501/capture');
      expect(error?.code).toBe(deviceCode);
      expect(error?.deviceCode).toBe(code);
      expect(error?.message).toMatch(meaning);
      expect(error?.message).toContain('http://127.0.0.1:4501/capture');
    }
  });

  it('maps device statuses', () => {
    expect(sbiStatusToDeviceError('Ready', 'x')).toBeNull();
    expect(sbiStatusToDeviceError('Busy', 'x')?.code).toBe('busy');
    expect(sbiStatusToDeviceError('Not Ready', 'x')?.code).toBe('busy');
    expect(sbiStatusToDeviceError('Not Registered', 'x')?.code).toBe('not_approved');
    expect(sbiStatusToDeviceError('Melting', 'x')?.code).toBe('protocol');
  });
});

describe('RCAPTURE request', () => {
  it('builds the spec shape with the slap fingers less the exceptions as count', () => {
    const request = buildRcaptureRequest({
      deviceId: '1',
      deviceSubId: 1,
      exception: ['Left RingFinger'],
      timeoutMs: 10_000,
      transactionId: 'tx-0001',
      previousHash: SBI_INITIAL_HASH,
      captureTime: new Date('2025-01-02T03:04:05.678Z'),
      requestedScore: 60,
    });
    expect(request).toEqual({
      env: 'Staging',
      purpose: 'Registration',
      specVersion: '0.9.5',
      timeout: 10_000,
      captureTime: '2025-01-02T03:04:05Z',
      transactionId: 'tx-0001',
      bio: [{ type: 'Finger', count: '3', exception: ['Left RingFinger'], requestedScore: '60', deviceId: '1', deviceSubId: '1', previousHash: SBI_INITIAL_HASH }],
    });
    // What the simulator reads back.
    expect(sbiRcaptureRequestSchema.parse(request).bio[0]).toMatchObject({ count: 3, deviceSubId: 1, requestedScore: 60 });
  });

  it('refuses a transactionId outside 4–50 letters, digits and hyphens', () => {
    const base = { deviceId: '1', deviceSubId: 2, timeoutMs: 1, previousHash: '' };
    expect(() => buildRcaptureRequest({ ...base, transactionId: 'abc' })).toThrow(RangeError);
    expect(() => buildRcaptureRequest({ ...base, transactionId: 'has space' })).toThrow(RangeError);
    expect(() => buildRcaptureRequest({ ...base, transactionId: 'x'.repeat(51) })).toThrow(RangeError);
  });
});

describe('JWS decoding and verification', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const payload = { serialNo: 'S1', make: 'M', model: 'X', type: 'Finger', deviceSubType: 'Slap', deviceProvider: 'P', deviceProviderId: 'PID', dateTime: '2025-01-01T00:00:00Z' };

  it('decodes signed and unsigned digital IDs', async () => {
    const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5c: ['AAAA'] }).sign(privateKey);
    const signed = decodeSbiJwsJson(token, sbiDigitalIdSchema, 'digitalId');
    expect(signed.value).toEqual(payload);
    expect(signed.decoded.signed).toBe(true);
    expect(signed.decoded.header).toMatchObject({ alg: 'RS256', typ: 'JWT', x5c: ['AAAA'] });
    const unsigned = decodeSbiJwsJson(base64url.encode(JSON.stringify(payload)), sbiDigitalIdSchema, 'digitalId');
    expect(unsigned.value).toEqual(payload);
    expect(unsigned.decoded.signed).toBe(false);

    expect(await verifySbiJws(token, { keys: [publicKey] })).toBe(true);
    expect(await verifySbiJws(token, { keys: [other.publicKey] })).toBe(false);
    expect(await verifySbiJws(token, { keys: [other.publicKey, publicKey] })).toBe(true);
    expect(await verifySbiJws(token, { keys: [publicKey], algorithms: ['ES256'] })).toBe(false);
    const tampered = token.replace(/\.([^.]+)\./, () => `.${base64url.encode(JSON.stringify({ ...payload, serialNo: 'S2' }))}.`);
    expect(tampered).not.toBe(token);
    expect(await verifySbiJws(tampered, { keys: [publicKey] })).toBe(false);
    expect(await verifySbiJws(base64url.encode('{}'), { keys: [publicKey] })).toBe(false);
  });

  it('refuses things that are not JWS', () => {
    for (const bad of ['a.b', 'a.b.c.d', '!!!', 'eyJhbGciOiJSUzI1NiJ9.%%%.sig', '']) expect(() => decodeSbiJws(bad, 'token')).toThrow(DeviceError);
  });
});

const validResponses = {
  discover: JSON.stringify([
    {
      deviceId: '1',
      deviceStatus: 'Ready',
      certification: 'L0',
      serviceVersion: '0.9.5',
      deviceSubId: ['1', '2', '3'],
      callbackId: 'http://127.0.0.1:4501/',
      digitalId: 'eyJ9',
      deviceCode: 'S1',
      specVersion: ['0.9.5'],
      purpose: 'Registration',
      error: { errorCode: '0', errorInfo: 'Success' },
    },
  ]),
  info: JSON.stringify([{ deviceInfo: 'a.b.c', error: { errorCode: 0, errorInfo: 'Success' } }]),
  rcapture: JSON.stringify({ biometrics: [{ specVersion: '0.9.5', data: 'a.b.c', hash: SBI_INITIAL_HASH, error: { errorCode: '0', errorInfo: 'Success' } }] }),
  data: JSON.stringify({
    digitalId: 'a.b.c',
    bioType: 'Finger',
    deviceCode: 'S1',
    deviceServiceVersion: '0.9.5',
    bioSubType: 'Left IndexFinger',
    purpose: 'Registration',
    env: 'Staging',
    bioValue: 'AAAA',
    transactionId: 'tx-1',
    timestamp: '2025-01-01T00:00:00Z',
    requestedScore: '40',
    qualityScore: '81.5',
  }),
};

describe('JSON response schemas', () => {
  it('parse the spec shapes and normalise numbers written as strings', () => {
    expect(parseSbiJson(validResponses.discover, sbiDiscoverResponseSchema, 'discover')[0]?.error?.errorCode).toBe(0);
    expect(parseSbiJson(validResponses.info, sbiInfoResponseSchema, 'info')).toHaveLength(1);
    expect(parseSbiJson(validResponses.rcapture, sbiRcaptureResponseSchema, 'rcapture').biometrics[0]?.hash).toBe(SBI_INITIAL_HASH);
    expect(parseSbiJson(validResponses.data, sbiCaptureDataSchema, 'data')).toMatchObject({ qualityScore: 81.5, requestedScore: 40 });
  });

  it('reject non-JSON and wrong shapes with DeviceError protocol', () => {
    expect(() => parseSbiJson('{"biometrics":[\u0000', sbiRcaptureResponseSchema, 'x')).toThrow(/is not JSON/);
    expect(() => parseSbiJson('{"biometrics":{}}', sbiRcaptureResponseSchema, 'x')).toThrow(/biometrics/);
    expect(() => parseSbiJson(validResponses.data.replace('"81.5"', '"eighty"'), sbiCaptureDataSchema, 'x')).toThrow(/qualityScore/);
  });

  it('survive 100,000 random and mutated bodies: a value or DeviceError, nothing else', () => {
    const seed = 0x5b1;
    const random = createPrng(seed);
    const schemas = [
      [validResponses.discover, sbiDiscoverResponseSchema],
      [validResponses.info, sbiInfoResponseSchema],
      [validResponses.rcapture, sbiRcaptureResponseSchema],
      [validResponses.data, sbiCaptureDataSchema],
    ] as const;
    const alphabet = '{}[]":,0123456789.-eEtruefalsnl \\u\u0000abcXYZ';
    let parsed = 0;
    // 100,000 expected failures: capturing a stack for each costs more than parsing; the seed and index replay any failure.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      for (let i = 0; i < 100_000; i++) {
        const [valid, schema] = schemas[i % schemas.length] as (typeof schemas)[number];
        let text: string;
        if (random() < 0.25) {
          text = Array.from({ length: Math.floor(random() * 60) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
        } else {
          text = valid;
          const mutations = 1 + Math.floor(random() * 3);
          for (let m = 0; m < mutations; m++) {
            const at = Math.floor(random() * text.length);
            const what = random();
            const char = alphabet[Math.floor(random() * alphabet.length)] ?? '';
            if (what < 0.5) text = text.slice(0, at) + char + text.slice(at + 1);
            else if (what < 0.75) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 5));
            else text = text.slice(0, at) + char + text.slice(at);
          }
        }
        try {
          parseSbiJson(text, schema as never, 'fuzz');
          parsed++;
        } catch (error) {
          if (!(error instanceof DeviceError) || error.code !== 'protocol') throw new Error(`seed ${seed}, input ${i} ${JSON.stringify(text)}: ${String(error)}`);
        }
        if (i % 10 === 0) {
          // The JWS decoder on mutated tokens, too.
          const token = text.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 80);
          try {
            decodeSbiJws(token, 'fuzz');
          } catch (error) {
            if (!(error instanceof DeviceError)) throw new Error(`seed ${seed}, token ${token}: ${String(error)}`);
          }
        }
      }
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    expect(parsed).toBeGreaterThan(1000); // mutations inside string values still parse
    // A hang guard, not a benchmark: ~2 s on an idle machine, more when other suites share the cores.
  });
});

describe('M-JPEG multipart splitter (Device Stream Response)', () => {
  const jpeg = (n: number) => Buffer.concat([Buffer.of(0xff, 0xd8, 0xff, 0xe0), Buffer.alloc(n, n & 0xff), Buffer.of(0xff, 0xd9)]);

  it('reads the boundary from Content-Type', () => {
    expect(parseMultipartBoundary('multipart/x-mixed-replace; boundary=mosipframe')).toBe('mosipframe');
    expect(parseMultipartBoundary('multipart/x-mixed-replace;boundary="a b"')).toBe('a b');
    expect(parseMultipartBoundary('application/json')).toBeNull();
    expect(parseMultipartBoundary(undefined)).toBeNull();
  });

  it('splits frames with Content-Length, in any chunking', () => {
    const stream = Buffer.concat(
      [jpeg(10), jpeg(300), jpeg(0)].flatMap((f) => [Buffer.from(`--b\r\nContent-Type: image/jpeg\r\nContent-Length: ${f.length}\r\n\r\n`), f, Buffer.from('\r\n')]).concat(Buffer.from('--b--\r\n')),
    );
    for (const size of [1, 3, 7, 64, stream.length]) {
      const splitter = new MultipartSplitter('b');
      const parts: MultipartPart[] = [];
      for (let at = 0; at < stream.length; at += size) parts.push(...splitter.push(stream.subarray(at, at + size)));
      expect(parts.map((p) => p.body)).toEqual([jpeg(10), jpeg(300), jpeg(0)]);
      expect(parts[0]?.headers['content-type']).toBe('image/jpeg');
      expect(splitter.finished).toBe(true);
    }
  });

  it('splits frames without Content-Length at the next delimiter, and accepts "--x" written for boundary=--x', () => {
    const splitter = new MultipartSplitter('--frame');
    const parts = splitter.push(Buffer.concat([Buffer.from('--frame\r\nContent-Type: image/jpeg\r\n\r\n'), jpeg(5), Buffer.from('\r\n--frame\r\n\r\n'), jpeg(6), Buffer.from('\r\n--frame\r\n')]));
    expect(parts.map((p) => p.body)).toEqual([jpeg(5), jpeg(6)]);
  });

  it('refuses parts that break the limits', () => {
    expect(() => new MultipartSplitter('b', { maxPartBytes: 100 }).push(Buffer.from('--b\r\nContent-Length: 101\r\n\r\n'))).toThrow(DeviceError);
    expect(() => new MultipartSplitter('b').push(Buffer.from('--b\r\nno colon here\r\n\r\n'))).toThrow(DeviceError);
    expect(() => new MultipartSplitter('b', { maxPartBytes: 64 }).push(Buffer.concat([Buffer.from('--b\r\n\r\n'), Buffer.alloc(100)]))).toThrow(DeviceError);
  });

  it('survives 100,000 random and mutated streams without hanging: parts or DeviceError', () => {
    const seed = 0x3f9;
    const random = createPrng(seed);
    const valid = Buffer.concat([Buffer.from('--b\r\nContent-Type: image/jpeg\r\nContent-Length: 8\r\n\r\n'), jpeg(2), Buffer.from('\r\n--b\r\n\r\n'), jpeg(3), Buffer.from('\r\n--b--\r\n')]);
    let parts = 0;
    for (let i = 0; i < 100_000; i++) {
      let input: Buffer;
      if (random() < 0.3) input = Buffer.from(Array.from({ length: Math.floor(random() * 80) }, () => Math.floor(random() * 256)));
      else {
        input = Buffer.from(valid);
        for (let m = 0; m < 1 + Math.floor(random() * 3); m++) {
          const at = Math.floor(random() * input.length);
          const what = random();
          if (what < 0.6) input[at] = '-\r\nb:0123456789'.charCodeAt(Math.floor(random() * 15));
          else if (what < 0.8) input = Buffer.concat([input.subarray(0, at), input.subarray(at + 1 + Math.floor(random() * 4))]);
          else input = Buffer.concat([input.subarray(0, at), Buffer.from('--b\r\n'), input.subarray(at)]);
        }
      }
      const splitter = new MultipartSplitter('b', { maxPartBytes: 1024, maxHeaderBytes: 128 });
      try {
        for (let at = 0; at < input.length; ) {
          const size = 1 + Math.floor(random() * 40);
          parts += splitter.push(input.subarray(at, at + size)).length;
          at += size;
        }
      } catch (error) {
        if (!(error instanceof DeviceError) || error.code !== 'protocol') throw new Error(`seed ${seed}, input ${i} ${input.toString('hex')}: ${String(error)}`);
      }
    }
    expect(parts).toBeGreaterThan(10_000);
  });
});
