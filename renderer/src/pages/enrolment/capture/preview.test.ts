import { describe, expect, it } from 'vitest';
import { RingBuffer, type ProbeSample } from '../../../components/bench-probe';
import { PreviewPainter, base64Bytes, type PreviewFrame } from './preview';

/** A painter whose decodes and animation frames the test releases by hand. */
function harness() {
  const decodes: { frame: PreviewFrame; resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const frames: (() => void)[] = [];
  const drawn: number[] = [];
  const released: string[] = [];
  let clock = 0;
  const probe = new RingBuffer<ProbeSample>(16);
  const painter = new PreviewPainter<string>({
    decode: (frame) => new Promise<string>((resolve, reject) => decodes.push({ frame, resolve, reject })),
    draw: (_image, frame) => drawn.push(frame.seq),
    release: (image) => released.push(image),
    schedule: (cb) => frames.push(cb),
    now: () => clock,
    probe,
  });
  const flush = () => new Promise((r) => setTimeout(r, 0));
  return {
    painter,
    decodes,
    frames,
    drawn,
    released,
    probe,
    tick: (ms: number) => (clock += ms),
    flush,
    frame: (seq: number): PreviewFrame => ({ seq, png: 'AAAA', width: 4, height: 3 }),
  };
}

describe('live preview painter', () => {
  it('decodes one frame at a time and paints it in an animation frame, recording arrival and paint', async () => {
    const h = harness();
    h.painter.offer(h.frame(0));
    expect(h.decodes).toHaveLength(1);
    h.tick(5);
    h.decodes[0]!.resolve('img0');
    await h.flush();
    expect(h.frames).toHaveLength(1);
    expect(h.drawn).toEqual([]);
    h.tick(7);
    h.frames.shift()!();
    await h.flush();
    expect(h.drawn).toEqual([0]);
    expect(h.released).toEqual(['img0']);
    expect(h.probe.entries()).toEqual([{ seq: 0, arrived: 0, painted: 12, size: 12 }]);
  });

  it('drops frames that go stale while a decode is running and paints only the newest', async () => {
    const h = harness();
    h.painter.offer(h.frame(0));
    for (let seq = 1; seq <= 5; seq++) h.painter.offer(h.frame(seq));
    expect(h.decodes).toHaveLength(1);
    h.decodes[0]!.resolve('img0');
    await h.flush();
    h.frames.shift()!();
    await h.flush();
    // Frames 1–4 were replaced before they were decoded: the next decode is frame 5.
    expect(h.decodes.map((d) => d.frame.seq)).toEqual([0, 5]);
    h.decodes[1]!.resolve('img5');
    await h.flush();
    h.frames.shift()!();
    await h.flush();
    expect(h.drawn).toEqual([0, 5]);
    expect(h.painter.painted).toBe(2);
    expect(h.painter.dropped).toBe(4);
  });

  it('ignores a frame older than one already offered, and skips a frame that fails to decode', async () => {
    const h = harness();
    h.painter.offer(h.frame(3));
    h.painter.offer(h.frame(2));
    expect(h.painter.dropped).toBe(1);
    h.decodes[0]!.reject(new Error('bad png'));
    await h.flush();
    h.painter.offer(h.frame(4));
    await h.flush();
    h.decodes[1]!.resolve('img4');
    await h.flush();
    h.frames.shift()!();
    await h.flush();
    expect(h.drawn).toEqual([4]);
    expect(h.painter.dropped).toBe(2);
  });

  it('starts numbering again after reset (a new capture), and paints nothing once stopped', async () => {
    const h = harness();
    h.painter.offer(h.frame(7));
    h.decodes[0]!.resolve('a');
    await h.flush();
    h.frames.shift()!();
    await h.flush();
    h.painter.reset();
    h.painter.offer(h.frame(0));
    h.decodes[1]!.resolve('b');
    await h.flush();
    h.painter.stop();
    h.frames.shift()!();
    await h.flush();
    expect(h.drawn).toEqual([7]);
    expect(h.released).toEqual(['a', 'b']);
    h.painter.offer(h.frame(1));
    expect(h.decodes).toHaveLength(2);
  });

  it('keeps up with a 30 fps reader when decoding takes 20 ms and painting waits for a 16 ms frame', async () => {
    // Simulated time: frames arrive every 33 ms; each decode takes 20 ms; a paint happens on the next 16 ms boundary.
    const events: { at: number; run: () => void }[] = [];
    let now = 0;
    const at = (time: number, run: () => void) => events.push({ at: time, run });
    const painted: number[] = [];
    const painter = new PreviewPainter<number>({
      decode: (frame) => new Promise((resolve) => at(now + 20, () => resolve(frame.seq))),
      draw: (seq) => painted.push(seq),
      release: () => undefined,
      schedule: (cb) => at(Math.ceil((now + 0.001) / 16) * 16, cb),
      now: () => now,
      probe: null,
    });
    for (let i = 0; i < 90; i++) at(i * 33, () => painter.offer({ seq: i, png: '', width: 1, height: 1 }));
    while (events.length > 0) {
      events.sort((a, b) => a.at - b.at);
      const next = events.shift()!;
      now = next.at;
      next.run();
      await new Promise((r) => setTimeout(r, 0));
    }
    // Three seconds of frames: at least 10 fps painted, in order, ending with the last frame.
    expect(painted.length).toBeGreaterThanOrEqual(30);
    expect(painted).toEqual([...painted].sort((a, b) => a - b));
    expect(painted.at(-1)).toBe(89);
  });

  it('decodes base64 to bytes', () => {
    expect([...base64Bytes('iVBORw==')]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });
});
