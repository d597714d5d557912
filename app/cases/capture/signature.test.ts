import { afterEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { isDeviceError } from '../../../drivers/errors.js';
import type { InkPoint } from '../../contract/cases.js';
import { ContractError } from '../../contract/errors.js';
import type { StuSignerScript } from '../../../device-simulators/wacom-stu/simulator.js';
import { PAD_ID, startPadHarness, type PadHarness } from './pad-harness.js';
import { INK_BATCH_MS, inkBatcher, startPadCapture } from './signature.js';
import type { PadCaptureOptions } from './types.js';

const harnesses: PadHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

async function pad(script: StuSignerScript, extra: Parameters<typeof startPadHarness>[0] = {}) {
  const h = await startPadHarness({ ...extra, simulator: { script, ...extra.simulator } });
  harnesses.push(h);
  return h;
}

const prompt = { title: 'Assinatura do requerente', lines: ['Confirmo os dados do pedido.'], accept: 'Aceitar', clear: 'Limpar', cancel: 'Cancelar' };

function capture(h: PadHarness, extra: Partial<PadCaptureOptions> = {}) {
  const batches: Parameters<PadCaptureOptions['onInk']>[0][] = [];
  const running = startPadCapture(h.deps, { purpose: 'signature', prompt, onInk: (b) => batches.push(b), ...extra });
  return { running, batches };
}

const inkSince = (batches: { clear: boolean; points: InkPoint[] }[]) => {
  const last = batches.map((b) => b.clear).lastIndexOf(true);
  return batches.slice(last + 1).flatMap((b) => b.points);
};

describe('startPadCapture with the simulated STU-540 through the device manager', () => {
  it('signs and taps accept on the pad: samples, ink on screen for every sample, PNG, quality passed, device', async () => {
    const h = await pad('sign_accept');
    const { running, batches } = capture(h);
    const result = await running.result;
    const sim = h.simulator();
    // The tap's samples are not part of the signature; the rest of the script is.
    expect(result.samples.filter((s) => s.sw !== 0).length).toBe(sim.signature.strokes.flat().length);
    expect(result.quality.passed).toBe(true);
    expect(result.device).toMatchObject({ id: PAD_ID, make: 'Wacom', model: 'STU-540', approvedDeviceId: 'admin:admin' });
    expect(result.tablet).toMatchObject({ maxX: 10800, maxY: 6480, maxPressure: 1023 });
    // Ink: one point per sample, in order, every coordinate a share of the box.
    const points = inkSince(batches);
    expect(points.length).toBe(result.samples.length);
    points.forEach((p, i) => {
      const s = result.samples[i];
      expect(p.t).toBe(s?.t);
      expect(p.down).toBe(Boolean(s?.rdy && s.sw !== 0));
      for (const v of [p.x, p.y, p.p]) expect(v >= 0 && v <= 1).toBe(true);
    });
    expect(batches.map((b) => b.seq)).toEqual(batches.map((_, i) => i));
    // The PNG: black ink on white at the size the result says.
    const meta = await sharp(result.png).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', result.width, result.height, 1]);
    const { data } = await sharp(result.png).raw().toBuffer({ resolveWithObject: true });
    let darkest = 255;
    let white = 0;
    for (const v of data) {
      darkest = Math.min(darkest, v);
      if (v === 255) white++;
    }
    expect(darkest).toBeLessThan(40);
    expect(white).toBeGreaterThan(data.length / 2);
    // The pad is left blank with ink allowed everywhere again.
    expect(sim.state.handwritingDisplayArea).toEqual({ left: 0, top: 0, right: 799, bottom: 479 });
    expect(sim.screen.every((v) => v === 255)).toBe(true);
    expect(h.manager.get(PAD_ID).status).toBe('ready');
  });

  it('signs and waits: the capture ends on the screen accept', async () => {
    const h = await pad('sign_wait');
    const { running, batches } = capture(h);
    const sim = () => h.simulator();
    const frames = () => inkSince(batches).length;
    const until = performance.now() + 5000;
    while ((frames() < 1 || sim().penReportsSent < sim().signature.frames.length || frames() < sim().penReportsSent) && performance.now() < until) await new Promise((r) => setTimeout(r, 5));
    running.accept();
    const result = await running.result;
    expect(result.samples.length).toBe(sim().signature.frames.length);
    expect(inkSince(batches).length).toBe(result.samples.length);
    expect(result.quality.passed).toBe(true);
  });

  it('clear on the pad wipes the ink (a clear batch, the samples start again); the second signature is the result', async () => {
    const h = await pad('sign_clear_sign_accept');
    const { running, batches } = capture(h);
    const result = await running.result;
    const clears = batches.filter((b) => b.clear);
    expect(clears.length).toBe(1);
    expect(clears[0]?.points).toEqual([]);
    expect(batches.findIndex((b) => b.clear)).toBeGreaterThan(0);
    expect(result.samples.filter((s) => s.sw !== 0).length).toBe(h.simulator().signature.strokes.flat().length);
    expect(inkSince(batches).length).toBe(result.samples.length);
    expect(h.simulator().imagesDrawn).toBe(2);
  });

  it('clear on the screen does the same', async () => {
    const h = await pad('sign_wait');
    const { running, batches } = capture(h);
    while (h.manager.get(PAD_ID).status !== 'busy' || inkSince(batches).length < 50) await new Promise((r) => setTimeout(r, 2));
    running.clear();
    while (!batches.some((b) => b.clear)) await new Promise((r) => setTimeout(r, 2));
    const drawn = h.simulator().imagesDrawn;
    while (h.simulator().imagesDrawn === drawn) await new Promise((r) => setTimeout(r, 2));
    running.accept();
    const result = await running.result;
    // Whatever arrived after the redraw (maybe nothing) is the signature; the ink before the clear is gone.
    expect(inkSince(batches).length).toBe(result.samples.length);
    expect(result.samples.length).toBeLessThan(h.simulator().signature.frames.length);
  });

  it('cancel on the pad → DeviceError cancelled; the pad is ready again', async () => {
    const h = await pad('sign_cancel');
    const { running } = capture(h);
    const error = await running.result.catch((e: unknown) => e);
    expect(isDeviceError(error, 'cancelled')).toBe(true);
    expect(h.manager.get(PAD_ID).status).toBe('ready');
  });

  it('cancel on the screen → DeviceError cancelled', async () => {
    const h = await pad('sign_wait');
    const { running } = capture(h);
    setTimeout(() => running.cancel(), 30);
    const error = await running.result.catch((e: unknown) => e);
    expect(isDeviceError(error, 'cancelled')).toBe(true);
  });

  it('an accidental dot, accepted on the pad, fails the quality check as a dot', async () => {
    const h = await pad('dot_accept');
    const { running } = capture(h);
    const result = await running.result;
    expect(result.quality.passed).toBe(false);
    expect(result.quality.reasons.map((r) => r.code)).toEqual(['signature_dot']);
  });

  it('unplugged mid-signature → DeviceError disconnected (nothing else thrown), the pad shows as disconnected', async () => {
    const h = await pad('sign_accept', { simulator: { fault: 'disconnect_mid_signature' } });
    const { running, batches } = capture(h);
    const error = await running.result.catch((e: unknown) => e);
    expect(isDeviceError(error, 'disconnected')).toBe(true);
    expect(batches.length).toBeGreaterThan(0);
    expect(h.manager.get(PAD_ID).status).toBe('disconnected');
  });

  it('no approved pad → case.no_device; an unknown id → device.unknown', async () => {
    const h = await pad('sign_accept', { approve: false });
    const none = await capture(h).running.result.catch((e: unknown) => e);
    expect(none).toBeInstanceOf(ContractError);
    expect((none as ContractError).code).toBe('case.no_device');
    const unknown = await capture(h, { deviceId: 'nope' }).running.result.catch((e: unknown) => e);
    expect((unknown as ContractError).code).toBe('device.unknown');
  });
});

describe('ink batching', () => {
  it('the first point goes at once; then at most one batch per INK_BATCH_MS, nothing lost, in order', async () => {
    const sent: { at: number; seq: number; n: number; first: number }[] = [];
    const ink = inkBatcher((b) => sent.push({ at: performance.now(), seq: b.seq, n: b.points.length, first: b.points[0]?.t ?? -1 }));
    const point = (t: number): InkPoint => ({ x: 0.5, y: 0.5, p: 0.5, down: true, t });
    ink.push(point(0));
    expect(sent).toHaveLength(1);
    // 200 points over ~500 ms, as a pad sends them.
    for (let i = 1; i <= 200; i++) {
      ink.push(point(i));
      if (i % 5 === 0) await new Promise((r) => setTimeout(r, 12));
    }
    ink.flush();
    expect(sent.reduce((n, b) => n + b.n, 0)).toBe(201);
    expect(sent.map((b) => b.seq)).toEqual(sent.map((_, i) => i));
    // The batcher waits out a timer that fires early (libuv keeps whole milliseconds of a cached clock).
    for (let i = 1; i < sent.length - 1; i++) expect((sent[i]?.at ?? 0) - (sent[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(INK_BATCH_MS - 0.5);
    // A burst's first point leaves at once, the other four together at most INK_BATCH_MS later: two batches per burst.
    expect(sent.length).toBeLessThanOrEqual(2 * 40 + 2);
    ink.clear();
    ink.push(point(0));
    expect(sent.at(-2)).toMatchObject({ n: 0 });
    expect(sent.at(-1)).toMatchObject({ n: 1 });
  });

  it('reports at the pad\'s pace (one per 5 ms) each leave at once, unbatched; a burst waits at most INK_BATCH_MS', async () => {
    expect(INK_BATCH_MS).toBeLessThan(5);
    const sent: { at: number; n: number }[] = [];
    const ink = inkBatcher((b) => sent.push({ at: performance.now(), n: b.points.length }));
    const point = (t: number): InkPoint => ({ x: 0.25, y: 0.75, p: 1, down: true, t });
    for (let i = 0; i < 30; i++) {
      ink.push(point(i));
      // Emitted synchronously inside push: no timer between the report and the event.
      expect(sent).toHaveLength(i + 1);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(sent.every((b) => b.n === 1)).toBe(true);
    // Ten reports in one tick (a stall): the first at once, the other nine in one batch after the window.
    const burstAt = performance.now();
    for (let i = 0; i < 10; i++) ink.push(point(100 + i));
    expect(sent.at(-1)).toMatchObject({ n: 1 });
    await new Promise((r) => setTimeout(r, INK_BATCH_MS + 20));
    expect(sent.at(-1)?.n).toBe(9);
    expect((sent.at(-1)?.at ?? 0) - burstAt).toBeLessThan(INK_BATCH_MS + 20);
    expect(sent.reduce((n, b) => n + b.n, 0)).toBe(40);
    ink.stop();
  });
});
