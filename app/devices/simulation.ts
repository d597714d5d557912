/**
 * In-process simulated devices for simulate mode and tests: each address
 * `sim:<name>` has a simulator of one family behind what its driver talks
 * through — a memory byte-link pair (serial families), a memory HID pair
 * (the STU pad: no /dev/uhid here), or an HTTP service on loopback (eSCL,
 * SBI). Each time the manager opens the address a fresh pair (or service) is
 * made and a fresh simulator started, as if the device had been plugged in
 * again. `unplug()` pulls the current one (disconnect, or the service
 * stopped) and keeps the address absent until `plug()`. SANE needs no bench
 * entry of its own: its simulator is SANE's test backend, reached through
 * `scanimage` with the configuration of device-simulators/sane.
 */
import { createMemoryLinkPair } from '../../drivers/transport/memory-link.js';
import type { ByteLink } from '../../drivers/transport/byte-link.js';
import { DeviceError } from '../../drivers/errors.js';
import { startEf01Simulator } from '../../device-simulators/ef01/simulator.js';
import { startGt5xxSimulator } from '../../device-simulators/gt5xx/simulator.js';
import { startMrzReaderSimulator } from '../../device-simulators/mrz-reader/simulator.js';
import { sampleDocuments, samplePeople, td3 } from '../../device-simulators/documents/mrz.js';
import type { MrzFraming } from '../../drivers/mrz-reader/framing.js';
import { createMemoryHidPair, type HidDeviceSide, type HidLink } from '../../drivers/transport/hid-link.js';
import { startStuSimulator } from '../../device-simulators/wacom-stu/simulator.js';
import { startEsclSimulator } from '../../device-simulators/escl/server.js';
import { startSbiSimulator } from '../../device-simulators/sbi/server.js';
import type { FingerprintQuality } from '../../device-simulators/fingerprint/synthetic.js';
import type { SimulatedPresentation } from './adapter.js';

export const simPrefix = 'sim:';

export function isSimAddress(address: string): boolean {
  return address.startsWith(simPrefix);
}

/** What the bench shows a simulator for one capture: the finger wanted and how well it is placed. */
interface Presentation extends SimulatedPresentation {
  quality: FingerprintQuality;
}

interface Running {
  stop(): Promise<void>;
  present?(what: Presentation): void;
}

/** The quality a "poor" simulated capture has: smudged ridges (app/quality names low ridge clarity). */
export const POOR_SIMULATED_FINGER: FingerprintQuality = 'smudged';

/**
 * The environment variable that makes the first capture of the listed finger
 * positions poor on every simulated reader (e.g. `BALCAO_SIM_POOR_FINGERS=2`
 * or `2,7`): how an end-to-end run of the UI gets exactly one low-quality
 * attempt without a hidden control. Read by the device manager when it makes
 * its bench; tests call DeviceManager.simulate() instead.
 */
export const POOR_FINGERS_ENV = 'BALCAO_SIM_POOR_FINGERS';

/** Positions 1–10 from the variable's value; anything else is ignored. */
export function parsePoorFingers(value: string | undefined): number[] {
  if (value === undefined) return [];
  return [...new Set(value.split(/[\s,;]+/).map((p) => Number(p)).filter((p) => Number.isInteger(p) && p >= 1 && p <= 10))];
}

/** Each simulated finger position is its own synthetic finger: the same seed for the same position, on every capture. */
const fingerSeed = (base: number, position: number | undefined) => base * 16 + (position ?? 2);

type Starter = (device: ByteLink, pull: () => void) => Running;
type HidStarter = (device: HidDeviceSide, pull: () => void) => Running;
type HttpStarter = () => Promise<Running & { url: string }>;

/** HID simulators by family. */
const hidStarters: Record<string, HidStarter> = {
  stu: (device, pull) => {
    // The signer starts writing only when the capture asks (present), at the pad's real 200 reports a second.
    const simulator = startStuSimulator(device, { model: 'STU-540', seed: 5, signOnInkingMs: null, onDisconnect: pull });
    return { stop: () => simulator.stop(), present: () => void setTimeout(() => void simulator.sign().catch(() => undefined), 50) };
  },
};

/** Network simulators by family: a service on 127.0.0.1, on a port the OS picks. */
const httpStarters: Record<string, HttpStarter> = {
  escl: async () => {
    const sim = await startEsclSimulator({ host: '127.0.0.1', port: 0, pages: 2, seed: 3 });
    // A card or a passport page on the glass when the flow scans one; A4 pages otherwise.
    const documentFor = { a4: null, id1: 'id1-card', td3: 'td3-passport' } as const;
    return { url: sim.url, stop: () => sim.stop(), present: (what) => sim.setNextDocument(what.paper ? documentFor[what.paper] : null) };
  },
  sbi: async () => {
    // 320 × 400 per finger (16 × 20 mm at 500 ppi, a plain finger from a slap): enough foreground for NFIQ 2's
    // 50 000-pixel check, which the small single-finger sensors (EF01 256 × 288, GT-5xx 258 × 202) cannot pass.
    // The fingers take 700 ms to settle on the glass, streaming 20 frames a second meanwhile: the live preview. The ten
    // prints are made in the background from the start, so that the first preview does not wait for them.
    const sim = await startSbiSimulator({ host: '127.0.0.1', port: 0, seed: 9, fingerWidth: 320, fingerHeight: 400, fingerLandingMs: 700, streamFps: 20, prepareFingers: true });
    return { url: sim.url, stop: () => sim.stop(), present: (what) => void (what.quality !== 'good' && sim.setNextQuality(what.quality)) };
  },
};

/** Simulator starters by family; a family without one cannot be simulated. */
const starters: Record<string, Starter> = {
  ef01: (device, pull) => {
    const simulator = startEf01Simulator(device, { seed: 7, onDisconnect: pull, prepareImage: 'background' });
    return { stop: () => simulator.stop(), present: (what) => simulator.setFinger({ seed: fingerSeed(7, what.position), quality: what.quality }) };
  },
  // The finger lands 50 ms after the LED goes on: the test capture shows the driver waiting for it.
  gt5xx: (device, pull) => {
    const simulator = startGt5xxSimulator(device, { seed: 11, fingerDelayMs: 50, disconnect: pull });
    return { stop: () => simulator.stop(), present: (what) => simulator.setFinger({ seed: fingerSeed(11, what.position), quality: what.quality }) };
  },
  ...Object.fromEntries(
    (['desko', '3m', 'lines'] as MrzFraming[]).map((framing): [string, Starter] => [
      framing,
      (device, pull) => {
        const simulator = startMrzReaderSimulator(device, { framing, disconnect: pull });
        return {
          stop: () => simulator.stop(),
          // A passport laid on the glass a moment after the read starts.
          present: () => void setTimeout(() => void simulator.present(td3(samplePeople.portuguese, sampleDocuments.passport)).catch(() => undefined), 30),
        };
      },
    ]),
  ),
};

const has = (table: object, family: string) => Object.prototype.hasOwnProperty.call(table, family);

/** SANE's simulator is its own test backend: nothing to start in the bench, only presence to track. */
const selfSimulated = new Set(['sane']);

export function canSimulate(family: string): boolean {
  return has(starters, family) || has(hidStarters, family) || has(httpStarters, family) || selfSimulated.has(family);
}

interface Slot {
  family: string;
  plugged: boolean;
  current: { disconnect: (error?: Error) => void; simulator: Running } | null;
  /** simulate(): how the next capture comes out, once. */
  next: 'poor' | 'good' | null;
  /** Positions whose first capture (poorFirstCapture) has been made poor already. */
  poorDone: Set<number>;
}

export interface SimulatorBenchOptions {
  /** Finger positions whose first capture on each simulated reader comes out poor (POOR_FINGERS_ENV). */
  poorFirstCapture?: readonly number[];
}

export class SimulatorBench {
  private readonly slots = new Map<string, Slot>();
  private closed = false;
  private readonly poorFirst: ReadonlySet<number>;

  constructor(options: SimulatorBenchOptions = {}) {
    this.poorFirst = new Set(options.poorFirstCapture ?? []);
  }

  /** Declares a simulated device at `sim:<name>`. */
  add(address: string, family: string): void {
    if (!isSimAddress(address)) throw new RangeError(`A simulated device's address starts with ${simPrefix}, got ${address}.`);
    if (!canSimulate(family)) throw new RangeError(`There is no simulator for the ${family} family.`);
    if (!this.slots.has(address)) this.slots.set(address, { family, plugged: true, current: null, next: null, poorDone: new Set() });
  }

  has(address: string): boolean {
    return this.slots.has(address);
  }

  present(address: string): boolean {
    return this.slots.get(address)?.plugged === true;
  }

  private plugged(address: string, table: object): Slot {
    // A device opening in the background when the station stops must not start a simulator that outlives it.
    if (this.closed) throw new DeviceError('cancelled', `The station is stopping; the simulated device at ${address} was not opened.`);
    const slot = this.slots.get(address);
    if (slot === undefined) throw new DeviceError('not_found', `There is no simulated device at ${address}.`);
    if (!slot.plugged) throw new DeviceError('not_found', `The simulated device at ${address} is unplugged.`);
    if (!has(table, slot.family)) throw new DeviceError('not_found', `The simulated ${slot.family} device at ${address} is not reached that way.`);
    this.retire(slot);
    return slot;
  }

  /** The host end of a new link to the simulator at `address`. */
  open(address: string, baud: number): ByteLink {
    const slot = this.plugged(address, starters);
    const pair = createMemoryLinkPair({ baudRate: baud, name: address });
    const simulator = (starters[slot.family] as Starter)(pair.device, () => pair.disconnect());
    slot.current = { disconnect: pair.disconnect, simulator };
    return pair.host;
  }

  /** The host end of a new in-process HID pair to the simulated pad at `address`. */
  openHid(address: string): HidLink {
    const slot = this.plugged(address, hidStarters);
    const pair = createMemoryHidPair({ name: address, timeoutMs: 2000 });
    const simulator = (hidStarters[slot.family] as HidStarter)(pair.device, () => pair.disconnect());
    slot.current = { disconnect: (error) => pair.disconnect(error), simulator };
    return pair.host;
  }

  /** Starts the simulated network device at `address` (a fresh service each time) and gives its base URL. */
  async url(address: string): Promise<string> {
    const slot = this.plugged(address, httpStarters);
    const service = await (httpStarters[slot.family] as HttpStarter)();
    if (this.closed) {
      await service.stop().catch(() => undefined);
      throw new DeviceError('cancelled', `The station is stopping; the simulated device at ${address} was not opened.`);
    }
    // Unplugging a network device: its service goes away and requests are refused.
    slot.current = { disconnect: () => void service.stop().catch(() => undefined), simulator: service };
    return service.url;
  }

  /** What a person does at the device for a capture (a document on the glass…), where the simulator needs it. */
  presentation(address: string): ((what?: SimulatedPresentation) => void) | null {
    const slot = this.slots.get(address);
    if (slot === undefined) return null;
    return (what = {}) => {
      let quality: FingerprintQuality = 'good';
      if (slot.next !== null) {
        quality = slot.next === 'poor' ? POOR_SIMULATED_FINGER : 'good';
        slot.next = null;
      } else if (what.position !== undefined && this.poorFirst.has(what.position) && !slot.poorDone.has(what.position)) {
        slot.poorDone.add(what.position);
        quality = POOR_SIMULATED_FINGER;
      }
      slot.current?.simulator.present?.({ ...what, quality });
    };
  }

  /**
   * How the next capture at `address` comes out ('poor': a smudged finger),
   * once; the one after is good again. For fingerprint simulators; others
   * ignore it. Throws for an address the bench does not have.
   */
  setNextCapture(address: string, next: 'poor' | 'good'): void {
    const slot = this.slots.get(address);
    if (slot === undefined) throw new RangeError(`There is no simulated device at ${address}.`);
    slot.next = next;
  }

  /** Pulls the cable: the current link is lost, and the address stays absent until plug(). */
  unplug(address: string): void {
    const slot = this.slots.get(address);
    if (slot === undefined) return;
    slot.plugged = false;
    const current = slot.current;
    this.retire(slot);
    current?.disconnect(new Error(`${address} was unplugged`));
  }

  plug(address: string): void {
    const slot = this.slots.get(address);
    if (slot !== undefined) slot.plugged = true;
  }

  private retire(slot: Slot): void {
    const current = slot.current;
    slot.current = null;
    void current?.simulator.stop().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const slot of this.slots.values()) {
      const current = slot.current;
      slot.current = null;
      current?.disconnect(new Error('the station is stopping'));
      await current?.simulator.stop().catch(() => undefined);
    }
  }
}
