import { afterEach, describe, expect, it } from 'vitest';
import { sampleDocuments, samplePeople, td1, td3 } from '../../device-simulators/documents/mrz.js';
import { runMrzReaderSimulatorOnPty, type MrzReaderOnPty } from '../../device-simulators/mrz-reader/run.js';
import { MrzReaderDriver } from '../../drivers/mrz-reader/driver.js';
import { mrzFramings } from '../../drivers/mrz-reader/framing.js';
import { DeviceError } from '../../drivers/errors.js';
import type { ByteLink } from '../../drivers/transport/byte-link.js';
import { openSerialLink } from '../../drivers/transport/serial-link.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function open(framing: (typeof mrzFramings)[number]): Promise<{ sim: MrzReaderOnPty; driver: MrzReaderDriver; link: ByteLink }> {
  const sim = await runMrzReaderSimulatorOnPty({ framing });
  cleanups.push(() => sim.stop());
  const link = await openSerialLink(sim.hostPath, 9600);
  cleanups.push(() => link.close());
  const driver = new MrzReaderDriver(link, { framing });
  cleanups.push(() => driver.close());
  return { sim, driver, link };
}

describe('MRZ readers through socat pseudo-terminals at 9600 baud', () => {
  for (const framing of mrzFramings) {
    it(`${framing}: reads and parses a document`, async () => {
      const { sim, driver } = await open(framing);
      const document = framing === 'desko' ? td1(samplePeople.brazilian, sampleDocuments.idCard) : td3(samplePeople.ukrainian, sampleDocuments.passport);
      const [{ read, parsed }] = await Promise.all([driver.read(3000), sim.present(document)]);
      expect(read.lines).toEqual(document);
      expect(parsed.valid).toBe(true);
      expect(parsed.fields.documentNumber).toMatch(/^(CB1234567|UA0042917)$/);
    });
  }

  it('3m: a wrong BCC is a checksum DeviceError naming the port', async () => {
    const { sim, driver, link } = await open('3m');
    const pending = driver.read(3000).then(
      () => null,
      (e: unknown) => e,
    );
    await sim.present(td3(samplePeople.german, sampleDocuments.passport), 'checksum');
    const error = await pending;
    expect(error).toBeInstanceOf(DeviceError);
    expect((error as DeviceError).code).toBe('checksum');
    expect((error as DeviceError).message).toContain(link.description);
  });
});
