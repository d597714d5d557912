import { afterEach, describe, expect, it } from 'vitest';
import { startEf01Simulator, type Ef01Fault, type Ef01Simulator, type Ef01SimulatorOptions } from '../../device-simulators/ef01/simulator.js';
import { DeviceError } from '../errors.js';
import type { ByteLink } from '../transport/byte-link.js';
import { createMemoryLinkPair } from '../transport/memory-link.js';
import { Ef01Driver, ef01CaptureStats, type Ef01DriverOptions } from './driver.js';

interface Rig {
  driver: Ef01Driver;
  simulator: Ef01Simulator;
  host: ByteLink;
  device: ByteLink;
  disconnect: (error?: Error) => void;
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    rig.driver.close();
    await rig.simulator.stop();
    await rig.host.close();
  }
});

function rig(sim: Ef01SimulatorOptions = {}, drv: Ef01DriverOptions = {}, link: { paced?: boolean; baudRate?: number } = {}): Rig {
  const pair = createMemoryLinkPair({ baudRate: link.baudRate ?? 57600, paced: link.paced ?? false, name: 'memory-ef01' });
  const simulator = startEf01Simulator(pair.device, { seed: 11, ...sim, onDisconnect: sim.onDisconnect ?? (() => pair.disconnect()) });
  const driver = new Ef01Driver(pair.host, { timeoutMs: 300, pollIntervalMs: 10, captureTimeoutMs: 2000, ...drv });
  const r = { driver, simulator, host: pair.host, device: pair.device, disconnect: pair.disconnect };
  rigs.push(r);
  return r;
}

async function failure(promise: Promise<unknown>): Promise<DeviceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DeviceError);
    return error as DeviceError;
  }
  throw new Error('expected a DeviceError');
}

function equalPixels(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

describe('Ef01Driver with the simulator (memory link)', () => {
  it('opens: VfyPwd and ReadSysPara', async () => {
    const { driver } = rig();
    const parameters = await driver.open();
    expect(parameters).toMatchObject({ packetSize: 128, baudMultiplier: 6, baudRate: 57600, address: 0xffffffff, librarySize: 200 });
  });

  it('captures 256 × 288 8-bit pixels equal to the simulator image quantised to 4 bits and expanded', async () => {
    const { driver, simulator } = rig({ quality: 'good' });
    const capture = await driver.capture();
    expect(capture.kind).toBe('fingerprint');
    expect(capture.device).toMatchObject({ family: 'ef01', serial: null });
    expect(capture.image).toMatchObject({ width: 256, height: 288, ppi: 500 });
    expect(capture.image.pixels.length).toBe(256 * 288);
    expect(equalPixels(capture.image.pixels, simulator.expectedPixels)).toBe(true);
    for (const p of capture.image.pixels.subarray(0, 2000)) expect(p % 17).toBe(0);
    const stats = ef01CaptureStats(driver);
    expect(stats.imagePackets).toBe(288);
    expect(stats.imageWireBytes).toBe(40_032);
    expect(stats.bytesRead).toBeGreaterThan(40_032);
    expect(stats.captureMs).toBeGreaterThan(0);
  });

  it('reads other packet sizes (32 and 256 bytes)', async () => {
    for (const packetSizeCode of [0, 3]) {
      const { driver, simulator } = rig({ packetSizeCode });
      const capture = await driver.capture();
      expect(equalPixels(capture.image.pixels, simulator.expectedPixels)).toBe(true);
      expect(ef01CaptureStats(driver).imagePackets).toBe(36864 / simulator.packetSize);
    }
  });

  it('a wrong password is refused with code 0x13', async () => {
    const { driver } = rig({ password: 0x12345678 });
    const error = await failure(driver.open());
    expect(error.code).toBe('refused');
    expect(error.deviceCode).toBe(0x13);
    expect(error.message).toMatch(/memory-ef01 at 57600 baud refused VfyPwd: wrong password/);
    const ok = rig({ password: 0x12345678 }, { password: 0x12345678 });
    await expect(ok.driver.open()).resolves.toMatchObject({ packetSize: 128 });
  });

  it('polls GenImg while there is no finger, then captures', async () => {
    const { driver, simulator } = rig({ fingerDelayMs: 150 });
    const capture = await driver.capture();
    expect(equalPixels(capture.image.pixels, simulator.expectedPixels)).toBe(true);
    expect(ef01CaptureStats(driver).polls).toBeGreaterThan(3);
  });

  it('gives up on a finger that never comes with a timeout naming the link', async () => {
    const { driver, simulator } = rig({}, { captureTimeoutMs: 120 });
    simulator.liftFinger();
    const error = await failure(driver.capture());
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/No finger .* memory-ef01 at 57600 baud within 120 ms/);
  });

  const faults: [Ef01Fault, DeviceError['code'], RegExp][] = [
    ['timeout', 'timeout', /No answer from memory-ef01 at 57600 baud to VfyPwd within 300 ms\./],
    ['garbage', 'protocol', /not an EF01 packet.*memory-ef01 at 57600 baud in answer to VfyPwd/],
    ['checksum', 'checksum', /wrong checksum.*memory-ef01 at 57600 baud in answer to VfyPwd/],
    ['busy', 'busy', /memory-ef01 at 57600 baud answered VfyPwd 3 times/],
    ['finger_lifted', 'refused', /memory-ef01 at 57600 baud refused GenImg/],
  ];
  it.each(faults)('fault %s → %s', async (fault, code, message) => {
    const { driver } = rig({ fault });
    const error = await failure(driver.capture());
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('fault truncated (image packet cut short) → protocol', async () => {
    const { driver } = rig({ fault: 'truncated' });
    const error = await failure(driver.capture());
    expect(error.code).toBe('protocol');
    expect(error.message).toMatch(/cut short.*memory-ef01 at 57600 baud in answer to UpImage/);
  });

  it('fault checksum in the image → checksum', async () => {
    const { driver, simulator } = rig();
    await driver.open();
    const capture = driver.capture();
    // The first acks go through; the fault hits a data packet.
    setTimeout(() => simulator.setFault('checksum'), 0);
    const error = await failure(capture);
    expect(error.code).toBe('checksum');
  });

  it('disconnect mid-image → disconnected', async () => {
    const { driver } = rig({ fault: 'disconnect_mid_image' });
    const error = await failure(driver.capture());
    expect(error.code).toBe('disconnected');
    expect(error.message).toMatch(/memory-ef01/);
    expect((await failure(driver.capture())).code).toBe('disconnected');
  });

  it('a lone power-on 0x55 is skipped', async () => {
    const { driver } = rig({ powerOnByte: true });
    await expect(driver.open()).resolves.toMatchObject({ baudMultiplier: 6 });
  });

  it('raises the baud for the upload and restores it: simulator and driver switch together', async () => {
    const { driver, simulator, host, device } = rig({}, { uploadBaudMultiplier: 12 });
    const capture = await driver.capture();
    expect(equalPixels(capture.image.pixels, simulator.expectedPixels)).toBe(true);
    expect(ef01CaptureStats(driver).imageBaud).toBe(115200);
    expect(host.baudRate).toBe(57600);
    expect(device.baudRate).toBe(57600);
    expect(simulator.baudMultiplier).toBe(6);
    await expect(driver.readSystemParameters()).resolves.toMatchObject({ baudRate: 57600 });
  });

  it('after a failed upload at a raised baud both ends go back, and the next capture works', async () => {
    const { driver, simulator, host } = rig({ fault: 'truncated' }, { uploadBaudMultiplier: 12 });
    expect((await failure(driver.capture())).code).toBe('protocol');
    expect(host.baudRate).toBe(57600);
    expect(simulator.baudMultiplier).toBe(6);
    simulator.setFault(null);
    const capture = await driver.capture();
    expect(equalPixels(capture.image.pixels, simulator.expectedPixels)).toBe(true);
  });

  it('a driver that switches baud without telling the device gets an error, not a hang', async () => {
    const { driver, host } = rig();
    await driver.open();
    await host.setBaudRate(115200);
    const error = await failure(driver.capture());
    expect(error.code).toBe('timeout');
    expect(error.message).toMatch(/memory-ef01 at 115200 baud to GenImg within 300 ms/);
  });

  it('drives the Aura LED where supported and ignores it where not', async () => {
    const aura = rig({}, { led: true });
    await aura.driver.capture();
    expect(aura.simulator.led).toMatchObject({ control: 4 });
    const plain = rig({ auraLed: false }, { led: true });
    const capture = await plain.driver.capture();
    expect(capture.image.pixels.length).toBe(256 * 288);
    expect(plain.simulator.led).toBeNull();
  });

  it('paced at 115200 baud the upload takes at least its wire time', async () => {
    const { driver } = rig({}, { timeoutMs: 1000 }, { paced: true, baudRate: 115200 });
    await driver.capture();
    const stats = ef01CaptureStats(driver);
    // 40 032 bytes × 10 bits / 115 200 baud ≈ 3.47 s.
    expect(stats.uploadMs).toBeGreaterThan(3400);
  }, 15_000);
});
