/**
 * An EF01 simulator on a pseudo-terminal, for `balcao simulate ef01 --pty`:
 * a driver (or any serial tool) opens `hostPath` as it would /dev/ttyUSB0.
 */
import { openSerialLink } from '../../drivers/transport/serial-link.js';
import { BAUD_UNIT, DEFAULT_BAUD_N } from '../../drivers/ef01/protocol.js';
import { createPtyPair } from '../pty.js';
import { startEf01Simulator, type Ef01Simulator, type Ef01SimulatorOptions } from './simulator.js';

export interface RunEf01SimulatorOptions extends Ef01SimulatorOptions {
  /** The module's starting baud (9600 × N; factory N = 6 → 57600, devices.md §1). */
  baudRate?: number;
}

export interface RunningEf01Simulator {
  hostPath: string;
  simulator: Ef01Simulator;
  stop(): Promise<void>;
}

export async function runEf01SimulatorOnPty(options: RunEf01SimulatorOptions = {}): Promise<RunningEf01Simulator> {
  const pty = await createPtyPair();
  let link;
  try {
    link = await openSerialLink(pty.devicePath, options.baudRate ?? BAUD_UNIT * DEFAULT_BAUD_N);
  } catch (error) {
    await pty.close();
    throw error;
  }
  const device = link;
  // A pty does not pace bytes at the baud rate: the simulator does, unless told not to.
  const simulator = startEf01Simulator(device, { pace: true, onDisconnect: () => void pty.close(), ...options });
  let stopped = false;
  return {
    hostPath: pty.hostPath,
    simulator,
    async stop() {
      if (stopped) return;
      stopped = true;
      await simulator.stop();
      await device.close();
      await pty.close();
    },
  };
}
