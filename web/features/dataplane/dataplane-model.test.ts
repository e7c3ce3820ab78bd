// The pure pieces of the Dataplane screens: rt rows and flags, composite slots named from the VIP's
// topology (a local pod, a remote pod behind a tunnel's label, a local-ECMP composite), the
// composite graph spec, flow rows and the trace of a flow, the default VRF, the cluster-wide
// topology graph (opened computes, aggregation, its size) and where a graph's view starts.

import { describe, expect, it } from 'vitest';
import type { ComputeTopology, VipTopology } from '@model/api/dataplane-views.ts';
import { buildVipTopology } from '@web/api/vip-topology.ts';
import {
  buildDataplaneFixtures,
  COMPOSITE_NH,
  computeReadings,
  FIXTURE_AS_OF,
  NODE2_COMPOSITE_NH,
  POD_VRF,
  VIP,
} from '@web/testing/dataplane-fixtures.ts';
import { scaleTopology } from '@web/testing/scale-fixtures.ts';
import { compositeGraph } from './composite-graph-model.ts';
import { resolveComposite, slotsAgree, slotsOfRecord } from './composite-slots.ts';
import { defaultVrfName } from './default-vrf.ts';
import { flowRow, traceParams } from './flow-rows.ts';
import { initialViewport, READABLE_ZOOM } from './graph-viewport.ts';
import { routeRow } from './route-rows.ts';
import { defaultOpen, SLOT_NODES_MAX, topologyGraph } from './topology-model.ts';

const fx = buildDataplaneFixtures();
const topology: VipTopology = buildVipTopology({
  vip: VIP,
  port: 8888,
  lb: null,
  computes: computeReadings(fx, VIP),
  memberByVmi: new Map(),
  asOf: FIXTURE_AS_OF,
});

describe('routeRow', () => {
  it('derives L/P flags, label and next hop from the active path', () => {
    expect(
      fx.routes
        .get('k8s-node1')!
        .get(POD_VRF)!
        .map(routeRow)
        .map((r) => [r.destination, r.flags, r.label, r.nexthop, r.nexthopType, r.isEcmp]),
    ).toEqual([
      ['10.47.255.252/32', 'P', '-', 10, 'Encap', false],
      ['10.47.255.253/32', 'LP', '16', 12, 'Tunnel', false],
      ['10.47.255.254/32', 'P', '-', 11, 'Encap', false],
      ['10.105.53.64/32', 'P', '-', 14, 'Composite', true],
      ['10.105.53.70/32', 'P', '-', 10, 'Encap', false],
    ]);
  });
});

describe('resolveComposite', () => {
  it("names the local member by its VMI and the remote one by the tunnel label on that compute's composite", () => {
    const resolved = resolveComposite(topology, 'k8s-node1', COMPOSITE_NH)!;
    expect(resolved.isLocal).toBe(false);
    expect(
      resolved.slots.map((s) => [s.slot, s.kind, s.label, s.nexthopId, s.pod, s.node, s.vmiUuid, s.flows]),
    ).toEqual([
      [
        0,
        'interface',
        17,
        11,
        'ns-user-1/webserver-psx2dvdbbb-8v79p',
        'k8s-node1',
        '00000000-0000-4000-8000-000000000004',
        1,
      ],
      [1, 'hole', null, null, null, null, null, null],
      [
        2,
        'tunnel',
        16,
        12,
        'ns-user-1/webserver-psx2dvdbbb-zj2nt',
        'k8s-node2',
        '00000000-0000-4000-8000-000000000003',
        0,
      ],
    ]);
    expect(resolveComposite(topology, 'k8s-node2', NODE2_COMPOSITE_NH)!.slots[0]!.pod).toBe(
      'ns-user-1/webserver-psx2dvdbbb-8v79p',
    );
    expect(resolveComposite(topology, 'k8s-node1', 99)).toBeNull();
  });

  it("gives a local-ECMP tunnel the remote compute's local pods instead of one pod", () => {
    const remote: ComputeTopology = {
      ...topology.computes[1]!,
      localComposite: {
        nhId: 20,
        label: 30,
        hashFields: [],
        slots: [
          {
            slot: 0,
            kind: 'interface',
            nhId: 10,
            label: 16,
            itf: 't1',
            names: { pod: 'ns/a' },
            member: null,
            flows: 0,
            share: 0,
          },
          {
            slot: 1,
            kind: 'interface',
            nhId: 15,
            label: 18,
            itf: 't2',
            names: { pod: 'ns/b' },
            member: null,
            flows: 0,
            share: 0,
          },
        ],
      },
    };
    const local = {
      ...topology,
      computes: [
        {
          ...topology.computes[0]!,
          composite: {
            ...topology.computes[0]!.composite!,
            slots: topology.computes[0]!.composite!.slots.map((s) =>
              s.kind === 'tunnel' ? { ...s, label: 30, localEcmp: true } : s,
            ),
          },
        },
        remote,
      ],
    };
    const slot = resolveComposite(local, 'k8s-node1', COMPOSITE_NH)!.slots[2]!;
    expect([slot.localEcmp, slot.localPods, slot.pod]).toEqual([true, ['ns/a', 'ns/b'], null]);
    expect(resolveComposite(local, 'k8s-node2', 20)).toMatchObject({ isLocal: true, label: 30 });
  });

  it("keeps the next hop's own slots while the topology read before a change disagrees with them", () => {
    const nh = fx.nexthops.get('k8s-node1')!.find((n) => n.nh_index === COMPOSITE_NH)!;
    const resolved = resolveComposite(topology, 'k8s-node1', COMPOSITE_NH)!;
    expect(slotsAgree(resolved.slots, nh)).toBe(true);
    // The member of slot 2 went away: the agent keeps its place as a hole.
    const holed = {
      ...nh,
      mc_list: nh.mc_list.map((c, i) => (i === 2 ? { ...c, type: 'NULL' as const } : c)),
    };
    expect(slotsAgree(resolved.slots, holed)).toBe(false);
    // A label changed (another member in the slot), or a slot was added.
    const relabelled = { ...nh, mc_list: nh.mc_list.map((c, i) => (i === 0 ? { ...c, label: 99 } : c)) };
    expect(slotsAgree(resolved.slots, relabelled)).toBe(false);
    expect(slotsAgree(resolved.slots, { ...nh, mc_list: [...nh.mc_list, nh.mc_list[0]!] })).toBe(false);
  });

  it('reads the slots off the next hop alone before the topology has answered', () => {
    const nh = fx.nexthops.get('k8s-node1')!.find((n) => n.nh_index === COMPOSITE_NH)!;
    expect(slotsOfRecord(nh).map((s) => [s.kind, s.label, s.itf, s.remote?.ip ?? null])).toEqual([
      ['interface', 17, 'tapeth0--8v79p', null],
      ['hole', null, null, null],
      ['tunnel', 16, null, '10.85.188.21'],
    ]);
  });
});

describe('compositeGraph', () => {
  it('links the composite to every slot, a dashed edge to the hole, each slot naming its member', () => {
    const graph = compositeGraph({
      node: 'k8s-node1',
      nhId: COMPOSITE_NH,
      vips: [`${VIP}/32`],
      service: 'ns-user-1/service-web-clusterip',
      slots: resolveComposite(topology, 'k8s-node1', COMPOSITE_NH)!.slots,
    });
    expect(graph.nodes.map((n) => n.label)).toEqual([
      'Composite next hop 14 with 3 slots, VIP 10.105.53.64/32',
      'Slot 0: label 17, Encap NH 11 → tapeth0--8v79p, ns-user-1/webserver-psx2dvdbbb-8v79p on k8s-node1, 1 flows (100.0%)',
      'Slot 1: hole (-1)',
      'Slot 2: label 16, Tunnel NH 12 → k8s-node2, ns-user-1/webserver-psx2dvdbbb-zj2nt on k8s-node2, 0 flows (0.0%)',
    ]);
    expect(graph.edges.map((e) => `${e.source}>${e.target}${e.isHole ? ' dashed' : ''}`)).toEqual([
      'composite>slot-0',
      'composite>slot-1 dashed',
      'composite>slot-2',
    ]);
    expect(graph.nodes[1]!.links!.pod!.to).toBe(
      '/objects/virtual-machine-interface/00000000-0000-4000-8000-000000000004',
    );
  });
});

describe('flow rows', () => {
  const [forward, reverse] = fx.flows.get('k8s-node1')!;

  it('prints E:<slot> only for an ECMP choice', () => {
    expect([forward, reverse].map((f) => [flowRow(f!).index, flowRow(f!).action, flowRow(f!).ecmp])).toEqual([
      ['157452<=>94488', 'N(DPd)', 'E:0'],
      ['94488<=>157452', 'N(SPs)', ''],
    ]);
  });

  it("traces a flow's 5-tuple from its source pod; nothing for a protocol the trace does not send", () => {
    expect(traceParams(forward!, { pod: 'ns-user-1/client' })).toEqual({
      from: 'ns-user-1/client',
      to: VIP,
      proto: 'TCP',
      port: '8888',
      sport: '52608',
    });
    expect(traceParams({ ...forward!, proto: 1 }, {})).toBeNull();
  });
});

describe('defaultVrfName', () => {
  it('opens on the client pod VRF, else the first pod VRF, else the fullest VRF', () => {
    const vrfs = fx.vrfs.get('k8s-node1')!;
    expect(defaultVrfName(fx.interfaces.get('k8s-node1')!, vrfs)).toBe(POD_VRF);
    expect(defaultVrfName(fx.interfaces.get('k8s-node2')!, vrfs)).toBe(POD_VRF);
    expect(defaultVrfName([], vrfs)).toBe(POD_VRF);
    expect(defaultVrfName([], [])).toBeUndefined();
  });
});

describe('topologyGraph', () => {
  it('draws VIP → computes → the opened computes’ slots → the compute each tunnel reaches', () => {
    const graph = topologyGraph(topology, defaultOpen(topology));
    expect(graph.nodes.map((n) => `${n.kind}:${n.id}`)).toEqual([
      'vip:vip',
      'compute:compute-k8s-node1',
      'slot:compute-k8s-node1-slot-0',
      'hole:compute-k8s-node1-slot-1',
      'slot:compute-k8s-node1-slot-2',
      'compute:compute-k8s-node2',
      'slot:compute-k8s-node2-slot-0',
      'slot:compute-k8s-node2-slot-1',
      'target:target-k8s-node2-16',
      'target:target-k8s-node1-17',
    ]);
    expect(graph.nodes.find((n) => n.id === 'target-k8s-node2-16')!.lines).toEqual([
      'k8s-node2 · label 16',
      'pod ns-user-1/webserver-psx2dvdbbb-zj2nt',
    ]);
    expect(graph.edges.filter((e) => e.isHole).map((e) => e.target)).toEqual(['compute-k8s-node1-slot-1']);
  });

  it('summarises a closed compute in one node', () => {
    const graph = topologyGraph(topology, new Set(['k8s-node2']));
    expect(graph.nodes.find((n) => n.id === 'compute-k8s-node1')!.lines).toEqual([
      'k8s-node1 · 10.85.188.20',
      'NH 14 · 3 slots: 1 local, 1 tunnels, 1 holes',
      '1 flows (50.0% of all)',
    ]);
    expect(graph.nodes.filter((n) => n.id.startsWith('compute-k8s-node1-'))).toEqual([]);
  });

  it('at 100 computes × 100 members starts closed, and one opened compute draws at most its first slots', () => {
    const big = scaleTopology({ computes: 100, members: 100 });
    expect(defaultOpen(big).size).toBe(0);
    const closed = topologyGraph(big, new Set());
    expect(closed.nodes).toHaveLength(101);
    expect(closed.edges).toHaveLength(100);
    const opened = topologyGraph(big, new Set(['compute-007']));
    const slots = opened.nodes.filter((n) => n.id.startsWith('compute-compute-007-'));
    expect(slots).toHaveLength(SLOT_NODES_MAX + 1);
    expect(slots.at(-1)!.lines[0]).toBe(`${100 - SLOT_NODES_MAX} more slots`);
    expect(opened.nodes.length).toBeLessThan(101 + SLOT_NODES_MAX + 1 + 100);
  });
});

describe('initialViewport', () => {
  it('fits a small graph, and starts a big one at its top at a readable zoom', () => {
    expect(initialViewport({ widthPx: 500, heightPx: 200 }, { widthPx: 800, heightPx: 400 })).toEqual({
      x: 150,
      y: 100,
      zoom: 1,
    });
    expect(initialViewport({ widthPx: 600, heightPx: 7000 }, { widthPx: 640, heightPx: 520 })).toEqual({
      x: 12,
      y: 12,
      zoom: READABLE_ZOOM,
    });
  });
});
