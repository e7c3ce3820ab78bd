// Keeps what is on screen current: in embedded mode the UI server streams config changes over SSE
// (/api/events) and only the affected queries refetch; otherwise (a real Contrail, or the stream
// is gone) the visible queries are polled.

import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { isResync, STREAM_EVENTS, type ConfigEventData } from '@model/api/events.ts';
import { eventsApi } from '@model/api/paths.ts';
import { clusterQueries } from '@web/api/cluster.ts';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { explorerQueries } from '@web/api/explorer.ts';
import { infoQueries } from '@web/api/info.ts';

export const POLL_INTERVAL_MS = 15_000;

export type LiveMode = 'connecting' | 'events' | 'polling';

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
  // composite slot or a pod.
  if (data.length > 0) {
    void queryClient.invalidateQueries({ queryKey: dataplaneQueries.all() });
    void queryClient.invalidateQueries({ queryKey: clusterQueries.all() });
  }
}

export function useLiveUpdates(): LiveMode {
  const queryClient = useQueryClient();
  const info = useQuery(infoQueries.detail());
  const [streamState, setStreamState] = useState<'connecting' | 'open' | 'closed'>('connecting');
  const canStream = info.data?.mode === 'embedded' && typeof EventSource !== 'undefined';
  const mode: LiveMode = info.isPending
    ? 'connecting'
    : !canStream || streamState === 'closed'
      ? 'polling'
      : streamState === 'open'
        ? 'events'
        : 'connecting';

  useEffect(() => {
    if (!canStream) return;
    const source = new EventSource(eventsApi.stream.path());
    source.addEventListener('open', () => setStreamState('open'));
    // The server is stopping: the stream ends and EventSource reconnects by itself.
    source.addEventListener(STREAM_EVENTS.reconnect, () => setStreamState('connecting'));
    source.addEventListener(STREAM_EVENTS.config, (event) => {
      try {
        applyConfigEvents(queryClient, JSON.parse((event as MessageEvent<string>).data));
      } catch {
        void queryClient.invalidateQueries();
      }
    });
    // EventSource reconnects by itself after a drop; CLOSED means it gave up.
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) setStreamState('closed');
    });
    return () => source.close();
  }, [canStream, queryClient]);

  useEffect(() => {
    if (mode !== 'polling') return;
    const timer = setInterval(() => {
      void queryClient.invalidateQueries({ queryKey: explorerQueries.all() });
      void queryClient.invalidateQueries({ queryKey: ['config', 'object'] });
      void queryClient.invalidateQueries({ queryKey: dataplaneQueries.all() });
      void queryClient.invalidateQueries({ queryKey: clusterQueries.all() });
    }, POLL_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [mode, queryClient]);

  return mode;
}
