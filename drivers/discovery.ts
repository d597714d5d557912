/**
 * What discovery finds: one device a driver family could talk to, before it
 * is opened. Every family's discover function returns these, and the device
 * manager (app/devices) merges them with the configured devices and the
 * approved-device list. Discovery never captures anything.
 */
export type DeviceKind = 'fingerprint' | 'signature' | 'mrz' | 'scanner' | 'biometric-service';

export interface DiscoveredDevice {
  /** Driver family: 'ef01', 'gt5xx', 'desko', '3m', 'lines', 'stu', 'sane', 'escl', 'sbi'. */
  family: string;
  kind: DeviceKind;
  /** Where it is: serial port path, HID path, SANE device name, base URL, SBI port URL. */
  address: string;
  make: string;
  model: string;
  /** As the device reports it; null where discovery cannot tell without opening it. */
  serial: string | null;
  firmware: string | null;
}
