/**
 * What a capture step shows when its device fails: which device, what went
 * wrong (unplugged, busy, not approved, none connected), its live status
 * from devices.changed, the reassurance that nothing captured is lost, and
 * Try again. Shared by the consent, fingers, signature and documents steps.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceView } from '../../../../../app/contract/channels';
import { Notice } from '../../../components/Notice';
import { errorCode } from '../../../i18n/errors';
import { useErrorText } from '../../../i18n/use-error-text';
import { useController } from '../../../station/context';

/** The capture kinds a step can have trouble with (DeviceView.kind). */
export type ProblemKind = 'signature' | 'scanner' | 'mrz' | 'fingerprint';

/** A failure that is about the capture device (device.* from the manager, case.no_device from the device choice). */
export function isDeviceProblem(error: unknown): boolean {
  const code = errorCode(error);
  return code !== null && (code.startsWith('device.') || code === 'case.no_device') && code !== 'device.cancelled';
}

/** The station's devices of one kind, kept current from devices.changed; null until the first list arrives. */
function useDevicesOfKind(kind: ProblemKind): DeviceView[] | null {
  const controller = useController();
  const [devices, setDevices] = useState<DeviceView[] | null>(null);
  useEffect(() => {
    let live = true;
    const upsert = (device: DeviceView) => {
      if (device.kind !== kind) return;
      setDevices((current) => (current === null ? current : current.some((d) => d.id === device.id) ? current.map((d) => (d.id === device.id ? device : d)) : [...current, device]));
    };
    // Subscribed before the list is asked for, so that no change falls between the two.
    const off = controller.api.on['devices.changed'](upsert);
    controller.api.call['devices.list']({}).then(
      (listing) => {
        if (live) setDevices(listing.devices.filter((d) => d.kind === kind));
      },
      () => {
        if (live) setDevices([]);
      },
    );
    return () => {
      live = false;
      off();
    };
  }, [controller, kind]);
  return devices;
}

/**
 * A capture failed because of its device (unplugged mid-capture, busy, not
 * approved, none there): which device, what happened, what to do, the
 * device's state as it changes (the station reconnects a device that comes
 * back by itself), that nothing captured so far is lost, and Try again.
 * Shared by the consent, signature and documents steps.
 */
export function DeviceProblem({ error, kind, onRetry, retrying, testId }: { error: unknown; kind: ProblemKind; onRetry: () => void; retrying?: boolean; testId: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const devices = useDevicesOfKind(kind);
  const code = errorCode(error) ?? '';
  const message = typeof (error as { message?: unknown } | null)?.message === 'string' ? (error as { message: string }).message : '';
  // The core's sentence names the device by its address ("… at sim:stu …"); else the kind's first device.
  const device = devices?.find((d) => message.includes(` at ${d.address}`)) ?? devices?.find((d) => d.status !== 'ready') ?? devices?.[0] ?? null;
  const kindName = t(`enrolment.deviceProblem.kinds.${kind}`);
  const name = device === null ? '' : `${device.make} ${device.model}`;
  const what = { kind: kindName, device: name };
  // What went wrong: the code, or for case.no_device what the core found the device to be ("… (sim-stu): busy").
  const found = (state: string) => device !== null && code === 'case.no_device' && message.includes(`(${device.id}): ${state}`);
  const reason =
    code === 'device.not_approved' || found('not approved')
      ? 'notApproved'
      : code === 'device.busy' || found('busy')
        ? 'busy'
        : ['device.disconnected', 'device.not_found', 'device.timeout'].includes(code) || found('disconnected')
          ? 'disconnected'
          : device !== null && code === 'case.no_device'
            ? device.status === 'not_approved'
              ? 'notApproved'
              : device.status === 'busy'
                ? 'busy'
                : 'disconnected'
            : null;
  let sentence: string;
  if (device === null) sentence = devices === null ? errorText(error) : t('enrolment.deviceProblem.missing', what);
  else if (device.status === 'ready' && device.approved) sentence = `${reason === 'disconnected' ? `${t('enrolment.deviceProblem.disconnected', what)} ` : ''}${t('enrolment.deviceProblem.back', what)}`;
  else if (reason !== null) sentence = t(`enrolment.deviceProblem.${reason}`, what);
  else sentence = errorText(error);
  const ready = device !== null && device.status === 'ready' && device.approved;
  return (
    <Notice tone={ready ? 'warning' : 'danger'} live="alert" testId={testId} title={t('enrolment.deviceProblem.title', { kind: kindName })}>
      <p data-code={code} data-testid={`${testId}-message`}>
        {sentence}
      </p>
      {device !== null ? (
        <p data-testid={`${testId}-status`} data-device={device.id} data-status={device.status}>
          {t('enrolment.deviceProblem.statusLine', { device: name, status: t(`enrolment.deviceProblem.status.${device.status}`) })}
        </p>
      ) : null}
      <p>{t('enrolment.deviceProblem.kept')}</p>
      {message !== '' ? (
        <p className="case-detail">
          {t('enrolment.common.technicalDetail')} <span lang="en">{message}</span>
        </p>
      ) : null}
      <div className="capture__actions">
        <button
          type="button"
          className={`button ${ready ? 'button--primary' : 'button--secondary'}`}
          onClick={onRetry}
          aria-disabled={retrying || undefined}
          data-testid={`${testId}-retry`}
        >
          {t('enrolment.deviceProblem.retry')}
        </button>
      </div>
    </Notice>
  );
}
