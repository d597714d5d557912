/**
 * In-process simulated devices for simulate mode and tests: each address
 * `sim:<name>` has a simulator of one family behind what its driver talks
 * through — a memory byte-link pair (serial families), a memory HID pair
 * (the STU pad: no /dev/uhid here), or an HTTP service on loopback (eSCL,
 * SBI). Each time the manager opens the address a fresh pair (or service) is
 * made and a fresh simulator started, as if the device had been plugged in
 * again. `unplug()` pulls the current one (disconnect, or the service
 * stopped) and keeps the address absent until `plug()`. Two knobs, read
 * from the environment where the station makes its bench (manager.ts), let a
 * separate `balcao serve` process be driven without a hidden control:
 * UNPLUG_ENV pulls a device's cable halfway through its n-th capture and
 * plugs it back a moment later; UNPACED_ENV runs every simulator as fast as
 * it can (docs/enrolment.md, "Simulator knobs"). SANE needs no bench
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
import { sbiFingerPosition, type SbiFingerSubType } from '../../drivers/sbi/protocol.js';
import { startSbiSimulator } from '../../device-simulators/sbi/server.js';
import type { FingerprintQuality } from '../../device-simulators/fingerprint/synthetic.js';
import type { SimulatedPresentation } from './adapter.js';

export const simPrefix = 'sim:';

export function isSimAddress(address: string): boolean {
  return address.startsWith(simPrefix);
}

/** What the bench shows a simulator for one capture: the finger wanted, how well it is placed, and whether the cable goes halfway. */
interface Presentation extends SimulatedPresentation {
  quality: FingerprintQuality;
  /** This capture loses its cable halfway (UNPLUG_ENV): the simulator cuts itself off mid-answer and calls its `pull`. */
  cut: boolean;
  /** A slap: the positions that come out poor while the rest are `quality` (POOR_FINGERS_ENV asks for one finger, not its slap-mates). */
  poorPositions?: readonly number[];
}

/** How every simulator of a bench runs. */
interface Settings {
  /** As fast as it can: no real-time pacing, no settling delays (UNPACED_ENV). */
  unpaced: boolean;
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

/**
 * The environment variable that makes every capture of the listed finger
 * positions poor on every simulated reader (`BALCAO_SIM_SCARRED_FINGERS=7`):
 * a scarred or worn finger that never gives a good print, so the operator runs
 * out of retries and ends with a supervisor's force-capture or an exception.
 * Same syntax as POOR_FINGERS_ENV.
 */
export const SCARRED_FINGERS_ENV = 'BALCAO_SIM_SCARRED_FINGERS';

/** Positions 1–10 from the variable's value; anything else is ignored. */
export function parsePoorFingers(value: string | undefined): number[] {
  if (value === undefined) return [];
  return [...new Set(value.split(/[\s,;]+/).map((p) => Number(p)).filter((p) => Number.isInteger(p) && p >= 1 && p <= 10))];
}

/**
 * The environment variable that pulls a simulated device's cable halfway
 * through one of its captures: a comma-separated list of
 * `<device>:<n>[:<backMs>]`, e.g. `BALCAO_SIM_UNPLUG=sim-stu:2` (the pad's
 * second capture loses its cable mid-signature) or `sim-escl:1:3000`.
 * `<device>` is a built-in simulator's id (`sim-stu`) or its address's name
 * (`stu`, for `sim:stu`); captures are counted per device from 1 (every
 * capture the station starts on it, test captures included); the device is
 * plugged back `<backMs>` later (default UNPLUG_BACK_MS), and the station
 * finds it again on its next poll. Read by the device manager when it makes
 * its bench; tests may pass SimulatorBenchOptions.unplug instead.
 */
export const UNPLUG_ENV = 'BALCAO_SIM_UNPLUG';

/** How long an unplugged device stays away unless the entry says: long enough for the screen to show it gone. */
export const UNPLUG_BACK_MS = 1500;

export interface UnplugPlan {
  /** The simulated device's address (`sim:<name>`). */
  address: string;
  /** Which of its captures (1 = the first) loses the cable. */
  capture: number;
  /** When the device is plugged back, after the cut. */
  backMs: number;
}

/**
 * UNPLUG_ENV's value as plans; an entry that does not parse is an error
 * naming it (a knob that silently does nothing would make a test pass for
 * the wrong reason).
 */
export function parseUnplug(value: string | undefined): UnplugPlan[] {
  if (value === undefined || value.trim() === '') return [];
  return value
    .split(/[\s,;]+/)
    .filter((entry) => entry !== '')
    .map((entry) => {
      const match = /^(?:sim-)?([a-z0-9][a-z0-9-]*):(\d+)(?::(\d+))?$/i.exec(entry);
      const capture = Number(match?.[2]);
      const backMs = match?.[3] === undefined ? UNPLUG_BACK_MS : Number(match[3]);
      if (match === null || capture < 1 || backMs > 600_000) {
        throw new RangeError(`${UNPLUG_ENV}: "${entry}" is not <device>:<capture>[:<backMs>] (e.g. sim-stu:2 or sim-escl:1:3000).`);
      }
      return { address: `${simPrefix}${(match[1] as string).toLowerCase()}`, capture, backMs };
    });
}

/**
 * The environment variable that runs the simulators unpaced (`1`, `true` or
 * `yes`): the pad sends its pen reports as fast as the host takes them, the
 * slap scanner's fingers land at once and its scan takes no time, the page
 * scanner has each page ready at the first ask, the MRZ reader and the
 * serial finger modules answer without their settling delays. What a
 * benchmark of the flow itself uses (bench/enrolment.bench.ts).
 */
export const UNPACED_ENV = 'BALCAO_SIM_UNPACED';

export function parseUnpaced(value: string | undefined): boolean {
  return /^(1|true|yes|on)$/i.test(value?.trim() ?? '');
}

/** Each simulated finger position is its own synthetic finger: the same seed for the same position, on every capture. */
const fingerSeed = (base: number, position: number | undefined) => base * 16 + (position ?? 2);

/** A delay a person takes at the device (a document laid down, a pen picked up); none when unpaced. */
const after = (settings: Settings, ms: number, fn: () => void) => (settings.unpaced ? setImmediate(fn) : setTimeout(fn, ms));

type Starter = (device: ByteLink, pull: () => void, settings: Settings) => Running;
type HidStarter = (device: HidDeviceSide, pull: () => void, settings: Settings) => Running;
type HttpStarter = (pull: () => void, settings: Settings) => Promise<Running & { url: string }>;

/** HID simulators by family. */
const hidStarters: Record<string, HidStarter> = {
  stu: (device, pull, settings) => {
    // The signer starts writing only when the capture asks (present), at the pad's real 200 reports a second (unless unpaced).
    const simulator = startStuSimulator(device, { model: 'STU-540', seed: 5, signOnInkingMs: null, onDisconnect: pull, paced: !settings.unpaced });
    return {
      stop: () => simulator.stop(),
      present: (what) => {
        // The cable goes halfway through the pen reports (the simulator's own mid-signature cut).
        if (what.cut) simulator.setFault('disconnect_mid_signature');
        after(settings, 50, () => void simulator.sign().catch(() => undefined));
      },
    };
  },
};

/** Network simulators by family: a service on 127.0.0.1, on a port the OS picks. */
const httpStarters: Record<string, HttpStarter> = {
  escl: async (pull, settings) => {
    // Unpaced, each page is ready at the first NextDocument (no 503, so no driver pause before asking again).
    const sim = await startEsclSimulator({ host: '127.0.0.1', port: 0, pages: 2, seed: 3, onDisconnect: pull, ...(settings.unpaced ? { notReadyCount: 0 } : {}) });
    // A card or a passport page on the glass when the flow scans one; A4 pages otherwise.
    const documentFor = { a4: null, id1: 'id1-card', td3: 'td3-passport' } as const;
    return {
      url: sim.url,
      stop: () => sim.stop(),
      present: (what) => {
        // The connection drops halfway through the page, then the service goes (pull).
        if (what.cut) sim.setFault('disconnect');
        sim.setNextDocument(what.paper ? documentFor[what.paper] : null);
      },
    };
  },
  sbi: async (pull, settings) => {
    // 320 × 400 per finger (16 × 20 mm at 500 ppi, a plain finger from a slap): enough foreground for NFIQ 2's
    // 50 000-pixel check, which the small single-finger sensors (EF01 256 × 288, GT-5xx 258 × 202) cannot pass.
    // The fingers take 700 ms to settle on the glass, streaming 20 frames a second meanwhile: the live preview. The ten
    // prints are made in the background from the start, so that the first preview does not wait for them.
    // Unpaced: the fingers are down at once and the scan takes no time.
    const timing = settings.unpaced ? { fingerLandingMs: 0, captureDelayMs: 0 } : { fingerLandingMs: 700 };
    const sim = await startSbiSimulator({ host: '127.0.0.1', port: 0, seed: 9, fingerWidth: 320, fingerHeight: 400, streamFps: 20, prepareFingers: true, onDisconnect: pull, ...timing });
    return {
      url: sim.url,
      stop: () => sim.stop(),
      present: (what) => {
        // The RCAPTURE answer is cut halfway, then the service goes (pull).
        if (what.cut) sim.setFault('disconnect');
        if (what.quality !== 'good') sim.setNextQuality(what.quality);
        else if (what.poorPositions !== undefined && what.poorPositions.length > 0) {
          sim.setNextQuality(POOR_SIMULATED_FINGER, what.poorPositions.map((p) => sbiSubTypeOf[p]).filter((f): f is SbiFingerSubType => f !== undefined));
        }
      },
    };
  },
};

/** ISO/IEC 19794-4 position → the SBI bioSubType naming that finger. */
const sbiSubTypeOf: Partial<Record<number, SbiFingerSubType>> = Object.fromEntries(Object.entries(sbiFingerPosition).map(([subType, position]) => [position, subType as SbiFingerSubType]));

/** Simulator starters by family; a family without one cannot be simulated. */
const starters: Record<string, Starter> = {
  ef01: (device, pull) => {
    const simulator = startEf01Simulator(device, { seed: 7, onDisconnect: pull, prepareImage: 'background' });
    return {
      stop: () => simulator.stop(),
      present: (what) => {
        if (what.cut) simulator.setFault('disconnect_mid_image');
        simulator.setFinger({ seed: fingerSeed(7, what.position), quality: what.quality });
      },
    };
  },
  // The finger lands 50 ms after the LED goes on: the test capture shows the driver waiting for it (at once, unpaced).
  gt5xx: (device, pull, settings) => {
    const simulator = startGt5xxSimulator(device, { seed: 11, fingerDelayMs: settings.unpaced ? 0 : 50, ...(settings.unpaced ? { captureDelayMs: 0 } : {}), disconnect: pull });
    return {
      stop: () => simulator.stop(),
      present: (what) => {
        if (what.cut) simulator.setFault('disconnect_mid_image');
        simulator.setFinger({ seed: fingerSeed(11, what.position), quality: what.quality });
      },
    };
  },
  ...Object.fromEntries(
    (['desko', '3m', 'lines'] as MrzFraming[]).map((framing): [string, Starter] => [
      framing,
      (device, pull, settings) => {
        const simulator = startMrzReaderSimulator(device, { framing, disconnect: pull });
        return {
          stop: () => simulator.stop(),
          // A passport laid on the glass a moment after the read starts; cut, half its frame and then the cable goes.
          present: (what) =>
            void after(settings, 30, () => void simulator.present(td3(samplePeople.portuguese, sampleDocuments.passport), what.cut ? 'disconnect' : undefined).catch(() => undefined)),
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
  /** Captures started on this device so far (the count UNPLUG_ENV's plans name). */
  captures: number;
  /** Set while a capture is to lose its cable: when the simulator cuts itself off, the device is pulled and comes back this much later. */
  backMs: number | null;
}

export interface SimulatorBenchOptions {
  /** Finger positions whose first capture on each simulated reader comes out poor (POOR_FINGERS_ENV). */
  poorFirstCapture?: readonly number[];
  /** Finger positions whose every capture comes out poor (SCARRED_FINGERS_ENV). */
  alwaysPoor?: readonly number[];
  /** Captures that lose their cable halfway (UNPLUG_ENV). */
  unplug?: readonly UnplugPlan[];
  /** Every simulator as fast as it can (UNPACED_ENV). */
  unpaced?: boolean;
}

/** The bench's options from the environment: what `balcao serve` (through the device manager) runs with. */
export function benchOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SimulatorBenchOptions {
  return { poorFirstCapture: parsePoorFingers(env[POOR_FINGERS_ENV]), alwaysPoor: parsePoorFingers(env[SCARRED_FINGERS_ENV]), unplug: parseUnplug(env[UNPLUG_ENV]), unpaced: parseUnpaced(env[UNPACED_ENV]) };
}

export class SimulatorBench {
  private readonly slots = new Map<string, Slot>();
  private closed = false;
  private readonly poorFirst: ReadonlySet<number>;
  private readonly alwaysPoor: ReadonlySet<number>;
  private readonly unplugPlans: readonly UnplugPlan[];
  private readonly settings: Settings;
  /** Re-plug timers (UNPLUG_ENV), cleared by close(). */
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: SimulatorBenchOptions = {}) {
    this.poorFirst = new Set(options.poorFirstCapture ?? []);
    this.alwaysPoor = new Set(options.alwaysPoor ?? []);
    this.unplugPlans = options.unplug ?? [];
    this.settings = { unpaced: options.unpaced ?? false };
  }

  /** Whether the simulators run unpaced. */
  get unpaced(): boolean {
    return this.settings.unpaced;
  }

  /** Declares a simulated device at `sim:<name>`. */
  add(address: string, family: string): void {
    if (!isSimAddress(address)) throw new RangeError(`A simulated device's address starts with ${simPrefix}, got ${address}.`);
    if (!canSimulate(family)) throw new RangeError(`There is no simulator for the ${family} family.`);
    if (!this.slots.has(address)) this.slots.set(address, { family, plugged: true, current: null, next: null, poorDone: new Set(), captures: 0, backMs: null });
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
    // A cut planned for the simulator just retired goes with it.
    slot.backMs = null;
    return slot;
  }

  /** The host end of a new link to the simulator at `address`. */
  open(address: string, baud: number): ByteLink {
    const slot = this.plugged(address, starters);
    const pair = createMemoryLinkPair({ baudRate: baud, name: address });
    const simulator = (starters[slot.family] as Starter)(pair.device, this.puller(address, slot, () => pair.disconnect()), this.settings);
    slot.current = { disconnect: pair.disconnect, simulator };
    return pair.host;
  }

  /** The host end of a new in-process HID pair to the simulated pad at `address`. */
  openHid(address: string): HidLink {
    const slot = this.plugged(address, hidStarters);
    const pair = createMemoryHidPair({ name: address, timeoutMs: 2000 });
    const simulator = (hidStarters[slot.family] as HidStarter)(pair.device, this.puller(address, slot, () => pair.disconnect()), this.settings);
    slot.current = { disconnect: (error) => pair.disconnect(error), simulator };
    return pair.host;
  }

  /** Starts the simulated network device at `address` (a fresh service each time) and gives its base URL. */
  async url(address: string): Promise<string> {
    const slot = this.plugged(address, httpStarters);
    // A network simulator cuts a connection itself; the service stays unless a planned unplug takes it away.
    const service = await (httpStarters[slot.family] as HttpStarter)(this.puller(address, slot, () => undefined), this.settings);
    if (this.closed) {
      await service.stop().catch(() => undefined);
      throw new DeviceError('cancelled', `The station is stopping; the simulated device at ${address} was not opened.`);
    }
    // Unplugging a network device: its service goes away and requests are refused.
    slot.current = { disconnect: () => void service.stop().catch(() => undefined), simulator: service };
    return service.url;
  }

  /**
   * What a simulator does when it cuts itself off (a fault's mid-answer
   * cut): the link drops, as before; and when the capture was planned to
   * lose its cable (UNPLUG_ENV), the device is pulled altogether and
   * plugged back `backMs` later.
   */
  private puller(address: string, slot: Slot, disconnect: () => void): () => void {
    return () => {
      const backMs = slot.backMs;
      if (backMs === null) return disconnect();
      slot.backMs = null;
      this.unplug(address);
      if (this.closed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!this.closed) this.plug(address);
      }, backMs);
      this.timers.add(timer);
    };
  }

  /** What a person does at the device for a capture (a document on the glass…), where the simulator needs it. */
  presentation(address: string): ((what?: SimulatedPresentation) => void) | null {
    const slot = this.slots.get(address);
    if (slot === undefined) return null;
    return (what = {}) => {
      slot.captures += 1;
      const plan = this.unplugPlans.find((p) => p.address === address && p.capture === slot.captures);
      if (plan !== undefined) slot.backMs = plan.backMs;
      let quality: FingerprintQuality = 'good';
      if (slot.next !== null) {
        quality = slot.next === 'poor' ? POOR_SIMULATED_FINGER : 'good';
        slot.next = null;
      } else if (what.positions !== undefined && what.positions.length > 0) {
        // A slap: only the listed fingers' first captures (and the scarred ones' every capture) are poor; their slap-mates stay good.
        const poor = what.positions.filter((p) => this.alwaysPoor.has(p) || (this.poorFirst.has(p) && !slot.poorDone.has(p)));
        for (const p of poor) slot.poorDone.add(p);
        slot.current?.simulator.present?.({ ...what, quality, cut: plan !== undefined, poorPositions: poor });
        return;
      } else if (what.position !== undefined && this.alwaysPoor.has(what.position)) {
        quality = POOR_SIMULATED_FINGER;
      } else if (what.position !== undefined && this.poorFirst.has(what.position) && !slot.poorDone.has(what.position)) {
        slot.poorDone.add(what.position);
        quality = POOR_SIMULATED_FINGER;
      }
      slot.current?.simulator.present?.({ ...what, quality, cut: plan !== undefined });
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
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const slot of this.slots.values()) {
      const current = slot.current;
      slot.current = null;
      current?.disconnect(new Error('the station is stopping'));
      await current?.simulator.stop().catch(() => undefined);
    }
  }
}
