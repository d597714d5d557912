import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { connectStation } from './transport';
import { i18n, initI18n, preloadLanguages } from './i18n';
import { ControllerContext } from './station/context';
import { StationController } from './station/controller';
import { bootLanguage } from './station/language';
import { Root } from './routing/Root';
import { createAppRouter, type AppRouter } from './routing/router';
import { StationStore } from './station/store';
import { NoTokenScreen } from './components/StatusScreens';
import './styles/tokens.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/pages.css';

// Asked for first: the boot language's texts are a chunk of their own, fetched while React is set up and the
// WebSocket opens; the first render waits for them (a few ms from the station) rather than flash English.
const languageReady = initI18n(bootLanguage());

const store = new StationStore();
let controller: StationController | null = null;

// Before the router exists: the transport takes the token out of the address bar, and the router must only ever see the clean URL.
const connection = connectStation((connected) => {
  if (controller !== null) controller.connectionChanged(connected);
  else store.update({ connection: connected ? 'online' : 'offline' });
});

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root');
const root = createRoot(container);

if ('error' in connection) {
  void languageReady.then(() => root.render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <NoTokenScreen />
      </I18nextProvider>
    </StrictMode>,
  ));
} else {
  const station = new StationController(connection.api, store);
  controller = station;
  station.start();

  // Created on first use, once station.info has answered, so the guards' first decision is an informed one.
  let router: AppRouter | null = null;
  const getRouter = () => (router ??= createAppRouter(store));

  void languageReady.then(() =>
    root.render(
      <StrictMode>
        <I18nextProvider i18n={i18n}>
          <ControllerContext value={station}>
            <Root router={getRouter} />
          </ControllerContext>
        </I18nextProvider>
      </StrictMode>,
    ),
  );

  // Once the station has said which languages it offers, their texts are fetched in idle moments: a switch is then instant.
  const unsubscribe = store.subscribe(() => {
    const info = store.get().info;
    if (info === null) return;
    unsubscribe();
    preloadLanguages(info.languages);
  });
}
