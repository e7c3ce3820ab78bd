// /api/cluster: the embedded Kubernetes cluster over HTTP (list, get, apply, delete, scale,
// readiness). A thin adapter: every rule lives in server/cluster; this maps errors to 400/404.

import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Cluster } from '../../cluster/cluster.ts';
import { InvalidRequest, ObjectNotFound } from '../../cluster/errors.ts';
import { ManifestError, parseManifest } from '../../cluster/manifest.ts';
import type { Kind } from '@model/kubernetes/types.ts';
import { proxyError } from '../proxy.ts';

const KIND_BY_PLURAL: Readonly<Record<string, Kind>> = {
  nodes: 'Node',
  namespaces: 'Namespace',
  pods: 'Pod',
  deployments: 'Deployment',
  services: 'Service',
  endpoints: 'Endpoints',
};
const CLUSTER_SCOPED = new Set(['nodes', 'namespaces']);
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml', 'text/plain'];

function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof ObjectNotFound) return proxyError(reply, 404, 'Not Found', err.message);
  if (err instanceof ManifestError || err instanceof InvalidRequest)
    return proxyError(reply, 400, 'Bad Request', err.message);
  throw err;
}

function kindOf(reply: FastifyReply, plural: string): Kind | undefined {
  const kind = KIND_BY_PLURAL[plural];
  if (!kind)
    proxyError(
      reply,
      404,
      'Not Found',
      `unknown resource ${plural}; one of ${Object.keys(KIND_BY_PLURAL).join(', ')}`,
    );
  return kind;
}

export function clusterRoutes(cluster: Cluster): FastifyPluginAsync {
  const readOne = async (
    reply: FastifyReply,
    plural: string,
    namespace: string | undefined,
    name: string,
  ) => {
    const kind = kindOf(reply, plural);
    if (!kind) return reply;
    if (CLUSTER_SCOPED.has(plural) !== (namespace === undefined))
      return proxyError(
        reply,
        404,
        'Not Found',
        CLUSTER_SCOPED.has(plural)
          ? `${plural} are not namespaced: use /api/cluster/${plural}/<name>`
          : `${plural} are namespaced: use /api/cluster/${plural}/<namespace>/<name>`,
      );
    const obj = cluster.get(kind, namespace, name);
    if (!obj)
      return proxyError(
        reply,
        404,
        'Not Found',
        `${kind} ${namespace ? `${namespace}/` : ''}${name} not found`,
      );
    return obj;
  };
  const remove = async (reply: FastifyReply, plural: string, namespace: string | undefined, name: string) => {
    const kind = kindOf(reply, plural);
    if (!kind) return reply;
    if (CLUSTER_SCOPED.has(plural) !== (namespace === undefined))
      return proxyError(reply, 404, 'Not Found', `no route for DELETE ${plural} with this many segments`);
    try {
      cluster.delete(kind, namespace, name);
      return { deleted: { kind, ...(namespace ? { namespace } : {}), name } };
    } catch (err) {
      return sendError(reply, err);
    }
  };

  return async (app) => {
    app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_req, body, done) => done(null, body));

    app.get<{ Params: { plural: string } }>('/:plural', async (req, reply) => {
      const kind = kindOf(reply, req.params.plural);
      if (!kind) return reply;
      return { items: cluster.list(kind) };
    });

    app.get<{ Params: { plural: string; name: string } }>('/:plural/:name', async (req, reply) =>
      readOne(reply, req.params.plural, undefined, req.params.name),
    );
    app.get<{ Params: { plural: string; namespace: string; name: string } }>(
      '/:plural/:namespace/:name',
      async (req, reply) => readOne(reply, req.params.plural, req.params.namespace, req.params.name),
    );

    app.post('/apply', async (req, reply) => {
      try {
        const body = req.body;
        let text: string;
        if (typeof body === 'string') text = body;
        else if (body !== undefined && body !== null && typeof body === 'object') text = JSON.stringify(body);
        else throw new ManifestError('request body must be a YAML or JSON manifest');
        return { applied: cluster.applyDocuments(parseManifest(text)) };
      } catch (err) {
        return sendError(reply, err);
      }
    });

    app.delete<{ Params: { plural: string; name: string } }>('/:plural/:name', async (req, reply) =>
      remove(reply, req.params.plural, undefined, req.params.name),
    );
    app.delete<{ Params: { plural: string; namespace: string; name: string } }>(
      '/:plural/:namespace/:name',
      async (req, reply) => remove(reply, req.params.plural, req.params.namespace, req.params.name),
    );

    app.put<{ Params: { namespace: string; name: string }; Body: unknown }>(
      '/deployments/:namespace/:name/scale',
      async (req, reply) => {
        const replicas = (req.body as { replicas?: unknown } | null)?.replicas;
        try {
          if (typeof replicas !== 'number') throw new InvalidRequest('body must be {"replicas": <integer>}');
          return cluster.scaleDeployment(req.params.namespace, req.params.name, replicas);
        } catch (err) {
          return sendError(reply, err);
        }
      },
    );

    app.put<{ Params: { namespace: string; name: string }; Body: unknown }>(
      '/pods/:namespace/:name/readiness',
      async (req, reply) => {
        const ready = (req.body as { ready?: unknown } | null)?.ready;
        try {
          if (typeof ready !== 'boolean') throw new InvalidRequest('body must be {"ready": true|false}');
          return cluster.setPodReadiness(req.params.namespace, req.params.name, ready);
        } catch (err) {
          return sendError(reply, err);
        }
      },
    );
  };
}
