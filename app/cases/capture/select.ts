/**
 * Which device a capture uses: the one the technician named, or the first
 * ready, approved device of the kind in the manager's list (configured
 * devices first, then simulators, then discovered ones — the manager's
 * order). A named device is used whatever its state: the manager then
 * answers with the DeviceError that says why it cannot capture
 * (not_approved, busy, disconnected), which is more useful to the technician
 * than "no device".
 */
import type { DeviceKind } from '../../../drivers/discovery.js';
import type { DeviceView } from '../../contract/channels.js';
import { ContractError } from '../../contract/errors.js';
import type { DeviceManager } from '../../devices/manager.js';
import type { CaptureDevice } from './types.js';

/** How a kind is named in a sentence for the technician. */
const kindNames: Record<DeviceKind, string> = {
  fingerprint: 'fingerprint reader',
  signature: 'signature pad',
  mrz: 'MRZ reader',
  scanner: 'scanner',
  'biometric-service': 'biometric device service',
};

/** record.json's approvedDeviceId is at most 80 characters (app/packets/schema.ts). */
const APPROVED_ID_MAX = 80;

/**
 * What the packet records as the approval a capture was made under:
 * `admin:<user>` for this station's administrator approval (DeviceView.approvedBy
 * as the manager computes it, approvedByLabel in app/devices/matching.ts), or
 * `agency:<make>/<model>/<serial>` for an entry of the agency's signed list,
 * which has no id of its own and is matched on exactly those three. Null for a
 * device that is not approved (the manager refuses to capture from it anyway).
 */
export function approvedDeviceIdOf(view: Pick<DeviceView, 'approvedBy' | 'make' | 'model' | 'serial'>): string | null {
  if (view.approvedBy === null) return null;
  const id = view.approvedBy === 'agency' ? `agency:${view.make}/${view.model}/${view.serial ?? ''}` : view.approvedBy;
  return id.slice(0, APPROVED_ID_MAX);
}

export function captureDeviceOf(view: DeviceView): CaptureDevice {
  return { id: view.id, make: view.make, model: view.model, serial: view.serial, firmware: view.firmware, approvedDeviceId: approvedDeviceIdOf(view) };
}

/**
 * How long a capture waits for a device of its kind that is being opened right now (DeviceManager.opened): a
 * handshake takes well under a second for every device here; a technician who pressed Capture in the first
 * seconds after start, or just as a device came back, would rather wait that long than read "disconnected".
 */
export const OPENING_WAIT_MS = 5000;

/**
 * The first ready, approved device of the kind that `accept` takes; if there is none yet, waits once
 * (OPENING_WAIT_MS) for the devices of the kind still being opened and looks again. Undefined if none.
 */
export async function firstReady(devices: DeviceManager, kind: DeviceKind, accept: (view: DeviceView) => boolean = () => true): Promise<DeviceView | undefined> {
  const find = () => devices.list().find((d) => d.kind === kind && d.status === 'ready' && d.approved && accept(d));
  const now = find();
  if (now !== undefined) return now;
  await devices.opened({ kind }, OPENING_WAIT_MS);
  return find();
}

/** ContractError 'case.no_device': a sentence naming the kind and every device of it found, with its state. */
export function noDevice(devices: DeviceManager, kind: DeviceKind): ContractError {
  const ofKind = devices.list().filter((d) => d.kind === kind);
  const name = kindNames[kind];
  const found =
    ofKind.length === 0
      ? `no ${name} was found at this station`
      : `found ${ofKind.map((d) => `${d.make} ${d.model} (${d.id}): ${d.status === 'ready' && !d.approved ? 'not approved' : d.status.replace('_', ' ')}`).join('; ')}`;
  return new ContractError('case.no_device', `There is no ready, approved ${name} to capture with: ${found}.`, { kind, found: ofKind.length });
}

/**
 * The device to capture from. A name is looked up (ContractError
 * 'device.unknown' when there is none by that id); otherwise the first
 * device of the kind that is ready and approved (firstReady), or
 * ContractError 'case.no_device' (noDevice). Either way a device still being
 * opened is waited for (OPENING_WAIT_MS).
 */
export async function selectDevice(devices: DeviceManager, kind: DeviceKind, deviceId?: string): Promise<DeviceView> {
  if (deviceId !== undefined) {
    devices.get(deviceId);
    await devices.opened({ id: deviceId }, OPENING_WAIT_MS);
    return devices.get(deviceId);
  }
  const chosen = await firstReady(devices, kind);
  if (chosen === undefined) throw noDevice(devices, kind);
  return chosen;
}
