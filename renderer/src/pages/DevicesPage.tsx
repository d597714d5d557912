import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  ApprovedListView,
  DeviceCandidateView,
  DeviceStatus,
  DeviceView,
  ResponseOf,
  TestCaptureResult,
} from '../../../app/contract/channels';
import { roleAtLeast } from '../routing/access';
import { useController, useStationState } from '../station/context';
import { TextField } from '../components/Field';
import { Modal } from '../components/Modal';
import { Notice } from '../components/Notice';
import { PageTitle } from '../components/PageTitle';
import { errorCode } from '../i18n/errors';
import { formatMoment } from '../i18n/format';
import { isLocale } from '../i18n/languages';
import { useErrorText } from '../i18n/use-error-text';

type Listing = ResponseOf<'devices.list'>;
type Feedback = { tone: 'success' | 'danger'; text: string } | null;
type TestState = { state: 'running' } | { state: 'done'; result: TestCaptureResult } | { state: 'failed'; error: unknown };

/** Colour and text together: the badge never relies on colour alone. */
const statusTone: Record<DeviceStatus, string> = {
  ready: 'badge--success',
  busy: 'badge--info',
  disconnected: 'badge--muted',
  not_approved: 'badge--warning',
  error: 'badge--danger',
};

const statusKeys: Record<DeviceStatus, string> = {
  ready: 'devices.status.ready',
  busy: 'devices.status.busy',
  disconnected: 'devices.status.disconnected',
  not_approved: 'devices.status.not_approved',
  error: 'devices.status.error',
};

const kindKeys: Record<DeviceView['kind'], string> = {
  fingerprint: 'devices.kinds.fingerprint',
  signature: 'devices.kinds.signature',
  mrz: 'devices.kinds.mrz',
  scanner: 'devices.kinds.scanner',
  'biometric-service': 'devices.kinds.biometricService',
};

const listReasonKeys: Record<NonNullable<ApprovedListView['error']>['reason'], string> = {
  unreadable: 'devices.agencyList.unreadable',
  bad_signature: 'devices.agencyList.bad_signature',
  bad_format: 'devices.agencyList.bad_format',
  bad_key: 'devices.agencyList.bad_key',
};

function useLanguage() {
  const { i18n } = useTranslation();
  return isLocale(i18n.language) ? i18n.language : 'en';
}

function deviceName(device: DeviceView): string {
  return `${device.make} ${device.model}`;
}

/** The driver's own English sentence, shown under the translated one for the technician. */
function technicalDetail(error: unknown): string | null {
  const code = errorCode(error);
  if (code === null || !code.startsWith('device.')) return null;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && message.length > 0 ? message : null;
}

function StatusBadge({ device }: { device: DeviceView }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${statusTone[device.status]}`} data-testid={`device-status-${device.id}`} data-status={device.status}>
      <span aria-hidden="true" className="badge__dot" />
      {t(statusKeys[device.status])}
    </span>
  );
}

function TestResult({ device, test }: { device: DeviceView; test: TestState }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  if (test.state === 'running') {
    return (
      <p className="device-card__testing" role="status">
        {t('devices.testing')}
      </p>
    );
  }
  if (test.state === 'failed') {
    const detail = technicalDetail(test.error);
    return (
      <Notice tone="danger" live="alert" testId={`device-error-${device.id}`}>
        <p>{errorText(test.error)}</p>
        {detail !== null ? (
          <p className="device-card__detail">
            {t('devices.technicalDetail')} <span lang="en">{detail}</span>
          </p>
        ) : null}
      </Notice>
    );
  }
  const { result } = test;
  if (result.kind === 'mrz') {
    const fields = Object.entries(result.fields).filter(([, value]) => value !== null && value !== '');
    return (
      <div className="device-card__result" data-testid={`device-result-${device.id}`} data-kind="mrz">
        <p>{result.valid ? t('devices.mrzValid', { ms: result.ms }) : t('devices.mrzInvalid', { ms: result.ms })}</p>
        <pre className="device-card__mrz mono" lang="en">
          {result.lines.join('\n')}
        </pre>
        <table className="table table--compact">
          <thead>
            <tr>
              <th scope="col">{t('devices.mrzField')}</th>
              <th scope="col">{t('devices.mrzValue')}</th>
            </tr>
          </thead>
          <tbody>
            {fields.map(([name, value]) => (
              <tr key={name}>
                <th scope="row" className="mono">
                  {name}
                </th>
                <td className="mono">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  const caption = t('devices.imageResult', { width: result.width, height: result.height, ppi: result.ppi, ms: result.ms });
  return (
    <figure className="device-card__result" data-testid={`device-result-${device.id}`} data-kind={result.kind}>
      <img
        className="device-card__image"
        src={`data:image/png;base64,${result.png}`}
        width={result.width}
        height={result.height}
        alt={t('devices.imageAlt', { name: deviceName(device) })}
        data-testid={`device-image-${device.id}`}
      />
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

function DeviceCard({
  device,
  isAdmin,
  test,
  onTest,
  onApprove,
  onRevoke,
}: {
  device: DeviceView;
  isAdmin: boolean;
  test: TestState | undefined;
  onTest: () => void;
  onApprove: () => void;
  onRevoke: () => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const headingId = `device-${device.id}-name`;
  // A not-approved device keeps the button: the station's refusal, in words, is the answer the technician needs.
  const canTest = (device.status === 'ready' || device.status === 'not_approved') && test?.state !== 'running';
  const approval =
    device.approvedBy === null
      ? t('devices.notApproved')
      : device.approvedBy === 'agency'
        ? t('devices.approvedByAgency')
        : t('devices.approvedByAdmin', { username: device.approvedBy.replace(/^admin:/, '') });
  return (
    <li className="device-card card" data-testid={`device-${device.id}`} data-status={device.status} aria-labelledby={headingId}>
      <div className="device-card__header">
        <div>
          <h3 className="device-card__name" id={headingId}>
            {deviceName(device)}
          </h3>
          <p className="device-card__kind">
            {t(kindKeys[device.kind])}
            {device.simulated ? <span className="badge badge--info badge--inline">{t('devices.simulated')}</span> : null}
          </p>
        </div>
        <StatusBadge device={device} />
      </div>
      {device.statusDetail !== null ? (
        <p className="device-card__detail" data-testid={`device-detail-${device.id}`}>
          <span lang="en">{device.statusDetail}</span>
        </p>
      ) : null}
      <dl className="device-card__facts">
        <div>
          <dt>{t('devices.serial')}</dt>
          <dd className="mono">{device.serial ?? t('app.dash')}</dd>
        </div>
        <div>
          <dt>{t('devices.address')}</dt>
          <dd className="mono">{device.address}</dd>
        </div>
        {device.firmware !== null ? (
          <div>
            <dt>{t('devices.firmware')}</dt>
            <dd className="mono">{device.firmware}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('devices.approval')}</dt>
          <dd data-testid={`device-approval-${device.id}`}>{approval}</dd>
        </div>
        <div>
          <dt>{t('devices.lastSeen')}</dt>
          <dd>{device.lastSeenAt === null ? t('app.never') : formatMoment(device.lastSeenAt, language)}</dd>
        </div>
      </dl>
      {!device.reportsSerial ? <p className="device-card__note">{t('devices.noSerial')}</p> : null}
      <div className="device-card__actions">
        {canTest || test?.state === 'running' ? (
          <button
            type="button"
            className="button button--primary button--small"
            onClick={onTest}
            aria-disabled={!canTest || undefined}
            data-testid={`device-test-${device.id}`}
          >
            {t('devices.testCapture')}
            <span className="visually-hidden"> {deviceName(device)}</span>
          </button>
        ) : null}
        {isAdmin && !device.approved ? (
          <button type="button" className="button button--secondary button--small" onClick={onApprove} data-testid={`device-approve-${device.id}`}>
            {t('devices.approve')}
            <span className="visually-hidden"> {deviceName(device)}</span>
          </button>
        ) : null}
        {isAdmin && device.approvedBy !== null && device.approvedBy.startsWith('admin:') ? (
          <button type="button" className="button button--secondary button--small" onClick={onRevoke} data-testid={`device-revoke-${device.id}`}>
            {t('devices.revoke')}
            <span className="visually-hidden"> {deviceName(device)}</span>
          </button>
        ) : null}
      </div>
      {test !== undefined ? <TestResult device={device} test={test} /> : null}
    </li>
  );
}

function ConfirmDialog({ device, action, onDone, onClose }: { device: DeviceView; action: 'approve' | 'revoke'; onDone: (device: DeviceView) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const controller = useController();
  const errorText = useErrorText();
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const name = deviceName(device);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (password.length === 0) {
      setProblem(t('validation.required'));
      inputRef.current?.focus();
      return;
    }
    setBusy(true);
    try {
      const channel = action === 'approve' ? 'devices.approve' : 'devices.revoke';
      onDone(await controller.api.call[channel]({ id: device.id, password }));
    } catch (error) {
      setProblem(errorText(error));
      inputRef.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal labelledBy="device-confirm-title" describedBy="device-confirm-intro" onCancel={onClose} initialFocus={inputRef} testId="device-confirm-dialog">
      <form className="modal__content form" noValidate onSubmit={(e) => void submit(e)}>
        <h2 id="device-confirm-title" className="modal__title">
          {action === 'approve' ? t('devices.approveTitle', { name }) : t('devices.revokeTitle', { name })}
        </h2>
        <p id="device-confirm-intro">{action === 'approve' ? t('devices.approveIntro') : t('devices.revokeIntro')}</p>
        <TextField
          ref={inputRef}
          id="device-confirm-password"
          type="password"
          label={t('devices.password')}
          error={problem}
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            setProblem(null);
          }}
          autoComplete="current-password"
        />
        <div className="modal__actions">
          <button type="button" className="button button--secondary" onClick={onClose}>
            {t('app.cancel')}
          </button>
          <button type="submit" className="button button--primary" aria-disabled={busy || undefined} data-testid="device-confirm-submit">
            {busy ? t('devices.confirming') : action === 'approve' ? t('devices.confirmApprove') : t('devices.confirmRevoke')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function AgencyListNotice({ list }: { list: ApprovedListView }) {
  const { t } = useTranslation();
  const language = useLanguage();
  if (list.state === 'error' && list.error !== null) {
    return (
      <Notice tone="danger" live="alert" title={t('devices.agencyList.errorTitle')} testId="devices-agency-list">
        <p>{t(listReasonKeys[list.error.reason])}</p>
        <p className="device-card__detail">
          {t('devices.technicalDetail')} <span lang="en">{list.error.message}</span>
        </p>
      </Notice>
    );
  }
  if (list.state === 'ok') {
    return (
      <p className="devices__list-state" data-testid="devices-agency-list">
        {t('devices.agencyList.ok', { date: list.issuedAt === null ? t('app.dash') : formatMoment(list.issuedAt, language), count: list.entries })}
      </p>
    );
  }
  return (
    <p className="devices__list-state" data-testid="devices-agency-list">
      {t('devices.agencyList.none')}
    </p>
  );
}

function Candidates({ candidates }: { candidates: DeviceCandidateView[] }) {
  const { t } = useTranslation();
  if (candidates.length === 0) return null;
  return (
    <section className="section" aria-labelledby="devices-candidates-heading" data-testid="devices-candidates">
      <h2 id="devices-candidates-heading" className="section__title">
        {t('devices.candidatesHeading')}
      </h2>
      <p>{t('devices.candidatesIntro')}</p>
      <ul className="devices__candidates">
        {candidates.map((c) => (
          <li key={c.address} className="mono">
            {t('devices.candidate', { address: c.address, bridge: c.bridge })}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DevicesPage() {
  const { t } = useTranslation();
  const controller = useController();
  const { session } = useStationState();
  const errorText = useErrorText();
  const [listing, setListing] = useState<Listing | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [rescanning, setRescanning] = useState(false);
  const [tests, setTests] = useState<Record<string, TestState>>({});
  const [confirming, setConfirming] = useState<{ device: DeviceView; action: 'approve' | 'revoke' } | null>(null);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const isAdmin = session !== null && roleAtLeast(session.operator.role, 'admin');

  const upsert = useCallback((device: DeviceView) => {
    setListing((current) => {
      if (current === null) return current;
      const known = current.devices.some((d) => d.id === device.id);
      return { ...current, devices: known ? current.devices.map((d) => (d.id === device.id ? device : d)) : [...current.devices, device] };
    });
  }, []);

  const load = useCallback(async () => {
    try {
      setListing(await controller.api.call['devices.list']({}));
      setLoadError(null);
    } catch (error) {
      setLoadError(error);
    }
  }, [controller]);

  useEffect(() => {
    // Subscribed before the list is asked for, so that no change falls between the two.
    const off = controller.api.on['devices.changed'](upsert);
    void load();
    return off;
  }, [controller, load, upsert]);

  const rescan = async () => {
    if (rescanning) return;
    setRescanning(true);
    try {
      setListing(await controller.api.call['devices.rescan']({}));
      setLoadError(null);
    } catch (error) {
      setFeedback({ tone: 'danger', text: errorText(error) });
    } finally {
      setRescanning(false);
    }
  };

  const runTest = async (device: DeviceView) => {
    if (tests[device.id]?.state === 'running') return;
    setTests((all) => ({ ...all, [device.id]: { state: 'running' } }));
    try {
      const result = await controller.api.call['devices.testCapture']({ id: device.id });
      setTests((all) => ({ ...all, [device.id]: { state: 'done', result } }));
    } catch (error) {
      setTests((all) => ({ ...all, [device.id]: { state: 'failed', error } }));
    }
  };

  const devices = listing?.devices ?? [];

  return (
    <div className="page" data-testid="devices-page">
      <PageTitle>{t('titles.devices')}</PageTitle>
      <div className="page__header page__header--with-action">
        <div>
          <h1 className="page__title" tabIndex={-1}>
            {t('devices.heading')}
          </h1>
          <p className="page__intro">{t('devices.intro')}</p>
        </div>
        <button type="button" className="button button--secondary" onClick={() => void rescan()} aria-disabled={rescanning || undefined} data-testid="devices-rescan">
          {rescanning ? t('devices.rescanning') : t('devices.rescan')}
        </button>
      </div>

      <div className="live-slot" role="status">
        {feedback?.tone === 'success' ? (
          <Notice tone="success" testId="devices-feedback">
            <p>{feedback.text}</p>
          </Notice>
        ) : null}
      </div>
      {feedback?.tone === 'danger' ? (
        <Notice tone="danger" live="alert" testId="devices-feedback">
          <p>{feedback.text}</p>
        </Notice>
      ) : null}

      {listing !== null ? <AgencyListNotice list={listing.approvedList} /> : null}

      <section className="section" aria-labelledby="devices-list-heading">
        <h2 id="devices-list-heading" className="section__title">
          {t('devices.listHeading')}
        </h2>
        {loadError !== null ? (
          <Notice tone="danger" live="alert">
            <p>{errorText(loadError)}</p>
          </Notice>
        ) : listing === null ? (
          <p className="loading" role="status">
            {t('app.loading')}
          </p>
        ) : devices.length === 0 ? (
          <p className="devices__empty" data-testid="devices-empty">
            {t('devices.empty')}
          </p>
        ) : (
          <ul className="device-list" data-testid="devices-list">
            {devices.map((device) => (
              <DeviceCard
                key={device.id}
                device={device}
                isAdmin={isAdmin}
                test={tests[device.id]}
                onTest={() => void runTest(device)}
                onApprove={() => setConfirming({ device, action: 'approve' })}
                onRevoke={() => setConfirming({ device, action: 'revoke' })}
              />
            ))}
          </ul>
        )}
      </section>

      {listing !== null ? <Candidates candidates={listing.candidates} /> : null}

      {confirming !== null ? (
        <ConfirmDialog
          device={confirming.device}
          action={confirming.action}
          onClose={() => setConfirming(null)}
          onDone={(updated) => {
            const action = confirming.action;
            setConfirming(null);
            upsert(updated);
            // An earlier refusal no longer says anything true about this device.
            setTests((all) => {
              const { [updated.id]: _dropped, ...rest } = all;
              return rest;
            });
            setFeedback({ tone: 'success', text: t(action === 'approve' ? 'devices.approvedDone' : 'devices.revokedDone', { name: deviceName(updated) }) });
          }}
        />
      ) : null}
    </div>
  );
}
