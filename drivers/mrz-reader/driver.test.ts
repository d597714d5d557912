import { afterEach, describe, expect, it } from 'vitest';
import { sampleDocuments, samplePeople, td1, td3 } from '../../device-simulators/documents/mrz.js';
import { startMrzReaderSimulator, type MrzReaderFault } from '../../device-simulators/mrz-reader/simulator.js';
import { DeviceError, type DeviceErrorCode } from '../errors.js';
import { createMemoryLinkPair } from '../transport/memory-link.js';
import { MrzReaderDriver } from './driver.js';
import { mrzFramings, type MrzFraming } from './framing.js';

const passport = td3(samplePeople.portuguese, sampleDocuments.passport);
const idCard = td1(samplePeople.ukrainian, sampleDocuments.idCard);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function rig(framing: MrzFraming, paced = false) {
  // A UART hands bytes over in small chunks; 8 bytes at 9600 baud is 8 ms, well inside the 40 ms gap.
  const pair = createMemoryLinkPair({ baudRate: 9600, paced, chunkSize: 8, name: `in-process ${framing} reader` });
  const driver = new MrzReaderDriver(pair.host, { framing, interByteTimeoutMs: 40 });
  const simulator = startMrzReaderSimulator(pair.device, { framing, disconnect: () => pair.disconnect() });
  cleanups.push(() => driver.close(), () => simulator.stop(), () => pair.host.close());
  return { driver, simulator };
}

async function failure(promise: Promise<unknown>): Promise<DeviceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeviceError);
  return error as DeviceError;
}

describe.each(mrzFramings)('MRZ reader driver, %s framing (in process)', (framing) => {
  it('reads a TD3 passport, parsed valid with the mrz field names', async () => {
    const { driver, simulator } = rig(framing);
    const [{ read, parsed }] = await Promise.all([driver.read(1000), simulator.present(passport)]);
    expect(read).toMatchObject({ kind: 'mrz', lines: passport, device: { family: framing } });
    expect(parsed).toMatchObject({ format: 'TD3', valid: true, checkDigitFailures: [] });
    expect(parsed.fields).toMatchObject({ documentCode: 'P', issuingState: 'PRT', lastName: 'CONCEICAO SIMOES', firstName: 'JOAO GONCALO', documentNumber: 'CB1234567', nationality: 'PRT', birthDate: '870314', sex: 'male', expirationDate: '310520' });
  });

  it('reads a TD1 ID card at 9600 baud, paced', async () => {
    const { driver, simulator } = rig(framing, true);
    const [{ parsed }] = await Promise.all([driver.read(2000), simulator.present(idCard)]);
    expect(parsed).toMatchObject({ format: 'TD1', valid: true });
    // The TD1 name field is 30 characters: ICAO 9303 part 3 §4.6 truncates the secondary identifier.
    expect(parsed.fields, JSON.stringify(parsed.fields)).toMatchObject({ issuingState: 'UKR', lastName: 'SHEVCHENKO', firstName: 'OLEKSANDR HRYHOROV', documentNumber: 'UA0042917' });
  });

  it('a corrupted check digit gives valid false with the field named', async () => {
    const { driver, simulator } = rig(framing);
    const [{ parsed }] = await Promise.all([driver.read(1000), simulator.present(td3(samplePeople.german, sampleDocuments.passport, { corrupt: 'birthDateCheckDigit' }))]);
    expect(parsed.valid).toBe(false);
    expect(parsed.checkDigitFailures).toEqual(['birthDateCheckDigit']);
    expect(parsed.invalidFields.map((f) => f.field)).toEqual(['birthDateCheckDigit']);
  });

  it('skips garbage before a document', async () => {
    const { driver, simulator } = rig(framing);
    const reading = driver.read(1000);
    await simulator.present(passport, 'garbage');
    await new Promise((r) => setTimeout(r, 60));
    await simulator.present(idCard);
    expect((await reading).parsed.format).toBe('TD1');
  });

  const faults: [MrzReaderFault, DeviceErrorCode][] = [
    ['garbage', 'protocol'],
    ['truncated', 'protocol'],
    ['disconnect', 'disconnected'],
    ['timeout', 'timeout'],
    ...(framing === '3m' ? ([['checksum', 'checksum']] as [MrzReaderFault, DeviceErrorCode][]) : []),
  ];
  for (const [fault, code] of faults) {
    it(`fault ${fault} → DeviceError ${code}, naming the link and what was awaited`, async () => {
      const { driver, simulator } = rig(framing);
      const reading = driver.read(300);
      await simulator.present(passport, fault);
      const error = await failure(reading);
      expect(error.code).toBe(code);
      expect(error.message).toContain(`in-process ${framing} reader at 9600 baud`);
      expect(error.message).toMatch(/MRZ document/);
    });
  }
});

describe('MRZ reader driver, lines framing', () => {
  it('ends a non-ICAO burst at the inter-byte gap and reports it as protocol', async () => {
    const { driver, simulator } = rig('lines');
    const pending = failure(driver.read(1000));
    await simulator.present(['ABCDEFGHIJKLMNOPQRST', 'ABCDEFGHIJKLMNOPQRST']);
    const error = await pending;
    expect(error.code).toBe('protocol');
    expect(error.message).toMatch(/not an MRZ/);
  });
});
