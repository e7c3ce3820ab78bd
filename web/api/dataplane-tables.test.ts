// The paged tables' rules over the agent's records: what each row is named, which rows each filter
// keeps (an address covers, a prefix contains, a VIP keeps its composite and the next hops behind
// it, either end of a flow), and the order each sort gives.

import { describe, expect, it } from 'vitest';
import type { Annotated } from '@model/api/dataplane-views.ts';
import type { KFlowInfo, NhSandeshData, RouteUcSandeshData } from '@model/dataplane/types.ts';
import { buildDataplaneFixtures, COMPOSITE_NH, POD_VRF, VIP } from '@web/testing/dataplane-fixtures.ts';
import { annotate, namingContext, selectRows, vipsByNexthop } from './dataplane-tables.ts';

const fx = buildDataplaneFixtures();
const services = [
  { key: 'ns-user-1/service-web-clusterip', uid: 'uid-svc-1', ips: [VIP] },
  { key: 'ns-user-1/service-client', uid: 'uid-svc-2', ips: ['10.105.53.70'] },
];
const node1Routes = fx.routes.get('k8s-node1')!.get(POD_VRF)!;
const ctx = namingContext({
  node: 'k8s-node1',
  computes: fx.vrouters.map((r) => ({ name: r.name, ip: r.ip })),
  interfaces: fx.interfaces,
  services,
  compositeVips: vipsByNexthop(node1Routes),
});
const routes = annotate('routes', node1Routes, ctx);
const nexthops = annotate('nexthops', fx.nexthops.get('k8s-node1')!, ctx);
const flows = annotate('flows', fx.flows.get('k8s-node1')!, ctx);

const dests = (rows: Annotated<RouteUcSandeshData>[]) =>
  rows.map((r) => `${r.record.src_ip}/${r.record.src_plen}`);
const ids = (rows: Annotated<NhSandeshData>[]) => rows.map((r) => r.record.nh_index);
const indexes = (rows: Annotated<KFlowInfo>[]) => rows.map((r) => r.record.index);

describe('names', () => {
  it('names a route by its pod (local or remote) and a VIP by its Service and load balancer', () => {
    const byDest = new Map(routes.map((r) => [`${r.record.src_ip}`, r.names]));
    expect(byDest.get('10.47.255.252')).toEqual({
      pod: 'ns-user-1/client',
      vmi: '00000000-0000-4000-8000-000000000003',
      node: 'k8s-node1',
    });
    expect(byDest.get('10.47.255.253')).toMatchObject({
      pod: 'ns-user-1/webserver-psx2dvdbbb-zj2nt',
      node: 'k8s-node2',
    });
    expect(byDest.get(VIP)).toEqual({
      service: 'ns-user-1/service-web-clusterip',
      vip: VIP,
      lb: 'uid-svc-1',
    });
  });

  it('names a composite by its VIP and Service, an Encap by its pod, a tunnel by its compute', () => {
    const byId = new Map(nexthops.map((r) => [r.record.nh_index, r.names]));
    expect(byId.get(COMPOSITE_NH)).toEqual({
      vip: VIP,
      service: 'ns-user-1/service-web-clusterip',
      lb: 'uid-svc-1',
    });
    expect(byId.get(11)).toMatchObject({ pod: 'ns-user-1/webserver-psx2dvdbbb-8v79p', node: 'k8s-node1' });
    expect(byId.get(12)).toEqual({ node: 'k8s-node2' });
    expect(byId.get(0)).toEqual({});
  });

  it("names a flow by its source's pod, the Service of its VIP and the destination's compute", () => {
    expect(flows.map((f) => f.names)).toEqual([
      { pod: 'ns-user-1/client', service: 'ns-user-1/service-web-clusterip', vip: VIP, lb: 'uid-svc-1' },
      { pod: 'ns-user-1/webserver-psx2dvdbbb-8v79p', node: 'k8s-node1' },
    ]);
  });
});

describe('selectRows', () => {
  it('keeps the routes covering an address, or inside a prefix, sorted by prefix', () => {
    expect(dests(selectRows('routes', routes, { vrf: POD_VRF, prefix: VIP }))).toEqual([`${VIP}/32`]);
    expect(dests(selectRows('routes', routes, { vrf: POD_VRF, prefix: '10.47.0.0/16' }))).toEqual([
      '10.47.255.252/32',
      '10.47.255.253/32',
      '10.47.255.254/32',
    ]);
    expect(
      dests(selectRows('routes', routes, { vrf: POD_VRF, prefix: '10.0.0.0/8', order: 'desc' })),
    ).toEqual(['10.105.53.70/32', `${VIP}/32`, '10.47.255.254/32', '10.47.255.253/32', '10.47.255.252/32']);
  });

  it('keeps the routes through one next hop, and sorts by next hop then prefix', () => {
    expect(dests(selectRows('routes', routes, { vrf: POD_VRF, nh: 10 }))).toEqual([
      '10.47.255.252/32',
      '10.105.53.70/32',
    ]);
    expect(
      selectRows('routes', routes, { vrf: POD_VRF, sort: 'nh' }).map(
        (r) => r.record.path_list[0]!.nh!.nh_index,
      ),
    ).toEqual([10, 10, 11, 12, 14]);
  });

  it('needs every word of q in the row: its addresses, types and names', () => {
    expect(dests(selectRows('routes', routes, { vrf: POD_VRF, q: 'service-web ecmp' }))).toEqual([
      `${VIP}/32`,
    ]);
    expect(dests(selectRows('routes', routes, { vrf: POD_VRF, q: 'zj2nt' }))).toEqual(['10.47.255.253/32']);
    expect(selectRows('routes', routes, { vrf: POD_VRF, q: 'nothing-like-this' })).toEqual([]);
  });

  it('keeps a VIP’s composite and the next hops it leads to; filters by type; sorts by ref count', () => {
    expect(ids(selectRows('nexthops', nexthops, { vip: VIP }))).toEqual([11, 12, COMPOSITE_NH]);
    expect(ids(selectRows('nexthops', nexthops, { type: 'composite' }))).toEqual([COMPOSITE_NH]);
    expect(ids(selectRows('nexthops', nexthops, { type: 'tunnel' }))).toEqual([12]);
    expect(ids(selectRows('nexthops', nexthops, { sort: 'id', order: 'desc' }))).toEqual([
      14, 12, 11, 10, 1, 0,
    ]);
  });

  it('keeps the flows with either end at an address or port, of a pod or a Service', () => {
    expect(indexes(selectRows('flows', flows, { ip: VIP, port: 8888 }))).toEqual([157452]);
    expect(indexes(selectRows('flows', flows, { ip: '10.47.255.254', port: 80 }))).toEqual([94488]);
    expect(indexes(selectRows('flows', flows, { ip: '10.47.255.252' }))).toEqual([94488, 157452]);
    expect(indexes(selectRows('flows', flows, { service: 'ns-user-1/service-web-clusterip' }))).toEqual([
      157452,
    ]);
    const podIps = new Map([['ns-user-1/client', '10.47.255.252']]);
    expect(indexes(selectRows('flows', flows, { pod: 'ns-user-1/client' }, { podIps }))).toEqual([
      94488, 157452,
    ]);
    expect(indexes(selectRows('flows', flows, { sort: 'packets', order: 'desc' }))).toEqual([157452, 94488]);
    expect(indexes(selectRows('flows', flows, { q: 'n(dpd) e:0' }))).toEqual([157452]);
  });
});
