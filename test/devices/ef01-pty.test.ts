import { afterEach, describe, expect, it } from 'vitest';
import { runEf01SimulatorOnPty, type RunningEf01Simulator } from '../../device-simulators/ef01/run.js';
import { Ef01Driver, ef01CaptureStats } from '../../drivers/ef01/driver.js';
import { DeviceError } from '../../drivers/errors.js';
import type { ByteLink } from '../../drivers/transport/byte-link.js';
import { openSerialLink } from '../../drivers/transport/serial-link.js';

let running: RunningEf01Simulator | null = null;
let host: ByteLink | null = null;
let driver: Ef01Driver | null = null;

afterEach(async () => {
  driver?.close();
  await host?.close();
  await running?.stop();
  driver = null;
  host = null;
  running = null;
});

describe('EF01 driver over a pseudo-terminal (real serialport binding)', () => {
  it('captures a full image, raising the baud for the upload', async () => {
    running = await runEf01SimulatorOnPty({ seed: 5, quality: 'good', fingerDelayMs: 200 });
    host = await openSerialLink(running.hostPath, 57600);
    driver = new Ef01Driver(host, { timeoutMs: 1500, pollIntervalMs: 50, uploadBaudMultiplier: 12 });
    const parameters = await driver.open();
    expect(parameters).toMatchObject({ packetSize: 128, baudRate: 57600 });
    const capture = await driver.capture();
    expect(capture.device.family).toBe('ef01');
    expect(capture.image).toMatchObject({ width: 256, height: 288, ppi: 500 });
    expect(Buffer.from(capture.image.pixels).equals(Buffer.from(running.simulator.expectedPixels))).toBe(true);
    const stats = ef01CaptureStats(driver);
    expect(stats.imageBaud).toBe(115200);
    expect(stats.imagePackets).toBe(288);
    // Paced by the simulator at 115200 baud: ≈ 3.5 s of wire time.
    expect(stats.uploadMs).toBeGreaterThan(3000);
    expect(host.baudRate).toBe(57600);
    await expect(driver.readSystemParameters()).resolves.toMatchObject({ baudRate: 57600 });
  });

  it('a module that stops answering gives a timeout naming the port', async () => {
    running = await runEf01SimulatorOnPty({ fault: 'timeout' });
    host = await openSerialLink(running.hostPath, 57600);
    driver = new Ef01Driver(host, { timeoutMs: 500 });
    const error = await driver.open().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).code).toBe('timeout');
    expect((error as DeviceError).message).toBe(`No answer from ${running.hostPath} at 57600 baud to VfyPwd within 500 ms.`);
  });

  it('a checksum fault over the pty is reported as checksum', async () => {
    running = await runEf01SimulatorOnPty({ fault: 'checksum' });
    host = await openSerialLink(running.hostPath, 57600);
    driver = new Ef01Driver(host, { timeoutMs: 500 });
    await expect(driver.open()).rejects.toMatchObject({ code: 'checksum' });
  });
});
