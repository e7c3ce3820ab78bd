// The pure joins behind the linked dataplane: a VIP to its Service (ClusterIP, external IP,
// load-balancer ingress), a Service to its Deployments and pods, the order VRFs are searched for a
// VIP's route, and a slot to its pool members.

import { describe, expect, it } from 'vitest';
import type { KubeService } from '@web/api/cluster.ts';
import { buildDataplaneFixtures, POD_VRF, SERVICE_VRF, VIP } from '@web/testing/dataplane-fixtures.ts';
import { buildFixtures } from '@web/testing/fixtures.ts';
import { searchServices, serviceBackends } from './cluster-controls.tsx';
import { resolveSlots } from './composite-slots.ts';
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
    const routes = { route_list: fx.routes.get('k8s-node1')!.get(POD_VRF)! };
    expect(vipNexthop(routes, VIP)).toBe(14);
    expect(vipNexthop(routes, '10.105.53.6')).toBeNull();
  });
});

describe('membersOfSlot', () => {
  const composite = fx.nexthops.get('k8s-node1')!.find((n) => n.nh_index === 14)!;
  const slots = resolveSlots(composite, {
    node: 'k8s-node1',
    vrouters: fx.vrouters,
    interfacesByNode: fx.interfaces,
    nexthops: fx.nexthops.get('k8s-node1')!,
  });
  const template = [...buildFixtures().membersByPool.values()][0]![0]!;

  it('matches by the member VMI, else by pod IP, one member per listener; none for a hole', () => {
    const byVmi = { ...template, uuid: 'a', vmi: { uuid: slots[0]!.vmiUuid!, name: 'x' }, podIp: null };
    const otherPort = { ...byVmi, uuid: 'b', targetPort: 90 };
    const byIp = { ...template, uuid: 'c', vmi: null, podIp: '10.47.255.253' };
    const members = [byVmi, otherPort, byIp];
    expect(membersOfSlot(slots[0]!, members).map((m) => m.uuid)).toEqual(['a', 'b']);
    expect(membersOfSlot(slots[1]!, members)).toEqual([]);
    expect(membersOfSlot(slots[2]!, members).map((m) => m.uuid)).toEqual(['c']);
  });
});
