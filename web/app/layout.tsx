// The shell around every page: navigation, the live-update indicator and the routed page.

import { NavLink, Outlet } from 'react-router';
import { useLiveUpdates } from './live-updates.ts';

const LIVE_TEXT = { connecting: 'Connecting…', events: 'Live', polling: 'Polling' } as const;

export function Layout() {
  const live = useLiveUpdates();
  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">Contrail LB Explorer</span>
        <nav aria-label="Main">
          <NavLink to="/loadbalancers">Load balancers</NavLink>
          <NavLink to="/config">Config explorer</NavLink>
          <NavLink to="/dataplane">Dataplane</NavLink>
        </nav>
        <span className={`live live-${live}`} title="How the page stays current">
          {LIVE_TEXT[live]}
        </span>
      </header>
      <main className="app-main">
        <Outlet />
      </main>
    </div>
  );
}
