// The Dataplane screen's state in the URL, so a pasted link restores it: the compute in the path
// (/dataplane/<node>), and `tab`, `vrf` (a VRF name: ids differ between computes), `nh` and `cli`.

import { useCallback } from 'react';
import { useParams, useSearchParams } from 'react-router';

export const TABS = ['routes', 'nexthops', 'flows', 'cli', 'trace'] as const;
export type DataplaneTab = (typeof TABS)[number];

export interface DataplaneUrlState {
  node: string | undefined;
  tab: DataplaneTab;
  vrf: string | null;
  nh: number | null;
  isCli: boolean;
}

export function useDataplaneUrlState() {
  const { node } = useParams();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const nhParam = params.get('nh');
  const state: DataplaneUrlState = {
    node,
    tab: TABS.find((t) => t === tabParam) ?? 'routes',
    vrf: params.get('vrf'),
    nh: nhParam !== null && /^\d+$/.test(nhParam) ? Number(nhParam) : null,
    isCli: params.get('cli') === '1',
  };

  const setParam = useCallback(
    (key: 'tab' | 'vrf' | 'nh' | 'cli', value: string | null) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (value === null || value === '') next.delete(key);
          else next.set(key, value);
          return next;
        },
        { replace: key !== 'tab' },
      ),
    [setParams],
  );

  return { ...state, setParam };
}

/** The URL of a compute's tab, keeping the VRF (a name, meaningful on every compute). */
export function dataplaneUrl(
  node: string,
  tab: DataplaneTab = 'routes',
  extra: Record<string, string> = {},
): string {
  const params = new URLSearchParams({ ...(tab === 'routes' ? {} : { tab }), ...extra });
  const query = params.toString();
  return `/dataplane/${encodeURIComponent(node)}${query ? `?${query}` : ''}`;
}
