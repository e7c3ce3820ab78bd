// /api/cluster: the embedded Kubernetes cluster for today's UI (list, get, apply, delete, scale,
// readiness) and the simulation switch that pauses kube-manager. A thin adapter over the same
// cluster the Kubernetes API serves: bodies parsed with zod, every rule in server/cluster, and one
// error handler mapping the cluster's errors to 400/404/409/415.

import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Cluster } from '../../cluster/cluster.ts';
import {
  AlreadyExists,
  ClusterError,
  Conflict,
  InvalidObject,
  ObjectNotFound,
} from '../../cluster/errors.ts';
import {
  ManifestError,
  parseManifest,
  parseManifestInSlices,
  parseYamlDocuments,
} from '../../cluster/manifest.ts';
import { API_RESOURCES } from '@model/kubernetes/resources.ts';
import type { Kind } from '@model/kubernetes/types.ts';
import { proxyError } from '../proxy.ts';

/** plural → kind, a Map so a name like `constructor` is simply not found. */
const KIND_BY_PLURAL: ReadonlyMap<string, Kind> = new Map(API_RESOURCES.map((r) => [r.plural, r.kind]));
const CLUSTER_SCOPED = new Set(API_RESOURCES.filter((r) => !r.namespaced).map((r) => r.plural));
const MANIFEST_TYPES = ['application/yaml', 'application/json', 'text/yaml', 'text/plain'];
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Manifests this large (bytes) are parsed and written in slices. */
const SLICED_APPLY_BYTES = 64 * 1024;

/** The switch of a controller that can be paused (kube-manager: watches kept, nothing applied). */
export interface ControllerSwitch {
  readonly paused: boolean;
  /** Resolves once the switch took effect (on resume: once it converged). */
  setPaused(paused: boolean): void | Promise<void>;
}

export interface ClusterRouteOptions {
  kubeManager?: ControllerSwitch;
}

const scaleBody = z.object(
  { replicas: z.number().int().min(0).max(10_000) },
  { error: 'body must be {"replicas": <integer>}' },
);
const readinessBody = z.object({ ready: z.boolean() }, { error: 'body must be {"ready": true|false}' });
const pauseBody = z.strictObject({ paused: z.boolean() }, { error: 'body must be {"paused": true|false}' });

/** A request the route refuses before it reaches the cluster. */
class RouteError extends Error {
  constructor(
    readonly status: 400 | 404 | 415,
    message: string,
  ) {
    super(message);
  }
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new RouteError(400, `${where}${issue.message}`);
}

function kindOf(plural: string): Kind {
  const kind = KIND_BY_PLURAL.get(plural);
  if (!kind)
    throw new RouteError(404, `unknown resource ${plural}; one of ${[...KIND_BY_PLURAL.keys()].join(', ')}`);
  return kind;
}

function checkScope(plural: string, namespace: string | undefined): void {
  if (CLUSTER_SCOPED.has(plural) !== (namespace === undefined))
    throw new RouteError(
      404,
      CLUSTER_SCOPED.has(plural)
        ? `${plural} are not namespaced: use /api/cluster/${plural}/<name>`
        : `${plural} are namespaced: use /api/cluster/${plural}/<namespace>/<name>`,
    );
}

/** The manifest text of an apply request, whatever its content type, when it is YAML or JSON. */
function manifestText(req: FastifyRequest): string {
  const body = req.body;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (body !== undefined && body !== null && typeof body === 'object') return JSON.stringify(body);
  throw new ManifestError('request body must be a YAML or JSON manifest');
}

export function clusterRoutes(cluster: Cluster, opts: ClusterRouteOptions = {}): FastifyPluginAsync {
  const readOne = (plural: string, namespace: string | undefined, name: string) => {
    const kind = kindOf(plural);
    checkScope(plural, namespace);
    const obj = cluster.get(kind, namespace, name);
    if (!obj) throw new ObjectNotFound(kind, name);
    return obj;
  };
  const remove = (plural: string, namespace: string | undefined, name: string) => {
    const kind = kindOf(plural);
    checkScope(plural, namespace);
    cluster.delete(kind, namespace, name);
    return { deleted: { kind, ...(namespace ? { namespace } : {}), name } };
  };
  return async (app) => {
    app.addContentTypeParser(
      ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'],
      { parseAs: 'string' },
      (_req, body, done) => done(null, body),
    );

    app.setErrorHandler((error: Error & { statusCode?: number }, req, reply) => {
      if (error instanceof RouteError)
        return proxyError(
          reply,
          error.status,
          error.status === 404
            ? 'Not Found'
            : error.status === 415
              ? 'Unsupported Media Type'
              : 'Bad Request',
          error.message,
        );
      if (error instanceof ObjectNotFound) return proxyError(reply, 404, 'Not Found', error.message);
      if (error instanceof AlreadyExists || error instanceof Conflict)
        return proxyError(reply, 409, 'Conflict', error.message);
      if (error instanceof ManifestError) return proxyError(reply, 400, 'Bad Request', error.message);
      if (error instanceof InvalidObject || error instanceof ClusterError)
        return proxyError(reply, 400, 'Bad Request', error.message);
      const status =
        error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (status >= 500) req.log.error(error);
      return proxyError(
        reply,
        status,
        status === 500 ? 'Internal Server Error' : 'Bad Request',
        status === 500 ? 'internal error' : error.message,
      );
    });

    app.get<{ Params: { plural: string } }>('/:plural', async (req, _reply) => ({
      items: cluster.list(kindOf(req.params.plural)),
    }));

    app.get<{ Params: { plural: string; name: string } }>('/:plural/:name', async (req, _reply) =>
      readOne(req.params.plural, undefined, req.params.name),
    );
    app.get<{ Params: { plural: string; namespace: string; name: string } }>(
      '/:plural/:namespace/:name',
      async (req, _reply) => readOne(req.params.plural, req.params.namespace, req.params.name),
    );

    app.post('/apply', async (req, _reply) => {
      const text = manifestText(req);
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== '' && !MANIFEST_TYPES.includes(type) && !type.endsWith('yaml')) {
        // Any type is taken when its body is a YAML or JSON manifest; otherwise say which types are.
        const refuse = (why: string) =>
          new RouteError(
            415,
            `a manifest is YAML or JSON (Content-Type ${MANIFEST_TYPES.join(', ')}, or any type whose body parses as one); this ${type} body does not parse: ${why}`,
          );
        let values: unknown[];
        try {
          values = parseYamlDocuments(text);
        } catch (err) {
          throw refuse((err as Error).message);
        }
        if (!values.some((v) => typeof v === 'object' && v !== null))
          throw refuse('it is not a mapping or a list of objects');
      }
      // Big manifests are parsed and written in slices, so other requests are served in between.
      if (text.length < SLICED_APPLY_BYTES) return { applied: cluster.applyDocuments(parseManifest(text)) };
      const docs = await parseManifestInSlices(text, yieldNow);
      return { applied: await cluster.applyDocumentsInSlices(docs, yieldNow) };
    });

    app.delete<{ Params: { plural: string; name: string } }>('/:plural/:name', async (req, _reply) =>
      remove(req.params.plural, undefined, req.params.name),
    );
    app.delete<{ Params: { plural: string; namespace: string; name: string } }>(
      '/:plural/:namespace/:name',
      async (req, _reply) => remove(req.params.plural, req.params.namespace, req.params.name),
    );

    app.put<{ Params: { namespace: string; name: string } }>(
      '/deployments/:namespace/:name/scale',
      async (req, _reply) => {
        const { replicas } = parseBody(scaleBody, req.body);
        return cluster.scaleDeployment(req.params.namespace, req.params.name, replicas);
      },
    );

    app.put<{ Params: { namespace: string; name: string } }>(
      '/pods/:namespace/:name/readiness',
      async (req, _reply) => {
        const { ready } = parseBody(readinessBody, req.body);
        return cluster.setPodReadiness(req.params.namespace, req.params.name, ready);
      },
    );

    if (opts.kubeManager) {
      const km = opts.kubeManager;
      app.get('/kube-manager', async (_req, _reply) => ({ paused: km.paused }));
      app.put('/kube-manager', async (req, _reply) => {
        const { paused } = parseBody(pauseBody, req.body);
        await km.setPaused(paused);
        return { paused: km.paused };
      });
    }
  };
}
