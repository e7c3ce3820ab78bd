// The pure pieces of the Dataplane screen: rt rows and flags, composite slots resolved to pods
// (local vif, remote tunnel, hole), the graph spec, flow -l rows and the default VRF.

import { describe, expect, it } from 'vitest';
import { buildDataplaneFixtures, COMPOSITE_NH, POD_VRF } from '@web/testing/dataplane-fixtures.ts';
import { compositeGraph } from './composite-graph-model.ts';
import { destinationsVia, resolveSlots } from './composite-slots.ts';
import { defaultVrfName } from './default-vrf.ts';
import { filterFlowRows, flowRow } from './flow-rows.ts';
import { routeRows } from './route-rows.ts';

const fx = buildDataplaneFixtures();
const node1Routes = { route_list: fx.routes.get('k8s-node1')!.get(POD_VRF)! };
const composite = fx.nexthops.get('k8s-node1')!.find((n) => n.nh_index === COMPOSITE_NH)!;
const ctx = {
  node: 'k8s-node1',
  vrouters: fx.vrouters,
  interfacesByNode: fx.interfaces,
  nexthops: fx.nexthops.get('k8s-node1')!,
};

describe('routeRows', () => {
  it('sorts by address and derives L/P flags, label and next hop from the active path', () => {
    expect(
      routeRows(node1Routes).map((r) => [
        r.destination,
        r.flags,
        r.label,
        r.nexthop,
        r.nexthopType,
        r.isEcmp,
      ]),
    ).toEqual([
      ['10.47.255.252/32', 'P', '-', 10, 'Encap', false],
      ['10.47.255.253/32', 'LP', '16', 12, 'Tunnel', false],
      ['10.47.255.254/32', 'P', '-', 11, 'Encap', false],
      ['10.105.53.64/32', 'P', '-', 14, 'Composite', true],
      ['10.105.53.70/32', 'P', '-', 10, 'Encap', false],
    ]);
  });
});

describe('resolveSlots', () => {
  it('names the local member by its vif, the remote one by the tunnel label, and keeps the hole', () => {
    expect(resolveSlots(composite, ctx)).toEqual([
      {
        slot: 0,
        kind: 'interface',
        label: 17,
        nexthopId: 11,
        vif: { index: 4, name: 'tapeth0--8v79p' },
        remote: null,
        pod: 'ns-user-1/webserver-psx2dvdbbb-8v79p',
        podIp: '10.47.255.254',
        node: 'k8s-node1',
        vmiUuid: '00000000-0000-4000-8000-000000000004',
        vmUuid: '00000000-0000-4000-9000-000000000004',
      },
      {
        slot: 1,
        kind: 'hole',
        label: null,
        nexthopId: null,
        vif: null,
        remote: null,
        pod: null,
        podIp: null,
        node: null,
        vmiUuid: null,
        vmUuid: null,
      },
      {
        slot: 2,
        kind: 'tunnel',
        label: 16,
        nexthopId: 12,
        vif: null,
        remote: { ip: '10.85.188.21', node: 'k8s-node2' },
        pod: 'ns-user-1/webserver-psx2dvdbbb-zj2nt',
        podIp: '10.47.255.253',
        node: 'k8s-node2',
        vmiUuid: '00000000-0000-4000-8000-000000000003',
        vmUuid: '00000000-0000-4000-9000-000000000003',
      },
    ]);
  });

  it('prefers the cluster pod at the interface IP over the VM name', () => {
    const renamed = {
      ...fx.pods[1]!,
      metadata: { ...fx.pods[1]!.metadata, name: 'renamed', namespace: 'other' },
    };
    expect(resolveSlots(composite, { ...ctx, pods: [renamed] })[0]!.pod).toBe('other/renamed');
  });

  it('finds the VIP routed through the composite', () => {
    expect(destinationsVia(node1Routes, COMPOSITE_NH)).toEqual(['10.105.53.64/32']);
    expect(destinationsVia(node1Routes, 99)).toEqual([]);
  });
});

describe('compositeGraph', () => {
  it('links VIP → composite → every slot, a dashed edge to the hole and no member behind it', () => {
    const graph = compositeGraph(
      'k8s-node1',
      COMPOSITE_NH,
      ['10.105.53.64/32'],
      resolveSlots(composite, ctx),
    );
    expect(graph.nodes.map((n) => `${n.id}:${n.kind}`)).toEqual([
      'vip:vip',
      'composite:composite',
      'slot-0:slot',
      'member-0:member',
      'slot-1:hole',
      'slot-2:slot',
      'member-2:member',
    ]);
    expect(graph.edges.map((e) => `${e.source}>${e.target}${e.isHole ? ' dashed' : ''}`)).toEqual([
      'vip>composite',
      'composite>slot-0',
      'slot-0>member-0',
      'composite>slot-1 dashed',
      'composite>slot-2',
      'slot-2>member-2',
    ]);
    expect(graph.nodes[1]!.lines[1]).toBe('ECMP, 3 slots, 1 hole');
  });
});

describe('flow rows', () => {
  const rows = fx.flows.get('k8s-node1')!.map(flowRow);

  it('prints E:<slot> only for an ECMP choice', () => {
    expect(rows.map((r) => [r.index, r.action, r.ecmp])).toEqual([
      ['157452<=>94488', 'N(DPd)', 'E:0'],
      ['94488<=>157452', 'N(SPs)', ''],
    ]);
  });

  it('filters on every word, case-insensitively', () => {
    expect(filterFlowRows(rows, 'n(dpd) 8888').map((r) => r.key)).toEqual(['157452']);
    expect(filterFlowRows(rows, '  ').length).toBe(2);
    expect(filterFlowRows(rows, 'udp')).toEqual([]);
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
