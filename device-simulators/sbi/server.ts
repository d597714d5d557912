/**
 * A MOSIP SBI 0.9.5 device service (devices.md §5) for a simulated finger
 * slap scanner, on loopback: MOSIPDISC /device, MOSIPDINFO /info, RCAPTURE
 * /capture, STREAM /stream. Finger images come from the synthetic fingerprint
 * generator, are stored as PNG inside ISO/IEC 19794-4:2011 records, and are
 * signed (RS256, as the spec's Digital ID section shows) with a device key
 * made at start, whose self-signed certificate rides in the JWS header's x5c.
 *
 * Why not node:http's server: its parser (llhttp) accepts only the methods it
 * knows and answers "400 Bad Request" (HPE_INVALID_METHOD) to MOSIPDISC,
 * MOSIPDINFO, RCAPTURE and STREAM before any handler runs — checked on Node 20.
 * So this reads HTTP/1.1 itself over net.Server: request line, headers, a
 * Content-Length body; one request per connection, closed after the answer
 * (the spec's responses say "Connection: Closed").
 */
import net from 'node:net';
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { CompactSign, base64url } from 'jose';
import sharp from 'sharp';
import { captureTimeFromDate, encodeFingerImageRecord, FingerCompression, FingerScaleUnits, IMPRESSION_LIVE_SCAN_PLAIN } from '../../drivers/records/iso19794-4.js';
import {
  SBI_SPEC_VERSION,
  SBI_TRANSACTION_ID,
  SbiErrorCode,
  computeSbiHash,
  sbiDiscoveryTypes,
  sbiFingerPosition,
  sbiFingerSubTypes,
  sbiRcaptureRequestSchema,
  sbiSlapFingers,
  sbiStreamRequestSchema,
  sbiTimestamp,
  type SbiDeviceStatus,
  type SbiFingerSubType,
} from '../../drivers/sbi/protocol.js';
import { hasFingerprint, rememberFingerprint, synthesizeFingerprintAsync, type FingerprintQuality } from '../fingerprint/synthetic.js';
import { createPrng } from '../random.js';
import { selfSignedRsaCertificate } from './certificate.js';
import type { PrintBatch } from './print-worker.js';

export type SbiFault =
  | 'busy' // status Busy, every capture answered with error 111
  | 'not_registered' // status Not Registered, error 100, deviceInfo unsigned
  | 'timeout' // reads the request and never answers
  | 'garbage' // answers 200 with bytes that are not JSON
  | 'bad_hash' // RCAPTURE hashes do not continue the chain
  | 'bad_signature' // RCAPTURE data (and deviceInfo) signed by a key that is not the device's
  | 'disconnect'; // closes the socket halfway through the answer

export const sbiFaults: readonly SbiFault[] = ['busy', 'not_registered', 'timeout', 'garbage', 'bad_hash', 'bad_signature', 'disconnect'];

export interface SbiSimulatorOptions {
  /** Default 0: an ephemeral port (the CLI uses 4501, the first SBI port). */
  port?: number;
  host?: string;
  quality?: FingerprintQuality;
  fault?: SbiFault | null;
  seed?: number;
  /** Each finger image, in pixels at 500 ppi (default 256 × 320: a plain finger segment). */
  fingerWidth?: number;
  fingerHeight?: number;
  /** How long a capture takes (the scan); the device is Busy and the stream paused meanwhile. */
  captureDelayMs?: number;
  /**
   * Before the scan, how long RCAPTURE waits for the fingers to settle on the
   * glass (default 0). The device is Busy, but a running STREAM keeps sending
   * frames: that is what the operator watches while the applicant places the
   * finger. The pause for the scan itself follows the spec ("frames should not
   * be added to the stream" while the capture is taken).
   */
  fingerLandingMs?: number;
  /** Preview frames per second (the spec asks for at least 3). */
  streamFps?: number;
  /**
   * Make all ten prints in the background from the start (one after another), so that the first preview and capture
   * need not wait: in a worker thread at a lower priority where one can run (./print-worker.ts), else in this thread
   * a slice at a time.
   */
  prepareFingers?: boolean;
  /** Called when the 'disconnect' fault has cut an answer halfway (the bench then pulls the whole device: app/devices/simulation.ts). */
  onDisconnect?: () => void;
}

export interface SbiSimulator {
  url: string;
  port: number;
  host: string;
  deviceId: string;
  serialNo: string;
  /** The device key's self-signed certificate: what a station configures as trusted. */
  certificatePem: string;
  publicKey: KeyObject;
  readonly status: SbiDeviceStatus;
  /** RCAPTURE answers sent. */
  readonly captures: number;
  setFault(fault: SbiFault | null): void;
  /**
   * The next RCAPTURE's fingers come out at this quality (one capture only;
   * then the configured quality again) — all of them, or only the `fingers`
   * listed (one poor finger in a slap of four).
   */
  setNextQuality(quality: FingerprintQuality, fingers?: readonly SbiFingerSubType[]): void;
  stop(): Promise<void>;
}

const DEVICE_ID = '1';
/** What the preview camera sees of glass with no finger on it: near-white. */
const EMPTY_GLASS = 236;
const PPI = 500;
/** Registration devices are L0 unless an FTM is present (Device Trust); this is software. */
const CERTIFICATION = 'L0';
const SERVICE_VERSION = '0.9.5';
const MAX_HEADER_BYTES = 16 << 10;
const MAX_BODY_BYTES = 1 << 20;

/** NFIQ-like 0–100 score per synthetic quality (spec: qualityScore 0–100; higher is better). */
const qualityBase: Record<FingerprintQuality, number> = { good: 88, poor_contrast: 38, smudged: 42, partial: 48, dry: 52, wet: 45 };

const reasonPhrases: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 413: 'Payload Too Large' };

interface Request {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

const generateKeyPairAsync = promisify(generateKeyPair);

async function makeRsaKey(): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return generateKeyPairAsync('rsa', { modulusLength: 2048 });
}

export async function startSbiSimulator(options: SbiSimulatorOptions = {}): Promise<SbiSimulator> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 1;
  const quality = options.quality ?? 'good';
  const fingerWidth = options.fingerWidth ?? 256;
  const fingerHeight = options.fingerHeight ?? 320;
  const captureDelayMs = options.captureDelayMs ?? 50;
  const streamFps = options.streamFps ?? 10;
  const fingerLandingMs = options.fingerLandingMs ?? 0;
  let nextQuality: FingerprintQuality | null = null;
  /** The fingers nextQuality is for; null: every finger of the capture. */
  let nextQualityFingers: readonly SbiFingerSubType[] | null = null;
  /** The scan proper: the stream sends nothing meanwhile. */
  let scanning = false;
  let fault: SbiFault | null = options.fault ?? null;
  const random = createPrng(seed);
  const serialNo = `BALCAOSIM${Math.floor(random() * 1e9).toString().padStart(9, '0')}`;

  const deviceKey = await makeRsaKey();
  let rogueKey: KeyObject | null = null;
  const now = new Date();
  const certificate = selfSignedRsaCertificate(deviceKey.publicKey, deviceKey.privateKey, {
    commonName: `Balcão simulated slap scanner ${serialNo}`,
    organization: 'Balcão device simulators',
    serial: Buffer.from(Array.from({ length: 8 }, (_, i) => (i === 0 ? 0x40 : Math.floor(random() * 256)))),
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 30 * 86_400_000), // 30 days: the spec's recommended device key rotation
  });
  const certificateB64 = certificate.toString('base64');
  const certificatePem = `-----BEGIN CERTIFICATE-----\n${certificateB64.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END CERTIFICATE-----\n`;

  let busy = false;
  let captures = 0;
  let port = 0;
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  /** Each finger's print, made once, in slices (a 320 × 400 print is most of a second of arithmetic). */
  const fingerCache = new Map<SbiFingerSubType, Promise<Uint8Array>>();
  /** The prints made so far, for the preview, which must not wait for any. */
  const fingerReady = new Map<SbiFingerSubType, Uint8Array>();

  const status = (): SbiDeviceStatus => (fault === 'not_registered' ? 'Not Registered' : fault === 'busy' || busy ? 'Busy' : 'Ready');
  const statusError = () => {
    const s = status();
    if (s === 'Not Registered') return { errorCode: String(SbiErrorCode.notRegistered), errorInfo: 'Device not registered' };
    if (s === 'Busy') return { errorCode: String(SbiErrorCode.busy), errorInfo: 'Device is Busy' };
    return { errorCode: '0', errorInfo: 'Success' };
  };
  const callbackId = () => `http://${host}:${port}/`;

  const digitalIdPayload = () => ({
    serialNo,
    make: 'Balcão',
    model: 'SIM-SLAP-4',
    type: 'Finger',
    deviceSubType: 'Slap',
    deviceProvider: 'Balcão device simulators',
    deviceProviderId: 'BALCAO-SIM',
    dateTime: sbiTimestamp(new Date()),
  });

  const unsigned = (payload: unknown) => base64url.encode(JSON.stringify(payload));
  const signed = async (payload: unknown, key: KeyObject = deviceKey.privateKey) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5c: [certificateB64] }).sign(key);
  const rogue = async () => (rogueKey ??= (await makeRsaKey()).privateKey);

  // One seed per finger: the same applicant's finger looks the same on every capture, as a real one would.
  const fingerOptions = (finger: SbiFingerSubType, made: FingerprintQuality) => ({ width: fingerWidth, height: fingerHeight, quality: made, seed: seed * 16 + sbiFingerPosition[finger] });
  const remember = (finger: SbiFingerSubType, pixels: Promise<Uint8Array>) => {
    pixels.then((made) => fingerReady.set(finger, made)).catch(() => undefined);
    fingerCache.set(finger, pixels);
    return pixels;
  };

  const fingerPixels = (finger: SbiFingerSubType, once?: FingerprintQuality): Promise<Uint8Array> => {
    // A one-off poorer capture of the same finger: same seed, another quality, not cached.
    if (once !== undefined && once !== quality) return synthesizeFingerprintAsync(fingerOptions(finger, once));
    return fingerCache.get(finger) ?? remember(finger, synthesizeFingerprintAsync(fingerOptions(finger, quality)));
  };

  /** The worker making the prints (prepareFingers), ended with the service. */
  let printWorker: PrintBatch | null = null;
  let stopped = false;

  if (options.prepareFingers) {
    const order = [...sbiFingerSubTypes].sort((a, b) => sbiFingerPosition[a] - sbiFingerPosition[b]);
    const inThisThread = () => void order.reduce<Promise<unknown>>((previous, finger) => previous.then(() => fingerPixels(finger)), Promise.resolve()).catch(() => undefined);
    // Loaded with import(): the bundler then gives the worker's entry a small chunk of its own (./print-worker.ts).
    void import('./print-worker.js')
      .then(({ makePrintsInWorker }) => {
        if (stopped) return;
        // Prints already on the shelf (made by an earlier start in this process) are not made again.
        for (const finger of order) if (!fingerCache.has(finger) && hasFingerprint(fingerOptions(finger, quality))) void fingerPixels(finger);
        const wanted = order.filter((finger) => !fingerCache.has(finger));
        if (wanted.length === 0) return;
        const batch = makePrintsInWorker(wanted.map((finger) => fingerOptions(finger, quality)));
        if (batch === null) return inThisThread();
        printWorker = batch;
        wanted.forEach((finger, index) => {
          const made = (batch.prints[index] as Promise<Uint8Array>).then((pixels) => {
            rememberFingerprint(fingerOptions(finger, quality), pixels);
            return pixels;
          });
          // Should the worker fail, the print is made here after all (not once the service has stopped).
          remember(finger, made.catch((error: unknown) => (stopped ? Promise.reject(error) : synthesizeFingerprintAsync(fingerOptions(finger, quality)))));
        });
      })
      .catch(inThisThread);
  }

  // ---- handlers --------------------------------------------------------------------------

  const discover = (request: Request): Answer => {
    let type = '';
    try {
      const body = JSON.parse(request.body.toString('utf8') || '{}') as { type?: unknown };
      type = typeof body.type === 'string' ? body.type.trim() : '';
    } catch {
      type = '';
    }
    const known = sbiDiscoveryTypes.find((t) => t.toLowerCase() === type.toLowerCase());
    if (!known) return json([{ error: { errorCode: '502', errorInfo: `Invalid type for discovery: expected one of ${sbiDiscoveryTypes.join(', ')}` } }]);
    if (known !== 'Biometric Device' && known !== 'Finger') return json([]);
    const notRegistered = status() === 'Not Registered';
    return json([
      {
        deviceId: DEVICE_ID,
        deviceStatus: status(),
        certification: CERTIFICATION,
        serviceVersion: SERVICE_VERSION,
        deviceSubId: ['1', '2', '3'],
        callbackId: callbackId(),
        digitalId: unsigned(digitalIdPayload()), // discovery's digital ID is never signed (Signature table)
        deviceCode: serialNo,
        specVersion: [SBI_SPEC_VERSION],
        purpose: notRegistered ? '' : 'Registration',
        error: statusError(),
      },
    ]);
  };

  const info = async (): Promise<Answer> => {
    const notRegistered = status() === 'Not Registered';
    const payload = {
      deviceStatus: status(),
      deviceId: DEVICE_ID,
      firmware: SERVICE_VERSION, // L0: firmware is the service version (deviceInfo.firmware)
      certification: CERTIFICATION,
      serviceVersion: SERVICE_VERSION,
      deviceSubId: ['1', '2', '3'],
      callbackId: callbackId(),
      digitalId: notRegistered ? unsigned(digitalIdPayload()) : await signed(digitalIdPayload()),
      deviceCode: serialNo,
      env: notRegistered ? 'None' : 'Staging',
      purpose: notRegistered ? '' : 'Registration',
      specVersion: [SBI_SPEC_VERSION],
    };
    const deviceInfo = notRegistered ? unsigned(payload) : await signed(payload, fault === 'bad_signature' ? await rogue() : deviceKey.privateKey);
    return json([{ deviceInfo, error: statusError() }]);
  };

  const captureError = (errorCode: number, errorInfo: string): Answer =>
    json({ biometrics: [{ specVersion: SBI_SPEC_VERSION, data: '', hash: '', error: { errorCode: String(errorCode), errorInfo } }] });

  const rcapture = async (request: Request): Promise<Answer> => {
    let parsedBody: unknown;
    try {
      parsedBody = JSON.parse(request.body.toString('utf8'));
    } catch {
      return captureError(502, 'Invalid JSON in the capture request');
    }
    const parsed = sbiRcaptureRequestSchema.safeParse(parsedBody);
    if (!parsed.success) return captureError(502, `Invalid capture request: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim());
    const req = parsed.data;
    if (status() === 'Not Registered') return captureError(SbiErrorCode.notRegistered, 'Device not registered');
    if (status() === 'Busy') return captureError(SbiErrorCode.busy, 'Device is Busy');
    if (!SBI_TRANSACTION_ID.test(req.transactionId)) return captureError(SbiErrorCode.invalidTransactionId, 'Invalid Transaction ID');
    const bio = req.bio[0];
    if (!bio || bio.type !== 'Finger' || String(bio.deviceId) !== DEVICE_ID || ![1, 2, 3].includes(bio.deviceSubId)) {
      return captureError(SbiErrorCode.deviceNotFound, 'Device not found');
    }
    const slap = sbiSlapFingers[bio.deviceSubId as 1 | 2 | 3];
    const wanted = (bio.bioSubType ?? []).filter((s) => s !== 'UNKNOWN');
    let fingers = slap.filter((f) => !bio.exception.includes(f) && (wanted.length === 0 || wanted.includes(f)));
    if (!Number.isInteger(bio.count) || bio.count < 1 || bio.count > slap.length) return captureError(SbiErrorCode.countNotSupported, 'Requested number of biometric (Finger/IRIS) not supported');
    fingers = fingers.slice(0, bio.count);
    if (fingers.length === 0) return captureError(SbiErrorCode.countNotSupported, 'Every finger of this slap is an exception');

    busy = true;
    const oneOff = nextQuality;
    const oneOffFingers = nextQualityFingers;
    nextQuality = null;
    nextQualityFingers = null;
    const qualityOf = (finger: SbiFingerSubType): FingerprintQuality => (oneOff !== null && (oneOffFingers === null || oneOffFingers.includes(finger)) ? oneOff : quality);
    try {
      if (fingerLandingMs + captureDelayMs > req.timeout) {
        await sleep(req.timeout);
        return captureError(SbiErrorCode.noBiometricObject, 'Unable to detect a biometric object');
      }
      if (fingerLandingMs > 0) await sleep(fingerLandingMs);
      scanning = true;
      await sleep(captureDelayMs);
      const captureTime = new Date();
      const biometrics = [];
      let previousHash = bio.previousHash;
      for (const [index, finger] of fingers.entries()) {
        const thisQuality = qualityOf(finger);
        const pixels = await fingerPixels(finger, thisQuality);
        const png = await sharp(Buffer.from(pixels), { raw: { width: fingerWidth, height: fingerHeight, channels: 1 } })
          .png({ compressionLevel: 6 })
          .toBuffer();
        const score = Math.max(0, Math.min(100, Math.round(qualityBase[thisQuality] + (random() - 0.5) * 10)));
        const iso = encodeFingerImageRecord({
          representations: [
            {
              captureTime: captureTimeFromDate(captureTime),
              deviceTechnology: 0, // unknown/unspecified (Table 5): simulated
              deviceVendor: 0,
              deviceType: 0,
              quality: [{ score, vendorId: 0, algorithmId: 0 }],
              fingerPosition: sbiFingerPosition[finger],
              representationNumber: index + 1,
              scaleUnits: FingerScaleUnits.ppi,
              captureSamplingRate: { horizontal: PPI, vertical: PPI },
              imageSamplingRate: { horizontal: PPI, vertical: PPI },
              bitDepth: 8,
              compression: FingerCompression.png,
              impressionType: IMPRESSION_LIVE_SCAN_PLAIN,
              width: fingerWidth,
              height: fingerHeight,
              image: png,
            },
          ],
        });
        const data = {
          digitalId: await signed(digitalIdPayload()),
          bioType: 'Finger',
          deviceCode: serialNo,
          deviceServiceVersion: SERVICE_VERSION,
          bioSubType: finger,
          purpose: req.purpose,
          env: req.env,
          bioValue: base64url.encode(iso),
          transactionId: req.transactionId,
          timestamp: sbiTimestamp(captureTime),
          requestedScore: String(bio.requestedScore),
          qualityScore: String(score),
        };
        let hash = computeSbiHash(previousHash, iso);
        // bad_hash: the second link (or the only one) claims a hash the chain does not give; later links follow the claim.
        if (fault === 'bad_hash' && index === Math.min(1, fingers.length - 1)) hash = computeSbiHash(hash, iso);
        previousHash = hash;
        biometrics.push({
          specVersion: SBI_SPEC_VERSION,
          data: await signed(data, fault === 'bad_signature' ? await rogue() : deviceKey.privateKey),
          hash,
          error: { errorCode: '0', errorInfo: 'Success' },
        });
      }
      captures++;
      return json({ biometrics });
    } finally {
      busy = false;
      scanning = false;
    }
  };

  const stream = (request: Request, socket: net.Socket): void => {
    let body: unknown;
    try {
      body = JSON.parse(request.body.toString('utf8') || '{}');
    } catch {
      body = null;
    }
    const parsed = sbiStreamRequestSchema.safeParse(body);
    const streamError = (errorCode: number, errorInfo: string) => send(socket, json({ error: { errorCode: String(errorCode), errorInfo } }));
    if (!parsed.success) return streamError(502, 'Invalid stream request');
    if (String(parsed.data.deviceId) !== DEVICE_ID || ![1, 2, 3].includes(parsed.data.deviceSubId)) return streamError(SbiErrorCode.deviceNotFound, 'Device not found');
    if (status() === 'Not Registered') return streamError(SbiErrorCode.notRegistered, 'Device not registered');
    if (fault === 'busy') return streamError(SbiErrorCode.busy, 'Device is Busy');
    const timeoutMs = parsed.data.timeout ?? 5 * 60_000; // spec: "by default, the value will be 5 minutes"
    const slapFingers = sbiSlapFingers[parsed.data.deviceSubId as 1 | 2 | 3];
    // The prints are made one after another in the background; until one is ready its place shows empty glass.
    void slapFingers.reduce<Promise<unknown>>((previous, finger) => previous.then(() => fingerPixels(finger)), Promise.resolve()).catch(() => undefined);
    const boundary = 'mosipframe';
    socket.write(
      `HTTP/1.1 200 OK\r\nCache-Control: no-store\r\nContent-Type: multipart/x-mixed-replace; boundary=${boundary}\r\nConnection: close\r\n\r\n`,
    );
    let frame = 0;
    let sending = false;
    const tick = setInterval(() => {
      // "When the Device Registration Capture API is called the frames should not be added to the stream."
      if (sending || scanning || socket.destroyed) return;
      sending = true;
      void previewJpeg(slapPreview(slapFingers), frame++)
        .then((jpeg) => {
          if (socket.destroyed) return;
          socket.write(`--${boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
          socket.write(jpeg);
          socket.write('\r\n');
        })
        .catch(() => socket.destroy())
        .finally(() => {
          sending = false;
        });
    }, Math.round(1000 / streamFps));
    const end = setTimeout(() => {
      clearInterval(tick);
      if (!socket.destroyed) socket.end(`--${boundary}--\r\n`);
    }, timeoutMs);
    timers.add(tick).add(end);
    socket.on('close', () => {
      clearInterval(tick);
      clearTimeout(end);
      timers.delete(tick);
      timers.delete(end);
    });
  };

  /** The slap's fingers side by side at half resolution: what the preview camera "sees". */
  const slapPreview = (fingers: readonly SbiFingerSubType[]) => {
    const w = Math.floor(fingerWidth / 2);
    const h = Math.floor(fingerHeight / 2);
    const width = w * fingers.length;
    const pixels = new Uint8Array(width * h);
    pixels.fill(EMPTY_GLASS);
    fingers.forEach((finger, f) => {
      const source = fingerReady.get(finger);
      if (source === undefined) return;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pixels[y * width + f * w + x] = source[y * 2 * fingerWidth + x * 2] ?? 255;
    });
    return { width, height: h, pixels };
  };

  const previewJpeg = (preview: { width: number; height: number; pixels: Uint8Array }, frame: number) => {
    // The finger settles: a small sideways drift that shrinks, so consecutive frames differ.
    const shift = Math.max(0, 6 - frame) * 2;
    const { width, height, pixels } = preview;
    const moved = new Uint8Array(pixels.length);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) moved[y * width + x] = pixels[y * width + Math.min(width - 1, x + shift)] ?? 255;
    return sharp(Buffer.from(moved), { raw: { width, height, channels: 1 } }).jpeg({ quality: 70 }).toBuffer();
  };

  // ---- HTTP/1.1 over net --------------------------------------------------------------------

  const handle = async (request: Request, socket: net.Socket): Promise<void> => {
    if (fault === 'timeout') return; // holds the connection open and says nothing
    if (fault === 'garbage') {
      const junk = Buffer.from(Array.from({ length: 48 }, () => Math.floor(random() * 256)));
      return send(socket, { status: 200, contentType: 'application/json', body: Buffer.concat([Buffer.from('{"biometrics":[\u0000'), junk]) });
    }
    const key = `${request.method} ${request.path}`;
    let answer: Answer;
    if (key === 'MOSIPDISC /device') answer = discover(request);
    else if (key === 'MOSIPDINFO /info') answer = await info();
    else if (key === 'RCAPTURE /capture') answer = await rcapture(request);
    else if (key === 'CAPTURE /capture') answer = captureError(501, 'CAPTURE (authentication) is not offered by this registration device; use RCAPTURE');
    else if (key === 'STREAM /stream') return stream(request, socket);
    else if (['/device', '/info', '/capture', '/stream'].includes(request.path)) answer = { ...json({ error: { errorCode: '405', errorInfo: `${request.method} is not a method of ${request.path}` } }), status: 405 };
    else answer = { ...json({ error: { errorCode: '404', errorInfo: `No such path ${request.path}` } }), status: 404 };
    send(socket, answer);
  };

  const send = (socket: net.Socket, answer: Answer): void => {
    if (socket.destroyed) return;
    const head =
      `HTTP/1.1 ${answer.status} ${reasonPhrases[answer.status] ?? 'Error'}\r\n` +
      `Cache-Control: no-store\r\nLocation: http://${host}:${port}\r\n` +
      `Content-Type: ${answer.contentType}\r\nContent-Length: ${answer.body.length}\r\nConnection: close\r\n\r\n`;
    if (fault === 'disconnect') {
      socket.write(head);
      socket.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)), () => {
        socket.destroy();
        options.onDisconnect?.();
      });
      return;
    }
    socket.end(Buffer.concat([Buffer.from(head, 'latin1'), answer.body]));
  };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = Buffer.alloc(0);
    let request: Omit<Request, 'body'> & { length: number; headerEnd: number } | null = null;
    let handled = false;
    socket.on('data', (chunk: Buffer) => {
      if (handled) return;
      buffer = Buffer.concat([buffer, chunk]);
      if (!request) {
        const headerEnd = buffer.indexOf('\r\n\r\n');
        if (headerEnd < 0) {
          if (buffer.length > MAX_HEADER_BYTES) reject(socket, 400, 'Request headers too long');
          return;
        }
        const lines = buffer.subarray(0, headerEnd).toString('latin1').split('\r\n');
        const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
        if (!match) return reject(socket, 400, 'Not an HTTP/1.1 request line');
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          if (colon <= 0) return reject(socket, 400, 'Malformed header line');
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const lengthText = headers['content-length'] ?? '0';
        if (!/^\d{1,9}$/.test(lengthText)) return reject(socket, 400, 'Bad Content-Length');
        const length = Number(lengthText);
        if (length > MAX_BODY_BYTES) return reject(socket, 413, 'Request body too large');
        const target = match[2] ?? '/';
        // The spec writes absolute URLs in its examples (MOSIPDISC http://127.0.0.1:4501/device); accept both forms.
        const path = (/^https?:\/\//i.test(target) ? new URL(target).pathname : target.split('?')[0]) ?? '/';
        request = { method: (match[1] ?? '').toUpperCase(), path: path.replace(/\/+$/, '') || '/', headers, length, headerEnd };
      }
      const bodyStart = request.headerEnd + 4;
      if (buffer.length - bodyStart < request.length) return;
      handled = true;
      const full: Request = { method: request.method, path: request.path, headers: request.headers, body: buffer.subarray(bodyStart, bodyStart + request.length) };
      handle(full, socket).catch((error: unknown) => send(socket, { ...json({ error: { errorCode: '500', errorInfo: (error as Error).message } }), status: 200 }));
    });
  });

  const reject = (socket: net.Socket, status: number, message: string) => {
    socket.end(`HTTP/1.1 ${status} ${reasonPhrases[status] ?? 'Error'}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`);
  };

  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', rejectListen);
      resolve();
    });
  });
  port = (server.address() as net.AddressInfo).port;

  return {
    url: `http://${host}:${port}`,
    port,
    host,
    deviceId: DEVICE_ID,
    serialNo,
    certificatePem,
    publicKey: deviceKey.publicKey,
    get status() {
      return status();
    },
    get captures() {
      return captures;
    },
    setFault(next) {
      fault = next;
    },
    setNextQuality(next, fingers) {
      nextQuality = next;
      nextQualityFingers = fingers === undefined ? null : [...fingers];
    },
    async stop() {
      stopped = true;
      await printWorker?.stop();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
}

function json(value: unknown): Answer {
  return { status: 200, contentType: 'application/json', body: Buffer.from(JSON.stringify(value), 'utf8') };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The finger bioSubTypes, for callers that validate exceptions. */
export { sbiFingerSubTypes };
