// The slap capture (4-4-2) against the in-process SBI simulator, through a real DeviceManager on a real SQLite database.
import { captureRig } from './capture-rig.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ContractError } from '../../contract/errors.js';
import { DeviceError } from '../../../drivers/errors.js';
import { captureSlap, type FingerCaptureOptions } from './index.js';
import { slapTargets } from './slap.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function start(): ReturnType<typeof captureRig> {
  return captureRig(cleanups);
}

type Preview = Parameters<NonNullable<FingerCaptureOptions['onPreview']>>[0];
const rejection = async (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error);

describe('slapTargets', () => {
  it('asks for the slap less its exceptions, or only the positions given, in the slap order', () => {
    expect(slapTargets('left', [])).toEqual([7, 8, 9, 10]);
    expect(slapTargets('left', [9])).toEqual([7, 8, 10]);
    expect(slapTargets('right', [], [5, 3])).toEqual([3, 5]);
    expect(slapTargets('thumbs', [1])).toEqual([6]);
    expect(() => slapTargets('right', [], [7])).toThrow(RangeError);
    expect(() => slapTargets('left', [8], [8])).toThrow(/exception/);
    expect(() => slapTargets('thumbs', [2])).toThrow(RangeError);
  });
});

describe('captureSlap (SBI simulator)', { timeout: 60_000 }, () => {
  it('takes the whole left slap in one capture: four segmented fingers, each assessed, with the live preview', async () => {
    const { deps, manager } = await start();
    expect(manager.get('sim-sbi').slaps).toBe(true);
    expect(manager.get('sim-ef01').slaps).toBe(false);
    const previews: Preview[] = [];
    const result = await captureSlap(deps, { slap: 'left', exceptions: [], onPreview: (p) => previews.push(p) });
    expect(result.slap).toBe('left');
    expect(result.fingers.map((f) => f.position)).toEqual([7, 8, 9, 10]);
    expect(result.missing).toEqual([]);
    for (const f of result.fingers) {
      expect(f.image).toMatchObject({ width: 320, height: 400, ppi: 500 });
      expect(f.png.subarray(1, 4).toString()).toBe('PNG');
      expect(f.quality.passed).toBe(true);
      expect(f.deviceQuality).toBeGreaterThan(40);
    }
    // Four different fingers, not one print four times.
    expect(new Set(result.fingers.map((f) => Buffer.from(f.image.pixels).subarray(50_000, 50_200).toString('hex'))).size).toBe(4);
    expect(result.device).toMatchObject({ id: 'sim-sbi', make: 'Balcão', model: 'SIM-SLAP-4', approvedDeviceId: 'admin:admin' });
    expect(previews.map((p) => p.seq)).toEqual(previews.map((_, i) => i));
    expect(previews.filter((p) => p.frame !== null && p.phase !== 'done').length).toBeGreaterThan(0);
    const phases = previews.map((p) => p.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(phases).toEqual(['waiting', 'reading', 'assessing', 'done']);
  });

  it('leaves the exceptions out, and a retry asks for only the fingers given', async () => {
    const { deps } = await start();
    const thumbs = await captureSlap(deps, { slap: 'thumbs', exceptions: [1] });
    expect(thumbs.fingers.map((f) => f.position)).toEqual([6]);
    const retry = await captureSlap(deps, { slap: 'right', exceptions: [4], positions: [3, 5] });
    expect(retry.fingers.map((f) => f.position)).toEqual([3, 5]);
    expect(retry.fingers.every((f) => f.quality.passed)).toBe(true);
  });

  it('a poor slap fails the quality per finger with the reasons; the failed ones are then taken again alone', async () => {
    const { deps, manager } = await start();
    manager.simulate('sim-sbi', { nextCapture: 'poor' });
    const poor = await captureSlap(deps, { slap: 'right', exceptions: [] });
    expect(poor.fingers).toHaveLength(4);
    const failed = poor.fingers.filter((f) => !f.quality.passed);
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect(f.quality.reasons.length).toBeGreaterThan(0);
    const again = await captureSlap(deps, { slap: 'right', exceptions: [], positions: failed.map((f) => f.position) });
    expect(again.fingers.map((f) => f.position)).toEqual(failed.map((f) => f.position));
    expect(again.fingers.every((f) => f.quality.passed)).toBe(true);
  });

  it('refuses a single-finger reader with case.slap_unsupported, before touching it', async () => {
    const { deps, manager } = await start();
    const error = await rejection(captureSlap(deps, { deviceId: 'sim-ef01', slap: 'left', exceptions: [] }));
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).code).toBe('case.slap_unsupported');
    expect(manager.get('sim-ef01').status).toBe('ready');
    // The manager refuses too, for a caller that goes to it directly.
    const direct = await rejection(manager.captureSlap('sim-ef01', { slap: 'left' }));
    expect(direct).toBeInstanceOf(DeviceError);
    expect((direct as DeviceError).code).toBe('refused');
  });

  it('a reader unplugged mid-slap fails with a device error, and the reader comes back', async () => {
    const { deps, manager, bench } = await start();
    const previews: Preview[] = [];
    const pending = rejection(captureSlap(deps, { slap: 'left', exceptions: [], onPreview: (p) => previews.push(p) }));
    // The simulated fingers take 700 ms to settle: pull the cable meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 300));
    bench.unplug('sim:sbi');
    const error = await pending;
    expect(error).toBeInstanceOf(DeviceError);
    expect(['disconnected', 'not_found', 'timeout']).toContain((error as DeviceError).code);
    expect(previews.at(-1)?.phase).toBe('failed');
    bench.plug('sim:sbi');
    await expect.poll(() => manager.get('sim-sbi').status, { timeout: 10_000 }).toBe('ready');
    const after = await captureSlap(deps, { slap: 'thumbs', exceptions: [] });
    expect(after.fingers.map((f) => f.position)).toEqual([6, 1]);
  });
});
