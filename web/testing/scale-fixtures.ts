// Fixtures at real scale, generated: a VIP whose members are spread over many computes, as the
// agent programs it (on each compute one slot per local member, one tunnel per other compute with
// members — to its local-ECMP label when it has several — and a local-ECMP composite where there
// are several local members), with flows spread over the slots. Deterministic.

import type { ComputeTopology, TopologySlot, VipTopology } from '@model/api/dataplane-views.ts';
import type { KFlowInfo, RouteUcSandeshData } from '@model/dataplane/types.ts';
import { FIXTURE_AS_OF, HASH_FIELDS, POD_VRF, type DataplaneFixtures } from './dataplane-fixtures.ts';

export interface ScaleTopologyOptions {
  computes: number;
  members: number;
  /** Computes (by index) that do not answer. */
  unreachable?: readonly number[];
}

const computeName = (i: number) => `compute-${String(i).padStart(3, '0')}`;
const computeIp = (i: number) => `10.85.${Math.floor(i / 250)}.${(i % 250) + 1}`;
const memberLabel = (m: number) => 100 + m;
const localEcmpLabel = (c: number) => 5000 + c;

function memberSlot(c: number, m: number, slot: number, flows: number): TopologySlot {
  return {
    slot,
    kind: 'interface',
    nhId: 1000 + m,
    label: memberLabel(m),
    itf: `tap-${m}`,
    names: { pod: `bench/web-${m}`, vmi: `vmi-${m}`, node: computeName(c) },
    member: `member-${m}`,
    flows,
    share: 0,
  };
}

/** Each slot's share of the composite's flows. */
function withShares(slots: TopologySlot[]): TopologySlot[] {
  const total = slots.reduce((n, s) => n + (s.kind === 'hole' ? 0 : s.flows), 0);
  return slots.map((s) => (s.kind === 'hole' || total === 0 ? s : { ...s, share: s.flows / total }));
}

export function scaleTopology({ computes, members, unreachable = [] }: ScaleTopologyOptions): VipTopology {
  const byCompute: number[][] = Array.from({ length: computes }, () => []);
  for (let m = 0; m < members; m++) byCompute[m % computes]!.push(m);
  const down = new Set(unreachable);
  const topologies = byCompute.map((local, c): ComputeTopology => {
    if (down.has(c))
      return {
        node: computeName(c),
        ip: computeIp(c),
        reachable: false,
        error: `connect ECONNREFUSED ${computeIp(c)}:8085`,
        route: null,
        composite: null,
        localComposite: null,
        flows: 0,
      };
    const slots: TopologySlot[] = local.map((m, i) => memberSlot(c, m, i, ((m * 7 + c) % 13) + 1));
    byCompute.forEach((remote, r) => {
      if (r === c || remote.length === 0) return;
      slots.push({
        slot: slots.length,
        kind: 'tunnel',
        nhId: 3000 + r,
        label: remote.length > 1 ? localEcmpLabel(r) : memberLabel(remote[0]!),
        dip: computeIp(r),
        node: computeName(r),
        localEcmp: remote.length > 1,
        flows: ((r * 5 + c) % 11) + 1,
        share: 0,
      });
    });
    const composite = withShares(slots);
    return {
      node: computeName(c),
      ip: computeIp(c),
      reachable: true,
      error: null,
      route: { vrf: 'default-domain:bench:pod-network:pod-network', nhId: 900, nhType: 'composite' },
      composite: { nhId: 900, slots: composite, hashFields: HASH_FIELDS },
      localComposite:
        local.length > 1
          ? {
              nhId: 901,
              label: localEcmpLabel(c),
              slots: local.map((m, i) => memberSlot(c, m, i, 0)),
              hashFields: HASH_FIELDS,
            }
          : null,
      flows: composite.reduce((n, s) => n + (s.kind === 'hole' ? 0 : s.flows), 0),
    };
  });
  return {
    vip: '10.96.200.1',
    port: 80,
    lb: { uuid: 'bench-lb', displayName: 'bench__web-100' },
    hashFields: null,
    computes: topologies,
    asOf: FIXTURE_AS_OF,
  };
}

const address = (i: number) => `10.48.${Math.floor(i / 250)}.${(i % 250) + 1}`;

/** `n` more /32 routes in k8s-node1's pod VRF (10.48.x.y through its tunnel next hop 12), and
 * `flows` more flows on k8s-node1 (client → 10.48.x.y:80), for paging and scale tests. */
export function withMoreRows(
  dp: DataplaneFixtures,
  { routes = 0, flows = 0 }: { routes?: number; flows?: number },
): DataplaneFixtures {
  const node1 = dp.routes.get('k8s-node1')!;
  const template = node1.get(POD_VRF)!.find((r) => r.src_ip === '10.47.255.253')!;
  const moreRoutes: RouteUcSandeshData[] = Array.from({ length: routes }, (_, i) => ({
    ...template,
    src_ip: address(i),
  }));
  const flowTemplate = dp.flows.get('k8s-node1')![0]!;
  const moreFlows: KFlowInfo[] = Array.from({ length: flows }, (_, i) => ({
    ...flowTemplate,
    index: 200_000 + i,
    rflow: 300_000 + i,
    sport: 1024 + (i % 60_000),
    dip: address(i % Math.max(1, routes || 1000)),
    dport: 80,
    ecmp_index: -1,
    action: 'F',
    pkts: i % 97,
    bytes: (i % 97) * 64,
  }));
  return {
    ...dp,
    routes: new Map(
      [...dp.routes].map(([node, vrfs]) => [
        node,
        node === 'k8s-node1'
          ? new Map([...vrfs].map(([vrf, list]) => [vrf, vrf === POD_VRF ? [...list, ...moreRoutes] : list]))
          : vrfs,
      ]),
    ),
    flows: new Map(
      [...dp.flows].map(([node, list]) => [node, node === 'k8s-node1' ? [...list, ...moreFlows] : list]),
    ),
  };
}
