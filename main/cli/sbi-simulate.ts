/**
 * `balcao simulate sbi`: the SBI device service on 127.0.0.1:4501 (the first
 * port of the spec's 4501–4600 range), so that discovery finds it as it would
 * a vendor's service. Wired into the CLI by main/cli/simulate.ts.
 */
import { sbiFaults, startSbiSimulator, type SbiFault } from '../../device-simulators/sbi/server.js';
import { fingerprintQualities, type FingerprintQuality } from '../../device-simulators/fingerprint/synthetic.js';
import { SBI_PORT_FIRST } from '../../drivers/sbi/protocol.js';

export interface SbiCliOptions {
  quality?: string;
  fault?: string;
  seed?: number;
  port?: number;
}

export async function startSbiSimulatorForCli(options: SbiCliOptions = {}): Promise<{ where: string; certificatePem: string; stop(): Promise<void> }> {
  if (options.fault !== undefined && !(sbiFaults as readonly string[]).includes(options.fault)) {
    throw new Error(`The SBI simulator has no fault "${options.fault}"; it knows: ${sbiFaults.join(', ')}.`);
  }
  if (options.quality !== undefined && !(fingerprintQualities as readonly string[]).includes(options.quality)) {
    throw new Error(`Unknown fingerprint quality "${options.quality}"; choose one of: ${fingerprintQualities.join(', ')}.`);
  }
  const sim = await startSbiSimulator({
    port: options.port ?? SBI_PORT_FIRST,
    host: '127.0.0.1',
    ...(options.quality ? { quality: options.quality as FingerprintQuality } : {}),
    ...(options.fault ? { fault: options.fault as SbiFault } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  return { where: sim.url, certificatePem: sim.certificatePem, stop: () => sim.stop() };
}
