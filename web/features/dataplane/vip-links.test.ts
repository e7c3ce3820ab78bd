// The pure joins behind the linked dataplane: a VIP to its Service (ClusterIP, external IP,
// load-balancer ingress), a Service to its Deployments and pods, the order VRFs are searched for a
// VIP's route, and a slot to its pool members.

import { describe, expect, it } from 'vitest';
import type { KubeService } from '@web/api/cluster.ts';
import { buildDataplaneFixtures, POD_VRF, SERVICE_VRF, VIP } from '@web/testing/dataplane-fixtures.ts';
import { buildFixtures } from '@web/testing/fixtures.ts';
import { searchServices, serviceBackends } from './cluster-controls.tsx';
import { buildVipTopology } from '@web/api/vip-topology.ts';
import { computeReadings, FIXTURE_AS_OF } from '@web/testing/dataplane-fixtures.ts';
import { resolveComposite } from './composite-slots.ts';
import { membersOfSlot, serviceForVip } from './vip-members.ts';
import { vipNexthop, vrfSearchOrder } from './vip-route.ts';

const fx = buildDataplaneFixtures();
const web = fx.services[0]!;

describe('serviceForVip', () => {
  const lb: KubeService = {
    ...web,
    metadata: { ...web.metadata, name: 'service-web-lb' },
    spec: { ...web.spec, clusterIP: '10.96.142.32', externalIPs: ['198.51.100.7'] },
    status: { loadBalancer: { ingress: [{ ip: '203.0.113.2' }] } },
  };
  it('finds the Service by ClusterIP, external IP or load-balancer ingress', () => {
    expect(serviceForVip(fx.services, VIP)).toBe(web);
    expect(serviceForVip([lb], '198.51.100.7')).toBe(lb);
    expect(serviceForVip([lb], '203.0.113.2')).toBe(lb);
    expect(serviceForVip([lb], '10.0.0.1')).toBeUndefined();
  });
});

describe('serviceBackends', () => {
  it('takes the pods the selector matches and the Deployments whose template it matches', () => {
    const { deployments, pods } = serviceBackends(web, fx.deployments, fx.pods);
    expect(deployments.map((d) => d.metadata.name)).toEqual(['webserver']);
    expect(pods.map((p) => p.metadata.name)).toEqual([
      'webserver-psx2dvdbbb-8v79p',
      'webserver-psx2dvdbbb-zj2nt',
    ]);
  });

  it('keeps a Deployment scaled to zero, so it can be scaled back', () => {
    expect(serviceBackends(web, fx.deployments, []).deployments.map((d) => d.metadata.name)).toEqual([
      'webserver',
    ]);
  });

  it('matches nothing for a Service without a selector or in another namespace', () => {
    const bare = { ...web, spec: { ...web.spec, selector: undefined } } as KubeService;
    expect(serviceBackends(bare, fx.deployments, fx.pods)).toEqual({ deployments: [], pods: [] });
    const elsewhere = { ...web, metadata: { ...web.metadata, namespace: 'other' } };
    expect(serviceBackends(elsewhere, fx.deployments, fx.pods)).toEqual({ deployments: [], pods: [] });
  });
});

describe('searchServices', () => {
  it('needs every word in namespace/name or ClusterIP', () => {
    expect(searchServices(fx.services, 'client').map((s) => s.metadata.name)).toEqual(['service-client']);
    expect(searchServices(fx.services, 'ns-user-1 10.105.53.64').map((s) => s.metadata.name)).toEqual([
      'service-web-clusterip',
    ]);
    expect(searchServices(fx.services, '  ')).toEqual([]);
  });
});

describe('vrfSearchOrder and vipNexthop', () => {
  it("looks in the client's VRF first, then the fullest, skipping empty VRFs", () => {
    expect(vrfSearchOrder(fx.interfaces.get('k8s-node1')!, fx.vrfs.get('k8s-node1')!)).toEqual([
      POD_VRF,
      SERVICE_VRF,
    ]);
  });

  it('reads the next hop of the /32 route only', () => {
    const routes = fx.routes.get('k8s-node1')!.get(POD_VRF)!;
    expect(vipNexthop(routes, VIP)).toBe(14);
    expect(vipNexthop(routes, '10.105.53.6')).toBeNull();
  });
});

describe('membersOfSlot', () => {
  const topology = buildVipTopology({
    vip: VIP,
    port: null,
    lb: null,
    computes: computeReadings(fx, VIP),
    memberByVmi: new Map([['00000000-0000-4000-8000-000000000003', 'matched-by-server']]),
    asOf: FIXTURE_AS_OF,
  });
  const slots = resolveComposite(topology, 'k8s-node1', 14)!.slots;
  const template = [...buildFixtures().membersByPool.values()][0]![0]!;

  it("matches the member VMI, one member per listener, else the server's match; none for a hole", () => {
    const byVmi = { ...template, uuid: 'a', vmi: { uuid: slots[0]!.vmiUuid!, name: 'x' } };
    const otherPort = { ...byVmi, uuid: 'b', targetPort: 90 };
    const matched = { ...template, uuid: 'matched-by-server', vmi: null };
    const members = [byVmi, otherPort, matched];
    expect(membersOfSlot(slots[0]!, members).map((m) => m.uuid)).toEqual(['a', 'b']);
    expect(membersOfSlot(slots[1]!, members)).toEqual([]);
    // The remote pod's VMI is the one on k8s-node2 that carries the tunnel's label.
    expect(slots[2]!.vmiUuid).toBe('00000000-0000-4000-8000-000000000003');
    expect(
      membersOfSlot({ ...slots[2]!, vmiUuid: null, member: 'matched-by-server' }, members).map((m) => m.uuid),
    ).toEqual(['matched-by-server']);
  });
});
