/**
 * For tests and the ink-latency bench: a real device manager (SQLite on disk
 * in a temp folder, approvals, sessions) with one signature pad at
 * `sim:pad`, opened through the real STU family adapter and driver, over an
 * in-process HID pair to the STU simulator — with the simulator's options
 * (script, pacing, faults) chosen by the caller, and the host end of the HID
 * link observable (the bench stamps each pen report as it arrives). Not used
 * by the station itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMemoryHidPair, type HidLink, type MemoryHidPair } from '../../../drivers/transport/hid-link.js';
import { startStuSimulator, type StuSimulator, type StuSimulatorOptions } from '../../../device-simulators/wacom-stu/simulator.js';
import { AuditLog } from '../../audit/log.js';
import { createLogger, memorySink } from '../../log/logger.js';
import { openDatabase } from '../../storage/database.js';
import type { FamilyAdapter } from '../../devices/adapter.js';
import { stuAdapter } from '../../devices/families/stu.js';
import { DeviceManager } from '../../devices/manager.js';
import { defaultQualityConfig } from '../../quality/assess.js';
import type { CaptureDeps } from './types.js';

export const PAD_ID = 'pad';
const PAD_ADDRESS = 'sim:pad';

export interface PadHarness {
  deps: CaptureDeps;
  manager: DeviceManager;
  /** The simulator behind the pad's current session. */
  simulator(): StuSimulator;
  /** Pulls the cable of the current session. */
  unplug(): void;
  close(): Promise<void>;
}

export interface PadHarnessOptions {
  simulator?: StuSimulatorOptions;
  /** Wraps the host end of the HID link (the bench timestamps input reports here). */
  wrapLink?: (link: HidLink) => HidLink;
  /** Approve the pad at this station (default true). */
  approve?: boolean;
}

export async function startPadHarness(options: PadHarnessOptions = {}): Promise<PadHarness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'balcao-pad-'));
  const db = openDatabase({ dataDir: dir });
  let current: { pair: MemoryHidPair; simulator: StuSimulator } | null = null;
  const adapter: FamilyAdapter = {
    ...stuAdapter,
    present: async () => current?.pair.host.isOpen ?? true,
    open: (address, open) =>
      stuAdapter.open(address, {
        ...open,
        simulator: {
          openHid() {
            const pair = createMemoryHidPair({ name: address, timeoutMs: 2000 });
            const simulator = startStuSimulator(pair.device, { seed: 5, paced: false, signOnInkingMs: null, onDisconnect: () => pair.disconnect(new Error('the cable was pulled')), ...options.simulator });
            current = { pair, simulator };
            return options.wrapLink ? options.wrapLink(pair.host) : pair.host;
          },
          url: () => Promise.reject(new Error('the pad is not a network device')),
        },
        // What the signer does when the capture is ready for them: the simulator's script.
        simulatePresentation: () => void setTimeout(() => void current?.simulator.sign().catch(() => undefined), 0),
      }),
  };
  const manager = new DeviceManager({
    config: { simulate: false, list: [{ id: PAD_ID, driver: 'stu', address: PAD_ADDRESS }], pollIntervalMs: 60_000 },
    demo: false,
    db,
    audit: new AuditLog(db),
    log: createLogger('pad-harness', memorySink()),
    adapters: [adapter],
    familyDiscovery: false,
    listSerialPorts: async () => [],
  });
  await manager.start();
  await manager.settled();
  if (options.approve !== false) manager.approve(PAD_ID, 'admin');
  return {
    deps: { devices: manager, quality: defaultQualityConfig, now: () => new Date() },
    manager,
    simulator() {
      if (current === null) throw new Error('the pad has not been opened');
      return current.simulator;
    },
    unplug() {
      current?.pair.disconnect(new Error('the cable was pulled'));
    },
    async close() {
      await manager.close();
      await current?.simulator.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
