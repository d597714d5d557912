import { RouterProvider } from 'react-router';
import { ConnectingScreen, LoadFailedScreen, ReconnectingOverlay, ReconnectingScreen } from '../components/StatusScreens';
import { useController, useStationState } from '../station/context';
import type { AppRouter } from './router';

/** Boot screens until station.info has answered once, then the routed app, covered while the connection is lost. */
export function Root({ router }: { router: () => AppRouter }) {
  const controller = useController();
  const { info, connection, loadError } = useStationState();

  if (info === null) {
    if (loadError !== null && connection !== 'offline') return <LoadFailedScreen error={loadError} onRetry={() => void controller.loadInfo()} />;
    return connection === 'offline' ? <ReconnectingScreen /> : <ConnectingScreen />;
  }
  return (
    <>
      <RouterProvider router={router()} />
      {connection === 'offline' ? <ReconnectingOverlay /> : null}
    </>
  );
}
