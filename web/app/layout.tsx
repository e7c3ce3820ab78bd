// The shell around every page: navigation, the live-update indicator, the one connection banner
// of the page, and focus put back where it was when the user comes Back to a page.

import { useEffect } from 'react';
import { NavLink, Outlet, useLocation, useNavigationType } from 'react-router';
import { ConnectionContext, type Liveness } from '@web/components/connection.ts';
import { findMarked, markOf, recallFocus, rememberFocus } from '@web/components/focus-memory.ts';
import { formatClock } from './liveness.ts';
import { useLiveUpdates } from './live-updates.ts';

/** How long Back waits for the element that had focus to be rendered again (data may load). */
const FOCUS_RESTORE_WAIT_MS = 5_000;

function indicatorText(live: Liveness): string {
  switch (live.status) {
    case 'connecting':
      return 'Connecting…';
    case 'live':
      return live.via === 'events' ? 'Live' : 'Polling';
    case 'disconnected':
      return 'Disconnected';
  }
}

const INDICATOR_TITLE: Readonly<Record<Liveness['status'], string>> = {
  connecting: 'Reaching the UI server',
  live: 'Changes appear as they happen',
  disconnected: 'The data on screen may be out of date',
};

function ConnectionBanner({ live, onRetry }: { live: Liveness; onRetry: () => void }) {
  if (live.status !== 'disconnected') return null;
  return (
    <div role="alert" className="conn-banner">
      <strong>
        Disconnected —{' '}
        {live.dataAsOf === null ? 'nothing loaded yet' : `data as of ${formatClock(live.dataAsOf)}`}
      </strong>
      <span>{live.reason}.</span>
      {live.detail && <span className="conn-detail">{live.detail}</span>}
      <span className="conn-retry">Reconnecting by itself.</span>
      <button type="button" onClick={onRetry}>
        Retry now
      </button>
    </div>
  );
}

/** Remembers what had focus when a link is followed, and puts focus back there on Back. */
function useFocusRestore(): void {
  const location = useLocation();
  const navigationType = useNavigationType();

  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      const mark = e.target instanceof Element ? markOf(e.target) : null;
      if (mark) rememberFocus(location.key, mark);
    };
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
  }, [location.key]);

  useEffect(() => {
    const mark = navigationType === 'POP' ? recallFocus(location.key) : undefined;
    if (!mark) return;
    const tryFocus = () => {
      const target = findMarked(document, mark);
      if (!target) return false;
      target.focus();
      return true;
    };
    if (tryFocus()) return;
    const observer = new MutationObserver(() => {
      if (tryFocus()) observer.disconnect();
    });
    observer.observe(document.body, { childList: true, subtree: true });
    const timer = setTimeout(() => observer.disconnect(), FOCUS_RESTORE_WAIT_MS);
    return () => {
      observer.disconnect();
      clearTimeout(timer);
    };
  }, [location.key, navigationType]);
}

export function Layout() {
  const { live, retryNow } = useLiveUpdates();
  useFocusRestore();
  return (
    <ConnectionContext.Provider value={live}>
      <div className="app">
        <header className="app-header">
          <span className="brand">Contrail LB Explorer</span>
          <nav aria-label="Main">
            <NavLink to="/loadbalancers">Load balancers</NavLink>
            <NavLink to="/config">Config explorer</NavLink>
            <NavLink to="/dataplane">Dataplane</NavLink>
            <NavLink to="/drift">Drift</NavLink>
          </nav>
          <span
            className={`live live-${live.status === 'live' ? live.via : live.status}`}
            title={INDICATOR_TITLE[live.status]}
          >
            {indicatorText(live)}
          </span>
        </header>
        <main className="app-main">
          <ConnectionBanner live={live} onRetry={retryNow} />
          <Outlet />
        </main>
      </div>
    </ConnectionContext.Provider>
  );
}
