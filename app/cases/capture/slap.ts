/**
 * One slap for a case (issue 6 item 6, "slaps where the device supports
 * them"): the left four, the right four or the two thumbs in one capture on a
 * reader that takes slaps (the SBI family: bio.deviceSubId 1, 2, 3; devices.md
 * §5), the fingers recorded as exceptions left out and the device told, or
 * only some of the slap's fingers (a retry of those that failed). Each
 * segmented finger is assessed by the same quality stage as a single finger
 * (app/quality/assess.ts), so the case decides accept / retry / force per
 * finger exactly as it does one at a time.
 *
 * A finger asked for and not returned is reported in `missing` rather than
 * dropped in silence (MOSIP's registration client accepts 3 of 4 fingers of a
 * slap without a word: mosip-registration.md, "what goes wrong").
 */
import { slapPositions, type SlapName } from '../../contract/cases.js';
import { ContractError } from '../../contract/errors.js';
import { assess } from '../../quality/assess.js';
import { previewSender } from './finger.js';
import { greyPng } from './png.js';
import { captureDeviceOf, firstReady, noDevice, selectDevice } from './select.js';
import type { CaptureDeps, SlapCaptureOptions, SlapCaptureResult, SlapFingerResult } from './types.js';

/** The slap's fingers to ask for: `positions` (checked against the slap) or all; never an exception. */
export function slapTargets(slap: SlapName, exceptions: readonly number[], positions?: readonly number[]): number[] {
  const all = slapPositions[slap];
  for (const p of [...exceptions, ...(positions ?? [])]) {
    if (!all.includes(p)) throw new RangeError(`Finger position ${String(p)} is not in the ${slap} slap (${all.join(', ')}).`);
  }
  const asked = positions === undefined ? all : all.filter((p) => positions.includes(p));
  const both = asked.filter((p) => exceptions.includes(p));
  if (positions !== undefined && both.length > 0) throw new RangeError(`Finger position ${both.join(', ')} is recorded as an exception; it cannot also be captured.`);
  return asked.filter((p) => !exceptions.includes(p));
}

export async function captureSlap(deps: CaptureDeps, options: SlapCaptureOptions): Promise<SlapCaptureResult> {
  const wanted = slapTargets(options.slap, options.exceptions, options.positions);
  if (wanted.length === 0) throw new RangeError(`Every finger of the ${options.slap} slap is an exception: there is nothing to capture.`);
  const view = options.deviceId !== undefined ? await selectDevice(deps.devices, 'fingerprint', options.deviceId) : await chooseSlapReader(deps);
  if (view.kind === 'fingerprint' && view.slaps !== true) {
    throw new ContractError('case.slap_unsupported', `${view.make} ${view.model} (${view.id}) takes one finger at a time, not a slap; capture the fingers one by one.`, { device: view.id });
  }
  const preview = previewSender(options.onPreview);
  let raw;
  try {
    raw = await deps.devices.captureSlap(
      view.id,
      { slap: options.slap, positions: wanted, exceptions: [...options.exceptions] },
      options.signal,
      (frame) => preview.push(frame),
    );
  } catch (error) {
    await preview.settle();
    preview.phase('failed');
    throw error;
  }
  await preview.settle();
  preview.phase('assessing');
  const fingers: SlapFingerResult[] = [];
  for (const position of wanted) {
    const finger = raw.fingers.find((f) => f.position === position);
    if (finger === undefined) continue;
    const quality = assess('finger', finger.image, { config: deps.quality });
    fingers.push({ position, image: finger.image, png: await greyPng(finger.image), quality, deviceQuality: finger.deviceQuality });
  }
  const missing = wanted.filter((p) => !fingers.some((f) => f.position === p));
  const last = fingers.at(-1);
  if (last === undefined) preview.phase('done');
  else preview.done({ png: last.png, width: last.image.width, height: last.image.height });
  return { slap: options.slap, fingers, missing, device: captureDeviceOf(deps.devices.get(view.id)), capturedAt: deps.now() };
}

/** The first ready, approved reader that takes slaps; else case.no_device (no reader at all) or case.slap_unsupported. */
async function chooseSlapReader(deps: CaptureDeps) {
  const slapReader = await firstReady(deps.devices, 'fingerprint', (d) => d.slaps === true);
  if (slapReader !== undefined) return slapReader;
  // firstReady has already waited for readers being opened: what is ready now is all there is.
  const any = deps.devices.list().find((d) => d.kind === 'fingerprint' && d.status === 'ready' && d.approved);
  if (any === undefined) throw noDevice(deps.devices, 'fingerprint');
  throw new ContractError('case.slap_unsupported', `The ready fingerprint reader ${any.make} ${any.model} (${any.id}) takes one finger at a time, not a slap; capture the fingers one by one.`, { device: any.id });
}
