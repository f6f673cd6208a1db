/** The studio shell: routes, navigation, project switcher, development banner and the Run dialog. */
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import {
  createBrowserRouter,
  createMemoryRouter,
  NavLink,
  Navigate,
  Outlet,
  RouterProvider,
  useLocation,
  useRouteError,
} from 'react-router';
import { RunDialog } from './components/run-dialog';
import { AssistantPage } from './pages/assistant-page';
import { BusinessObjectsPage } from './pages/business-objects-page';
import { ConnectorsPage } from './pages/connectors-page';
import { HqPage } from './pages/hq-page';
import { ProjectsPage } from './pages/projects-page';
import { RunPage } from './pages/run-page';
import { InboxCount, InboxPage } from './pages/inbox-page';
import { RunsPage } from './pages/runs-page';
import { WorkerPage } from './pages/worker-page';
import { WorkersPage } from './pages/workers-page';
import { NewWorkflowPage, WorkflowPage } from './pages/workflow-page';
import { WorkflowsPage } from './pages/workflows-page';
import { ApiError, listProjects } from './services/api';
import type { AuthState } from './services/auth';
import { routeTitle } from './state/route-title';
import { useProjectStore } from './state/project-store';

const NAV = [
  ['/workflows', 'Workflows'],
  ['/runs', 'Runs'],
  ['/inbox', 'Inbox'],
  ['/workers', 'Digital workers'],
  ['/connectors', 'Connectors'],
  ['/business-objects', 'Business objects'],
  ['/studio', 'Assistant'],
  ['/projects', 'Projects'],
  ['/hq', 'HQ'],
] as const;

function ProjectSwitcher() {
  const { projectId, setProject } = useProjectStore();
  const projects = useQuery({ queryKey: ['projects'], queryFn: listProjects });
  const items = projects.data?.items ?? [];
  // A remembered project that no longer exists falls back to the default.
  useEffect(() => {
    if (projects.data && projectId && !items.some((p) => p.id === projectId)) setProject(null);
  }, [projects.data, projectId, items, setProject]);
  const current = projectId ?? items.find((p) => p.isDefault)?.id ?? '';
  return (
    <div className="project-switcher">
      <label htmlFor="project-switcher">Project</label>
      <select
        id="project-switcher"
        value={current}
        disabled={!items.length}
        onChange={(e) => setProject(items.find((p) => p.id === e.target.value)?.isDefault ? null : e.target.value)}
      >
        {!items.length && <option value="">{projects.isError ? 'unavailable' : 'Loading…'}</option>}
        {items.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function Shell({ auth }: { auth: AuthState }) {
  const location = useLocation();
  useEffect(() => {
    // A new page starts at its top, and focus moves to its heading so screen readers announce it.
    document.title = routeTitle(location.pathname);
    document.scrollingElement?.scrollTo?.({ top: 0 });
    document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
  }, [location.pathname]);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      {auth.config.devMode && (
        <div className="dev-banner" role="note">
          <strong>Development mode</strong> — no sign-in: every request acts as the built-in administrator of the built-in organisation.
          Never expose this deployment beyond this machine.
        </div>
      )}
      <header className="topbar">
        <span className="brand">Demiton</span>
        <ProjectSwitcher />
        {auth.account && (
          <span className="account" title={auth.account.username}>
            {auth.account.name}
          </span>
        )}
      </header>
      <div className="body">
        <nav aria-label="Main">
          <ul>
            {NAV.map(([to, label]) => (
              <li key={to}>
                <NavLink to={to}>
                  {label}
                  {to === '/inbox' && <InboxCount />}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main">
          <Outlet />
        </main>
      </div>
      <RunDialog />
    </div>
  );
}

function routes(auth: AuthState) {
  return [
    {
      path: '/',
      element: <Shell auth={auth} />,
      errorElement: <RouteError />,
      children: [
        { index: true, element: <Navigate to="/workflows" replace /> },
        { path: 'workflows', element: <WorkflowsPage /> },
        { path: 'workflows/new', element: <NewWorkflowPage /> },
        { path: 'workflows/:id', element: <WorkflowPage /> },
        { path: 'runs', element: <RunsPage /> },
        { path: 'runs/:id', element: <RunPage /> },
        { path: 'inbox', element: <InboxPage /> },
        { path: 'workers', element: <WorkersPage /> },
        { path: 'workers/:id', element: <WorkerPage /> },
        { path: 'connectors', element: <ConnectorsPage /> },
        { path: 'business-objects', element: <BusinessObjectsPage /> },
        { path: 'studio', element: <AssistantPage /> },
        { path: 'projects', element: <ProjectsPage /> },
        { path: 'hq', element: <HqPage /> },
        { path: '*', element: <NotFound /> },
      ],
    },
  ];
}

/** A page that threw: say so plainly, offer a way back, never a blank screen. */
function RouteError() {
  const err = useRouteError();
  return (
    <main id="main" className="state error" role="alert">
      <h1>This page failed</h1>
      <p>{err instanceof Error ? err.message : 'An unexpected error occurred.'}</p>
      <p>
        <a href="/workflows">Back to workflows</a>
      </p>
    </main>
  );
}

function NotFound() {
  return (
    <>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        Nothing lives at this address. <NavLink to="/workflows">Go to workflows</NavLink>.
      </p>
    </>
  );
}

export function newQueryClient(): QueryClient {
  // One retry for failures that may pass (network, 5xx); a 4xx answer will not change by asking again.
  const retry = (failures: number, err: unknown) => failures < 1 && !(err instanceof ApiError && err.status >= 400 && err.status < 500);
  return new QueryClient({ defaultOptions: { queries: { retry, refetchOnWindowFocus: false } } });
}

/** The whole studio. `initialPath` renders it in memory (tests) instead of the browser's address. */
export function App({ auth, initialPath, queryClient }: { auth: AuthState; initialPath?: string; queryClient?: QueryClient }) {
  const [router] = useState(() =>
    initialPath ? createMemoryRouter(routes(auth), { initialEntries: [initialPath] }) : createBrowserRouter(routes(auth)),
  );
  const [client] = useState(() => queryClient ?? newQueryClient());
  return (
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
