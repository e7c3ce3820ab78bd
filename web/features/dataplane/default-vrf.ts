// Which VRF the Routes tab opens on a compute: the pod-network VRF of the client pod (the seed's
// `client`) when it is local, else the VRF of the first local pod, else the fullest VRF.

import type { ItfSandeshData, VrfSandeshData } from '@model/dataplane/types.ts';

/** A pod interface's VM name is `k8s__<namespace>__<pod>`; the client is the pod named `client`. */
const CLIENT_VM = /__client$/;

export function defaultVrfName(
  interfaces: readonly ItfSandeshData[],
  vrfs: readonly VrfSandeshData[],
): string | undefined {
  const client = interfaces.find((i) => CLIENT_VM.test(i.vm_name) && i.vrf_name);
  if (client) return client.vrf_name;
  const pod = interfaces.find((i) => i.type === 'vport' && i.vrf_name);
  if (pod) return pod.vrf_name;
  return [...vrfs].sort((a, b) => b.route_count - a.route_count)[0]?.name;
}
