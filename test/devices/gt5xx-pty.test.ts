/**
 * The GT-5xx driver and simulator through the kernel's tty layer: socat
 * pseudo-terminals, the serialport binding on both ends, ChangeBaudRate to
 * 115200 for the image as on a real module.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Gt5xxDriver } from '../../drivers/gt5xx/driver.js';
import { Command } from '../../drivers/gt5xx/protocol.js';
import { isDeviceError } from '../../drivers/errors.js';
import { openSerialLink } from '../../drivers/transport/serial-link.js';
import { runGt5xxSimulatorOnPty, type Gt5xxPtySimulator } from '../../device-simulators/gt5xx/run.js';

const running: { sim: Gt5xxPtySimulator; driver: Gt5xxDriver }[] = [];
afterEach(async () => {
  for (const { sim, driver } of running.splice(0)) {
    await driver.close().catch(() => undefined);
    await sim.stop();
  }
});

async function start() {
  const sim = await runGt5xxSimulatorOnPty({ seed: 7, fingerDelayMs: 100 });
  const link = await openSerialLink(sim.hostPath, 9600);
  const driver = new Gt5xxDriver(link, { transferBaud: 115200, responseTimeoutMs: 1000, captureTimeoutMs: 10_000 });
  running.push({ sim, driver });
  return { sim, link, driver };
}

describe('GT-5xx over socat pseudo-terminals', () => {
  it('opens, captures at 115200 and returns the simulator’s image', async () => {
    const { sim, link, driver } = await start();
    const identity = await driver.open();
    expect(identity.family).toBe('gt5xx');
    expect(identity.serial).toMatch(/^[0-9A-F]{32}$/);
    const capture = await driver.capture();
    expect([capture.image.width, capture.image.height]).toEqual([258, 202]);
    expect(Buffer.from(capture.image.pixels).equals(Buffer.from(sim.simulator.lastImage ?? []))).toBe(true);
    expect(sim.simulator.commands.filter((c) => c.code === Command.ChangeBaudRate).map((c) => c.parameter)).toEqual([115200, 9600]);
    expect(link.baudRate).toBe(9600);
  });

  it('reports a corrupted checksum as a checksum error naming the port', async () => {
    const { sim, driver } = await start();
    await driver.open();
    sim.simulator.setFault('checksum');
    const error = await driver.setLed(true).catch((e: unknown) => e);
    expect(isDeviceError(error, 'checksum')).toBe(true);
    sim.simulator.setFault('timeout');
    const timeout = await driver.setLed(true).catch((e: unknown) => e);
    expect(isDeviceError(timeout, 'timeout')).toBe(true);
    expect((timeout as Error).message).toBe(`No answer from ${sim.hostPath} at 9600 baud to CmosLed within 1000 ms.`);
  });
});
