// The Dataplane screen's state in the URL, so a pasted link restores it: the compute in the path
// (/dataplane/<node>), and `tab`, `vrf` (a VRF name: ids differ between computes), `nh`, `cli`;
// "Show in dataplane" adds `vip` (resolved to its route and composite), `lb`, `svc` (the Service
// the cluster controls are scoped to) and `pod` (a member to pick out); a table keeps its filter box
// and order in `filter`, `sort` and `order`; the trace form keeps its fields in `from`, `to`,
// `proto`, `port`, `sport`, `mode` and `flows`.

import { useCallback } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { DATAPLANE_TABS, type DataplaneTab } from '@web/components/dataplane-link.ts';

export { DATAPLANE_TABS as TABS, dataplaneUrl, type DataplaneTab } from '@web/components/dataplane-link.ts';

/** Parameters that only mean something on one compute: dropped when another is picked. */
export const PER_NODE_PARAMS = ['nh'] as const;

/** Parameters of one tab's table: dropped when another tab is picked. */
export const PER_TAB_PARAMS = ['filter', 'sort', 'order', 'type'] as const;

export type DataplaneParam =
  | 'tab'
  | 'vrf'
  | 'nh'
  | 'cli'
  | 'vip'
  | 'lb'
  | 'svc'
  | 'pod'
  | 'from'
  | 'to'
  | 'proto'
  | 'port'
  | 'sport'
  | 'mode'
  | 'flows'
  | 'filter'
  | 'sort'
  | 'order'
  | 'type';

interface DataplaneUrlState {
  node: string | undefined;
  tab: DataplaneTab;
  vrf: string | null;
  nh: number | null;
  isCli: boolean;
  vip: string | null;
  lb: string | null;
  svc: string | null;
  pod: string | null;
}

export function useDataplaneUrlState() {
  const { node } = useParams();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const nhParam = params.get('nh');
  const state: DataplaneUrlState = {
    node,
    tab: DATAPLANE_TABS.find((t) => t === tabParam) ?? 'routes',
    vrf: params.get('vrf'),
    nh: nhParam !== null && /^\d+$/.test(nhParam) ? Number(nhParam) : null,
    isCli: params.get('cli') === '1',
    vip: params.get('vip'),
    lb: params.get('lb'),
    svc: params.get('svc'),
    pod: params.get('pod'),
  };

  /**
   * Sets several parameters in one history entry (a new one only when the tab changes). null
   * removes one; '' is kept, so a form field the user emptied stays empty instead of defaulting.
   */
  const update = useCallback(
    (values: Partial<Record<DataplaneParam, string | null>>) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [key, value] of Object.entries(values))
            if (value === null || value === undefined) next.delete(key);
            else next.set(key, value);
          return next;
        },
        { replace: !('tab' in values) },
      ),
    [setParams],
  );

  const setParam = useCallback(
    (key: DataplaneParam, value: string | null) => update({ [key]: value }),
    [update],
  );

  return { ...state, params, setParam, setParams: update };
}
