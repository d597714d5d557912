import { runGt5xxSimulatorOnPty } from '../../device-simulators/gt5xx/run.js';
import { runEf01SimulatorOnPty } from '../../device-simulators/ef01/run.js';
import { ef01Faults, type Ef01Fault } from '../../device-simulators/ef01/simulator.js';
import { gt5xxFaults, type Gt5xxFault } from '../../device-simulators/gt5xx/simulator.js';
import { runMrzReaderSimulatorOnPty } from '../../device-simulators/mrz-reader/run.js';
import type { MrzFraming } from '../../drivers/mrz-reader/framing.js';
import { esclFaults, startEsclSimulator, type EsclFault } from '../../device-simulators/escl/server.js';
import { startSbiSimulatorForCli } from './sbi-simulate.js';
import type { FingerprintQuality } from '../../device-simulators/fingerprint/synthetic.js';

export interface SimulateOptions {
  quality?: FingerprintQuality;
  fault?: string;
  seed?: number;
  /** MRZ readers: present a sample passport this often (ms); 0 = only once, right away. */
  everyMs?: number;
  /** HTTP simulators (SBI, eSCL): the loopback port; each has its own default. */
  port?: number;
}

/** A running simulator: where a driver reaches it, and how to stop it. */
export interface RunningSimulator {
  where: string;
  stop(): Promise<void>;
}

type Starter = (options: SimulateOptions) => Promise<RunningSimulator>;

/** A fault name the simulator does not know is refused, naming the ones it does, rather than silently ignored. */
function checkedFault<F extends string>(fault: string | undefined, known: readonly F[], device: string): F | undefined {
  if (fault === undefined) return undefined;
  if (!(known as readonly string[]).includes(fault)) throw new Error(`The ${device} simulator has no fault "${fault}"; it knows: ${known.join(', ')}.`);
  return fault as F;
}

/** The simulators `balcao simulate <device>` can run: serial ones each on its own socat pseudo-terminal pair, HTTP ones on loopback. */
const ef01: Starter = async ({ quality, fault, seed }) => {
  const sim = await runEf01SimulatorOnPty({
    ...(quality ? { quality } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(fault ? { fault: checkedFault<Ef01Fault>(fault, ef01Faults, 'r30x') } : {}),
  });
  return { where: sim.hostPath, stop: () => sim.stop() };
};

export const simulators: Record<string, Starter> = {
  r30x: ef01,
  ef01,
  gt5xx: async ({ quality, fault, seed }) => {
    const sim = await runGt5xxSimulatorOnPty({
      ...(quality ? { quality } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(fault ? { fault: checkedFault<Gt5xxFault>(fault, gt5xxFaults, 'gt5xx') } : {}),
    });
    return { where: sim.hostPath, stop: () => sim.stop() };
  },
  desko: mrzReader('desko'),
  '3m': mrzReader('3m'),
  lines: mrzReader('lines'),
  escl: async ({ fault, seed, port }) => {
    const sim = await startEsclSimulator({
      port: port ?? 0,
      ...(seed !== undefined ? { seed } : {}),
      ...(fault ? { fault: checkedFault<EsclFault>(fault, esclFaults, 'escl') } : {}),
    });
    return { where: sim.url, stop: () => sim.stop() };
  },
  sbi: async ({ quality, fault, seed, port }) => {
    const sim = await startSbiSimulatorForCli({ ...(quality ? { quality } : {}), ...(fault ? { fault } : {}), ...(seed !== undefined ? { seed } : {}), ...(port !== undefined ? { port } : {}) });
    return { where: sim.where, stop: () => sim.stop() };
  },
};

function mrzReader(framing: MrzFraming): Starter {
  return async ({ everyMs = 5000 }) => {
    const sim = await runMrzReaderSimulatorOnPty({ framing, everyMs: Math.max(250, everyMs) });
    return { where: sim.hostPath, stop: () => sim.stop() };
  };
}
