// The VIP's topology from each compute's tables: the composite's slots as the agent keeps them
// (holes in place), tunnels named by the compute they reach and told apart when their label is
// that compute's local-ECMP label, each slot's share of the flows to the VIP, computes that could
// not be read.

import { describe, expect, it } from 'vitest';
import type { NhSandeshData } from '@model/dataplane/types.ts';
import {
  buildDataplaneFixtures,
  computeReadings,
  COMPOSITE_NH,
  FIXTURE_AS_OF,
  NODE2_COMPOSITE_NH,
  VIP,
} from '@web/testing/dataplane-fixtures.ts';
import { buildVipTopology, type ComputeReading } from './vip-topology.ts';

const fx = buildDataplaneFixtures();
const input = (computes: ComputeReading[], port: number | null = 8888) => ({
  vip: VIP,
  port,
  lb: { uuid: 'uid-svc-1', displayName: 'ns-user-1__service-web-clusterip' },
  computes,
  memberByVmi: new Map([['00000000-0000-4000-8000-000000000004', 'member-a']]),
  asOf: FIXTURE_AS_OF,
});

describe('buildVipTopology', () => {
  it('gives every compute its route, composite slots (hole kept), tunnel targets and flow shares', () => {
    const topology = buildVipTopology(input(computeReadings(fx, VIP)));
    const [node1, node2] = topology.computes;
    expect(node1!.route).toEqual({
      vrf: 'default-domain:k8s-default:k8s-default-pod-network:k8s-default-pod-network',
      nhId: COMPOSITE_NH,
      nhType: 'composite',
    });
    expect(node1!.composite).toEqual({
      nhId: COMPOSITE_NH,
      hashFields: [
        'l3-source-address',
        'l3-destination-address',
        'l4-protocol',
        'l4-source-port',
        'l4-destination-port',
      ],
      slots: [
        {
          slot: 0,
          kind: 'interface',
          nhId: 11,
          label: 17,
          itf: 'tapeth0--8v79p',
          names: {
            pod: 'ns-user-1/webserver-psx2dvdbbb-8v79p',
            vmi: '00000000-0000-4000-8000-000000000004',
            node: 'k8s-node1',
          },
          member: 'member-a',
          flows: 1,
          share: 1,
        },
        { slot: 1, kind: 'hole' },
        {
          slot: 2,
          kind: 'tunnel',
          nhId: 12,
          label: 16,
          dip: '10.85.188.21',
          node: 'k8s-node2',
          localEcmp: false,
          flows: 0,
          share: 0,
        },
      ],
    });
    expect(node1!.flows).toBe(1);
    expect(node2!.composite!.nhId).toBe(NODE2_COMPOSITE_NH);
    expect(
      node2!.composite!.slots.map((s) => (s.kind === 'tunnel' ? `${s.kind}>${s.node}` : s.kind)),
    ).toEqual(['tunnel>k8s-node1', 'interface']);
    // No compute here has two local backends: no local-ECMP composite.
    expect(topology.computes.map((c) => c.localComposite)).toEqual([null, null]);
  });

  it('counts only the flows to the VIP on the asked port', () => {
    const topology = buildVipTopology(input(computeReadings(fx, VIP), 9999));
    expect(topology.computes.map((c) => c.flows)).toEqual([0, 0]);
  });

  it("tells a remote compute's local-ECMP label from a member's, and finds that local composite", () => {
    const readings = computeReadings(fx, VIP);
    const node2 = readings[1]!;
    // k8s-node2 gets a second backend: the agent gives the VIP a local-ECMP composite there, whose
    // label (30) is no interface's, and k8s-node1 tunnels to that label.
    const local: NhSandeshData = {
      ...node2.nexthops.find((n) => n.nh_index === NODE2_COMPOSITE_NH)!,
      nh_index: 20,
      local_ecmp: 'true',
      mc_list: [
        { type: 'Interface', sip: '', dip: '', label: 16, itf: 'tapeth0--zj2nt', vlan_tag: 0 },
        { type: 'Interface', sip: '', dip: '', label: 18, itf: 'tapeth0-second', vlan_tag: 0 },
      ],
    };
    const node1 = readings[0]!;
    const composite = node1.nexthops.find((n) => n.nh_index === COMPOSITE_NH)!;
    const retargeted = {
      ...composite,
      mc_list: composite.mc_list.map((c) => (c.type === 'Tunnel' ? { ...c, label: 30 } : c)),
    };
    const route = {
      ...node1.route!,
      route: {
        ...node1.route!.route,
        path_list: [{ ...node1.route!.route.path_list[0]!, nh: retargeted }],
      },
    };
    const topology = buildVipTopology(
      input([
        {
          ...node1,
          route,
          nexthops: node1.nexthops.map((n) => (n.nh_index === COMPOSITE_NH ? retargeted : n)),
        },
        { ...node2, nexthops: [...node2.nexthops, local] },
      ]),
    );
    const tunnel = topology.computes[0]!.composite!.slots[2]!;
    expect(tunnel).toMatchObject({ kind: 'tunnel', label: 30, node: 'k8s-node2', localEcmp: true });
    expect(topology.computes[1]!.localComposite).toMatchObject({ nhId: 20, label: 30 });
    expect(topology.computes[1]!.localComposite!.slots.map((s) => s.kind)).toEqual([
      'interface',
      'interface',
    ]);
  });

  it('shows a compute that could not be read as unreachable, the others as read', () => {
    const readings = computeReadings(fx, VIP);
    const topology = buildVipTopology(
      input([readings[0]!, { ...readings[1]!, error: 'connect ECONNREFUSED 10.85.188.21:8085' }]),
    );
    expect(topology.computes[1]).toEqual({
      node: 'k8s-node2',
      ip: '10.85.188.21',
      reachable: false,
      error: 'connect ECONNREFUSED 10.85.188.21:8085',
      route: null,
      composite: null,
      localComposite: null,
      flows: 0,
    });
    expect(topology.computes[0]!.reachable).toBe(true);
    // A tunnel to a compute that cannot be read cannot be told local-ECMP.
    expect(topology.computes[0]!.composite!.slots[2]).toMatchObject({ kind: 'tunnel', localEcmp: false });
  });

  it('has no route and no composite on a compute without the VIP', () => {
    const topology = buildVipTopology({ ...input(computeReadings(fx, '10.9.9.9')), vip: '10.9.9.9' });
    expect(topology.computes.map((c) => [c.route, c.composite])).toEqual([
      [null, null],
      [null, null],
    ]);
  });
});
