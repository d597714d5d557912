import { afterEach, describe, expect, it } from 'vitest';
import { isDeviceError, type DeviceError } from '../errors.js';
import { createMemoryLinkPair } from '../transport/memory-link.js';
import { startGt5xxSimulator, type Gt5xxFault, type Gt5xxSimulator, type Gt5xxSimulatorOptions } from '../../device-simulators/gt5xx/simulator.js';
import { Gt5xxDriver, type Gt5xxDriverOptions } from './driver.js';
import { Command, IMAGE_HEIGHT, IMAGE_WIDTH } from './protocol.js';

const LINK = 'gt5xx test link';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c().catch(() => undefined);
});

function setup(sim: Gt5xxSimulatorOptions = {}, drv: Gt5xxDriverOptions = {}, paced = false) {
  const pair = createMemoryLinkPair({ baudRate: 9600, paced, name: LINK });
  const simulator: Gt5xxSimulator = startGt5xxSimulator(pair.device, { fingerDelayMs: 50, disconnect: () => pair.disconnect(), ...sim });
  const driver = new Gt5xxDriver(pair.host, { responseTimeoutMs: 200, pollIntervalMs: 20, captureTimeoutMs: 2000, ...drv });
  cleanups.push(async () => {
    await simulator.stop();
    await driver.close();
  });
  return { ...pair, simulator, driver };
}

async function failure(promise: Promise<unknown>): Promise<DeviceError> {
  try {
    await promise;
  } catch (error) {
    if (isDeviceError(error)) return error;
    throw error;
  }
  throw new Error('expected a DeviceError');
}

describe('Gt5xxDriver over an in-process link', () => {
  it('sends the golden Open frame and reads the device info', async () => {
    const { driver, device } = setup();
    const seen: Buffer[] = [];
    device.onData((chunk) => seen.push(chunk));
    const identity = await driver.open();
    expect(Buffer.concat(seen).subarray(0, 12).toString('hex')).toBe('55aa0100010000000100' + '0201');
    expect(identity).toEqual({ family: 'gt5xx', make: 'ADH-Tech', model: 'GT-5xx', serial: '101B26313C47525D68737E89949FAAB5', firmware: '20120202' });
  });

  it('captures an image equal to the simulator’s, upright, at 115200 for the transfer and back to 9600 after', async () => {
    const { driver, simulator, host, device } = setup({ seed: 42 });
    await driver.open();
    const capture = await driver.capture();
    expect(capture.kind).toBe('fingerprint');
    expect(capture.device.serial).toMatch(/^[0-9A-F]{32}$/);
    expect([capture.image.width, capture.image.height, capture.image.ppi]).toEqual([IMAGE_WIDTH, IMAGE_HEIGHT, 500]);
    const expected = simulator.lastImage;
    expect(expected).not.toBeNull();
    expect(Buffer.from(capture.image.pixels).equals(Buffer.from(expected ?? []))).toBe(true);
    const bauds = simulator.commands.filter((c) => c.code === Command.ChangeBaudRate).map((c) => c.parameter);
    expect(bauds).toEqual([115200, 9600]);
    expect([host.baudRate, device.baudRate]).toEqual([9600, 9600]);
    const order = simulator.commands.map((c) => c.code);
    expect(order.indexOf(Command.CaptureFinger)).toBeLessThan(order.indexOf(Command.GetImage));
    expect(order.at(-1)).toBe(Command.CmosLed);
  });

  it('gives a 160×120 live preview at the transfer speed and restores on endPreview', async () => {
    const { driver, host } = setup();
    await driver.open();
    const frame = await driver.preview();
    expect([frame.width, frame.height, frame.pixels.length]).toEqual([160, 120, 19200]);
    expect(host.baudRate).toBe(115200);
    await driver.endPreview();
    expect(host.baudRate).toBe(9600);
  });

  it('works on a paced 9600 baud link (Open and LED only)', async () => {
    const { driver } = setup({}, {}, true);
    const started = performance.now();
    await driver.open();
    await driver.setLed(true);
    // 12 + 12 + 30 + 12 + 12 bytes at 9600 baud 8N1 ≈ 82 ms on the wire.
    expect(performance.now() - started).toBeGreaterThan(70);
  });

  it('polls until the finger lands, and times out naming the link when none does', async () => {
    const { driver, simulator } = setup({ finger: false }, { captureTimeoutMs: 300 });
    await driver.open();
    const error = await failure(driver.capture());
    expect(error.code).toBe('timeout');
    expect(error.message).toBe(`No finger was placed on the sensor of the GT-5xx on ${LINK} at 9600 baud within 300 ms.`);
    expect(simulator.commands.filter((c) => c.code === Command.IsPressFinger).length).toBeGreaterThan(3);
  });

  const faults: [Gt5xxFault, DeviceError['code'], RegExp, number?][] = [
    ['timeout', 'timeout', new RegExp(`^No answer from ${LINK} at 9600 baud to CmosLed within 200 ms\\.$`)],
    ['garbage', 'protocol', new RegExp(`^In answer to CmosLed on ${LINK} at 9600 baud, 16 bytes that are not a GT-5xx response packet were received\\.$`)],
    ['checksum', 'checksum', new RegExp(`^In answer to CmosLed on ${LINK} at 9600 baud, a GT-5xx response packet arrived with checksum 0x[0-9a-f]{4} instead of 0x[0-9a-f]{4}\\.$`)],
    ['truncated', 'protocol', new RegExp(`^Only 6 of 12 bytes of the answer to CmosLed arrived from ${LINK} at 9600 baud within \\d+ ms: the packet was truncated\\.$`)],
    ['busy', 'refused', new RegExp(`^The GT-5xx on ${LINK} at 9600 baud refused CmosLed: NACK 0x100f \\(device error\\)\\.$`), 0x100f],
    ['disconnect_mid_image', 'disconnected', new RegExp(`^The device on ${LINK} at 115200 baud was disconnected`)],
    ['finger_lifted', 'timeout', new RegExp(`^The finger was lifted before the GT-5xx on ${LINK} at 9600 baud could capture it`)],
  ];
  it.each(faults)('fault %s → %s', async (fault, code, message, deviceCode) => {
    const { driver, simulator } = setup({}, { captureTimeoutMs: 400 });
    await driver.open();
    simulator.setFault(fault);
    const started = performance.now();
    const error = await failure(driver.capture());
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    if (deviceCode !== undefined) expect(error.deviceCode).toBe(deviceCode);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('a checksum error names the command, the link and both sums in one sentence', async () => {
    const { driver, simulator } = setup();
    await driver.open();
    simulator.setFault('checksum');
    const error = await failure(driver.setLed(true));
    expect(error.message).toMatch(new RegExp(`^In answer to CmosLed on ${LINK} at 9600 baud, a GT-5xx response packet arrived with checksum 0x[0-9a-f]{4} instead of 0x[0-9a-f]{4}\\.$`));
  });

  it('retries when the finger was lifted once, within the capture time', async () => {
    const { driver, simulator } = setup({ fault: null });
    await driver.open();
    simulator.setFault('finger_lifted');
    setTimeout(() => simulator.setFault(null), 120);
    const capture = await driver.capture();
    expect(capture.image.pixels.length).toBe(IMAGE_WIDTH * IMAGE_HEIGHT);
    expect(simulator.commands.filter((c) => c.code === Command.CaptureFinger).length).toBeGreaterThan(1);
  });

  it('a host at the wrong speed gets an error, not a hang', async () => {
    const { driver, host } = setup();
    await host.setBaudRate(115200);
    const started = performance.now();
    const error = await failure(driver.open());
    expect(['timeout', 'protocol']).toContain(error.code);
    expect(error.message).toContain(`${LINK} at 115200 baud`);
    // A hang guard, not a speed figure: far below the 15 s capture timeout.
    expect(performance.now() - started).toBeLessThan(2500);
  });

  it('a device answering at the wrong speed gives a protocol error', async () => {
    const { driver, device } = setup();
    await driver.open();
    await device.setBaudRate(57600);
    // Both directions are now noise: the host hears garbled bytes or nothing, and says so.
    const error = await failure(driver.setLed(true));
    expect(['timeout', 'protocol']).toContain(error.code);
  });

  it('refuses an unsupported baud rate on the device side with NACK 0x1002', async () => {
    const { host, simulator } = setup();
    const { encodeCommand, createDecoder } = await import('./protocol.js');
    const answers: Buffer[] = [];
    host.onData((c) => answers.push(c));
    await host.write(encodeCommand(Command.ChangeBaudRate, 12345));
    await new Promise((r) => setTimeout(r, 20));
    const r = createDecoder('response')(Buffer.concat(answers));
    expect(r).toMatchObject({ kind: 'frame', frame: { code: 0x31, parameter: 0x1002 } });
    expect(simulator.commands.length).toBe(1);
  });

  it('cancels a capture on abort', async () => {
    const { driver } = setup({ finger: false });
    await driver.open();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 60);
    const error = await failure(driver.capture({ signal: controller.signal }));
    expect(error.code).toBe('cancelled');
  });
});
