// The ECMP topology of a VIP (/topology?vip=&port= or ?lb=): the VIP on every compute at once —
// each compute's route and composite (slots, holes, local pods, tunnels), the compute each tunnel
// reaches and its local-ECMP composite, each member's share of the flows and the effective hash
// fields — drawn as a graph grouped by compute, and the same slots as a table grouped by compute
// (the graph's text alternative, virtualized). Computes that do not answer are shown as such.
// Beyond a few dozen slots each compute starts closed (one summary) and opens on a click; which
// computes are open is in the URL (`open`).

import { useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { lazy, Suspense, useEffect, useMemo, useRef, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { ComputeTopology, VipTopology } from '@model/api/dataplane-views.ts';
import type { MemberRow } from '@model/explorer.ts';
import { dataplaneQueries, type TopologyTarget } from '@web/api/dataplane.ts';
import { Breadcrumbs } from '@web/components/breadcrumbs.tsx';
import { dataplaneUrl, dataplaneVipUrl } from '@web/components/dataplane-link.ts';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { objectUrl } from '@web/components/object-url.ts';
import { VirtualRows } from '@web/components/virtual-rows.tsx';
import { shareText, slotLinks, slotTarget } from './composite-graph-model.ts';
import { resolveSlot, type CompositeSlot } from './composite-slots.ts';
import { computeLine, defaultOpen, percent, summarize, totalFlows, totalSlots } from './topology-model.ts';
import { useLbMembers } from './vip-members.ts';

const loadGraph = () => import('./topology-graph.tsx');
const TopologyGraph = lazy(loadGraph);

const COLUMNS = ['Slot', 'Label', 'Next hop', 'Member', 'Pod', 'Node', 'Hole', 'Flows'];
const ROW_HEIGHT_PX = 34;

/** What the URL asks for: a VIP, else a load balancer's VIP; on one port when given. */
function targetOf(params: URLSearchParams): TopologyTarget | null {
  const port = Number(params.get('port'));
  const onPort = Number.isInteger(port) && port > 0 && port <= 65535 ? { port } : {};
  const vip = params.get('vip');
  if (vip) return { vip, ...onPort };
  const lb = params.get('lb');
  return lb ? { lb, ...onPort } : null;
}

export function TopologyPage() {
  // The graph's code loads while the topology is read, not after it arrives.
  useEffect(() => void loadGraph(), []);
  const [params, setParams] = useSearchParams();
  const target = targetOf(params);
  const topology = useQuery({
    ...dataplaneQueries.topology(target ?? { vip: '' }),
    enabled: target !== null,
  });
  const data = topology.data;
  const lbUuid = data?.lb?.uuid ?? params.get('lb');
  const members = useLbMembers(lbUuid);
  // Which computes are open: the URL's list (`open=`, maybe empty), else the default for the size.
  const openKey = params.get('open');
  const open = useMemo(
    () =>
      openKey !== null
        ? new Set(openKey.split(',').filter(Boolean))
        : data
          ? defaultOpen(data)
          : new Set<string>(),
    [openKey, data],
  );

  const setOpen = (next: Set<string>) =>
    setParams(
      (prev) => {
        const out = new URLSearchParams(prev);
        out.set('open', [...next].sort().join(','));
        return out;
      },
      { replace: true },
    );
  const toggle = (node: string) => {
    const next = new Set(open);
    if (next.has(node)) next.delete(node);
    else next.add(node);
    setOpen(next);
  };

  const port = target?.port ? `:${target.port}` : '';
  const title = data
    ? `${data.vip}${data.port === null ? '' : `:${data.port}`}`
    : target && 'vip' in target
      ? `${target.vip}${port}`
      : `a load balancer's VIP${port}`;

  return (
    <div className="page page-topology">
      <Breadcrumbs
        crumbs={[
          { key: 'loadbalancers', label: 'Load balancers', to: '/loadbalancers' },
          ...(data?.lb
            ? [{ key: 'lb', label: data.lb.displayName, to: objectUrl('loadbalancer', data.lb.uuid) }]
            : []),
          { key: 'topology', label: 'ECMP topology', isCurrent: true },
        ]}
      />
      <h1>ECMP topology of {title}</h1>
      {target === null ? (
        <div role="alert" className="state state-error">
          <strong>No VIP given</strong>
          <p>
            Open this view from a load balancer, a listener or a composite next hop, or give{' '}
            <code>?vip=&lt;address&gt;&amp;port=&lt;port&gt;</code> or <code>?lb=&lt;uuid&gt;</code>.
          </p>
        </div>
      ) : data === undefined ? (
        topology.isError ? (
          <ErrorState error={topology.error} onRetry={() => void topology.refetch()} />
        ) : (
          <LoadingState what="the VIP on every compute" />
        )
      ) : (
        <TopologyView
          topology={data}
          open={open}
          members={members}
          onToggle={toggle}
          onOpenAll={(all) =>
            setOpen(all ? new Set(data.computes.filter((c) => c.composite).map((c) => c.node)) : new Set())
          }
        />
      )}
    </div>
  );
}

function TopologyView({
  topology,
  open,
  members,
  onToggle,
  onOpenAll,
}: {
  topology: VipTopology;
  open: ReadonlySet<string>;
  members: readonly MemberRow[];
  onToggle: (node: string) => void;
  onOpenAll: (all: boolean) => void;
}) {
  const flows = totalFlows(topology);
  const reachable = topology.computes.filter((c) => c.reachable).length;
  const withVip = topology.computes.filter((c) => c.route !== null).length;
  const lbService = topology.lb?.displayName;
  return (
    <>
      <p className="dp-facts">
        {topology.lb && (
          <span>
            <span className="fact-label">Load balancer</span>{' '}
            <Link to={objectUrl('loadbalancer', topology.lb.uuid)}>{lbService}</Link>
          </span>
        )}
        <span>
          <span className="fact-label">Computes</span> {topology.computes.length}: {withVip} with the VIP
          {reachable < topology.computes.length
            ? `, ${topology.computes.length - reachable} unreachable`
            : ''}
        </span>
        <span>
          <span className="fact-label">Slots</span> {totalSlots(topology)}
        </span>
        <span>
          <span className="fact-label">Flows to the VIP</span> {flows}
        </span>
        <span>
          <span className="fact-label">Hash fields</span>{' '}
          {topology.hashFields ? topology.hashFields.join(', ') : 'the default 5-tuple'}
        </span>
        <span>
          <span className="fact-label">As of</span> {new Date(topology.asOf).toLocaleTimeString()}
        </span>
      </p>
      <div className="toolbar">
        <button type="button" onClick={() => onOpenAll(true)}>
          Open every compute
        </button>
        <button type="button" onClick={() => onOpenAll(false)}>
          Close every compute
        </button>
        <span className="count">A click on a compute (or its row below) opens its slots.</span>
      </div>
      <Suspense fallback={<LoadingState what="the graph" />}>
        <TopologyGraph topology={topology} open={open} onToggle={onToggle} />
      </Suspense>
      <TopologyTable topology={topology} open={open} members={members} onToggle={onToggle} />
    </>
  );
}

type TableRow =
  | { type: 'compute'; key: string; compute: ComputeTopology }
  | { type: 'local'; key: string; compute: ComputeTopology }
  | { type: 'slot'; key: string; compute: ComputeTopology; slot: CompositeSlot };

function tableRows(topology: VipTopology, open: ReadonlySet<string>): TableRow[] {
  const rows: TableRow[] = [];
  for (const compute of topology.computes) {
    rows.push({ type: 'compute', key: compute.node, compute });
    if (!open.has(compute.node)) continue;
    for (const slot of compute.composite?.slots ?? [])
      rows.push({
        type: 'slot',
        key: `${compute.node}/${slot.slot}`,
        compute,
        slot: resolveSlot(topology, slot),
      });
    if (compute.localComposite) {
      rows.push({ type: 'local', key: `${compute.node}/local`, compute });
      for (const slot of compute.localComposite.slots)
        rows.push({
          type: 'slot',
          key: `${compute.node}/local/${slot.slot}`,
          compute,
          slot: resolveSlot(topology, slot),
        });
    }
  }
  return rows;
}

/** The graph's content as a table grouped by compute: every slot of every opened compute. */
function TopologyTable({
  topology,
  open,
  members,
  onToggle,
}: {
  topology: VipTopology;
  open: ReadonlySet<string>;
  members: readonly MemberRow[];
  onToggle: (node: string) => void;
}) {
  const rows = useMemo(() => tableRows(topology, open), [topology, open]);
  const flows = totalFlows(topology);
  const scrollRef = useRef<HTMLDivElement>(null);
  // oxlint-disable-next-line react/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 8,
  });
  return (
    <div
      className="dp-grid dp-topology-table"
      role="table"
      aria-label={`Slots of ${topology.vip} by compute`}
      aria-rowcount={rows.length + 1}
    >
      <div role="rowgroup" className="dp-grid-headgroup">
        <div role="row" className="dp-grid-row dp-grid-head" aria-rowindex={1}>
          {COLUMNS.map((c) => (
            <span key={c} role="columnheader" className="cell">
              {c}
            </span>
          ))}
        </div>
      </div>
      <VirtualRows
        virtualizer={virtualizer}
        scrollRef={scrollRef}
        className="dp-grid-scroll"
        isFocusable
        rowProps={(item) => ({
          role: 'row',
          'aria-rowindex': item.index + 2,
          className: `dp-grid-row dp-topology-${rows[item.index]!.type}`,
        })}
        renderRow={(item) => {
          const row = rows[item.index]!;
          if (row.type === 'compute')
            return (
              <ComputeHeader
                compute={row.compute}
                flows={flows}
                isOpen={open.has(row.compute.node)}
                onToggle={onToggle}
                vip={topology.vip}
                lb={topology.lb?.uuid}
              />
            );
          if (row.type === 'local')
            return (
              <span role="cell" aria-colspan={COLUMNS.length} className="cell dp-topology-span">
                {row.compute.node}: local-ECMP composite NH {row.compute.localComposite!.nhId}, reached by
                label {row.compute.localComposite!.label}
              </span>
            );
          return <SlotCells node={row.compute.node} slot={row.slot} members={members} />;
        }}
      />
    </div>
  );
}

function ComputeHeader({
  compute,
  flows,
  isOpen,
  onToggle,
  vip,
  lb,
}: {
  compute: ComputeTopology;
  flows: number;
  isOpen: boolean;
  onToggle: (node: string) => void;
  vip: string;
  lb: string | undefined;
}) {
  const s = summarize(compute, flows);
  const canOpen = compute.composite !== null;
  return (
    <span role="cell" aria-colspan={COLUMNS.length} className="cell dp-topology-span">
      {canOpen ? (
        <button
          type="button"
          className="tree-toggle"
          aria-expanded={isOpen}
          aria-label={`${isOpen ? 'Close' : 'Open'} ${compute.node}`}
          onClick={() => onToggle(compute.node)}
        >
          <span aria-hidden="true">{isOpen ? '▾' : '▸'}</span>
        </button>
      ) : (
        <span className="tree-leaf" aria-hidden="true" />
      )}
      <strong>{compute.node}</strong> <span className="mono count">{compute.ip}</span>{' '}
      <span className={compute.reachable ? undefined : 'dp-drop'}>{computeLine(s)}</span>
      {compute.reachable && (
        <span className="count">
          {' '}
          · {compute.flows} flows ({percent(s.share)})
        </span>
      )}
      {compute.route && (
        <>
          {' '}
          <Link to={dataplaneVipUrl({ node: compute.node, vip, lb })}>open on {compute.node}</Link>
        </>
      )}
    </span>
  );
}

function SlotCells({
  node,
  slot,
  members,
}: {
  node: string;
  slot: CompositeSlot;
  members: readonly MemberRow[];
}): ReactNode {
  const links = slotLinks(slot, members);
  return (
    <>
      <span role="cell" className="cell mono">
        {slot.slot}
      </span>
      <span role="cell" className="cell mono">
        {slot.label ?? '-1'}
      </span>
      <span role="cell" className="cell mono">
        {slot.nexthopId === null ? (
          '—'
        ) : (
          <Link to={dataplaneUrl(node, 'nexthops', { nh: String(slot.nexthopId) })}>
            {slot.kind === 'interface' ? 'Encap' : 'Tunnel'} {slot.nexthopId}
          </Link>
        )}
      </span>
      <span role="cell" className="cell mono">
        {links.members.length === 0
          ? '—'
          : links.members.map((m, i) => (
              <span key={m.to}>
                {i > 0 && ', '}
                <Link to={m.to} aria-label={`${m.label} (slot ${slot.slot} on ${node})`}>
                  {m.text}
                </Link>
              </span>
            ))}
      </span>
      <span role="cell" className="cell">
        {links.pod ? (
          <Link to={links.pod.to}>{links.pod.text}</Link>
        ) : slot.kind === 'hole' ? (
          '—'
        ) : (
          <span title={slot.localPods.join(', ')}>{slotTarget(slot)}</span>
        )}
      </span>
      <span role="cell" className="cell">
        {slot.node ?? slot.remote?.ip ?? '—'}
      </span>
      <span role="cell" className="cell">
        {slot.kind === 'hole' ? 'hole (-1)' : ''}
      </span>
      <span role="cell" className="cell mono">
        {slot.kind === 'hole' ? '' : shareText(slot) || '—'}
      </span>
    </>
  );
}
