/**
 * The SBI client against the SBI simulator over real loopback sockets:
 * discovery by port scan, info, RCAPTURE with ISO records and the hash chain,
 * STREAM frame rate, and every fault the simulator injects.
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSbiSimulator, type SbiSimulator, type SbiSimulatorOptions } from '../../device-simulators/sbi/server.js';
import { DeviceError } from '../../drivers/errors.js';
import { FingerCompression } from '../../drivers/records/iso19794-4.js';
import { SbiClient, discoverSbiServices, sbiCaptureToRaw, sbiTrust, type SbiClientOptions } from '../../drivers/sbi/driver.js';
import { SBI_INITIAL_HASH, computeSbiHash } from '../../drivers/sbi/protocol.js';

const small: SbiSimulatorOptions = { fingerWidth: 96, fingerHeight: 128, seed: 7 };
const started: SbiSimulator[] = [];
async function simulator(options: SbiSimulatorOptions = {}): Promise<SbiSimulator> {
  const sim = await startSbiSimulator({ ...small, ...options });
  started.push(sim);
  return sim;
}
afterAll(async () => {
  for (const sim of started.splice(0)) await sim.stop();
});

async function failure(promise: Promise<unknown>): Promise<DeviceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DeviceError);
    return error as DeviceError;
  }
  throw new Error('expected a DeviceError');
}

/** Ports around the simulator's that nothing listens on (checked by binding and releasing them). */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ports.push((server.address() as net.AddressInfo).port);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return ports;
}

describe('SBI client ↔ simulator (loopback)', () => {
  let sim: SbiSimulator;
  let client: SbiClient;
  beforeAll(async () => {
    sim = await simulator();
    client = new SbiClient(sim.url, { trust: sbiTrust([sim.certificatePem]) });
  });

  it('finds the service by port scan among ports where nothing listens', async () => {
    const empty = await freePorts(6);
    const ports = [...empty.slice(0, 3), sim.port, ...empty.slice(3)];
    const found = await discoverSbiServices({ ports, timeoutMs: 1000, concurrency: 3 });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      family: 'sbi',
      kind: 'fingerprint',
      address: sim.url,
      port: sim.port,
      make: 'Balcão',
      model: 'SIM-SLAP-4',
      serial: sim.serialNo,
      deviceId: '1',
      deviceSubIds: [1, 2, 3],
      status: 'Ready',
    });
    expect(found[0]?.discovery.specVersion).toEqual(['0.9.5']);
    expect(found[0]?.digitalId?.deviceSubType).toBe('Slap');
  });

  it('reads device info with a verified signature', async () => {
    const [entry] = await client.info();
    expect(entry?.deviceInfo).toMatchObject({ deviceStatus: 'Ready', deviceId: '1', certification: 'L0', purpose: 'Registration', deviceCode: sim.serialNo });
    expect(entry?.signed).toBe(true);
    expect(entry?.signatureVerified).toBe(true);
    expect(entry?.digitalId?.serialNo).toBe(sim.serialNo);
    // Without trust the signature is decoded but reported unverified.
    const [untrusted] = await new SbiClient(sim.url).info();
    expect(untrusted?.signatureVerified).toBe(false);
  });

  it('captures a left slap with one exception: three fingers, valid ISO records, chained across two captures', async () => {
    client.resetChain();
    const first = await client.rcapture({ deviceId: '1', deviceSubId: 1, exception: ['Left RingFinger'], timeoutMs: 5000 });
    expect(first.previousHash).toBe(SBI_INITIAL_HASH);
    expect(first.captures.map((c) => c.bioSubType)).toEqual(['Left IndexFinger', 'Left MiddleFinger', 'Left LittleFinger']);
    expect(first.chainValid).toBe(true);
    let chain = SBI_INITIAL_HASH;
    for (const capture of first.captures) {
      expect(capture.hashValid).toBe(true);
      expect(capture.signatureVerified).toBe(true);
      expect(capture.hash).toBe(computeSbiHash(chain, capture.isoBytes));
      chain = capture.hash;
      const representation = capture.iso?.representations[0];
      expect(representation).toMatchObject({ compression: FingerCompression.png, bitDepth: 8, width: 96, height: 128, imageSamplingRate: { horizontal: 500, vertical: 500 } });
      expect(capture.image).toMatchObject({ width: 96, height: 128, ppi: 500 });
      expect(capture.image?.pixels.length).toBe(96 * 128);
      expect(capture.qualityScore).toBeGreaterThan(70);
      expect(capture.device).toMatchObject({ family: 'sbi', make: 'Balcão', serial: sim.serialNo });
      expect(sbiCaptureToRaw(capture)).toMatchObject({ kind: 'fingerprint', image: { width: 96, height: 128 } });
    }
    expect(first.captures[0]?.iso?.representations[0]?.fingerPosition).toBe(7);
    expect(first.lastHash).toBe(chain);
    expect(client.lastHash).toBe(chain);

    const second = await client.rcapture({ deviceId: '1', deviceSubId: 3, timeoutMs: 5000 });
    expect(second.previousHash).toBe(chain);
    expect(second.captures.map((c) => c.bioSubType)).toEqual(['Left Thumb', 'Right Thumb']);
    expect(second.captures[0]?.hash).toBe(computeSbiHash(chain, second.captures[0]?.isoBytes ?? new Uint8Array()));
    expect(second.chainValid).toBe(true);
  });

  it('is Busy while a capture runs, and says so to a second capture', async () => {
    const slow = await simulator({ captureDelayMs: 300 });
    const c = new SbiClient(slow.url);
    const running = c.rcapture({ deviceId: '1', deviceSubId: 2, timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(slow.status).toBe('Busy');
    const [info] = await c.info();
    expect(info?.deviceInfo.deviceStatus).toBe('Busy');
    const error = await failure(new SbiClient(slow.url).rcapture({ deviceId: '1', deviceSubId: 2, timeoutMs: 5000 }));
    expect(error).toMatchObject({ code: 'busy', deviceCode: 111 });
    expect((await running).captures).toHaveLength(4);
    expect(slow.status).toBe('Ready');
  });

  it('answers a wrong device sub-id with 106 and an over-large count with 109', async () => {
    expect(await failure(client.rcapture({ deviceId: '1', deviceSubId: 4, timeoutMs: 2000 }))).toMatchObject({ code: 'not_found', deviceCode: 106 });
    expect(await failure(client.rcapture({ deviceId: '1', deviceSubId: 3, count: 5, timeoutMs: 2000 }))).toMatchObject({ code: 'refused', deviceCode: 109 });
  });

  it('streams M-JPEG frames at 3 frames per second or more', async () => {
    const frames: Buffer[] = [];
    const result = await client.stream({ deviceId: '1', deviceSubId: 1, timeoutMs: 1200 }, (frame) => frames.push(frame.jpeg));
    const fps = result.frames / (result.durationMs / 1000);
    expect(result.frames).toBeGreaterThanOrEqual(3);
    expect(fps).toBeGreaterThanOrEqual(3);
    for (const jpeg of frames) expect([jpeg[0], jpeg[1], jpeg.at(-2), jpeg.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    expect(frames[0]?.equals(frames[1] ?? Buffer.alloc(0))).toBe(false);
  });

  it('stops a stream when the caller aborts', async () => {
    const controller = new AbortController();
    let count = 0;
    const result = await client.stream({ deviceId: '1', deviceSubId: 2, timeoutMs: 10_000, signal: controller.signal }, () => {
      if (++count === 2) controller.abort();
    });
    expect(result.endedBy).toBe('aborted');
    expect(result.frames).toBe(2);
  });
});

describe('SBI simulator faults → client errors', () => {
  const capture = (client: SbiClient) => client.rcapture({ deviceId: '1', deviceSubId: 1, timeoutMs: 2000 });
  const clients: SbiSimulator[] = [];
  afterEach(() => {
    for (const sim of clients.splice(0)) sim.setFault(null);
  });
  async function faulty(fault: NonNullable<SbiSimulatorOptions['fault']>, options: SbiClientOptions = {}): Promise<{ sim: SbiSimulator; client: SbiClient }> {
    const sim = await simulator({ fault });
    clients.push(sim);
    return { sim, client: new SbiClient(sim.url, { timeoutMs: 800, captureMarginMs: 500, ...options }) };
  }

  it('busy → busy (111) on capture, status Busy in discovery', async () => {
    const { client } = await faulty('busy');
    expect(await failure(capture(client))).toMatchObject({ code: 'busy', deviceCode: 111 });
    expect((await client.discover())[0]).toMatchObject({ deviceStatus: 'Busy', error: { errorCode: 111 } });
    expect(await failure(client.stream({ deviceId: '1', deviceSubId: 1, timeoutMs: 1000 }, () => undefined))).toMatchObject({ code: 'busy', deviceCode: 111 });
  });

  it('not_registered → not_approved (100); deviceInfo comes unsigned', async () => {
    const { client } = await faulty('not_registered');
    expect(await failure(capture(client))).toMatchObject({ code: 'not_approved', deviceCode: 100 });
    const [info] = await client.info();
    expect(info).toMatchObject({ signed: false, signatureVerified: false, deviceInfo: { deviceStatus: 'Not Registered', purpose: '' }, error: { errorCode: 100 } });
  });

  it('timeout → timeout naming the method and URL, within the deadline', async () => {
    const { sim, client } = await faulty('timeout');
    const t0 = performance.now();
    const error = await failure(client.info());
    expect(error.code).toBe('timeout');
    expect(error.message).toContain(`MOSIPDINFO`);
    expect(error.message).toContain(`${sim.url}/info`);
    expect(performance.now() - t0).toBeLessThan(2000);
    // RCAPTURE waits for the capture timeout plus the margin.
    const t1 = performance.now();
    expect((await failure(client.rcapture({ deviceId: '1', deviceSubId: 1, timeoutMs: 300 }))).code).toBe('timeout');
    expect(performance.now() - t1).toBeGreaterThanOrEqual(750);
    // A port scan skips it.
    expect(await discoverSbiServices({ ports: [sim.port], timeoutMs: 300 })).toEqual([]);
  });

  it('garbage → protocol', async () => {
    const { client } = await faulty('garbage');
    expect((await failure(capture(client))).code).toBe('protocol');
    expect((await failure(client.info())).code).toBe('protocol');
  });

  it('disconnect → disconnected', async () => {
    const { client } = await faulty('disconnect');
    expect((await failure(capture(client))).code).toBe('disconnected');
    expect((await failure(client.discover())).code).toBe('disconnected');
  });

  it('bad_hash → checksum, and the chain head does not move; with allowUnverified the captures come back flagged and are not handed on', async () => {
    const { client } = await faulty('bad_hash');
    const error = await failure(capture(client));
    expect(error.code).toBe('checksum');
    expect(error.message).toMatch(/does not continue the chain/);
    expect(client.lastHash).toBe(SBI_INITIAL_HASH);
    const { client: lenient } = await faulty('bad_hash', { allowUnverified: true });
    const result = await capture(lenient);
    expect(result.chainValid).toBe(false);
    expect(result.captures.map((c) => c.hashValid)).toEqual([true, false, true, true]);
    expect(lenient.lastHash).toBe(SBI_INITIAL_HASH);
    expect(() => sbiCaptureToRaw(result.captures[1]!)).toThrow(DeviceError);
  });

  it('bad_signature → not_approved when the device certificate is trusted; flagged unverified otherwise', async () => {
    const { sim } = await faulty('bad_signature');
    const trusted = new SbiClient(sim.url, { trust: sbiTrust([sim.certificatePem]) });
    expect((await failure(capture(trusted))).code).toBe('not_approved');
    expect((await trusted.info())[0]?.signatureVerified).toBe(false);
    const lenient = new SbiClient(sim.url, { trust: sbiTrust([sim.certificatePem]), allowUnverified: true });
    const result = await capture(lenient);
    expect(result.captures.every((c) => c.hashValid && !c.signatureVerified)).toBe(true);
    expect(lenient.lastHash).toBe(SBI_INITIAL_HASH);
    // Trusting the right key through its KeyObject works the same as through the certificate.
    sim.setFault(null);
    const good = await new SbiClient(sim.url, { trust: sbiTrust([sim.publicKey]) }).rcapture({ deviceId: '1', deviceSubId: 3, timeoutMs: 2000 });
    expect(good.captures.every((c) => c.signatureVerified)).toBe(true);
  });

  it('no service on the port → not_found', async () => {
    const [port] = await freePorts(1);
    expect((await failure(new SbiClient(`http://127.0.0.1:${port}`).info())).code).toBe('not_found');
  });
});
