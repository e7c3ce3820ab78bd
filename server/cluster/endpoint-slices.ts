// EndpointSlices mirrored from Endpoints: one slice per subset (its port set), labelled with the
// Service name and the managing controller, as discovery.k8s.io/v1 clients (kube-proxy, kubectl)
// read them (pkg/controller/endpointslicemirroring/utils.go). Pure.

import type { EndpointSlice, Endpoints } from '@model/kubernetes/types.ts';
import { encodeSuffix, fnv1a } from './context.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';

export interface MirroredSlice {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly endpoints: EndpointSlice['endpoints'];
  readonly ports: EndpointSlice['ports'];
}

/** The slices an Endpoints object is mirrored into (names, labels and content). */
export function slicesFor(endpoints: Endpoints, managedBy: string): MirroredSlice[] {
  const service = endpoints.metadata.name;
  return endpoints.subsets.map((subset) => {
    const ports = (subset.ports ?? []).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: p.port,
      protocol: p.protocol,
    }));
    const name = `${service}-${encodeSuffix(fnv1a(`${service}/${JSON.stringify(ports)}`), 5)}`;
    const endpointsOf = (ready: boolean) => (list: NonNullable<typeof subset.addresses>) =>
      list.map((a) => ({
        addresses: [a.ip],
        conditions: { ready, serving: ready, terminating: false },
        ...(a.nodeName ? { nodeName: a.nodeName } : {}),
        ...(a.targetRef ? { targetRef: a.targetRef } : {}),
      }));
    return {
      name,
      endpoints: [
        ...endpointsOf(true)(subset.addresses ?? []),
        ...endpointsOf(false)(subset.notReadyAddresses ?? []),
      ],
      ports,
      labels: { [SERVICE_NAME_LABEL]: service, [MANAGED_BY_LABEL]: managedBy },
    };
  });
}
