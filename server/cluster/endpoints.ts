// The endpoints controller's pure core: which Endpoints subsets a Service has, given the pods its
// selector matches. Mirrors Kubernetes' EndpointsController + RepackSubsets; no state here.

import type {
  EndpointAddress,
  EndpointPort,
  EndpointSubset,
  Pod,
  Service,
  ServicePort,
} from '@model/kubernetes/types.ts';
import { isPodReady } from '@model/kubernetes/pods.ts';

/** A named targetPort resolves per pod through its containers' named ports (same protocol). */
export function resolveTargetPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort;
  if (typeof target === 'number') return target;
  for (const container of pod.spec.containers)
    for (const cp of container.ports ?? [])
      if (cp.name === target && cp.protocol === port.protocol) return cp.containerPort;
  return undefined;
}

function addressOf(pod: Pod): EndpointAddress {
  return {
    ip: pod.status.podIP!,
    ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: {
      kind: 'Pod',
      name: pod.metadata.name,
      namespace: pod.metadata.namespace ?? 'default',
      uid: pod.metadata.uid,
    },
  };
}

const byIp = (a: EndpointAddress, b: EndpointAddress) => compareIps(a.ip, b.ip);

function compareIps(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}

/**
 * Subsets for a Service: each pod with an IP lands in the subset of its resolved port set
 * (ready in `addresses`, not ready in `notReadyAddresses`); a pod whose named targetPort cannot
 * be resolved is left out of that port, as Kubernetes does.
 */
export function computeEndpointSubsets(service: Service, pods: Iterable<Pod>): EndpointSubset[] {
  const groups = new Map<
    string,
    { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }
  >();
  for (const pod of pods) {
    if (!pod.status.podIP) continue;
    const ports: EndpointPort[] = [];
    for (const port of service.spec.ports) {
      const resolved = resolveTargetPort(pod, port);
      if (resolved === undefined) continue;
      ports.push({ ...(port.name ? { name: port.name } : {}), port: resolved, protocol: port.protocol });
    }
    if (ports.length === 0 && service.spec.ports.length > 0) continue;
    const key = ports.map((p) => `${p.name ?? ''}/${p.port}/${p.protocol}`).join(',');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, ready: [], notReady: [] }));
    (isPodReady(pod) ? group.ready : group.notReady).push(addressOf(pod));
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({
      ...(g.ready.length > 0 ? { addresses: g.ready.sort(byIp) } : {}),
      ...(g.notReady.length > 0 ? { notReadyAddresses: g.notReady.sort(byIp) } : {}),
      ...(g.ports.length > 0 ? { ports: g.ports } : {}),
    }));
}
