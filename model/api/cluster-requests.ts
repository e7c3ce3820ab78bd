// What /api/cluster/* accepts: list scopes, path parameters, scale, readiness and kube-manager
// bodies, and the apply request's options (none yet, so an unsupported one such as a dry run is
// refused instead of silently applied). Types derive from the schemas; routes parse with them
// before any call to the Kubernetes API. Pure.

import { z } from 'zod';
import { isDnsLabel, isDnsSubdomain, parseObjectKey } from '../kubernetes/names.ts';
import { expects, integer, strictObject } from './validation.ts';

/** Deployments scale from 0 to this many replicas (the manifest check's bound). */
export const MAX_REPLICAS = 10_000;

/** `:namespace/:name` of a namespaced object (a Deployment or a Pod). */
export const namespacedParamsSchema = strictObject(
  {
    namespace: z
      .string({ error: expects('must be a namespace name') })
      .refine(isDnsLabel, { error: 'must be a namespace name (a DNS-1123 label)' }),
    name: z
      .string({ error: expects('must be an object name') })
      .refine(isDnsSubdomain, { error: 'must be an object name (a DNS-1123 subdomain)' }),
  },
  'a path with a namespace and a name',
);

/** `:name` of a cluster-scoped object (a Node or a Namespace). */
export const clusterScopedParamsSchema = strictObject(
  {
    name: z
      .string({ error: expects('must be an object name') })
      .refine(isDnsSubdomain, { error: 'must be an object name (a DNS-1123 subdomain)' }),
  },
  'a path with a name',
);

/**
 * `?service=<namespace>/<name>` of GET /api/cluster/:plural: only what belongs to that Service (its
 * Endpoints and EndpointSlices, the pods its selector selects, the Deployments and ReplicaSets whose
 * pod template it selects), so the UI never lists a whole cluster to show one Service's controls.
 */
export const clusterListQuerySchema = strictObject(
  {
    service: z
      .string({ error: expects('must be "<namespace>/<service>"') })
      .refine((text) => parseObjectKey(text) !== null, { error: 'must be "<namespace>/<service>"' })
      .optional(),
  },
  'a query string',
);

/** PUT /api/cluster/kube-manager: pause (a stuck controller, to produce drift) or resume. */
export const kubeManagerRequestSchema = strictObject({
  paused: z.boolean({
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be true or false'),
  }),
});
export type KubeManagerRequest = z.infer<typeof kubeManagerRequestSchema>;
/** GET and PUT /api/cluster/kube-manager answer the switch's state. */
export type KubeManagerState = KubeManagerRequest;

/** PUT /api/cluster/deployments/:namespace/:name/scale. */
export const scaleRequestSchema = strictObject({ replicas: integer(0, MAX_REPLICAS) });
export type ScaleRequest = z.infer<typeof scaleRequestSchema>;

/** PUT /api/cluster/pods/:namespace/:name/readiness. */
export const readinessRequestSchema = strictObject({
  ready: z.boolean({
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be true or false'),
  }),
});
export type ReadinessRequest = z.infer<typeof readinessRequestSchema>;

/** The query of POST /api/cluster/apply: no options are supported; any parameter is refused by name. */
export const applyOptionsSchema = strictObject({}, 'a query string');

/**
 * The body of POST /api/cluster/apply once read: manifest text (YAML or JSON), or a JSON document
 * (an object, a `List`, or an array of objects) that the manifest parser validates field by field.
 */
export const applyBodySchema = z.union(
  [
    z.string().refine((text) => text.trim() !== '', { error: 'must not be empty' }),
    z.record(z.string(), z.unknown()),
    z.array(z.unknown()).min(1, { error: 'must not be an empty list' }),
  ],
  { error: 'must be a YAML or JSON manifest' },
);
