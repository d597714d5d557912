/**
 * Finds Wacom STU pads among the HID interfaces the OS lists. Matching is on
 * the vendor id 0x056A and the product string, never on a product id: sources
 * disagree on them (the STU-540 is given as 0xA7 and as 0xA8, devices.md §3),
 * and a driver learns the model for certain from the Information report once
 * it opens the pad.
 */
import type { DiscoveredDevice } from '../discovery.js';
import { listHidDevices, type HidDeviceInfo } from '../transport/hid-link.js';

/** Wacom's USB vendor id (devices.md §3). */
export const WACOM_VENDOR_ID = 0x056a;

/** Vendor-defined usage pages (0xFF00–0xFFFF, HID Usage Tables §3) and Digitizers (0x0D): where a signature pad's collection can sit. */
function plausibleUsagePage(page: number): boolean {
  return page >= 0xff00 || page === 0x0d;
}

/**
 * One DiscoveredDevice per STU pad. A Wacom interface whose product string
 * names an STU is taken whatever its usage page; one with another product
 * string (an Intuos, a Cintiq) is not. Where the platform gives no product
 * string, the usage page decides when it is known (vendor-defined or
 * digitizer), and the interface is offered as an unidentified pad otherwise.
 * hidapi lists one entry per top-level collection, so paths are de-duplicated.
 */
export async function discoverStuPads(list: () => Promise<HidDeviceInfo[]> = () => listHidDevices()): Promise<DiscoveredDevice[]> {
  const found = new Map<string, DiscoveredDevice>();
  for (const info of await list()) {
    if (info.vendorId !== WACOM_VENDOR_ID || found.has(info.path)) continue;
    const product = info.product?.trim() || null;
    if (product !== null) {
      if (!/\bSTU[- ]?\d/i.test(product)) continue;
    } else if (info.usagePage !== null && !plausibleUsagePage(info.usagePage)) {
      continue;
    }
    const model = product?.match(/STU[- ]?\d+[A-Z]*/i)?.[0].toUpperCase().replace(/^STU ?(?=\d)/, 'STU-') ?? 'STU signature pad';
    found.set(info.path, {
      family: 'stu',
      kind: 'signature',
      address: info.path,
      make: 'Wacom',
      model,
      serial: info.serialNumber?.trim() || null,
      // The firmware version is in the Information report: known only once the pad is opened.
      firmware: null,
    });
  }
  return [...found.values()];
}
