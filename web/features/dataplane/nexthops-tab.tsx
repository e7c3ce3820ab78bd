// The Next hops tab: every next hop of the compute with what it leads to — a composite's VIP and
// Service, an Encap's pod, a tunnel's compute; the selected one stays in view beside the list with
// `nh --get <id>`, and for an ECMP composite the graph VIP → composite → slots → member pods plus
// the same slots as a table. "Show in dataplane" arrives here with `vip` and is resolved to the
// VIP's route on this compute; a VIP with a single member has no composite, which is explained.

import { useQueries, useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useMemo } from 'react';
import { Link } from 'react-router';
import type { Inet4UcRouteResp, ItfSandeshData, NhSandeshData } from '@model/dataplane/types.ts';
import type { MemberRow } from '@model/explorer.ts';
import { podKeyOfVmName } from '@model/contrail/names.ts';
import { clusterQueries, type KubeService } from '@web/api/cluster.ts';
import { dataplaneQueries } from '@web/api/dataplane.ts';
import { ErrorState, LoadingState } from '@web/components/error-state.tsx';
import { objectUrl } from '@web/components/object-url.ts';
import { CliOutput } from './cli-view.tsx';
import { slotLinks } from './composite-graph-model.ts';
import { destinationsVia, resolveSlots, type CompositeSlot } from './composite-slots.ts';
import { dataplaneUrl, useDataplaneUrlState } from './dataplane-url-state.ts';
import { isCompositeNh, nhKind } from './route-rows.ts';
import { TableHead } from './table-head.tsx';
import { addressOf, serviceForVip, serviceKey, useVipMembers } from './vip-members.ts';
import { useVipRoute } from './vip-route.ts';

// React Flow and dagre are a large chunk that only this view needs.
const CompositeGraph = lazy(() => import('./composite-graph.tsx'));

const NH_COLUMNS = ['Id', 'Next hop', 'Leads to'];
const SLOT_COLUMNS = ['Slot', 'Label', 'Next hop', 'Member', 'Pod', 'Node', 'Hole'];

function lastName(fqName: string): string {
  return fqName.split(':').pop() ?? fqName;
}

function nhSummary(nh: NhSandeshData): string {
  if (isCompositeNh(nh)) {
    const holes = nh.mc_list.filter((c) => c.type === 'NULL').length;
    return `${nh.mc_list.length} slots${holes ? `, ${holes} hole${holes > 1 ? 's' : ''}` : ''}`;
  }
  if (nh.type === 'tunnel') return `${nh.tunnel_type} ${nh.sip} → ${nh.dip}`;
  if (nh.type === 'interface') return `${nh.itf} ${nh.mac}`;
  return '';
}

/** The /32 destinations routed through each composite, from the routes of the composites' VRFs. */
function useCompositeVips(node: string, nexthops: readonly NhSandeshData[]): Map<number, string[]> {
  const vrfs = [...new Set(nexthops.filter((n) => isCompositeNh(n) && n.vrf).map((n) => n.vrf))];
  const routes = useQueries({ queries: vrfs.map((vrf) => dataplaneQueries.routes(node, vrf)) });
  const byVrf = new Map<string, Inet4UcRouteResp | undefined>(vrfs.map((vrf, i) => [vrf, routes[i]?.data]));
  const out = new Map<number, string[]>();
  for (const nh of nexthops)
    if (isCompositeNh(nh)) out.set(nh.nh_index, destinationsVia(byVrf.get(nh.vrf), nh.nh_index));
  return out;
}

export function NexthopsTab({ node }: { node: string }) {
  const { nh: selected, vip, vrf: vrfParam, setParams } = useDataplaneUrlState();
  const nexthops = useQuery(dataplaneQueries.nexthops(node));
  const interfaces = useQuery(dataplaneQueries.interfaces(node));
  const vrouters = useQuery(dataplaneQueries.vrouters());
  const services = useQuery(clusterQueries.services());
  const list = useMemo(
    () => [...(nexthops.data?.nh_list ?? [])].sort((a, b) => a.nh_index - b.nh_index),
    [nexthops.data],
  );
  const vipsByNh = useCompositeVips(node, list);
  const chosen = list.find((n) => n.nh_index === selected);

  // "Show in dataplane": find the VIP's route here, then select its next hop.
  const resolving = vip !== null && selected === null;
  const vipRoute = useVipRoute(node, vip ?? '', resolving);
  const foundNh = resolving && vipRoute.status === 'found' ? vipRoute.nexthop : null;
  const foundVrf = resolving && vipRoute.status === 'found' ? vipRoute.vrf : null;
  useEffect(() => {
    if (foundNh !== null && foundVrf !== null) setParams({ nh: String(foundNh), vrf: foundVrf });
  }, [foundNh, foundVrf, setParams]);

  if (nexthops.data === undefined)
    return nexthops.isError ? (
      <ErrorState error={nexthops.error} onRetry={() => void nexthops.refetch()} />
    ) : (
      <LoadingState what="next hops" />
    );

  const select = (id: number) =>
    // Picking another next hop leaves the VIP the page was opened for.
    setParams(id === selected ? { nh: null } : { nh: String(id), vip: null, pod: null });

  return (
    <div className="dp-split">
      <table className="dp-table dp-nh-list" aria-label={`Next hops on ${node}`}>
        <TableHead columns={NH_COLUMNS} />
        <tbody>
          {list.map((n) => (
            <tr key={n.nh_index} className={n.nh_index === selected ? 'is-selected' : undefined}>
              <td>
                <button
                  type="button"
                  className="link-button mono"
                  aria-pressed={n.nh_index === selected}
                  aria-label={`Next hop ${n.nh_index}`}
                  onClick={() => select(n.nh_index)}
                >
                  {n.nh_index}
                </button>
              </td>
              <td>
                <span className="nh-kind">{nhKind(n)}</span> <span className="mono">{nhSummary(n)}</span>
                {n.vrf && (
                  <span className="nh-vrf" title={n.vrf}>
                    {lastName(n.vrf)}
                  </span>
                )}
              </td>
              <td>
                <LeadsTo
                  nh={n}
                  vips={vipsByNh.get(n.nh_index)}
                  services={services.data}
                  interfaces={interfaces.data?.itf_list}
                  computes={vrouters.data?.vrouters}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dp-detail">
        {chosen ? (
          <NexthopDetail node={node} nh={chosen} nexthops={list} vrf={vrfParam} />
        ) : resolving ? (
          <VipSearch vip={vip} node={node} state={vipRoute} />
        ) : selected === null ? (
          <div role="status" className="state state-empty">
            Select a next hop. An ECMP composite shows its slots: the VIP&apos;s members, holes included.
          </div>
        ) : (
          <div role="status" className="state state-empty">
            No next hop {selected} on {node} (it may have been removed).
          </div>
        )}
      </div>
    </div>
  );
}

/** What a next hop leads to, in names: the VIP and Service of a composite, a pod, a compute. */
function LeadsTo({
  nh,
  vips,
  services,
  interfaces,
  computes,
}: {
  nh: NhSandeshData;
  vips: string[] | undefined;
  services: readonly KubeService[] | undefined;
  interfaces: readonly ItfSandeshData[] | undefined;
  computes: readonly { name: string; ip: string }[] | undefined;
}) {
  if (isCompositeNh(nh)) {
    if (!vips || vips.length === 0) return <span className="count">—</span>;
    return (
      <ul className="plain-list">
        {vips.map((v) => {
          const service = serviceForVip(services, addressOf(v));
          return (
            <li key={v}>
              <span className="mono">{v}</span>
              {service && <span className="nh-service"> {serviceKey(service)}</span>}
            </li>
          );
        })}
      </ul>
    );
  }
  if (nh.type === 'interface') {
    const itf = interfaces?.find((i) => i.name === nh.itf);
    const pod = itf ? podKeyOfVmName(itf.vm_name) : null;
    return itf ? (
      <span>
        {pod ? `pod ${pod}` : itf.vm_name} <span className="mono">{itf.ip_addr}</span>
      </span>
    ) : null;
  }
  if (nh.type === 'tunnel') {
    const compute = computes?.find((c) => c.ip === nh.dip);
    return compute ? <span>compute {compute.name}</span> : null;
  }
  return null;
}

function VipSearch({
  vip,
  node,
  state,
}: {
  vip: string;
  node: string;
  state: ReturnType<typeof useVipRoute>;
}) {
  if (state.status === 'error') return <ErrorState error={state.error} onRetry={state.retry} />;
  if (state.status === 'absent')
    return (
      <div role="status" className="state state-empty">
        <strong>
          {node} has no route for {vip}/32
        </strong>
        <p>
          Looked in{' '}
          {state.searched.length === 0 ? 'no VRF (the compute has none yet)' : state.searched.join(', ')}. The
          VIP reaches a compute only once a member&apos;s VMI is on it or its VRF is there.
        </p>
      </div>
    );
  return <LoadingState what={`the route of ${vip}/32 on ${node}`} />;
}

/** One next hop of a compute, with the compute's whole list to resolve a composite's slots. */
interface NexthopViewProps {
  node: string;
  nh: NhSandeshData;
  nexthops: NhSandeshData[];
  /** The VRF of the route the page was opened for, if any. */
  vrf: string | null;
}

function NexthopDetail({ node, nh, nexthops, vrf }: NexthopViewProps) {
  const cli = useQuery(dataplaneQueries.cliNh(node, nh.nh_index));
  return (
    <section aria-label={`Next hop ${nh.nh_index}`}>
      <h2>
        Next hop {nh.nh_index} <span className="count">{nhKind(nh)}</span>
      </h2>
      {isCompositeNh(nh) ? (
        <CompositeView node={node} nh={nh} nexthops={nexthops} vrf={vrf} />
      ) : (
        <SingleMemberNote node={node} nh={nh} vrf={vrf} />
      )}
      <CliOutput command={`nh --get ${nh.nh_index}`} query={cli} />
    </section>
  );
}

/** Remote interfaces are needed to name a tunnel slot's pod: every compute's list. */
function useAllInterfaces(names: readonly string[]): Map<string, ItfSandeshData[]> {
  const interfaces = useQueries({ queries: names.map((name) => dataplaneQueries.interfaces(name)) });
  const byNode = new Map<string, ItfSandeshData[]>();
  names.forEach((name, i) => {
    const data = interfaces[i]?.data;
    if (data) byNode.set(name, data.itf_list);
  });
  return byNode;
}

function CompositeView({ node, nh, nexthops }: NexthopViewProps) {
  const { lb, pod: pickedPod, vip: vipOfLink } = useDataplaneUrlState();
  const vrouters = useQuery(dataplaneQueries.vrouters());
  const names = useMemo(() => (vrouters.data?.vrouters ?? []).map((r) => r.name), [vrouters.data]);
  const interfacesByNode = useAllInterfaces(names);
  const pods = useQuery(clusterQueries.pods());
  const routes = useQuery({ ...dataplaneQueries.routes(node, nh.vrf), enabled: nh.vrf !== '' });

  const slots = resolveSlots(nh, {
    node,
    vrouters: vrouters.data?.vrouters ?? [],
    interfacesByNode,
    nexthops,
    pods: pods.data,
  });
  const vips = destinationsVia(routes.data, nh.nh_index);
  // Services whose pods are the same share one composite (the agent keys composites by their
  // components): the VIP the page was opened for names the Service, else the first.
  const shownVip = vips.find((v) => addressOf(v) === vipOfLink) ?? vips[0];
  const { service, lbUuid, members } = useVipMembers(shownVip ? addressOf(shownVip) : null, lb);
  const holeCount = slots.filter((s) => s.kind === 'hole').length;

  return (
    <>
      <p className="dp-facts">
        <span>
          <span className="fact-label">VIP</span> {vips.length ? vips.join(', ') : '—'}
        </span>
        {service && (
          <span>
            <span className="fact-label">Service</span>{' '}
            {lbUuid ? (
              <Link to={objectUrl('loadbalancer', lbUuid)}>{serviceKey(service)}</Link>
            ) : (
              serviceKey(service)
            )}
          </span>
        )}
        <span>
          <span className="fact-label">VRF</span> {nh.vrf}
        </span>
        <span>
          <span className="fact-label">Slots</span>{' '}
          {`${slots.length} (${holeCount} ${holeCount === 1 ? 'hole' : 'holes'})`}
        </span>
      </p>
      <Suspense fallback={<LoadingState what="the graph" />}>
        <CompositeGraph
          node={node}
          nhId={nh.nh_index}
          vips={vips}
          slots={slots}
          members={members}
          pickedPod={pickedPod}
        />
      </Suspense>
      <SlotTable node={node} nhId={nh.nh_index} slots={slots} members={members} pickedPod={pickedPod} />
    </>
  );
}

/** The graph's content as a table: what a screen reader or a search reads. */
function SlotTable({
  node,
  nhId,
  slots,
  members,
  pickedPod,
}: {
  node: string;
  nhId: number;
  slots: readonly CompositeSlot[];
  members: readonly MemberRow[];
  pickedPod: string | null;
}) {
  return (
    <table className="dp-table dp-slots" aria-label={`Slots of composite next hop ${nhId}`}>
      <TableHead columns={SLOT_COLUMNS} />
      <tbody>
        {slots.map((s) => {
          const links = slotLinks(s, members);
          return (
            <tr key={s.slot} className={pickedPod !== null && s.pod === pickedPod ? 'is-picked' : undefined}>
              <td className="mono">{s.slot}</td>
              <td className="mono">{s.label ?? '-1'}</td>
              <td className="mono">
                {s.nexthopId === null ? (
                  '—'
                ) : (
                  <Link to={dataplaneUrl(node, 'nexthops', { nh: String(s.nexthopId) })}>
                    {s.kind === 'interface' ? 'Encap' : 'Tunnel'} {s.nexthopId}
                  </Link>
                )}
              </td>
              <td className="mono">
                {links.members.length === 0
                  ? '—'
                  : links.members.map((m, i) => (
                      <span key={m.to}>
                        {i > 0 && ', '}
                        <Link to={m.to} aria-label={m.label}>
                          {m.text}
                        </Link>
                      </span>
                    ))}
              </td>
              <td>{links.pod ? <Link to={links.pod.to}>{links.pod.text}</Link> : (s.pod ?? '—')}</td>
              <td>{s.node ?? (s.remote ? s.remote.ip : '—')}</td>
              <td>{s.kind === 'hole' ? 'hole (-1)' : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/**
 * A VIP with a single member has no composite: the agent routes it straight to that member's
 * next hop and builds a composite only when a second member appears (and drops it again when one
 * is left). Said here, where the graph would be, for the VIPs this next hop carries.
 */
function SingleMemberNote({ node, nh, vrf }: { node: string; nh: NhSandeshData; vrf: string | null }) {
  const { vip } = useDataplaneUrlState();
  const routeVrf = nh.vrf || vrf || '';
  const routes = useQuery({ ...dataplaneQueries.routes(node, routeVrf), enabled: routeVrf !== '' });
  const services = useQuery(clusterQueries.services());
  const vips = destinationsVia(routes.data, nh.nh_index)
    .map(addressOf)
    .filter((ip) => ip === vip || serviceForVip(services.data, ip) !== undefined);
  if (vips.length === 0) return null;
  const target =
    nh.type === 'interface' ? `${nh.itf}` : nh.type === 'tunnel' ? `compute ${nh.dip}` : nhKind(nh);
  return (
    <div className="dp-note" role="note" aria-label="Single member">
      <p>
        <strong>
          {vips.map((ip) => `${ip}/32`).join(', ')} {vips.length === 1 ? 'has' : 'have'} a single member
        </strong>
        , so there is no ECMP composite to draw: the vRouter agent routes the VIP straight to that
        member&apos;s {nhKind(nh)} next hop {nh.nh_index} ({target}).
      </p>
      <p>
        It builds a composite when a second member appears (scale the Deployment up to see it) and removes it
        again when one is left.
      </p>
    </div>
  );
}
