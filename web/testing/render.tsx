// Renders a route of the app in tests: a fresh QueryClient (no retries) and a memory router at `url`;
// `live` replaces the clock and the event stream the shell uses to stay current.

import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { useContext } from 'react';
import { RouterProvider, createMemoryRouter } from 'react-router';
import { LiveUpdateOptionsContext, type LiveUpdateOptions } from '@web/app/live-updates.ts';
import { createQueryClient } from '@web/app/query-client.ts';
import { forgetFocusMarks } from '@web/components/focus-memory.ts';
import { routes } from '@web/app/routes.tsx';

export function renderApp(url: string, opts: { live?: Partial<LiveUpdateOptions> } = {}) {
  forgetFocusMarks();
  const queryClient = createQueryClient({ retry: false });
  const router = createMemoryRouter(routes, { initialEntries: [url] });
  const utils = render(
    <QueryClientProvider client={queryClient}>
      <LiveOptions overrides={opts.live ?? {}}>
        <RouterProvider router={router} />
      </LiveOptions>
    </QueryClientProvider>,
  );
  return { ...utils, router, queryClient };
}

function LiveOptions({
  overrides,
  children,
}: {
  overrides: Partial<LiveUpdateOptions>;
  children: React.ReactNode;
}) {
  const defaults = useContext(LiveUpdateOptionsContext);
  return (
    <LiveUpdateOptionsContext.Provider value={{ ...defaults, ...overrides }}>
      {children}
    </LiveUpdateOptionsContext.Provider>
  );
}
