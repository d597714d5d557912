import { SerialPort } from 'serialport';
import { discoverSaneDevices } from '../../drivers/sane/driver.js';
import { discoverSbiServices } from '../../drivers/sbi/driver.js';
import { saneSimulatorConfigPath } from '../../device-simulators/sane/config.js';

export interface ListOptions {
  /** Also list SANE's test backend (the simulated scanner). */
  simulate?: boolean;
}

export interface ListedDevice {
  bus: 'serial' | 'hid' | 'sane' | 'sbi';
  path: string;
  vendorId: string | null;
  productId: string | null;
  manufacturer: string | null;
  product: string | null;
  serialNumber: string | null;
  /** What the station would try on it, from the USB vendor id; null when unknown. */
  hint: string | null;
}

/**
 * USB vendor ids of the bridges and devices a centre has. Silicon Labs CP210x
 * (0x10C4) and WCH CH340 (0x1A86) are the USB–serial chips on the EF01 and
 * GT-5xx module boards; FTDI (0x0403) on MRZ readers; Wacom is 0x056A
 * (shared/reference/devices.md §3).
 */
const vendorHints: Record<string, string> = {
  '10c4': 'USB–serial (Silicon Labs CP210x): fingerprint module? try --driver r30x or gt5xx',
  '1a86': 'USB–serial (WCH CH340): fingerprint module? try --driver r30x or gt5xx',
  '0403': 'USB–serial (FTDI): MRZ reader? try read-mrz',
  '056a': 'Wacom: signature pad (STU)',
};

const hex = (value: number | string | undefined | null): string | null => {
  if (value === undefined || value === null || value === '') return null;
  return (typeof value === 'number' ? value.toString(16) : value).toLowerCase().padStart(4, '0');
};

/**
 * Serial ports; HID devices where node-hid can load (it is loaded lazily, so
 * a machine without hidraw or libusb still lists its serial ports); SANE
 * scanners (`scanimage -L`, which waits a few seconds on network backends);
 * MOSIP SBI device services on 127.0.0.1:4501–4600. eSCL scanners are not
 * listed: they are configured by URL (mDNS discovery is not implemented).
 */
export async function listDevices(options: ListOptions = {}): Promise<{ devices: ListedDevice[]; notes: string[] }> {
  const notes: string[] = [];
  const devices: ListedDevice[] = [];
  for (const port of await SerialPort.list()) {
    const vendorId = hex(port.vendorId);
    devices.push({
      bus: 'serial',
      path: port.path,
      vendorId,
      productId: hex(port.productId),
      manufacturer: port.manufacturer ?? null,
      product: null,
      serialNumber: port.serialNumber ?? null,
      hint: vendorId !== null ? (vendorHints[vendorId] ?? null) : null,
    });
  }
  try {
    const hid = await import('node-hid');
    for (const device of await hid.devicesAsync()) {
      const vendorId = hex(device.vendorId);
      devices.push({
        bus: 'hid',
        path: device.path ?? '',
        vendorId,
        productId: hex(device.productId),
        manufacturer: device.manufacturer ?? null,
        product: device.product ?? null,
        serialNumber: device.serialNumber ?? null,
        hint: vendorId !== null ? (vendorHints[vendorId] ?? null) : null,
      });
    }
  } catch (error) {
    notes.push(`HID devices not listed: node-hid could not load (${(error as Error).message.split('\n')[0]}).`);
  }
  const [sane, sbi] = await Promise.allSettled([
    discoverSaneDevices({ timeoutMs: 20_000, ...(options.simulate ? { saneConfigDir: saneSimulatorConfigPath() } : {}) }),
    discoverSbiServices({ timeoutMs: 1000 }),
  ]);
  if (sane.status === 'fulfilled') {
    for (const d of sane.value) devices.push({ bus: 'sane', path: d.address, vendorId: null, productId: null, manufacturer: d.make, product: d.model, serialNumber: null, hint: `scanner: balcao device scan --driver sane --device ${d.address}` });
  } else notes.push(`SANE scanners not listed: ${(sane.reason as Error).message}`);
  if (sbi.status === 'fulfilled') {
    for (const d of sbi.value) devices.push({ bus: 'sbi', path: d.address, vendorId: null, productId: null, manufacturer: d.make, product: d.model, serialNumber: d.serial, hint: `MOSIP SBI ${d.kind} service (device ${d.deviceId}, ${d.status})` });
  } else notes.push(`SBI services not listed: ${(sbi.reason as Error).message}`);
  return { devices, notes };
}
