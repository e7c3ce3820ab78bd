// The API resources the embedded cluster serves: group, version, plural, short names, scope and
// subresources, as the real API server's discovery lists them (kubectl api-resources). Data only;
// the one table the Kubernetes API adapter, the /api/cluster routes and kube-manager's informers
// read paths from.

import type { Kind } from './types.ts';

export interface ApiResource {
  readonly kind: Kind;
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly namespaced: boolean;
  /** Subresources this kind has in Kubernetes (`status`, `scale`). */
  readonly subresources: readonly ('status' | 'scale')[];
  /** Read-only here (EndpointSlices are mirrored from Endpoints). */
  readonly readOnly?: boolean;
  readonly categories?: readonly string[];
}

const ALL = ['all'] as const;

/** In the order `kubectl api-resources` prints them (core first, then by group). */
export const API_RESOURCES: readonly ApiResource[] = [
  {
    kind: 'Endpoints',
    group: '',
    version: 'v1',
    plural: 'endpoints',
    singular: 'endpoints',
    shortNames: ['ep'],
    namespaced: true,
    subresources: [],
  },
  {
    kind: 'Event',
    group: '',
    version: 'v1',
    plural: 'events',
    singular: 'event',
    shortNames: ['ev'],
    namespaced: true,
    subresources: [],
  },
  {
    kind: 'Namespace',
    group: '',
    version: 'v1',
    plural: 'namespaces',
    singular: 'namespace',
    shortNames: ['ns'],
    namespaced: false,
    subresources: ['status'],
  },
  {
    kind: 'Node',
    group: '',
    version: 'v1',
    plural: 'nodes',
    singular: 'node',
    shortNames: ['no'],
    namespaced: false,
    subresources: ['status'],
  },
  {
    kind: 'Pod',
    group: '',
    version: 'v1',
    plural: 'pods',
    singular: 'pod',
    shortNames: ['po'],
    namespaced: true,
    subresources: ['status'],
    categories: ALL,
  },
  {
    kind: 'Service',
    group: '',
    version: 'v1',
    plural: 'services',
    singular: 'service',
    shortNames: ['svc'],
    namespaced: true,
    subresources: ['status'],
    categories: ALL,
  },
  {
    kind: 'Deployment',
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    singular: 'deployment',
    shortNames: ['deploy'],
    namespaced: true,
    subresources: ['status', 'scale'],
    categories: ALL,
  },
  {
    kind: 'ReplicaSet',
    group: 'apps',
    version: 'v1',
    plural: 'replicasets',
    singular: 'replicaset',
    shortNames: ['rs'],
    namespaced: true,
    subresources: ['status', 'scale'],
    categories: ALL,
  },
  {
    kind: 'EndpointSlice',
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    singular: 'endpointslice',
    shortNames: [],
    namespaced: true,
    subresources: [],
    readOnly: true,
  },
];

export const RESOURCE_BY_KIND: ReadonlyMap<Kind, ApiResource> = new Map(
  API_RESOURCES.map((r) => [r.kind, r]),
);

/** `v1` or `apps/v1`. */
export const groupVersion = (r: Pick<ApiResource, 'group' | 'version'>): string =>
  r.group === '' ? r.version : `${r.group}/${r.version}`;

/** The collection path of a resource, in a namespace or across all of them. */
export function collectionPath(r: ApiResource, namespace?: string): string {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return r.namespaced && namespace !== undefined
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${r.plural}`
    : `${base}/${r.plural}`;
}
