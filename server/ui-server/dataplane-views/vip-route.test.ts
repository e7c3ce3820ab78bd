import { describe, expect, it } from 'vitest';
import type { RouteUcSandeshData, VrfSandeshData } from '@model/dataplane/sandesh/agent.ts';
import { vipRouteOfPods, type VrfRoute } from './vip-route.ts';

// Which VRF's route for a ClusterIP VIP a pod uses, from the routes alone: the one the control node
// leaked into the pod network (its paths name the service network as their destination VN).

const VIP = '10.105.53.64';
const SERVICE_VN = 'default-domain:k8s-default:k8s-default-service-network';
const POD_VN = 'default-domain:k8s-default:k8s-default-pod-network';
const ISOLATED_VN = 'default-domain:k8s-ns-isolated:k8s-ns-isolated-pod-network';

/** The VIP's /32 in the VRF of `vn`, with one path per peer, each naming `destVn`. */
function inVrf(vn: string, ucindex: number, peers: string[], destVn: string): VrfRoute {
  const name = `${vn}:${vn.split(':').at(-1)}`;
  const vrf = { name, ucindex, vn } as VrfSandeshData;
  const route = {
    src_ip: VIP,
    src_plen: 32,
    src_vrf: name,
    path_list: peers.map((peer) => ({ peer, dest_vn_list: [destVn] })),
  } as unknown as RouteUcSandeshData;
  return { vrf, route };
}

const service = inVrf(SERVICE_VN, 1, ['10.85.188.19', 'LocalVmPort'], SERVICE_VN);
const pod = inVrf(POD_VN, 3, ['10.85.188.19'], SERVICE_VN);
const isolated = inVrf(ISOLATED_VN, 4, ['10.85.188.19'], SERVICE_VN);

describe('vipRouteOfPods', () => {
  it('takes the pod network’s leaked route, whatever the VRF order', () => {
    expect(vipRouteOfPods([service, pod])).toBe(pod.route);
    expect(vipRouteOfPods([pod, service])).toBe(pod.route);
  });

  it('takes the only route there is, and says null when there is none', () => {
    expect(vipRouteOfPods([service])).toBe(service.route);
    expect(vipRouteOfPods([])).toBeNull();
  });

  it('does not decide between two pod networks, nor when no route was leaked', () => {
    expect(vipRouteOfPods([service, pod, isolated])).toBeUndefined();
    const ownOnly = inVrf(POD_VN, 3, ['LocalVmPort'], POD_VN);
    expect(vipRouteOfPods([service, ownOnly])).toBeUndefined();
  });
});
