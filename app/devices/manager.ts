/**
 * The device manager (DESIGN.md "Devices"): finds devices (configured,
 * simulated, discovered), opens them through their family adapter, checks
 * them against the approved-device list, keeps their status (ready, busy,
 * disconnected, not_approved, error) and reports every change; polls a lost
 * device's address until it comes back, reopens it and runs the handshake
 * again. Capture flows call `capture()`; data flows one way, from the device
 * to the caller — the manager never calls into the UI, it only emits.
 */
import { existsSync } from 'node:fs';
import type { DeviceIdentity, RawFingerprintCapture, RawMrzRead, RawPageScan, RawSlapCapture } from '../../drivers/capture.js';
import { sbiFingerPosition, type SbiFingerSubType } from '../../drivers/sbi/protocol.js';
import type { DeviceKind, DiscoveredDevice } from '../../drivers/discovery.js';
import { DeviceError, isDeviceError } from '../../drivers/errors.js';
import type { ByteLink } from '../../drivers/transport/byte-link.js';
import type { AuditLog } from '../audit/log.js';
import type { StationConfig } from '../config/schema.js';
import type { ApprovedListView, DeviceCandidateView, DeviceStatus, DeviceView, TestCaptureResult } from '../contract/channels.js';
import { ContractError } from '../contract/errors.js';
import type { Logger } from '../log/logger.js';
import type { Db } from '../storage/database.js';
import type { CaptureRequest, DeviceSession, FamilyAdapter, RawCapture } from './adapter.js';
import { loadApprovedList, type ApprovedDevice } from './approved-list.js';
import { ApprovalsRepo } from './approvals-repo.js';
import { adapterFor, builtinAdapters } from './families/index.js';
import { approvedByLabel, matchApproval, type ApprovalMatch, type ApprovalSubject } from './matching.js';
import { SimulatorBench, benchOptionsFromEnv, canSimulate, isSimAddress } from './simulation.js';
import { matchBridge, matchKnownReader, normaliseUsbId } from './usb-ids.js';

export type DevicesConfig = StationConfig['devices'];

/** The slice of serialport's PortInfo discovery reads. */
export interface SerialPortInfo {
  path: string;
  vendorId?: string | undefined;
  productId?: string | undefined;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
}

export interface DeviceManagerOptions {
  config: DevicesConfig;
  demo: boolean;
  db: Db;
  audit: AuditLog;
  log: Logger;
  adapters?: readonly FamilyAdapter[];
  /**
   * The in-process simulators; made here when not given, with the knobs the
   * environment sets (simulation.ts benchOptionsFromEnv: POOR_FINGERS_ENV,
   * UNPLUG_ENV, UNPACED_ENV). Tests pass their own to unplug and plug devices.
   */
  bench?: SimulatorBench;
  now?: () => Date;
  listSerialPorts?: () => Promise<SerialPortInfo[]>;
  /** Run the families' own discovery (HID, SANE, SBI ports); default true. Tests of other things turn it off: `scanimage -L` alone takes seconds. */
  familyDiscovery?: boolean;
  /**
   * Simulated devices open only once this settles (`balcao serve`: after the
   * first screen has rendered). Starting seven simulators — prints to make,
   * an RSA key, HTTP servers — competes with the sign-in screen for the
   * machine's cores, and no one captures before signing in.
   */
  simulatorsAfter?: Promise<unknown>;
  openSerial?: (path: string, baud: number) => Promise<ByteLink>;
}

/**
 * The built-in simulated devices of simulate mode: stable ids and addresses.
 * The order is the capture flows' default choice per kind (the first ready,
 * approved one; app/cases/capture/select.ts): the SBI scanner before the
 * serial modules, because it streams a live preview and gives 500 ppi slaps
 * of full size; the eSCL scanner before SANE's test backend, because it lays
 * real document pages (with MRZs) on its glass where SANE's test backend
 * gives test patterns.
 */
export const simulatedDevices = [
  { id: 'sim-sbi', family: 'sbi', address: 'sim:sbi' },
  { id: 'sim-ef01', family: 'ef01', address: 'sim:ef01' },
  { id: 'sim-gt5xx', family: 'gt5xx', address: 'sim:gt5xx' },
  { id: 'sim-mrz-desko', family: 'desko', address: 'sim:mrz-desko' },
  { id: 'sim-stu', family: 'stu', address: 'sim:stu' },
  { id: 'sim-escl', family: 'escl', address: 'sim:escl' },
  { id: 'sim-sane', family: 'sane', address: 'sim:sane' },
] as const;

type Source = 'config' | 'simulated' | 'discovered';

interface DeviceRecord {
  id: string;
  adapter: FamilyAdapter;
  address: string;
  baud: number | undefined;
  source: Source;
  identity: DeviceIdentity;
  /** Opened at least once: the identity is the device's own, not the family's label. */
  identified: boolean;
  session: DeviceSession | null;
  detachLoss: (() => void) | null;
  link: 'connected' | 'disconnected' | 'error';
  detail: string | null;
  lastSeenAt: string | null;
  busy: boolean;
  opening: Promise<void> | null;
  /** The JSON of the last view emitted, to emit only real changes. */
  lastEmitted: string | null;
}

const sessionGoneCodes = new Set(['disconnected', 'not_found']);

export class DeviceManager {
  private readonly records = new Map<string, DeviceRecord>();
  private readonly adapters: readonly FamilyAdapter[];
  private readonly bench: SimulatorBench;
  private readonly repo: ApprovalsRepo;
  private readonly listeners = new Set<(device: DeviceView) => void>();
  private readonly now: () => Date;
  private readonly listPorts: () => Promise<SerialPortInfo[]>;
  private readonly openSerial: (path: string, baud: number) => Promise<ByteLink>;
  private readonly captures = new Set<AbortController>();
  private agency: ApprovedDevice[] = [];
  private approvedList: ApprovedListView = { state: 'none', file: null, issuedAt: null, entries: 0, error: null };
  private candidates: DeviceCandidateView[] = [];
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private closed = false;
  private initial: Promise<void> = Promise.resolve();
  /** Aborted by close(): stops discovery still running. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: DeviceManagerOptions) {
    this.adapters = options.adapters ?? builtinAdapters;
    this.bench = options.bench ?? new SimulatorBench(benchOptionsFromEnv());
    this.repo = new ApprovalsRepo(options.db);
    this.now = options.now ?? (() => new Date());
    // serialport (a native module, ~100 ms to load) is loaded when first used, not with the station: listing ports
    // runs in the background at start (rescan), and only real serial devices open links.
    this.listPorts = options.listSerialPorts ?? (async () => (await import('serialport')).SerialPort.list());
    this.openSerial = options.openSerial ?? (async (path, baud) => (await import('../../drivers/transport/serial-link.js')).openSerialLink(path, baud));
  }

  /**
   * Reads the approved list, finds the devices and starts polling. The
   * devices are opened in the background (a handshake with hardware that
   * does not answer takes its timeouts): the station starts without
   * waiting, and the screen hears each device become ready. `settled()`
   * resolves when the first round of opening is over.
   */
  async start(): Promise<void> {
    let hardware: Promise<void> = Promise.resolve();
    await this.rescan((opening) => {
      hardware = opening;
    });
    this.initial = hardware.catch((error: unknown) => this.options.log.error('device opening failed', { error: error instanceof Error ? error.message : String(error) }));
    this.timer = setInterval(() => void this.poll(), this.options.config.pollIntervalMs);
    this.timer.unref();
  }

  /** Resolves when the devices found at start have been opened (or failed to). */
  settled(): Promise<void> {
    return this.initial;
  }

  /** Called with the whole device whenever anything shown about it changes. */
  onChange(listener: (device: DeviceView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): DeviceView[] {
    return [...this.records.values()].map((r) => this.view(r));
  }

  get(id: string): DeviceView {
    return this.view(this.require(id));
  }

  /**
   * Resolves once the devices of a kind (or the one named) that are being opened right now are open or have
   * failed to open, or after `withinMs`, whichever is first. A capture asked for while its device is still
   * opening — the first seconds after the station starts (simulators wait for the first screen), or just as a
   * device is plugged back — waits for the handshake instead of failing with "disconnected".
   */
  async opened(which: { kind: DeviceKind } | { id: string }, withinMs: number): Promise<void> {
    const openings = [...this.records.values()]
      .filter((r) => r.opening !== null && ('id' in which ? r.id === which.id : r.adapter.kind === which.kind))
      .map((r) => r.opening);
    if (openings.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, withinMs);
    });
    try {
      await Promise.race([Promise.allSettled(openings), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  approvedListState(): ApprovedListView {
    return { ...this.approvedList };
  }

  candidateList(): DeviceCandidateView[] {
    return [...this.candidates];
  }

  /**
   * Discovery again and the agency's list read again; new devices are
   * opened. With `background` (at start), every device is opened without
   * waiting (a handshake may take its timeouts; seven simulators take a
   * second), the serial ports are listed without waiting either (~100 ms,
   * plus loading serialport), and the promise of all that is handed over;
   * without it (a rescan the technician asked for), everything is waited for.
   */
  async rescan(background?: (hardwareOpening: Promise<void>) => void): Promise<DeviceView[]> {
    await this.loadAgencyList();
    const add = (records: DeviceRecord[]) => {
      const fresh = records.filter((r) => !this.records.has(r.id) && !this.closed);
      for (const record of fresh) this.records.set(record.id, record);
      return fresh;
    };
    add(this.discoverConfigured());
    // A reader found on a serial port is opened as soon as the list lands; the devices screen hears it (devices.changed).
    const serial = background ? this.discoverSerial().then((records) => Promise.all(add(records).map((record) => this.connect(record)))) : null;
    if (!background) add(await this.discoverSerial());
    const simulated: Promise<void>[] = [];
    const hardware: Promise<void>[] = [];
    // New devices, and known ones not connected (rather than waiting for the next poll).
    for (const record of this.records.values()) {
      if (record.link === 'connected') continue;
      (isSimAddress(record.address) ? simulated : hardware).push(this.connect(record));
    }
    // At start (background given) even simulators open behind the station's back: seven of them (an RSA key for
    // the SBI service, HTTP servers, handshakes) would add a second to every start; the screen hears each get ready.
    if (!background) await Promise.all(simulated);
    const families = this.discoverFamilies().then(async (records) => {
      await Promise.all(add(records).map((record) => this.connect(record)));
    });
    const rest = Promise.all([...(background ? simulated : []), ...hardware, ...(serial ? [serial] : []), families]).then(() => undefined);
    if (background) background(rest);
    else await rest;
    for (const record of this.records.values()) this.refresh(record);
    return this.list();
  }

  /**
   * One capture for the capture flows: approval and status checked, the
   * driver's raw result returned. `request` carries what the flow asks beyond
   * a plain capture (the finger wanted, a preview listener, the paper); a
   * simulated device is shown what a person would present (adapter.ts
   * simulatePresentation), as for a test capture.
   */
  capture(id: string, signal?: AbortSignal, request?: CaptureRequest): Promise<RawCapture> {
    return this.withSession(id, 'capture', (session, s) => session.capture(s, request), signal);
  }

  /**
   * capture() for a fingerprint reader: refuses any other kind before
   * touching the device, and hands back one finger — from a slap device
   * (SBI) the finger at `request.finger.position` (it was asked for alone),
   * else the slap's first.
   */
  async captureFingerprint(id: string, signal?: AbortSignal, request?: CaptureRequest): Promise<RawFingerprintCapture> {
    this.requireKind(id, 'fingerprint');
    const raw = (await this.capture(id, signal, request)) as RawFingerprintCapture | RawSlapCapture;
    if (raw.kind !== 'slap') return raw;
    const wanted = request?.finger?.position;
    const finger = (wanted === undefined ? undefined : raw.fingers.find((f) => sbiFingerPosition[f.position as SbiFingerSubType] === wanted)) ?? raw.fingers[0];
    if (finger === undefined || (wanted !== undefined && sbiFingerPosition[finger.position as SbiFingerSubType] !== wanted)) {
      throw new DeviceError('refused', `${this.describeId(id)} answered without finger position ${wanted ?? '?'} (it sent ${raw.fingers.map((f) => f.position).join(', ') || 'none'}).`);
    }
    return { kind: 'fingerprint', device: finger.device, image: finger.image, capturedAt: finger.capturedAt };
  }

  /**
   * capture() of one whole slap on a reader that takes slaps (its family's
   * `slaps`; the SBI family): the slap's fingers less the exceptions, or only
   * `positions` of them (a retry of those that failed). Refuses ('refused')
   * a reader that takes one finger at a time, before touching it. Each finger
   * comes back with its ISO/IEC 19794-4 position; a finger the device did not
   * return is simply absent (the caller says which are missing).
   */
  async captureSlap(
    id: string,
    slap: NonNullable<CaptureRequest['slap']>,
    signal?: AbortSignal,
    onPreview?: CaptureRequest['onPreview'],
  ): Promise<{ device: DeviceIdentity; fingers: (RawFingerprintCapture & { position: number; deviceQuality: number })[] }> {
    this.requireKind(id, 'fingerprint');
    const record = this.records.get(id);
    if (record !== undefined && record.adapter.slaps !== true) {
      throw new DeviceError('refused', `${this.describe(record)} takes one finger at a time, not a slap; capture the fingers one by one.`);
    }
    const raw = (await this.capture(id, signal, { slap, ...(onPreview ? { onPreview } : {}) })) as RawFingerprintCapture | RawSlapCapture;
    if (raw.kind !== 'slap') throw new DeviceError('protocol', `${this.describeId(id)} answered a slap capture with a single finger.`);
    const fingers = raw.fingers.map((f) => {
      const position = sbiFingerPosition[f.position as SbiFingerSubType];
      if (position === undefined) throw new DeviceError('protocol', `${this.describeId(id)} answered with a finger named "${f.position.slice(0, 40)}", which is no ISO/IEC 19794-4 position.`);
      return { kind: 'fingerprint' as const, device: f.device, image: f.image, capturedAt: f.capturedAt, position, deviceQuality: f.deviceQuality };
    });
    return { device: raw.device, fingers };
  }

  /** capture() for a page scanner: one page of the given paper. */
  async scanPage(id: string, request: { paper: 'a4' | 'id1' | 'td3' }, signal?: AbortSignal): Promise<RawPageScan> {
    this.requireKind(id, 'scanner');
    return (await this.capture(id, signal, { paper: request.paper })) as RawPageScan;
  }

  /**
   * Simulated devices only: how the next capture comes out ('poor': a
   * smudged finger that fails the quality check; then good again). For tests
   * and demos; a real device refuses ('refused').
   */
  simulate(id: string, settings: { nextCapture: 'poor' | 'good' }): void {
    const record = this.require(id);
    if (!isSimAddress(record.address) || !this.bench.has(record.address)) {
      throw new DeviceError('refused', `${this.describe(record)} is not a simulated device; only a simulator can be told how its next capture comes out.`);
    }
    this.bench.setNextCapture(record.address, settings.nextCapture);
  }

  private describeId(id: string): string {
    const record = this.records.get(id);
    return record ? this.describe(record) : `Device ${id}`;
  }

  /** capture() for an MRZ reader: waits for a document on the glass. */
  async readMrz(id: string, signal?: AbortSignal): Promise<RawMrzRead> {
    this.requireKind(id, 'mrz');
    return (await this.capture(id, signal)) as RawMrzRead;
  }

  private requireKind(id: string, kind: DeviceKind): void {
    const record = this.records.get(id);
    if (record !== undefined && record.adapter.kind !== kind) {
      throw new DeviceError('not_found', `${this.describe(record)} is a ${record.adapter.kind} device, not a ${kind} device.`);
    }
  }

  /** One capture for the devices screen. */
  testCapture(id: string, signal?: AbortSignal): Promise<TestCaptureResult> {
    return this.withSession(id, 'test capture', (session, s) => session.testCapture(s), signal);
  }

  /** An administrator approves a device at this station (the caller has checked their password). */
  approve(id: string, actor: string): DeviceView {
    const record = this.require(id);
    const subject = this.subjectOf(record);
    if (subject === null) {
      throw new ContractError(
        'device.identity_unknown',
        `${this.describe(record)} has not been connected yet, so its serial number is unknown; connect it and approve it then.`,
      );
    }
    if (this.match(record) !== null) return this.view(record);
    this.repo.approve(subject, actor, this.now().toISOString());
    this.options.audit.append({
      type: 'devices.approved',
      actor,
      details: { device: record.id, family: record.adapter.family, make: subject.make, model: subject.model, serial: subject.serial, address: subject.serial === null ? subject.address : null },
    });
    this.options.log.info('device approved', { device: record.id, by: actor });
    for (const r of this.records.values()) this.refresh(r);
    return this.view(record);
  }

  /** Withdraws this station's approval; a device on the agency's signed list stays approved until the agency says otherwise. */
  revoke(id: string, actor: string): DeviceView {
    const record = this.require(id);
    let match = this.match(record);
    if (match?.source === 'agency') {
      throw new ContractError('device.approved_by_agency', `${this.describe(record)} is on the agency's signed approved-device list; only a new list from the agency can withdraw it.`);
    }
    const at = this.now().toISOString();
    while (match?.source === 'admin') {
      this.repo.revoke(match.approval.id, actor, at);
      this.options.audit.append({
        type: 'devices.revoked',
        actor,
        details: { device: record.id, family: record.adapter.family, make: match.approval.make, model: match.approval.model, serial: match.approval.serial, approvedBy: match.approval.approvedBy },
      });
      match = this.match(record);
    }
    this.options.log.info('device approval revoked', { device: record.id, by: actor });
    for (const r of this.records.values()) this.refresh(r);
    return this.view(record);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopping.abort();
    if (this.timer !== null) clearInterval(this.timer);
    for (const controller of this.captures) controller.abort();
    const sessions: Promise<void>[] = [];
    for (const record of this.records.values()) {
      record.detachLoss?.();
      if (record.session) sessions.push(record.session.close().catch(() => undefined));
      record.session = null;
    }
    await Promise.all(sessions);
    await this.bench.close();
    this.listeners.clear();
  }

  // --- discovery -----------------------------------------------------------

  private newRecord(id: string, adapter: FamilyAdapter, address: string, source: Source, baud?: number, found?: DiscoveredDevice): DeviceRecord {
    return {
      id,
      adapter,
      address,
      baud,
      source,
      identity: {
        family: adapter.family,
        make: found?.make ?? adapter.label.make,
        model: found?.model ?? adapter.label.model,
        serial: found?.serial ?? null,
        firmware: found?.firmware ?? null,
      },
      identified: false,
      session: null,
      detachLoss: null,
      link: 'disconnected',
      detail: null,
      lastSeenAt: null,
      busy: false,
      opening: null,
      lastEmitted: null,
    };
  }

  /** Addresses already known, and a way to add records at new ones only. */
  private collector(): { found: DeviceRecord[]; addresses: Set<string>; add: (record: DeviceRecord) => void } {
    const found: DeviceRecord[] = [];
    const addresses = new Set([...this.records.values()].map((r) => r.address));
    const add = (record: DeviceRecord) => {
      if (addresses.has(record.address)) return;
      addresses.add(record.address);
      found.push(record);
    };
    return { found, addresses, add };
  }

  /** The configured devices and, in simulate mode, the built-in simulators: nothing to wait for. */
  private discoverConfigured(): DeviceRecord[] {
    const { config, log } = this.options;
    const { found, add } = this.collector();
    for (const entry of config.list) {
      const adapter = adapterFor(this.adapters, entry.driver);
      if (adapter === undefined) {
        log.warn('configured device has an unknown driver; skipped', { device: entry.id, driver: entry.driver, known: this.adapters.map((a) => a.family) });
        continue;
      }
      if (entry.address === undefined) {
        log.warn('configured device has no address; skipped', { device: entry.id, driver: entry.driver });
        continue;
      }
      if (isSimAddress(entry.address)) {
        if (!canSimulate(adapter.family)) {
          log.warn('configured simulated device has no simulator for its family; skipped', { device: entry.id, family: adapter.family });
          continue;
        }
        this.bench.add(entry.address, adapter.family);
      }
      add(this.newRecord(entry.id, adapter, entry.address, 'config', entry.baud));
    }
    if (config.simulate) {
      for (const sim of simulatedDevices) {
        const adapter = adapterFor(this.adapters, sim.family);
        if (adapter === undefined) continue;
        this.bench.add(sim.address, sim.family);
        add(this.newRecord(sim.id, adapter, sim.address, 'simulated'));
      }
    }
    return found;
  }

  /** Serial ports: a known reader by USB id is opened; a generic bridge is only listed as a candidate. */
  private async discoverSerial(): Promise<DeviceRecord[]> {
    const { log } = this.options;
    const candidates: DeviceCandidateView[] = [];
    let ports: SerialPortInfo[] = [];
    try {
      ports = await this.listPorts();
    } catch (error) {
      log.warn('serial ports could not be listed', { error: (error as Error).message });
    }
    // Collected after the list lands: the ports known by then (configured ones, or found by a rescan meanwhile) are skipped.
    const { found, addresses, add } = this.collector();
    for (const port of ports) {
      const vendorId = normaliseUsbId(port.vendorId);
      const productId = normaliseUsbId(port.productId);
      const known = matchKnownReader(vendorId, productId);
      const adapter = known ? adapterFor(this.adapters, known.family) : undefined;
      if (known && adapter) {
        add(this.newRecord(`${adapter.family}@${port.path}`.slice(0, 128), adapter, port.path, 'discovered', undefined, { family: adapter.family, kind: adapter.kind, address: port.path, make: known.make, model: known.model, serial: null, firmware: null }));
        continue;
      }
      const bridge = matchBridge(vendorId, productId);
      if (bridge && !addresses.has(port.path)) {
        candidates.push({ address: port.path, vendorId: bridge.vendorId, productId: bridge.productId, bridge: bridge.bridge, manufacturer: port.manufacturer ?? null, serialNumber: port.serialNumber ?? null });
      }
    }
    this.candidates = candidates;
    return found;
  }

  /**
   * Families that find their own devices (HID pads, SANE, SBI services on
   * their ports). Slower than the rest (`scanimage -L` waits on network
   * backends for seconds), so rescan runs it with real hardware, in the
   * background at start; closing the manager stops it.
   */
  private async discoverFamilies(): Promise<DeviceRecord[]> {
    const found: DeviceRecord[] = [];
    if (this.options.familyDiscovery === false) return found;
    const known = () => new Set([...this.records.values(), ...found].map((r) => r.address));
    await Promise.all(
      this.adapters.map(async (adapter) => {
        if (!adapter.discover) return;
        try {
          for (const device of await adapter.discover(this.stopping.signal)) {
            if (known().has(device.address)) continue;
            found.push(this.newRecord(`${adapter.family}@${device.address}`.slice(0, 128), adapter, device.address, 'discovered', undefined, device));
          }
        } catch (error) {
          if (!this.closed) this.options.log.warn('device discovery failed', { family: adapter.family, error: (error as Error).message });
        }
      }),
    );
    return found;
  }

  private async loadAgencyList(): Promise<void> {
    const file = this.options.config.approvedList;
    if (file === undefined) {
      this.agency = [];
      this.approvedList = { state: 'none', file: null, issuedAt: null, entries: 0, error: null };
      return;
    }
    const result = await loadApprovedList(file.file, file.publicKey);
    if (result.ok) {
      this.agency = result.devices;
      this.approvedList = { state: 'ok', file: file.file, issuedAt: result.issuedAt, entries: result.devices.length, error: null };
      this.options.log.info('approved-device list verified', { file: file.file, issuedAt: result.issuedAt, entries: result.devices.length });
    } else {
      // Nothing from a list that fails verification is trusted, not even the entries that look right.
      this.agency = [];
      this.approvedList = { state: 'error', file: file.file, issuedAt: null, entries: 0, error: result.error };
      this.options.log.error('approved-device list rejected', { file: file.file, reason: result.error.reason, detail: result.error.message });
    }
  }

  /**
   * Demo and simulate mode: each built-in simulator is approved once, when
   * first opened, by a recorded administrator approval ('admin', the demo
   * profile's administrator; 'simulation' outside the demo), so that the
   * demo works out of the box. An approval revoked later stays revoked.
   */
  private seedSimulatedApproval(record: DeviceRecord): void {
    const by = this.options.demo ? 'admin' : 'simulation';
    {
      const key = `devices.simulatorApprovalSeeded.${record.id}`;
      if (this.repo.setting(key) !== null) return;
      const subject = this.subjectOf(record);
      if (subject === null) return;
      if (this.match(record) === null) {
        this.repo.approve(subject, by, this.now().toISOString());
        this.options.audit.append({
          type: 'devices.approved',
          actor: by,
          details: { device: record.id, family: record.adapter.family, make: subject.make, model: subject.model, serial: subject.serial, address: subject.serial === null ? subject.address : null, seeded: true },
        });
      }
      this.repo.setSetting(key, this.now().toISOString());
    }
  }

  // --- sessions ------------------------------------------------------------

  private connect(record: DeviceRecord): Promise<void> {
    if (record.opening !== null) return record.opening;
    const run = async () => {
      const { adapter, address } = record;
      if (isSimAddress(address) && this.options.simulatorsAfter !== undefined) {
        await this.options.simulatorsAfter.catch(() => undefined);
        if (this.closed) return;
      }
      try {
        const session = await adapter.open(address, {
          ...(record.baud !== undefined ? { baud: record.baud } : {}),
          openLink: (a, baud) => (isSimAddress(a) ? Promise.resolve().then(() => this.bench.open(a, baud)) : this.openSerial(a, baud)),
          simulatePresentation: isSimAddress(address) ? this.bench.presentation(address) : null,
          simulator: isSimAddress(address) ? { openHid: () => this.bench.openHid(address), url: () => this.bench.url(address) } : null,
        });
        if (this.closed) {
          await session.close().catch(() => undefined);
          return;
        }
        record.session = session;
        record.identity = session.identity;
        record.identified = true;
        record.link = 'connected';
        record.detail = null;
        record.lastSeenAt = this.now().toISOString();
        record.detachLoss = session.onDisconnect((error) => this.lose(record, error));
        if (record.source === 'simulated') this.seedSimulatedApproval(record);
        this.options.log.info('device connected', { device: record.id, family: adapter.family, address, make: session.identity.make, model: session.identity.model, serial: session.identity.serial });
      } catch (error) {
        const deviceError = toDeviceError(error, `Opening ${this.describe(record)}`);
        const state = sessionGoneCodes.has(deviceError.code) ? 'disconnected' : 'error';
        if (record.detail !== deviceError.message || record.link !== state) {
          this.options.log.warn('device could not be opened', { device: record.id, address, code: deviceError.code, detail: deviceError.message });
        }
        record.link = state;
        record.detail = deviceError.message;
      }
    };
    record.opening = run().finally(() => {
      record.opening = null;
      this.refresh(record);
    });
    return record.opening;
  }

  /** The device went away: close what is left of the session; polling brings it back. */
  private lose(record: DeviceRecord, error: DeviceError): void {
    const session = record.session;
    if (session === null) return;
    record.session = null;
    record.detachLoss?.();
    record.detachLoss = null;
    record.link = 'disconnected';
    record.detail = error.message;
    this.options.log.warn('device disconnected', { device: record.id, address: record.address, detail: error.message });
    void session.close().catch(() => undefined);
    this.refresh(record);
  }

  private async present(record: DeviceRecord): Promise<boolean> {
    const { adapter, address } = record;
    try {
      if (isSimAddress(address)) return this.bench.present(address);
      if (adapter.present) return await adapter.present(address);
      if (/^COM\d+$/i.test(address)) return (await this.listPorts()).some((p) => p.path.toUpperCase() === address.toUpperCase());
      return existsSync(address);
    } catch {
      return false;
    }
  }

  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      for (const record of [...this.records.values()]) {
        if (record.opening !== null || record.busy) continue;
        const here = await this.present(record);
        if (this.closed) return;
        if (record.link === 'connected') {
          // A pty's far end going away, or a USB adapter pulled, is not always reported by the link: the path vanishing is.
          if (!here) this.lose(record, new DeviceError('disconnected', `${this.describe(record)} is no longer there (${record.address} has gone).`));
        } else if (here) {
          await this.connect(record);
        }
      }
    } finally {
      this.polling = false;
    }
  }

  private async withSession<T>(id: string, what: string, work: (session: DeviceSession, signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const record = this.records.get(id);
    if (record === undefined) throw new DeviceError('not_found', `There is no device with id ${id} at this station.`);
    if (this.match(record) === null) {
      throw new DeviceError('not_approved', `${this.describe(record)} is not on the approved-device list, so the station will not ${what === 'capture' ? 'capture' : 'take a test capture'} from it; an administrator must approve it first.`);
    }
    if (record.busy) throw new DeviceError('busy', `${this.describe(record)} is already capturing; wait for it to finish.`);
    const session = record.session;
    if (session === null || record.link !== 'connected') {
      throw new DeviceError('disconnected', `${this.describe(record)} is not connected${record.detail ? ` (${record.detail.replace(/\.$/, '')})` : ''}.`);
    }
    const controller = new AbortController();
    const forward = () => controller.abort();
    signal?.addEventListener('abort', forward, { once: true });
    this.captures.add(controller);
    record.busy = true;
    this.refresh(record);
    try {
      const result = await work(session, controller.signal);
      record.lastSeenAt = this.now().toISOString();
      return result;
    } catch (error) {
      const deviceError = toDeviceError(error, `A ${what} on ${this.describe(record)}`);
      if (record.session === session) await this.afterFailure(record, deviceError);
      throw deviceError;
    } finally {
      signal?.removeEventListener('abort', forward);
      this.captures.delete(controller);
      record.busy = false;
      this.refresh(record);
    }
  }

  /**
   * After a failed exchange: a lost link is a disconnection; silence or
   * garbage may be a device that went away without the link saying so, or
   * one left in a bad state — so the handshake is run again on a fresh
   * session, which settles which.
   */
  private async afterFailure(record: DeviceRecord, error: DeviceError): Promise<void> {
    if (error.code === 'disconnected') return this.lose(record, error);
    if (error.code === 'cancelled' || error.code === 'refused') return;
    this.lose(record, error);
    if (await this.present(record)) await this.connect(record);
  }

  // --- approval and views --------------------------------------------------

  private subjectOf(record: DeviceRecord): ApprovalSubject | null {
    // A device that reports a serial number is identified only once it has been opened and said it.
    if (record.adapter.reportsSerial && (!record.identified || record.identity.serial === null)) return null;
    if (!record.adapter.reportsSerial && !record.identified && record.source !== 'config' && record.source !== 'simulated') return null;
    return {
      make: record.identity.make,
      model: record.identity.model,
      serial: record.adapter.reportsSerial ? record.identity.serial : null,
      address: record.address,
    };
  }

  private match(record: DeviceRecord): ApprovalMatch | null {
    const subject = this.subjectOf(record);
    return subject === null ? null : matchApproval(subject, this.agency, this.repo.active());
  }

  private view(record: DeviceRecord): DeviceView {
    const match = this.match(record);
    let status: DeviceStatus;
    if (record.link === 'disconnected') status = 'disconnected';
    else if (record.link === 'error') status = 'error';
    else if (match === null) status = 'not_approved';
    else status = record.busy ? 'busy' : 'ready';
    return {
      id: record.id,
      family: record.adapter.family,
      kind: record.adapter.kind,
      make: record.identity.make,
      model: record.identity.model,
      serial: record.identity.serial,
      firmware: record.identity.firmware,
      address: record.address,
      reportsSerial: record.adapter.reportsSerial,
      simulated: isSimAddress(record.address),
      status,
      statusDetail: status === 'disconnected' || status === 'error' ? record.detail : null,
      approved: match !== null,
      approvedBy: approvedByLabel(match),
      lastSeenAt: record.lastSeenAt,
      slaps: record.adapter.kind === 'fingerprint' && record.adapter.slaps === true,
    };
  }

  private refresh(record: DeviceRecord): void {
    if (this.closed || !this.records.has(record.id)) return;
    const view = this.view(record);
    const json = JSON.stringify(view);
    if (json === record.lastEmitted) return;
    record.lastEmitted = json;
    for (const listener of [...this.listeners]) {
      try {
        listener(view);
      } catch (error) {
        this.options.log.error('device change listener failed', { error: (error as Error).message });
      }
    }
  }

  private require(id: string): DeviceRecord {
    const record = this.records.get(id);
    if (record === undefined) throw new ContractError('device.unknown', `There is no device with id ${id} at this station.`, { id });
    return record;
  }

  private describe(record: DeviceRecord): string {
    return `${record.identity.make} ${record.identity.model} at ${record.address}`;
  }
}

function toDeviceError(error: unknown, what: string): DeviceError {
  if (isDeviceError(error)) return error;
  return new DeviceError('protocol', `${what} failed unexpectedly (${error instanceof Error ? error.message : String(error)}).`);
}

/** A DeviceError as the contract carries it: code device.<code>, the driver's sentence as the message. */
export function deviceErrorToContract(error: unknown): unknown {
  if (!isDeviceError(error)) return error;
  return new ContractError(`device.${error.code}`, error.message, error.deviceCode !== undefined ? { deviceCode: error.deviceCode } : undefined);
}
