import { describe, expect, it } from 'vitest';
import type { HidDeviceInfo } from '../transport/hid-link.js';
import { discoverStuPads } from './discovery.js';

const device = (over: Partial<HidDeviceInfo>): HidDeviceInfo => ({
  path: '/dev/hidraw0',
  vendorId: 0x056a,
  productId: 0xa8,
  manufacturer: 'Wacom Co.,Ltd.',
  product: 'STU-540',
  serialNumber: null,
  release: 0x0100,
  interface: 0,
  usagePage: null,
  usage: null,
  ...over,
});

describe('discoverStuPads', () => {
  it('finds Wacom STU pads by vendor id and product string, whatever the product id', async () => {
    const found = await discoverStuPads(async () => [
      device({ path: '/dev/hidraw1', productId: 0xa7, product: 'STU-540', serialNumber: 'ABC123' }),
      device({ path: '/dev/hidraw2', productId: 0xa4, product: 'STU-430' }),
      device({ path: '/dev/hidraw3', productId: 0x1234, product: 'stu 530' }),
      device({ path: '/dev/hidraw4', vendorId: 0x046d, product: 'STU-540 lookalike' }),
      device({ path: '/dev/hidraw5', productId: 0x0357, product: 'Intuos Pro M' }),
    ]);
    expect(found).toEqual([
      { family: 'stu', kind: 'signature', address: '/dev/hidraw1', make: 'Wacom', model: 'STU-540', serial: 'ABC123', firmware: null },
      { family: 'stu', kind: 'signature', address: '/dev/hidraw2', make: 'Wacom', model: 'STU-430', serial: null, firmware: null },
      { family: 'stu', kind: 'signature', address: '/dev/hidraw3', make: 'Wacom', model: 'STU-530', serial: null, firmware: null },
    ]);
  });

  it('without a product string, uses the usage page when given; one entry per path', async () => {
    const found = await discoverStuPads(async () => [
      device({ path: '/dev/hidraw1', product: null, usagePage: 0xff00 }),
      device({ path: '/dev/hidraw1', product: null, usagePage: 0x0d }),
      device({ path: '/dev/hidraw2', product: null, usagePage: 0x01 }),
      device({ path: '/dev/hidraw3', product: null, usagePage: null }),
    ]);
    expect(found.map((d) => [d.address, d.model])).toEqual([
      ['/dev/hidraw1', 'STU signature pad'],
      ['/dev/hidraw3', 'STU signature pad'],
    ]);
  });

  it('with the real node-hid on a machine without pads: nothing', async () => {
    expect(await discoverStuPads()).toEqual([]);
  });
});
