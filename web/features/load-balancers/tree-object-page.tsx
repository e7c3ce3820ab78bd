// Deep-linked pages of the tree's objects (/loadbalancers/<uuid>, /listeners/<uuid>, /pools/<uuid>,
// /members/<uuid>): breadcrumbs LB › listener › pool › member, the object's detail panel (a member
// also says which pod, node, IP:port and VMI it is), "Show in dataplane", and its children as an
// expandable tree. The view and expansion are in the URL.

import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { ConfigObject } from '@model/contrail/types.ts';
import type { MemberRow } from '@model/explorer.ts';
import { configQueries } from '@web/api/config.ts';
import { explorerQueries } from '@web/api/explorer.ts';
import { Breadcrumbs, type Crumb } from '@web/components/breadcrumbs.tsx';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { ObjectDetail } from '@web/components/object-detail.tsx';
import { objectUrl } from '@web/components/object-url.ts';
import { refLabel } from '@web/components/ref-label.ts';
import { LoadBalancerTree } from './load-balancer-tree.tsx';
import { MemberFacts, podKeyOf } from './member-facts.tsx';
import { rowName } from './row-names.ts';
import { ConsistencySection } from './drift.tsx';
import { ShowInDataplane } from './show-in-dataplane.tsx';
import { CONFIG_TYPE, type NodeKind, type TreeNode } from './tree-model.ts';
import { useTreeUrlState } from './tree-url-state.ts';

/** A listener object's `loadbalancer_listener_properties.protocol_port`. */
function listenerPort(obj: ConfigObject | undefined): number | null {
  const props = obj?.loadbalancer_listener_properties as { protocol_port?: unknown } | undefined;
  return typeof props?.protocol_port === 'number' ? props.protocol_port : null;
}

function firstRef(obj: ConfigObject | undefined, field: string): string | undefined {
  const refs = obj?.[field];
  return Array.isArray(refs) ? (refs[0] as { uuid?: string } | undefined)?.uuid : undefined;
}

/** The object and its ancestors up to the load balancer, each one GET through the proxy. */
function useAncestry(kind: NodeKind, uuid: string) {
  const self = useQuery(configQueries.object(CONFIG_TYPE[kind], uuid));
  const poolUuid = kind === 'member' ? self.data?.parent_uuid : undefined;
  const pool = useQuery({
    ...configQueries.object('loadbalancer-pool', poolUuid ?? ''),
    enabled: Boolean(poolUuid),
  });
  const listenerUuid =
    kind === 'pool'
      ? firstRef(self.data, 'loadbalancer_listener_refs')
      : kind === 'member'
        ? firstRef(pool.data, 'loadbalancer_listener_refs')
        : undefined;
  const listener = useQuery({
    ...configQueries.object('loadbalancer-listener', listenerUuid ?? ''),
    enabled: Boolean(listenerUuid) && kind !== 'listener',
  });
  const lbUuid =
    kind === 'listener'
      ? firstRef(self.data, 'loadbalancer_refs')
      : firstRef(listener.data, 'loadbalancer_refs');
  const lb = useQuery({
    ...configQueries.object('loadbalancer', lbUuid ?? ''),
    enabled: Boolean(lbUuid) && kind !== 'loadbalancer',
  });
  const chain: { kind: NodeKind; obj: ConfigObject | undefined; uuid: string | undefined }[] = [
    {
      kind: 'loadbalancer',
      obj: kind === 'loadbalancer' ? self.data : lb.data,
      uuid: kind === 'loadbalancer' ? uuid : lbUuid,
    },
    {
      kind: 'listener',
      obj: kind === 'listener' ? self.data : listener.data,
      uuid: kind === 'listener' ? uuid : listenerUuid,
    },
    { kind: 'pool', obj: kind === 'pool' ? self.data : pool.data, uuid: kind === 'pool' ? uuid : poolUuid },
    { kind: 'member', obj: self.data, uuid },
  ];
  const depth = { loadbalancer: 1, listener: 2, pool: 3, member: 4 }[kind];
  return { self, chain: chain.slice(0, depth), lbUuid: chain[0]!.uuid, poolUuid: chain[2]!.uuid };
}

function useChildren(
  kind: NodeKind,
  uuid: string,
): { state: 'loading' | 'error' | 'ready'; error?: unknown; retry?: () => void; nodes: TreeNode[] } {
  const listeners = useQuery({ ...explorerQueries.listeners(uuid), enabled: kind === 'loadbalancer' });
  const pools = useQuery({ ...explorerQueries.pools(uuid), enabled: kind === 'listener' });
  const members = useQuery({ ...explorerQueries.members(uuid), enabled: kind === 'pool' });
  const query = kind === 'loadbalancer' ? listeners : kind === 'listener' ? pools : members;
  const nodes = useMemo<TreeNode[]>(() => {
    if (kind === 'loadbalancer') return (listeners.data ?? []).map((row) => ({ kind: 'listener', row }));
    if (kind === 'listener') return (pools.data ?? []).map((row) => ({ kind: 'pool', row }));
    if (kind === 'pool') return (members.data ?? []).map((row) => ({ kind: 'member', row }));
    return [];
  }, [kind, listeners.data, pools.data, members.data]);
  if (kind === 'member') return { state: 'ready', nodes };
  // Loaded children stay up when a refetch fails (the page banner says a lost connection).
  if (query.isError && query.data === undefined)
    return { state: 'error', error: query.error, retry: () => void query.refetch(), nodes };
  return { state: query.isPending ? 'loading' : 'ready', nodes };
}

const CHILD_LABEL: Readonly<Record<NodeKind, string>> = {
  loadbalancer: 'Listeners',
  listener: 'Pools',
  pool: 'Members',
  member: '',
};

export function TreeObjectPage({ kind, uuid }: { kind: NodeKind; uuid: string }) {
  const { params, setParam } = useTreeUrlState();
  const { self, chain, lbUuid, poolUuid } = useAncestry(kind, uuid);
  // The member's pod, node and IP come from its pool's explorer level (the member holds only uuids).
  const poolMembers = useQuery({
    ...explorerQueries.members(poolUuid ?? ''),
    enabled: kind === 'member' && Boolean(poolUuid),
  });
  const memberRow = kind === 'member' ? poolMembers.data?.find((m) => m.uuid === uuid) : undefined;
  const children = useChildren(kind, uuid);
  const view = params.get('view') === 'json' ? 'json' : 'basic';
  const type = CONFIG_TYPE[kind];

  if (self.isError && self.data === undefined)
    return (
      <div className="page">
        <AncestryBreadcrumbs chain={[]} />
        <ErrorState error={self.error} onRetry={() => void self.refetch()} />
      </div>
    );
  return (
    <div className="page page-object">
      <AncestryBreadcrumbs chain={chain} member={memberRow} />
      <h1>
        <span className="kind-tag">{type}</span> {readableName(kind, self.data, uuid, memberRow)}
      </h1>
      {lbUuid && kind !== 'pool' && (
        <ShowInDataplane
          lbUuid={lbUuid}
          node={memberRow?.node ?? null}
          pod={memberRow ? podKeyOf(memberRow) : null}
          port={kind === 'listener' ? listenerPort(self.data) : null}
        />
      )}
      {memberRow && <MemberFacts row={memberRow} />}
      {kind === 'loadbalancer' && <ConsistencySection uuid={uuid} />}
      {self.isPending && self.data === undefined ? (
        <LoadingState what={`${type} ${uuid}`} />
      ) : (
        <ObjectDetail
          type={type}
          uuid={uuid}
          view={view}
          onViewChange={(v) => setParam('view', v === 'json' ? 'json' : '')}
        />
      )}
      {kind !== 'member' && (
        <section className="children" aria-label={CHILD_LABEL[kind]}>
          <h2>{CHILD_LABEL[kind]}</h2>
          {children.state === 'loading' ? (
            <LoadingState what={CHILD_LABEL[kind].toLowerCase()} />
          ) : children.state === 'error' ? (
            <ErrorState error={children.error} onRetry={children.retry} />
          ) : children.nodes.length === 0 ? (
            <p role="status" className="state state-empty">
              No {CHILD_LABEL[kind].toLowerCase()}.
            </p>
          ) : (
            <LoadBalancerTree
              label={CHILD_LABEL[kind]}
              roots={children.nodes}
              columns="children"
              firstLevel={2}
              lbUuid={lbUuid ?? null}
            />
          )}
        </section>
      )}
    </div>
  );
}

/**
 * What the page calls an object: a load balancer by its display name, a listener or pool by
 * protocol:port, a member by pod, IP:port and node (its own name is a bare uuid).
 */
function readableName(
  kind: NodeKind,
  obj: ConfigObject | undefined,
  uuid: string,
  member: MemberRow | undefined,
): string {
  if (kind === 'member' && member) return rowName({ kind: 'member', row: member });
  if (!obj) return uuid;
  return kind === 'loadbalancer' ? obj.display_name : refLabel(CONFIG_TYPE[kind], obj.fq_name, uuid);
}

function AncestryBreadcrumbs({
  chain,
  member,
}: {
  chain: { kind: NodeKind; obj: ConfigObject | undefined; uuid: string | undefined }[];
  member?: MemberRow | undefined;
}) {
  const last = chain.length - 1;
  return (
    <Breadcrumbs
      crumbs={[
        { key: 'loadbalancers', label: 'Load balancers', to: '/loadbalancers' },
        ...chain.map(({ kind, obj, uuid }, i): Crumb => {
          // An ancestor still loading is an ellipsis, neither a link nor the current page.
          if (uuid === undefined) return { key: kind, label: '…' };
          const label = readableName(kind, obj, uuid, member);
          return i === last
            ? { key: kind, label, isCurrent: true }
            : { key: kind, label, to: objectUrl(CONFIG_TYPE[kind], uuid) };
        }),
      ]}
    />
  );
}
