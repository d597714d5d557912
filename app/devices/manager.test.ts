import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CompactSign, exportSPKI, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/log.js';
import type { DeviceView } from '../contract/channels.js';
import { ContractError } from '../contract/errors.js';
import { createLogger, memorySink } from '../log/logger.js';
import { openDatabase, type Db } from '../storage/database.js';
import { DeviceError } from '../../drivers/errors.js';
import { approvedListFormat } from './approved-list.js';
import { DeviceManager, simulatedDevices, type DevicesConfig } from './manager.js';
import type { RawSlapCapture } from '../../drivers/capture.js';
import type { DiscoveredDevice } from '../../drivers/discovery.js';
import type { FamilyAdapter } from './adapter.js';
import { SimulatorBench } from './simulation.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Harness {
  manager: DeviceManager;
  bench: SimulatorBench;
  events: DeviceView[];
  audit: AuditLog;
  logs: ReturnType<typeof memorySink>['records'];
  db: Db;
  dir: string;
}

async function start(config: Partial<DevicesConfig> = {}, reuse?: { dir: string }): Promise<Harness> {
  const dir = reuse?.dir ?? mkdtempSync(path.join(tmpdir(), 'balcao-devices-'));
  if (!reuse) cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const db = openDatabase({ dataDir: dir });
  const audit = new AuditLog(db);
  const sink = memorySink();
  const bench = new SimulatorBench();
  const manager = new DeviceManager({
    config: { simulate: true, list: [{ id: 'spare-ef01', driver: 'ef01', address: 'sim:ef01-spare' }], pollIntervalMs: 30, ...config },
    demo: true,
    db,
    audit,
    log: createLogger('test', sink),
    bench,
    familyDiscovery: false,
    listSerialPorts: async () => [
      { path: '/dev/ttyUSB7', vendorId: '10C4', productId: 'EA60', manufacturer: 'Silicon Labs' },
      { path: '/dev/ttyACM0', vendorId: '2341', productId: '0043' },
    ],
  });
  const events: DeviceView[] = [];
  manager.onChange((device) => events.push(device));
  await manager.start();
  await manager.settled();
  cleanups.push(async () => {
    await manager.close();
    db.close();
  });
  return { manager, bench, events, audit, logs: sink.records, db, dir };
}

const statuses = (events: DeviceView[], id: string) => events.filter((e) => e.id === id).map((e) => e.status);
const rejection = async (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error);

describe('device manager', () => {
  it('opens the simulators, approves them by a recorded demo approval, and lists bridge ports as candidates only', async () => {
    const { manager, audit } = await start();
    const devices = manager.list();
    expect(devices.map((d) => [d.id, d.status, d.approvedBy])).toEqual([
      ['spare-ef01', 'not_approved', null],
      ['sim-sbi', 'ready', 'admin:admin'],
      ['sim-ef01', 'ready', 'admin:admin'],
      ['sim-gt5xx', 'ready', 'admin:admin'],
      ['sim-mrz-desko', 'ready', 'admin:admin'],
      ['sim-stu', 'ready', 'admin:admin'],
      ['sim-escl', 'ready', 'admin:admin'],
      ['sim-sane', 'ready', 'admin:admin'],
    ]);
    const gt = manager.get('sim-gt5xx');
    expect(gt).toMatchObject({ family: 'gt5xx', kind: 'fingerprint', make: 'ADH-Tech', reportsSerial: true, simulated: true, address: 'sim:gt5xx' });
    expect(gt.serial).toMatch(/^[0-9A-F]{32}$/);
    expect(manager.get('sim-ef01')).toMatchObject({ serial: null, reportsSerial: false, make: 'ZhianTec' });
    const seeded = audit.recent(20).filter((e) => e.type === 'devices.approved');
    expect(seeded).toHaveLength(simulatedDevices.length);
    expect(seeded.every((e) => e.actor === 'admin' && e.details.seeded === true)).toBe(true);
    expect(manager.candidateList()).toEqual([{ address: '/dev/ttyUSB7', vendorId: '10c4', productId: 'ea60', bridge: 'Silicon Labs CP210x', manufacturer: 'Silicon Labs', serialNumber: null }]);
    expect(manager.approvedListState().state).toBe('none');
  });

  it('goes ready → busy → ready around a test capture, and returns a PNG of the fingerprint', async () => {
    const { manager, events } = await start();
    events.length = 0;
    const result = await manager.testCapture('sim-ef01');
    expect(result.kind).toBe('fingerprint');
    if (result.kind !== 'fingerprint') return;
    expect([result.width, result.height, result.ppi]).toEqual([256, 288, 500]);
    expect(Buffer.from(result.png, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(statuses(events, 'sim-ef01')).toEqual(['busy', 'ready']);
    expect(manager.get('sim-ef01').lastSeenAt).not.toBeNull();
    // The capture flows get the driver's raw capture.
    const raw = await manager.captureFingerprint('sim-gt5xx');
    expect(raw).toMatchObject({ kind: 'fingerprint', device: { family: 'gt5xx', make: 'ADH-Tech' } });
    expect(raw.image.pixels.length).toBe(raw.image.width * raw.image.height);
    expect(await rejection(manager.captureFingerprint('sim-mrz-desko'))).toMatchObject({ code: 'not_found' });
  });

  it('reads the simulated passport on the MRZ reader', async () => {
    const { manager } = await start();
    const result = await manager.testCapture('sim-mrz-desko');
    expect(result).toMatchObject({ kind: 'mrz', valid: true, format: 'TD3' });
    if (result.kind === 'mrz') expect(result.fields.documentNumber).toBe('CB1234567');
  });

  it('refuses to capture from a device that is not approved, until an admin approves it; revoking refuses again', async () => {
    const { manager, events, audit } = await start();
    const refused = await rejection(manager.capture('spare-ef01'));
    expect(refused).toBeInstanceOf(DeviceError);
    expect(refused).toMatchObject({ code: 'not_approved' });
    expect((refused as Error).message).toContain('sim:ef01-spare is not on the approved-device list');
    events.length = 0;
    const approved = manager.approve('spare-ef01', 'chefe');
    expect(approved).toMatchObject({ status: 'ready', approved: true, approvedBy: 'admin:chefe' });
    expect(events.map((e) => [e.id, e.status])).toEqual([['spare-ef01', 'ready']]);
    expect(audit.recent(1)[0]).toMatchObject({ type: 'devices.approved', actor: 'chefe', details: { device: 'spare-ef01', serial: null, address: 'sim:ef01-spare' } });
    expect((await manager.testCapture('spare-ef01')).kind).toBe('fingerprint');
    // Matching is make + model + address for a module without a serial: the other EF01 is untouched.
    expect(manager.get('sim-ef01').approvedBy).toBe('admin:admin');
    expect(manager.revoke('spare-ef01', 'chefe')).toMatchObject({ status: 'not_approved', approved: false });
    expect(audit.recent(1)[0]).toMatchObject({ type: 'devices.revoked', actor: 'chefe' });
    expect(await rejection(manager.testCapture('spare-ef01'))).toMatchObject({ code: 'not_approved' });
    expect(() => manager.approve('nope', 'chefe')).toThrow(ContractError);
  });

  it('refuses a second capture while one runs (busy)', async () => {
    const { manager } = await start();
    const first = manager.testCapture('sim-gt5xx');
    expect(manager.get('sim-gt5xx').status).toBe('busy');
    expect(await rejection(manager.testCapture('sim-gt5xx'))).toMatchObject({ code: 'busy' });
    await first;
    expect(manager.get('sim-gt5xx').status).toBe('ready');
  });

  it('marks a device disconnected when its link is pulled, and ready again when a new link is attached', async () => {
    const { manager, bench, events } = await start();
    events.length = 0;
    bench.unplug('sim:ef01');
    expect(manager.get('sim-ef01').status).toBe('disconnected');
    expect(manager.get('sim-ef01').statusDetail).toContain('unplugged');
    const refused = await rejection(manager.testCapture('sim-ef01'));
    expect(refused).toMatchObject({ code: 'disconnected' });
    // Nothing else is affected meanwhile.
    expect((await manager.testCapture('sim-gt5xx')).kind).toBe('fingerprint');
    await new Promise((r) => setTimeout(r, 120));
    expect(manager.get('sim-ef01').status).toBe('disconnected');
    bench.plug('sim:ef01');
    await expect.poll(() => manager.get('sim-ef01').status, { timeout: 2000 }).toBe('ready');
    expect(statuses(events, 'sim-ef01')).toEqual(['disconnected', 'ready']);
    expect((await manager.testCapture('sim-ef01')).kind).toBe('fingerprint');
  });

  it('keeps admin approvals across restarts', async () => {
    const first = await start();
    first.manager.approve('spare-ef01', 'chefe');
    await first.manager.close();
    first.db.close();
    cleanups.length = 1; // keep only the folder's removal
    const second = await start({}, { dir: first.dir });
    expect(second.manager.get('spare-ef01')).toMatchObject({ status: 'ready', approvedBy: 'admin:chefe' });
    // Seeding happens once: no second round of demo approvals.
    expect(second.audit.recent(50).filter((e) => e.type === 'devices.approved')).toHaveLength(simulatedDevices.length + 1);
  });

  it('takes a test capture from the simulated signature pad, SANE test scanner, eSCL scanner and SBI slap scanner', async () => {
    const { manager, bench } = await start();
    // On a loaded machine a first open may miss a deadline; the manager's polling reopens it.
    for (const id of ['sim-stu', 'sim-sane', 'sim-escl', 'sim-sbi']) await expect.poll(() => manager.get(id).status, { timeout: 15_000 }).toBe('ready');
    expect(manager.get('sim-stu')).toMatchObject({ kind: 'signature', make: 'Wacom', model: 'STU-540', reportsSerial: true });
    expect(manager.get('sim-stu').serial).toMatch(/^[0-9A-F]{8}$/i);
    expect(manager.get('sim-escl')).toMatchObject({ kind: 'scanner', family: 'escl' });
    expect(manager.get('sim-escl').serial).not.toBeNull();
    expect(manager.get('sim-sbi')).toMatchObject({ kind: 'fingerprint', family: 'sbi' });
    expect(manager.get('sim-sbi').serial).not.toBeNull();
    const signature = await manager.testCapture('sim-stu');
    expect(signature.kind).toBe('signature');
    for (const id of ['sim-sane', 'sim-escl']) {
      const page = await manager.testCapture(id);
      expect(page.kind).toBe('page');
      if (page.kind !== 'page') continue;
      // 100 dpi: SANE's test picture (80 × 100 mm) is 315 px wide, an A4 page 827.
      expect(page.width).toBeGreaterThan(300);
      expect(Buffer.from(page.png, 'base64').subarray(1, 4).toString()).toBe('PNG');
    }
    const slap = await manager.capture('sim-sbi');
    expect(slap.kind).toBe('slap');
    if (slap.kind === 'slap') expect((slap as RawSlapCapture).fingers.map((f) => f.position)).toEqual(['Left IndexFinger', 'Left MiddleFinger', 'Left RingFinger', 'Left LittleFinger']);
    // Pulling the eSCL scanner's cable: its service stops, polling notices, plugging it back brings it back.
    bench.unplug('sim:escl');
    await expect.poll(() => manager.get('sim-escl').status, { timeout: 5000 }).toBe('disconnected');
    bench.plug('sim:escl');
    await expect.poll(() => manager.get('sim-escl').status, { timeout: 5000 }).toBe('ready');
    // The signature pad unplugged mid-wait: disconnected, then back.
    bench.unplug('sim:stu');
    await expect.poll(() => manager.get('sim-stu').status, { timeout: 5000 }).toBe('disconnected');
    bench.plug('sim:stu');
    await expect.poll(() => manager.get('sim-stu').status, { timeout: 5000 }).toBe('ready');
  });

  it('trusts a valid agency list and nothing from a bad one', async () => {
    const keys = await generateKeyPair('ES256', { extractable: true });
    const dir = mkdtempSync(path.join(tmpdir(), 'balcao-agency-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const serial = Buffer.from(Array.from({ length: 16 }, (_, i) => (0x10 + i * 0x0b) & 0xff)).toString('hex').toUpperCase();
    const body = { format: approvedListFormat, issuedAt: '2026-11-30T10:00:00Z', devices: [{ make: 'ADH-Tech', model: 'GT-5xx', serial }] };
    const file = path.join(dir, 'approved.jws');
    const publicKey = path.join(dir, 'agency.pem');
    writeFileSync(file, await new CompactSign(new TextEncoder().encode(JSON.stringify(body))).setProtectedHeader({ alg: 'ES256' }).sign(keys.privateKey));
    writeFileSync(publicKey, await exportSPKI(keys.publicKey));

    const good = await start({ approvedList: { file, publicKey }, simulate: false, list: [{ id: 'gt', driver: 'gt5xx', address: 'sim:gt-a' }] });
    expect(good.manager.approvedListState()).toMatchObject({ state: 'ok', entries: 1, issuedAt: body.issuedAt });
    expect(good.manager.get('gt')).toMatchObject({ status: 'ready', approvedBy: 'agency' });
    expect(() => good.manager.revoke('gt', 'chefe')).toThrow(expect.objectContaining({ code: 'device.approved_by_agency' }) as Error);

    writeFileSync(file, `${(await new CompactSign(new TextEncoder().encode(JSON.stringify(body))).setProtectedHeader({ alg: 'ES256' }).sign((await generateKeyPair('ES256')).privateKey))}`);
    const bad = await start({ approvedList: { file, publicKey }, simulate: false, list: [{ id: 'gt', driver: 'gt5xx', address: 'sim:gt-b' }] });
    expect(bad.manager.approvedListState()).toMatchObject({ state: 'error', entries: 0, error: { reason: 'bad_signature' } });
    expect(bad.manager.get('gt')).toMatchObject({ status: 'not_approved', approved: false });
    expect(bad.logs.some((r) => r.level === 'error' && r.msg === 'approved-device list rejected')).toBe(true);
  });

  it('adds what a family discovers by itself (in the background, after the start) and opens it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'balcao-devices-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const db = openDatabase({ dataDir: dir });
    const audit = new AuditLog(db);
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const found: DiscoveredDevice = { family: 'escl', kind: 'scanner', address: 'http://scanner.invalid/eSCL', make: 'Acme', model: 'Scan 9', serial: 'S-1', firmware: null };
    const opened: string[] = [];
    const adapter: FamilyAdapter = {
      family: 'escl',
      kind: 'scanner',
      label: { make: 'eSCL', model: 'network scanner' },
      reportsSerial: true,
      discover: async () => {
        await slow;
        return [found];
      },
      present: async () => true,
      open: async (address) => {
        opened.push(address);
        const identity = { family: 'escl', make: 'Acme', model: 'Scan 9', serial: 'S-1', firmware: null };
        return {
          identity,
          testCapture: () => Promise.reject(new DeviceError('refused', 'not in this test')),
          capture: () => Promise.reject(new DeviceError('refused', 'not in this test')),
          onDisconnect: () => () => undefined,
          close: async () => undefined,
        };
      },
    };
    const manager = new DeviceManager({ config: { simulate: false, list: [], pollIntervalMs: 50 }, demo: false, db, audit, log: createLogger('test', memorySink()), adapters: [adapter], listSerialPorts: async () => [] });
    cleanups.push(async () => {
      await manager.close();
      db.close();
    });
    await manager.start();
    // The station is up before slow discovery has answered.
    expect(manager.list()).toEqual([]);
    release();
    await manager.settled();
    expect(opened).toEqual([found.address]);
    expect(manager.list()).toEqual([expect.objectContaining({ id: `escl@${found.address}`, make: 'Acme', serial: 'S-1', status: 'not_approved' })]);
  });
});
