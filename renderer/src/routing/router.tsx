import { createBrowserRouter, redirect, type LoaderFunctionArgs } from 'react-router';
import { HomePage } from '../pages/HomePage';
import { LoginPage } from '../pages/LoginPage';
import { SetupPage } from '../pages/SetupPage';
import { accessOf, paths, redirectFor, type PageAccess } from './access';
import { Shell } from './Shell';
import type { StationStore } from '../station/store';

/** Renders nothing: the unknown-path leaf (its loader always redirects) and the first frame before the guards have answered. */
function Nothing() {
  return null;
}

export type AppRouter = ReturnType<typeof createBrowserRouter>;

/**
 * The pages a station opens on (setup, sign-in, home) are in the first
 * script; the others, the enrolment screens above all, are chunks of their
 * own that the router fetches when one is first visited (react-router's
 * route `lazy`: the guard still runs first, from the first script). The
 * sign-in screen then waits for a script a third smaller (the cold-start
 * budget, docs/benchmarks.md); on loopback or app:// a chunk takes
 * milliseconds.
 */
const lazyPages = {
  operators: () => import('../pages/OperatorsPage').then((m) => ({ Component: m.OperatorsPage })),
  audit: () => import('../pages/AuditPage').then((m) => ({ Component: m.AuditPage })),
  devices: () => import('../pages/DevicesPage').then((m) => ({ Component: m.DevicesPage })),
  outbox: () => import('../pages/QueuePage').then((m) => ({ Component: m.QueuePage })),
  enrolmentStart: () => import('../pages/enrolment/EnrolmentStartPage').then((m) => ({ Component: m.EnrolmentStartPage })),
  enrolmentCase: () => import('../pages/enrolment/CasePage').then((m) => ({ Component: m.CasePage })),
};

/**
 * Routes on real paths (both shells serve index.html for them). Each page's
 * loader is its guard, so a page never renders for someone who may not see
 * it; when the session or first-run state changes under a page (idle
 * logout, sign-in, account disabled), the same rule is applied again to
 * wherever the router is.
 */
export function createAppRouter(store: StationStore): AppRouter {
  const decide = (access: PageAccess, pathname: string): string | null => {
    const state = store.get();
    const target = redirectFor(access, {
      firstRun: state.info?.firstRun ?? false,
      role: state.session?.operator.role ?? null,
      returnTo: state.returnTo,
    });
    if (target === paths.login && access !== 'setup' && pathname !== paths.home) store.update({ returnTo: pathname });
    else if (access === 'login' && target !== null) store.update({ returnTo: null });
    return target;
  };

  const guard =
    (access: PageAccess) =>
    ({ request }: LoaderFunctionArgs) => {
      const target = decide(access, new URL(request.url).pathname);
      if (target !== null) throw redirect(target);
      return null;
    };

  const router = createBrowserRouter([
    {
      path: '/',
      element: <Shell />,
      // The guards answer from the store at once, so the fallback shows for a frame at most: better blank than a flash of a spinner.
      hydrateFallbackElement: <Nothing />,
      children: [
        { index: true, loader: guard('operator'), element: <HomePage /> },
        { path: 'setup', loader: guard('setup'), element: <SetupPage /> },
        { path: 'login', loader: guard('login'), element: <LoginPage /> },
        { path: 'operators', loader: guard('admin'), lazy: lazyPages.operators },
        { path: 'audit', loader: guard('supervisor'), lazy: lazyPages.audit },
        { path: 'devices', loader: guard('operator'), lazy: lazyPages.devices },
        { path: 'outbox', loader: guard('supervisor'), lazy: lazyPages.outbox },
        { path: 'enrolment', loader: guard('operator'), lazy: lazyPages.enrolmentStart },
        { path: 'enrolment/:caseId', loader: guard('operator'), lazy: lazyPages.enrolmentCase },
        // Unknown paths (an old bookmark, Electron's index.html) go home, where the guard takes over.
        { path: '*', loader: () => redirect(paths.home), Component: Nothing },
      ],
    },
  ]);

  const keyOf = () => {
    const { info, session } = store.get();
    return `${info?.firstRun ?? ''}|${session?.operator.id ?? ''}|${session?.operator.role ?? ''}`;
  };
  let lastKey = keyOf();
  store.subscribe(() => {
    const key = keyOf();
    if (key === lastKey) return;
    lastKey = key;
    // After the current store notification has finished, so the guard reads the settled state.
    queueMicrotask(() => {
      const location = router.state.navigation.location ?? router.state.location;
      const access = accessOf(location.pathname);
      if (access === null) return;
      const target = decide(access, location.pathname);
      if (target !== null) void router.navigate(target, { replace: true });
    });
  });

  return router;
}
