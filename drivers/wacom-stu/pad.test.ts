import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryHidPair, type MemoryHidPair } from '../transport/hid-link.js';
import { isDeviceError } from '../errors.js';
import { startStuSimulator, type StuSimulator, type StuSimulatorOptions } from '../../device-simulators/wacom-stu/simulator.js';
import { StuDriver, type PadButton, type PenSample, type TabletGeometry } from './driver.js';
import { buttonAt, padLayout } from './layout.js';
import { renderPrompt, type PadPrompt } from './prompt.js';

const open: { pair: MemoryHidPair; simulator: StuSimulator }[] = [];
afterEach(async () => {
  for (const { pair, simulator } of open.splice(0)) {
    await simulator.stop();
    await pair.host.close();
  }
});

function start(options: StuSimulatorOptions = {}) {
  const pair = createMemoryHidPair({ name: 'pad-test', timeoutMs: 500 });
  const simulator = startStuSimulator(pair.device, { seed: 4, paced: false, signOnInkingMs: null, ...options });
  open.push({ pair, simulator });
  return { pair, simulator, driver: new StuDriver(pair.host, { timeoutMs: 500 }) };
}

const prompts: Record<'pt' | 'uk' | 'ar', PadPrompt> = {
  pt: { title: 'Assinatura do requerente', lines: ['Confirmo que li e aceito o consentimento (versão 3).'], accept: 'Aceitar', clear: 'Limpar', cancel: 'Cancelar' },
  uk: { title: 'Підпис заявника', lines: ['Я підтверджую, що прочитав(ла) згоду і погоджуюся.'], accept: 'Прийняти', clear: 'Очистити', cancel: 'Скасувати' },
  ar: { title: 'توقيع مقدم الطلب', lines: ['أؤكد أنني قرأت الموافقة وأقبلها.'], accept: 'قبول', clear: 'مسح', cancel: 'إلغاء' },
};

/** Dark pixels (any channel below 128) of an RGB image inside a rectangle. */
function darkIn(pixels: Uint8Array, width: number, r: { left: number; top: number; right: number; bottom: number }): number {
  let n = 0;
  for (let y = r.top; y <= r.bottom; y++) for (let x = r.left; x <= r.right; x++) if (Math.min(pixels[(y * width + x) * 3] ?? 255, pixels[(y * width + x) * 3 + 1] ?? 255, pixels[(y * width + x) * 3 + 2] ?? 255) < 128) n++;
  return n;
}

/** Input reports reach the host on later turns than the simulator sends them: wait until `count()` reaches `n`. */
async function delivered(count: () => number, n: number): Promise<void> {
  const until = performance.now() + 2000;
  while (count() < n && performance.now() < until) await new Promise<void>((resolve) => setTimeout(resolve, 2));
}

describe('pad layout', () => {
  it('text above the box, buttons below it, three buttons side by side inside the screen', () => {
    for (const screen of [
      { width: 320, height: 200 },
      { width: 800, height: 480 },
    ]) {
      const l = padLayout(screen);
      expect(l.text.bottom).toBeLessThan(l.box.top);
      expect(l.box.bottom).toBeLessThan(l.buttons.accept.top);
      expect(l.buttons.accept.right).toBeLessThan(l.buttons.clear.left);
      expect(l.buttons.clear.right).toBeLessThan(l.buttons.cancel.left);
      expect(l.buttons.cancel.right).toBeLessThan(screen.width);
      expect(l.buttons.cancel.bottom).toBeLessThan(screen.height);
      expect(buttonAt(l, { x: (l.buttons.clear.left + l.buttons.clear.right) / 2, y: l.buttons.clear.top + 2 })).toBe('clear');
      expect(buttonAt(l, { x: l.box.left + 5, y: l.box.top + 5 })).toBeNull();
    }
  });
});

describe('prompt images (sharp from SVG, DejaVu Sans)', () => {
  for (const [lang, prompt] of Object.entries(prompts)) {
    it(`${lang}: rendered at the STU-540 and STU-430 sizes with ink in the title band and on each button`, async () => {
      for (const screen of [
        { width: 800, height: 480 },
        { width: 320, height: 200 },
      ]) {
        const { image, layout } = await renderPrompt(prompt, screen);
        expect(image.pixels.length).toBe(screen.width * screen.height * 3);
        const titleBand = { ...layout.text, bottom: layout.text.top + Math.round((layout.text.bottom - layout.text.top) / 2) };
        expect(darkIn(image.pixels, screen.width, titleBand)).toBeGreaterThan(50);
        // The box's inside is left blank for the ink (only its frame and baseline are drawn).
        const inner = { left: layout.box.left + 4, top: layout.box.top + 4, right: layout.box.right - 4, bottom: layout.box.top + Math.round((layout.box.bottom - layout.box.top) * 0.5) };
        expect(darkIn(image.pixels, screen.width, inner)).toBe(0);
        for (const b of ['accept', 'clear', 'cancel'] as const) {
          const r = layout.buttons[b];
          const label = { left: r.left + 6, top: r.top + 6, right: r.right - 6, bottom: r.bottom - 6 };
          expect(darkIn(image.pixels, screen.width, label), `${lang} ${b} label`).toBeGreaterThan(5);
        }
      }
    });
  }

  it('Arabic is set from the right, Latin from the left', async () => {
    const screen = { width: 800, height: 480 };
    const ar = await renderPrompt(prompts.ar, screen);
    const pt = await renderPrompt(prompts.pt, screen);
    const t = ar.layout.text;
    const third = Math.round((t.right - t.left) / 3);
    const leftThird = { ...t, right: t.left + third };
    const rightThird = { ...t, left: t.right - third };
    expect(darkIn(ar.image.pixels, 800, rightThird)).toBeGreaterThan(darkIn(ar.image.pixels, 800, leftThird));
    expect(darkIn(pt.image.pixels, 800, leftThird)).toBeGreaterThan(darkIn(pt.image.pixels, 800, rightThird));
  });
});

describe('StuDriver prompted capture', () => {
  it('showPrompt draws the image on the pad and narrows ink to the signing box', async () => {
    const { driver, simulator } = start({ model: 'STU-430' });
    const layout = await driver.showPrompt(prompts.uk);
    expect(simulator.lastImage?.mode).toBe('1bit');
    expect(simulator.state.handwritingDisplayArea).toEqual(layout.box);
    expect(darkIn(simulator.screen, 320, layout.text)).toBeGreaterThan(50);
    await driver.hidePrompt();
    expect(simulator.state.handwritingDisplayArea).toEqual({ left: 0, top: 0, right: 319, bottom: 199 });
    expect(darkIn(simulator.screen, 320, { left: 0, top: 0, right: 319, bottom: 199 })).toBe(0);
  });

  it('onSample is called once per kept sample, in order, with the geometry; ink only inside the box', async () => {
    const { driver, simulator } = start({ script: 'sign_wait' });
    const layout = await driver.showPrompt(prompts.pt);
    const seen: { sample: PenSample; geometry: TabletGeometry }[] = [];
    const done = new Promise<void>((resolve) => {
      void (async () => {
        await new Promise<void>((r) => setTimeout(r, 10));
        await simulator.sign();
        await delivered(() => seen.length, simulator.signature.frames.length);
        resolve();
      })();
    });
    const raw = await driver.captureSignature({ until: done, onSample: (sample, geometry) => seen.push({ sample, geometry }) });
    expect(raw.samples.length).toBe(simulator.signature.frames.length);
    expect(seen.length).toBe(raw.samples.length);
    seen.forEach((s, i) => expect(s.sample).toBe(raw.samples[i]));
    expect(seen[0]?.geometry).toEqual(raw.tablet);
    // The pad drew ink inside the box and nowhere else.
    const screenInk = (r: { left: number; top: number; right: number; bottom: number }) => darkIn(simulator.screen, 800, r);
    const prompt = (await renderPrompt(prompts.pt, { width: 800, height: 480 })).image.pixels;
    let outside = 0;
    for (let i = 0; i < 800 * 480; i++) {
      const y = Math.floor(i / 800);
      const x = i % 800;
      const inBox = x >= layout.box.left && x <= layout.box.right && y >= layout.box.top && y <= layout.box.bottom;
      if (!inBox && simulator.screen[i * 3] !== prompt[i * 3]) outside++;
    }
    expect(outside).toBe(0);
    expect(screenInk(layout.box)).toBeGreaterThan(0);
  });

  for (const button of ['accept', 'clear', 'cancel'] as PadButton[]) {
    it(`a pen tap inside ${button} is reported once, and its samples are not kept`, async () => {
      const { driver, simulator } = start();
      const layout = await driver.showPrompt(prompts.pt);
      const presses: PadButton[] = [];
      let stop!: () => void;
      const until = new Promise<void>((resolve) => (stop = resolve));
      const capture = driver.captureSignature({
        until,
        buttons: { layout, onPress: (b) => presses.push(b) },
        onStarted: () => void simulator.tap(button).then(() => setTimeout(stop, 5)),
      });
      const raw = await capture;
      expect(presses).toEqual([button]);
      expect(raw.samples.filter((s) => s.sw !== 0)).toEqual([]);
    });
  }

  it('a stroke that starts on a button and leaves it is not a press; one that starts in the box is ink', async () => {
    const { driver, simulator } = start();
    const layout = await driver.showPrompt(prompts.pt);
    const cap = simulator.capability;
    const toTablet = (x: number, y: number) => ({ x: Math.round((x / 800) * cap.tabletMaxX), y: Math.round((y / 480) * cap.tabletMaxY) });
    const a = layout.buttons.accept;
    const onAccept = toTablet((a.left + a.right) / 2, (a.top + a.bottom) / 2);
    const inBox = toTablet(layout.box.left + 50, layout.box.top + 50);
    const frames = [
      { rdy: true, sw: 1, pressure: 300, ...onAccept },
      { rdy: true, sw: 1, pressure: 300, ...inBox },
      { rdy: true, sw: 0, pressure: 0, ...inBox },
      { rdy: true, sw: 1, pressure: 300, ...inBox },
      { rdy: true, sw: 1, pressure: 320, ...onAccept },
      { rdy: false, sw: 0, pressure: 0, ...onAccept },
    ];
    const presses: PadButton[] = [];
    let stop!: () => void;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const raw = await driver.captureSignature({ until, buttons: { layout, onPress: (b) => presses.push(b) }, onStarted: () => void simulator.sign(frames).then(() => setTimeout(stop, 5)) });
    expect(presses).toEqual([]);
    // Not kept: the run that started on the button (down, down, and its lift). Kept: the stroke from the box, onto the button and away.
    expect(raw.samples.map((s) => s.sw)).toEqual([1, 1, 0]);
  });

  it('clearInk drops the samples so far, calls onCleared, clears the screen and draws the prompt again', async () => {
    const { driver, simulator } = start({ script: 'sign_wait' });
    const layout = await driver.showPrompt(prompts.pt);
    const promptImage = Buffer.from(simulator.screen);
    let cleared = 0;
    let sampled = 0;
    let stop!: () => void;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const first = simulator.signatureInBox().slice(0, 120);
    const capture = driver.captureSignature({
      until,
      onSample: () => sampled++,
      onCleared: () => cleared++,
      onStarted: () =>
        void (async () => {
          await simulator.sign(first);
          await delivered(() => sampled, 120);
          expect(darkIn(simulator.screen, 800, layout.box)).toBeGreaterThan(darkIn(promptImage, 800, layout.box));
          const drawn = simulator.imagesDrawn;
          await driver.clearInk();
          expect(simulator.imagesDrawn).toBe(drawn + 1);
          expect(Buffer.from(simulator.screen).equals(promptImage)).toBe(true);
          await simulator.sign(first.slice(0, 30));
          await delivered(() => sampled, 150);
          stop();
        })(),
    });
    const raw = await capture;
    expect(cleared).toBe(1);
    expect(sampled).toBe(150);
    expect(raw.samples.length).toBe(30);
    expect(raw.samples[0]?.t).toBe(0);
    expect(simulator.received).toContain(0x20);
  });

  it('unplugged mid-capture: a DeviceError disconnected, nothing else', async () => {
    const { driver, simulator, pair } = start({ fault: 'disconnect_mid_signature', onDisconnect: () => pair.disconnect(new Error('cable pulled')) });
    const layout = await driver.showPrompt(prompts.pt);
    const error = await driver.captureSignature({ until: new Promise(() => undefined), buttons: { layout, onPress: () => undefined }, onStarted: () => void simulator.sign() }).catch((e: unknown) => e);
    expect(isDeviceError(error, 'disconnected')).toBe(true);
  });
});
