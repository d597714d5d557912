/**
 * The MRZ reader simulator on a pseudo-terminal, for the CLI and e2e tests:
 * a driver opens `hostPath` as it would /dev/ttyUSB0.
 */
import { openSerialLink } from '../../drivers/transport/serial-link.js';
import type { MrzFraming } from '../../drivers/mrz-reader/framing.js';
import { createPtyPair } from '../pty.js';
import { sampleDocuments, samplePeople, td3 } from '../documents/mrz.js';
import { startMrzReaderSimulator, type MrzReaderFault } from './simulator.js';

export interface MrzReaderOnPtyOptions {
  framing: MrzFraming;
  /** MRZ lines sent by `everyMs` (default: a sample TD3 passport). */
  document?: readonly string[];
  /** Present `document` this often; without it, only `present()` sends. */
  everyMs?: number;
  /** Line speed of the simulated reader (default 9600, the usual factory setting). */
  baudRate?: number;
}

export interface MrzReaderOnPty {
  hostPath: string;
  present(document: readonly string[], fault?: MrzReaderFault): Promise<void>;
  stop(): Promise<void>;
}

export async function runMrzReaderSimulatorOnPty(options: MrzReaderOnPtyOptions): Promise<MrzReaderOnPty> {
  const pty = await createPtyPair();
  let link;
  try {
    link = await openSerialLink(pty.devicePath, options.baudRate ?? 9600);
  } catch (error) {
    await pty.close();
    throw error;
  }
  const simulator = startMrzReaderSimulator(link, { framing: options.framing });
  const document = options.document ?? td3(samplePeople.portuguese, sampleDocuments.passport);
  const timer = options.everyMs !== undefined ? setInterval(() => void simulator.present(document).catch(() => undefined), options.everyMs) : null;
  return {
    hostPath: pty.hostPath,
    present: (lines, fault) => simulator.present(lines, fault),
    async stop() {
      if (timer !== null) clearInterval(timer);
      await simulator.stop();
      await link.close();
      await pty.close();
    },
  };
}
