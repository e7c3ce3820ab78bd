// /api/cluster: the Kubernetes cluster the explorer reads, through the Kubernetes API only (the
// embedded cluster's, or a real one's from KUBECONFIG): lists as `{items}` (optionally scoped to
// one Service), gets, server-side apply of a manifest, delete, scale through the `scale`
// subresource, pod readiness through the `status` subresource, and the embedded kube-manager's
// pause switch through its port. A thin adapter: inputs parsed with model/api schemas, the work
// done by the Kubernetes client and the API server behind it, every failure thrown to the UI
// server's one error handler.

import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import {
  applyOptionsSchema,
  clusterListQuerySchema,
  clusterScopedParamsSchema,
  kubeManagerRequestSchema,
  namespacedParamsSchema,
  readinessRequestSchema,
  scaleRequestSchema,
  type KubeManagerState,
} from '@model/api/cluster-requests.ts';
import { API_PREFIX, clusterApi } from '@model/api/paths.ts';
import { ManifestTextError, readManifestObjects } from '@model/kubernetes/manifest-text.ts';
import { API_RESOURCES, RESOURCE_BY_KIND, type ApiResource } from '@model/kubernetes/resources.ts';
import type { Deployment, KubeObject, ReplicaSet, Service } from '@model/kubernetes/types.ts';
import { InvalidRequest, NotFound } from '../../errors.ts';
import { applyObjects } from '../cluster-apply.ts';
import { HttpError } from '../errors.ts';
import type { KubernetesClient } from '../kubernetes-client.ts';
import { parseRequest } from '../parse-request.ts';
import type { KubeManagerControl } from '../ports.ts';

export interface ClusterRouteOptions {
  kubernetes: KubernetesClient;
  /** The embedded kube-manager's switch; absent against a real cluster. */
  kubeManager?: KubeManagerControl | undefined;
}

/** plural → resource, a Map so a name like `constructor` is simply not found. */
const BY_PLURAL: ReadonlyMap<string, ApiResource> = new Map(API_RESOURCES.map((r) => [r.plural, r]));
const MANIFEST_TYPES = ['application/yaml', 'application/json', 'text/yaml', 'text/plain'];
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];
/** What `?service=` can scope. */
const SERVICE_SCOPED = ['services', 'endpoints', 'endpointslices', 'pods', 'deployments', 'replicasets'];
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));
const route = (r: { under(prefix: string): string }) => r.under(API_PREFIX.cluster);

function resourceOf(plural: string): ApiResource {
  const resource = BY_PLURAL.get(plural);
  if (!resource) throw new NotFound(`unknown resource ${plural}; one of ${[...BY_PLURAL.keys()].join(', ')}`);
  return resource;
}

function scopedResource(plural: string, namespaced: boolean): ApiResource {
  const resource = resourceOf(plural);
  if (resource.namespaced !== namespaced)
    throw new NotFound(
      resource.namespaced
        ? `${plural} are namespaced: use /api/cluster/${plural}/<namespace>/<name>`
        : `${plural} are not namespaced: use /api/cluster/${plural}/<name>`,
    );
  return resource;
}

/** Whether a Service's selector (a map, all pairs required) selects these labels. */
function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

/** The manifest text of an apply request, whatever its content type, when it is YAML or JSON. */
function manifestText(req: FastifyRequest): string {
  const body = req.body;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (body !== undefined && body !== null && typeof body === 'object') return JSON.stringify(body);
  throw new InvalidRequest('request body must be a YAML or JSON manifest');
}

async function manifestObjects(req: FastifyRequest): Promise<unknown[]> {
  const text = manifestText(req);
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const declared = type === '' || MANIFEST_TYPES.includes(type) || type.endsWith('yaml');
  try {
    const objects = await readManifestObjects(text, { yieldNow });
    if (!declared && !objects.some((o) => typeof o === 'object' && o !== null))
      throw new ManifestTextError('it is not a mapping or a list of objects');
    return objects;
  } catch (err) {
    if (!(err instanceof ManifestTextError)) throw err;
    // Any type is taken when its body is a YAML or JSON manifest; otherwise say which types are.
    if (!declared)
      throw new HttpError(
        415,
        `a manifest is YAML or JSON (Content-Type ${MANIFEST_TYPES.join(', ')}, or any type whose body parses as one); this ${type} body does not parse: ${err.message}`,
      );
    throw new InvalidRequest(err.message);
  }
}

export function clusterRoutes(opts: ClusterRouteOptions): FastifyPluginAsync {
  const k8s = opts.kubernetes;

  /** One Service's objects of a kind, read without listing the cluster. */
  async function serviceScoped(resource: ApiResource, key: string): Promise<KubeObject[]> {
    if (!SERVICE_SCOPED.includes(resource.plural))
      throw new InvalidRequest(`query.service: scopes ${SERVICE_SCOPED.join(', ')}, not ${resource.plural}`);
    const [namespace, name] = key.split('/') as [string, string];
    const service = await k8s.get<Service>({ resource: RESOURCE_BY_KIND.get('Service')!, namespace, name });
    const selector = service.spec.selector ?? {};
    switch (resource.plural) {
      case 'services':
        return [service];
      case 'endpoints': {
        const endpoints = await k8s.endpoints(namespace, name);
        return endpoints ? [endpoints] : [];
      }
      case 'endpointslices':
        // The EndpointSlice controller labels each slice with its Service (discovery/v1 LabelServiceName).
        return k8s.list(resource, { namespace, labelSelector: `kubernetes.io/service-name=${name}` });
      case 'pods':
        // A Service without a selector selects no pods (its Endpoints are managed by hand).
        if (Object.keys(selector).length === 0) return [];
        return k8s.list(resource, {
          namespace,
          labelSelector: Object.entries(selector)
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
        });
      default: {
        // Deployments and ReplicaSets: those whose pod template the selector selects (their own
        // labels need not match, so they are filtered here, in the Service's namespace only).
        const workloads = await k8s.list<Deployment | ReplicaSet>(resource, { namespace });
        return workloads.filter((w) => selects(selector, w.spec.template?.metadata?.labels));
      }
    }
  }

  const kubeManager = () => {
    if (!opts.kubeManager)
      throw new NotFound(
        `there is no embedded kube-manager to pause: the explorer reads ${k8s.description}, whose controllers it does not run`,
      );
    return opts.kubeManager;
  };

  return async (app) => {
    // Manifests arrive as text in any YAML type; JSON goes through the UI server's JSON parser.
    app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_req, body, done) => done(null, body));

    app.get<{ Params: { plural: string } }>(route(clusterApi.list), async (req) => {
      const resource = resourceOf(req.params.plural);
      const { service } = parseRequest(clusterListQuerySchema, req.query, 'query');
      return { items: service ? await serviceScoped(resource, service) : await k8s.list(resource) };
    });

    app.get<{ Params: { plural: string; name: string } }>(route(clusterApi.clusterScoped), async (req) => {
      const resource = scopedResource(req.params.plural, false);
      const { name } = parseRequest(clusterScopedParamsSchema, { name: req.params.name }, 'path');
      return k8s.get({ resource, name });
    });

    app.get<{ Params: { plural: string; namespace: string; name: string } }>(
      route(clusterApi.namespaced),
      async (req) => {
        const resource = scopedResource(req.params.plural, true);
        const { namespace, name } = parseRequest(
          namespacedParamsSchema,
          { namespace: req.params.namespace, name: req.params.name },
          'path',
        );
        return k8s.get({ resource, namespace, name });
      },
    );

    app.post(
      route(clusterApi.apply),
      // The server's body limit bounds a manifest, not the small-command JSON limit.
      { config: { jsonLimits: { maxBytes: Number.POSITIVE_INFINITY } } },
      async (req) => {
        parseRequest(applyOptionsSchema, req.query, 'query');
        return { applied: await applyObjects(await manifestObjects(req), k8s) };
      },
    );

    app.delete<{ Params: { plural: string; name: string } }>(route(clusterApi.clusterScoped), async (req) => {
      const resource = scopedResource(req.params.plural, false);
      const { name } = parseRequest(clusterScopedParamsSchema, { name: req.params.name }, 'path');
      await k8s.delete({ resource, name });
      return { deleted: { kind: resource.kind, name } };
    });

    app.delete<{ Params: { plural: string; namespace: string; name: string } }>(
      route(clusterApi.namespaced),
      async (req) => {
        const resource = scopedResource(req.params.plural, true);
        const { namespace, name } = parseRequest(
          namespacedParamsSchema,
          { namespace: req.params.namespace, name: req.params.name },
          'path',
        );
        await k8s.delete({ resource, namespace, name });
        return { deleted: { kind: resource.kind, namespace, name } };
      },
    );

    app.put<{ Params: { namespace: string; name: string } }>(route(clusterApi.scale), async (req) => {
      const { namespace, name } = parseRequest(namespacedParamsSchema, req.params, 'path');
      const { replicas } = parseRequest(scaleRequestSchema, req.body, 'body');
      return k8s.scaleDeployment(namespace, name, replicas);
    });

    app.put<{ Params: { namespace: string; name: string } }>(route(clusterApi.readiness), async (req) => {
      const { namespace, name } = parseRequest(namespacedParamsSchema, req.params, 'path');
      const { ready } = parseRequest(readinessRequestSchema, req.body, 'body');
      return k8s.setPodReadiness(namespace, name, ready);
    });

    app.get(route(clusterApi.kubeManager), async (): Promise<KubeManagerState> => ({
      paused: kubeManager().paused,
    }));
    app.put(route(clusterApi.kubeManager), async (req): Promise<KubeManagerState> => {
      const control = kubeManager();
      const { paused } = parseRequest(kubeManagerRequestSchema, req.body, 'body');
      await control.setPaused(paused);
      return { paused: control.paused };
    });
  };
}
