// Keeps what is on screen current and says honestly when it is not: in embedded mode the UI server
// streams config changes over SSE (/api/events) and only the affected queries refetch; against a
// real Contrail the visible queries are polled. A dropped stream or a request that cannot reach
// the server makes the page "disconnected"; when the connection is back everything on screen is
// refetched (and what failed is retried), so no stale name or error outlives the outage.

import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, useRef } from 'react';
import { isResync, STREAM_EVENTS, type ConfigEventData } from '@model/api/events.ts';
import { eventsApi } from '@model/api/paths.ts';
import { clusterQueries } from '@web/api/cluster.ts';
import { consistencyQueries } from '@web/api/consistency.ts';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { explorerQueries } from '@web/api/explorer.ts';
import { infoQueries } from '@web/api/info.ts';
import type { ApiError } from '@web/api/client.ts';
import { isConnectionError, type Liveness } from '@web/components/connection.ts';
import { describeError } from '@web/components/error-state.tsx';
import { initialLiveState, isConnected, liveness, reduceLiveState, type FetchScope } from './liveness.ts';

export const POLL_INTERVAL_MS = 15_000;
/** How often /api/info is asked again while the server has not answered it. */
const INFO_RETRY_MS = 5_000;

/** The part of EventSource the page uses, so tests can drive the stream. */
export interface EventSourceLike {
  readonly readyState: number;
  addEventListener(type: string, listener: (event: Event) => void): void;
  close(): void;
}

export interface LiveUpdateOptions {
  now: () => number;
  /** Opens the event stream; null where the browser has no EventSource (the page polls). */
  openEventSource: ((url: string) => EventSourceLike) | null;
}

const EVENT_SOURCE_CLOSED = 2;

export const LiveUpdateOptionsContext = createContext<LiveUpdateOptions>({
  now: () => Date.now(),
  openEventSource: typeof EventSource === 'undefined' ? null : (url) => new EventSource(url),
});

/** Types whose changes alter the load balancer tree's rows (members resolve VMIs, IPs, VMs). */
const TREE_TYPES = /^(loadbalancer.*|virtual-machine-interface|instance-ip|virtual-machine|virtual-router)$/;

export function applyConfigEvents(queryClient: QueryClient, data: ConfigEventData): void {
  if (isResync(data)) {
    void queryClient.invalidateQueries();
    return;
  }
  if (data.some((e) => TREE_TYPES.test(e.type)))
    void queryClient.invalidateQueries({ queryKey: explorerQueries.all() });
  for (const e of data) {
    void queryClient.invalidateQueries({ queryKey: ['config', 'object', e.type, e.uuid] });
    if (e.kind !== 'update') void queryClient.invalidateQueries({ queryKey: ['config', 'list', e.type] });
  }
  // Refs changed on one object show up as back-refs on others: refresh the open JSON views.
  if (data.length > 0)
    void queryClient.invalidateQueries({ queryKey: ['config', 'object'], refetchType: 'active' });
  // The vRouters and the cluster both follow the config store: any change may move a route, a
  // composite slot or a pod, and make a load balancer consistent or not. (The paged tables are
  // not here: each refreshes its pages in view when the compute list answers again.)
  if (data.length > 0) {
    void queryClient.invalidateQueries({ queryKey: dataplaneQueries.all() });
    void queryClient.invalidateQueries({ queryKey: clusterQueries.all() });
    void queryClient.invalidateQueries({ queryKey: consistencyQueries.all() });
  }
}

/** Queries answered from the config API (through the UI server) prove it reachable too. */
function scopeOfKey(key: readonly unknown[]): FetchScope {
  return key[0] === explorerQueries.all()[0] || key[0] === 'config' ? 'config-api' : 'server';
}

export interface LiveUpdates {
  live: Liveness;
  /** Ask everything on screen again now, instead of waiting for the next retry. */
  retryNow: () => void;
}

export function useLiveUpdates(): LiveUpdates {
  const queryClient = useQueryClient();
  const { now, openEventSource } = useContext(LiveUpdateOptionsContext);
  const [state, dispatch] = useReducer(reduceLiveState, initialLiveState);
  const info = useQuery({
    ...infoQueries.detail(),
    refetchInterval: (query) => (query.state.status === 'error' ? INFO_RETRY_MS : false),
  });
  const infoMode = info.data?.mode;

  useEffect(() => {
    if (info.isSuccess)
      dispatch({ type: 'mode', mode: infoMode === 'embedded' && openEventSource ? 'events' : 'polling' });
  }, [info.isSuccess, infoMode, openEventSource]);

  // Every answer and every failure to get one, from queries and from sent changes alike.
  useEffect(() => {
    const record = (scope: FetchScope, outcome: 'ok' | 'error', error?: unknown) => {
      if (outcome === 'ok') dispatch({ type: 'fetch-ok', at: now(), scope });
      else if (isConnectionError(error)) {
        const { title, detail } = describeError(error);
        // A 502 is the config API out of the UI server's reach; no answer at all is the UI server.
        const failed: FetchScope = (error as ApiError).status === 502 ? 'config-api' : 'server';
        dispatch({ type: 'fetch-failed', at: now(), scope: failed, reason: title, detail });
      }
    };
    const offQueries = queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated') return;
      const scope = scopeOfKey(event.query.queryKey);
      // setQueryData (an optimistic update) is no answer from the server.
      if (event.action.type === 'success' && !event.action.manual) record(scope, 'ok');
      else if (event.action.type === 'error') record(scope, 'error', event.action.error);
    });
    const offMutations = queryClient.getMutationCache().subscribe((event) => {
      if (event.type !== 'updated') return;
      if (event.action.type === 'success') record('server', 'ok');
      else if (event.action.type === 'error') record('server', 'error', event.action.error);
    });
    return () => {
      offQueries();
      offMutations();
    };
  }, [queryClient, now]);

  useEffect(() => {
    if (state.mode !== 'events' || !openEventSource) return;
    const source = openEventSource(eventsApi.stream.path());
    source.addEventListener('open', () => dispatch({ type: 'stream-open', at: now() }));
    // The server is stopping: it ends the stream and the browser reconnects by itself.
    source.addEventListener(STREAM_EVENTS.reconnect, () =>
      dispatch({ type: 'stream-error', at: now(), closed: false }),
    );
    source.addEventListener(STREAM_EVENTS.config, (event) => {
      try {
        applyConfigEvents(queryClient, JSON.parse((event as MessageEvent<string>).data));
      } catch {
        void queryClient.invalidateQueries();
      }
    });
    // The browser reconnects by itself after a drop (CONNECTING); CLOSED means it gave up.
    source.addEventListener('error', () =>
      dispatch({ type: 'stream-error', at: now(), closed: source.readyState === EVENT_SOURCE_CLOSED }),
    );
    return () => source.close();
  }, [state.mode, openEventSource, queryClient, now]);

  useEffect(() => {
    if (state.mode !== 'polling') return;
    const timer = setInterval(() => {
      void queryClient.invalidateQueries({ queryKey: explorerQueries.all() });
      void queryClient.invalidateQueries({ queryKey: ['config', 'object'] });
      void queryClient.invalidateQueries({ queryKey: dataplaneQueries.all() });
      void queryClient.invalidateQueries({ queryKey: clusterQueries.all() });
    }, POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [state.mode, queryClient]);

  // Back from a disconnection: refetch everything on screen, which also retries what failed and
  // so clears its error; changes missed meanwhile are not in any event.
  const connected = isConnected(state);
  const wasConnected = useRef(connected);
  useEffect(() => {
    if (wasConnected.current === false && connected === true) void queryClient.invalidateQueries();
    wasConnected.current = connected;
  }, [connected, queryClient]);

  const live = useMemo(() => liveness(state), [state]);
  const retryNow = useCallback(() => void queryClient.invalidateQueries(), [queryClient]);
  return { live, retryNow };
}
