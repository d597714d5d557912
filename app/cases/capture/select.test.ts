// selectDevice while devices are still being opened: a capture asked for before the station's simulators are
// released (balcao serve holds them until the first screen) waits for the handshake instead of answering
// "disconnected" — the race a fast technician (or the end-to-end test) met on "Read MRZ" right after start.
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceManager } from '../../devices/manager.js';
import { captureRig } from './capture-rig.js';
import { readMrz } from './mrz.js';
import { selectDevice } from './select.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
});

/** The capture rig (the demo's simulated devices, approved as in the demo), its simulators held until `release`. */
async function heldManager(): Promise<{ manager: DeviceManager; deps: Awaited<ReturnType<typeof captureRig>>['deps']; release: () => void }> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  // Released before the rig's own clean-up closes the manager (cleanups run last-in, first-out).
  const { manager, deps } = await captureRig(cleanups, { pollIntervalMs: 30 }, held);
  cleanups.push(() => release());
  return { manager, deps, release };
}

describe('selectDevice and devices still opening', () => {
  it('waits for a reader being opened, by kind and by name, and reads from it once it is open', async () => {
    const { manager, deps, release } = await heldManager();
    expect(manager.get('sim-mrz-desko').status).toBe('disconnected');
    const byKind = readMrz(deps, {});
    const byName = selectDevice(manager, 'scanner', 'sim-escl');
    const releasedAt = Date.now() + 300;
    setTimeout(release, 300);
    const read = await byKind;
    expect(Date.now()).toBeGreaterThanOrEqual(releasedAt - 5);
    expect(read.device.id).toMatch(/^sim-mrz-/);
    expect(read.lines.length).toBeGreaterThanOrEqual(2);
    expect((await byName).status).toBe('ready');
  });

  it('gives up after the wait and says what it found', async () => {
    const { manager } = await heldManager();
    const started = Date.now();
    await manager.opened({ kind: 'mrz' }, 200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
    expect(manager.get('sim-mrz-desko').status).toBe('disconnected');
    await expect(selectDevice(manager, 'mrz')).rejects.toMatchObject({ code: 'case.no_device', message: expect.stringContaining('sim-mrz-desko): disconnected') });
    expect(Date.now() - started).toBeGreaterThanOrEqual(195 + 5000 - 50);
  });
});
