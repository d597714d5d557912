import { MrzReaderDriver } from '../../drivers/mrz-reader/driver.js';
import type { MrzFraming } from '../../drivers/mrz-reader/framing.js';
import { openSerialLink } from '../../drivers/transport/serial-link.js';

/**
 * `balcao device read-mrz`: waits for one document on an MRZ reader and
 * returns what to print — the `mrz` package's field names, plus `valid`,
 * the format, and which check digits or fields failed.
 */
export async function readMrzOnce(options: { framing: MrzFraming; port: string; baud: number; timeoutMs: number }) {
  const link = await openSerialLink(options.port, options.baud);
  const driver = new MrzReaderDriver(link, { framing: options.framing });
  try {
    const { read, parsed } = await driver.read(options.timeoutMs);
    return {
      valid: parsed.valid,
      format: parsed.format,
      ...parsed.fields,
      checkDigitFailures: parsed.checkDigitFailures,
      invalidFields: parsed.invalidFields,
      lines: read.lines,
    };
  } finally {
    driver.close();
    await link.close();
  }
}
