/** The GT-5xx simulator on a socat pseudo-terminal, for the CLI: a driver opens `hostPath` as it would /dev/ttyUSB0. */
import { openSerialLink } from '../../drivers/transport/serial-link.js';
import { POWER_UP_BAUD } from '../../drivers/gt5xx/protocol.js';
import { createPtyPair } from '../pty.js';
import { startGt5xxSimulator, type Gt5xxSimulator, type Gt5xxSimulatorOptions } from './simulator.js';

export interface Gt5xxPtySimulator {
  hostPath: string;
  simulator: Gt5xxSimulator;
  stop(): Promise<void>;
}

export async function runGt5xxSimulatorOnPty(options: Gt5xxSimulatorOptions = {}): Promise<Gt5xxPtySimulator> {
  const pty = await createPtyPair();
  try {
    // The module powers up at 9600 baud [devices.md §2].
    const link = await openSerialLink(pty.devicePath, POWER_UP_BAUD);
    // A pty does not pace bytes at the baud rate: the simulator does, unless told not to.
    const simulator = startGt5xxSimulator(link, { pace: true, ...options });
    return {
      hostPath: pty.hostPath,
      simulator,
      async stop() {
        await simulator.stop();
        await pty.close();
      },
    };
  } catch (error) {
    await pty.close();
    throw error;
  }
}
