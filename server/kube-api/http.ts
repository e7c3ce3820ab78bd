// The Kubernetes API listener (KUBE_API_PORT): discovery, OpenAPI, and get/list/watch/create/
// update/patch/delete with dry runs, field managers and the Table form for the kinds the embedded
// cluster serves. A thin adapter: paths and queries parsed here (zod), bodies decoded by
// decode.ts, every rule in server/cluster, errors mapped to `Status` by status.ts in one handler.

import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { systemClock, type Clock } from '@server/clock.ts';
import { groupVersion } from '@model/kubernetes/resources.ts';
import type { Deployment, KubeObject, ReplicaSet } from '@model/kubernetes/types.ts';
import type { Cluster } from '../cluster/cluster.ts';
import { ObjectNotFound } from '../cluster/errors.ts';
import { validateObject } from '../cluster/manifest.ts';
import { decodeObject, parseBody, type FieldValidation } from './decode.ts';
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from './discovery.ts';
import { recordUpdate, serverSideApply } from './managed-fields.ts';
import { openApiV2, openApiV3 } from './openapi.ts';
import { encodeOpenApiV2, OPENAPI_V2_PROTOBUF } from './openapi-proto.ts';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch.ts';
import { resolveResourcePath, type ResourceRequest } from './paths.ts';
import { kindSchema } from './schema.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import {
  badRequest,
  methodNotAllowed,
  notAcceptable,
  notFoundPath,
  toStatus,
  unsupportedMediaType,
  status,
} from './status.ts';
import { buildTable, type IncludeObject } from './table.ts';
import { SERVER_VERSION } from './version.ts';
import { WatchHub } from './watch.ts';

export interface KubeApiOptions {
  cluster: Cluster;
  clock?: Clock;
  /** How often watches that asked for bookmarks get one; 0 turns the timer off (tests call it). */
  bookmarkIntervalMs?: number;
  logger?: boolean;
}

/** The API server's own request body limit (3 MiB). */
const BODY_LIMIT = 3 * 1024 * 1024;
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
  'application/strategic-merge-patch+json',
];
const BODY_TYPES = ['application/json', 'application/yaml'];

const boolParam = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');
const intParam = z
  .string()
  .regex(/^\d+$/, 'must be a non-negative integer')
  .optional()
  .transform((v) => (v === undefined ? undefined : Number(v)));

const querySchema = z.object({
  labelSelector: z.string().optional(),
  fieldSelector: z.string().optional(),
  limit: intParam,
  continue: z.string().optional(),
  resourceVersion: z.string().optional(),
  watch: boolParam,
  allowWatchBookmarks: boolParam,
  timeoutSeconds: intParam,
  dryRun: z.literal('All', { error: 'dryRun: Unsupported value: only "All" is supported' }).optional(),
  fieldManager: z.string().max(128).optional(),
  fieldValidation: z
    .enum(['Strict', 'Warn', 'Ignore'], { error: 'fieldValidation: must be one of Strict, Warn, Ignore' })
    .optional(),
  force: boolParam,
  propagationPolicy: z.enum(['Orphan', 'Background', 'Foreground']).optional(),
  includeObject: z.enum(['None', 'Metadata', 'Object']).optional(),
});
type Query = z.output<typeof querySchema>;

const deleteOptionsSchema = z
  .looseObject({
    propagationPolicy: z.enum(['Orphan', 'Background', 'Foreground']).optional(),
    orphanDependents: z.boolean().optional(),
    dryRun: z.array(z.literal('All')).optional(),
    preconditions: z
      .looseObject({ uid: z.string().optional(), resourceVersion: z.string().optional() })
      .optional(),
  })
  .optional();

function parseQuery(raw: unknown): Query {
  const result = querySchema.safeParse(raw);
  if (!result.success) throw badRequest(result.error.issues[0]!.message);
  return result.data;
}

/** The Table form when the client asks for it (as=Table;g=meta.k8s.io;v=v1 or v1beta1). */
function tableVersion(accept: string | undefined): string | undefined {
  for (const part of (accept ?? '').split(',')) {
    const params = part.split(';').map((p) => p.trim());
    if (params.includes('as=Table') && params.includes('g=meta.k8s.io'))
      return params.includes('v=v1beta1') && !params.includes('v=v1')
        ? 'meta.k8s.io/v1beta1'
        : 'meta.k8s.io/v1';
  }
  return undefined;
}

function checkAcceptable(accept: string | undefined): void {
  if (!accept) return;
  const types = accept.split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
  if (
    !types.some(
      (t) => t === '*/*' || t === 'application/*' || t === 'application/json' || t === 'application/yaml',
    )
  )
    throw notAcceptable();
}

const mediaType = (req: FastifyRequest) =>
  (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

/** apiserver's default field manager: the user agent up to its first '/'. */
function managerOf(req: FastifyRequest, q: Query): string {
  if (q.fieldManager) return q.fieldManager;
  const agent = req.headers['user-agent'] ?? '';
  return agent.split('/')[0]!.slice(0, 128) || 'unknown';
}

/**
 * Each stored object serialized once (objects are immutable: a change stores a new one), as the
 * API server's cachingObject does for its watch cache; lists and gets reuse the text.
 */
const serializedCache = new WeakMap<object, string>();
function serialized(o: KubeObject): string {
  let text = serializedCache.get(o);
  if (text === undefined) {
    text = JSON.stringify(o);
    serializedCache.set(o, text);
  }
  return text;
}

/** Continue tokens: the key to resume after, opaque to clients. */
const encodeContinue = (rv: number, key: string) =>
  Buffer.from(JSON.stringify({ rv, start: key })).toString('base64url');
function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      rv?: unknown;
      start?: unknown;
    };
    if (typeof value.rv === 'number' && typeof value.start === 'string')
      return { rv: value.rv, start: value.start };
  } catch {
    // fall through
  }
  throw badRequest(`invalid continue token: ${token}`);
}

/** First index in `keys` after `start` (keys are sorted). */
function indexAfter(keys: readonly string[], start: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const keyOf = (o: KubeObject) =>
  o.metadata.namespace === undefined ? o.metadata.name : `${o.metadata.namespace}/${o.metadata.name}`;

const namespaceOf = (target: ResourceRequest) => (target.resource.namespaced ? target.namespace : undefined);

function decodeRequestBody(req: FastifyRequest, target: ResourceRequest, validation: FieldValidation) {
  const type = mediaType(req);
  if (type !== '' && !BODY_TYPES.includes(type) && type !== '*/*') throw unsupportedMediaType(BODY_TYPES);
  const text = typeof req.body === 'string' ? req.body : '';
  const raw = parseBody(text, type === 'application/yaml');
  return decodeObject(raw, target.resource.kind, groupVersion(target.resource), validation);
}

function warn(reply: FastifyReply, warnings: readonly string[]): void {
  if (warnings.length > 0)
    reply.header('warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', '));
}

function checkIdentity(object: Record<string, unknown>, target: ResourceRequest): Record<string, unknown> {
  const expected = groupVersion(target.resource);
  if (object.apiVersion !== undefined && object.apiVersion !== expected)
    throw badRequest(
      `the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${expected})`,
    );
  if (object.kind !== undefined && object.kind !== target.resource.kind)
    throw badRequest(
      `the kind in the data (${String(object.kind)}) does not match the expected kind (${target.resource.kind})`,
    );
  const metadata = { ...((object.metadata ?? {}) as Record<string, unknown>) };
  if (target.resource.namespaced) {
    if (
      metadata.namespace !== undefined &&
      metadata.namespace !== '' &&
      metadata.namespace !== target.namespace
    )
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    metadata.namespace = target.namespace;
  } else delete metadata.namespace;
  if (target.name !== undefined && metadata.name !== undefined && metadata.name !== target.name)
    throw badRequest(
      `the name of the object (${String(metadata.name)}) does not match the name on the URL (${target.name})`,
    );
  if (target.name !== undefined) metadata.name = target.name;
  return { ...object, apiVersion: expected, kind: target.resource.kind, metadata };
}

function scaleOf(obj: Deployment | ReplicaSet) {
  const selector = Object.entries(obj.spec.selector.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: obj.spec.replicas },
    status: { replicas: obj.status.replicas, selector },
  };
}

export async function buildKubeApi(opts: KubeApiOptions): Promise<FastifyInstance> {
  const cluster = opts.cluster;
  const clock = opts.clock ?? systemClock;
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: BODY_LIMIT, keepAliveTimeout: 65_000 });
  const hub = new WatchHub(cluster);
  const v3 = openApiV3();
  const v2Document = openApiV2();
  const v2 = JSON.stringify(v2Document);
  const v2Protobuf = encodeOpenApiV2(v2Document);
  const bookmarkTimer =
    (opts.bookmarkIntervalMs ?? 60_000) > 0
      ? setInterval(() => hub.sendBookmarks(), opts.bookmarkIntervalMs ?? 60_000)
      : undefined;
  bookmarkTimer?.unref();
  app.addHook('onClose', async () => {
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    hub.close();
  });
  app.decorate('watchHub', hub);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, req, reply) => {
    let st = toStatus(error);
    if (!st && error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      st = status(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
    if (!st && error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
      st = status(error.statusCode, 'BadRequest', error.message);
    if (!st) {
      req.log.error(error);
      st = status(500, 'InternalError', 'Internal error occurred: an unexpected error; see the server log');
    }
    return reply.code(st.code).type('application/json').send(st);
  });

  // ---- discovery and OpenAPI ------------------------------------------------------------------
  const address = () => {
    const a = app.server.address();
    return typeof a === 'object' && a ? `${a.address}:${a.port}` : '';
  };
  app.get('/version', async (_req, _reply) => SERVER_VERSION);
  for (const path of ['/healthz', '/livez', '/readyz'])
    app.get(path, async (_req, reply) => reply.type('text/plain').send('ok'));
  app.get('/api', async (_req, _reply) => apiVersions(address()));
  app.get('/apis', async (_req, _reply) => apiGroupList());
  app.get<{ Params: { group: string } }>(
    '/apis/:group',
    async (req, _reply) => apiGroupDocument(req.params.group) ?? Promise.reject(notFoundPath()),
  );
  app.get('/api/v1', async (_req, _reply) => apiResourceList('v1'));
  app.get<{ Params: { group: string; version: string } }>(
    '/apis/:group/:version',
    async (req, _reply) =>
      apiResourceList(`${req.params.group}/${req.params.version}`) ?? Promise.reject(notFoundPath()),
  );
  app.get('/openapi/v2', async (req, reply) => {
    // kubectl (client-go's discovery) asks for gnostic's protobuf form; others get JSON.
    const accept = req.headers.accept ?? '';
    // kube-openapi handler.go: either spec.v2@v1.0 or spec.v2.v1.0 gets the dotted type back.
    if (accept.includes('application/com.github.proto-openapi.spec.v2'))
      return reply.header('vary', 'Accept').type(OPENAPI_V2_PROTOBUF).send(v2Protobuf);
    checkAcceptable(accept);
    return reply.type('application/json').send(v2);
  });
  app.get('/openapi/v3', async (_req, _reply) => v3.index);
  app.get<{ Params: { '*': string } }>('/openapi/v3/*', async (req, reply) => {
    const doc = v3.documents.get(req.params['*']);
    if (!doc) throw notFoundPath();
    return reply.type('application/json').header('etag', `"${doc.hash}"`).send(doc.body);
  });

  // ---- resources --------------------------------------------------------------------------------
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0]!;
    const segments = path.split('/').slice(1).map(decodeURIComponent);
    if (segments[segments.length - 1] === '') segments.pop();
    const target = resolveResourcePath(segments);
    if (!target) throw notFoundPath();
    const q = parseQuery(req.query);
    checkAcceptable(req.headers.accept);
    switch (req.method) {
      case 'GET':
        if (target.name === undefined)
          return q.watch ? watch(req, reply, target, q) : list(req, reply, target, q);
        return get(req, target, q);
      case 'POST':
        if (target.name !== undefined || target.resource.readOnly) throw methodNotAllowed();
        return reply.code(201).send(create(req, reply, target, q));
      case 'PUT':
        if (target.name === undefined || target.resource.readOnly) throw methodNotAllowed();
        return update(req, reply, target, q);
      case 'PATCH':
        if (target.name === undefined || target.resource.readOnly) throw methodNotAllowed();
        return patch(req, reply, target, q);
      case 'DELETE':
        if (target.name === undefined || target.resource.readOnly || target.subresource)
          throw methodNotAllowed();
        return remove(req, target, q);
      default:
        throw methodNotAllowed();
    }
  };
  for (const url of ['/api/*', '/apis/*'])
    app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url, handler });

  function requireObject(target: ResourceRequest): KubeObject {
    const obj = cluster.get(target.resource.kind, namespaceOf(target), target.name!);
    if (!obj) throw new ObjectNotFound(target.resource.kind, target.name!);
    return obj;
  }

  function render(
    req: FastifyRequest,
    target: ResourceRequest,
    q: Query,
    objects: readonly KubeObject[],
    rv: string,
    continueToken?: string,
  ) {
    const table = tableVersion(req.headers.accept);
    if (!table) return undefined;
    const t = buildTable(target.resource.kind, objects, clock, {
      resourceVersion: rv,
      continueToken,
      includeObject: (q.includeObject ?? 'Metadata') as IncludeObject,
      apiVersion: table,
    });
    return { ...t, apiVersion: table };
  }

  function get(req: FastifyRequest, target: ResourceRequest, q: Query) {
    const obj = requireObject(target);
    if (target.subresource === 'scale') return scaleOf(obj as Deployment | ReplicaSet);
    return render(req, target, q, [obj], obj.metadata.resourceVersion) ?? obj;
  }

  // Sorted keys per kind, rebuilt only when the kind changed: paging never re-sorts, and a page
  // starts at its continue key by binary search and reads only as far as it needs.
  const sorted = new Map<string, { version: number; keys: string[] }>();
  const changedAt = new Map<string, number>();
  cluster.subscribe((event) => changedAt.set(event.object.kind, event.resourceVersion));
  function sortedKeys(target: ResourceRequest): string[] {
    const kind = target.resource.kind;
    const version = changedAt.get(kind) ?? 0;
    let entry = sorted.get(kind);
    if (!entry || entry.version !== version) {
      entry = { version, keys: [...cluster.values(kind)].map(keyOf).sort() };
      sorted.set(kind, entry);
    }
    return entry.keys;
  }
  function objectAt(target: ResourceRequest, key: string): KubeObject | undefined {
    const at = key.indexOf('/');
    const kind = target.resource.kind;
    return at < 0
      ? cluster.get(kind, undefined, key)
      : cluster.get(kind, key.slice(0, at), key.slice(at + 1));
  }
  function sortedObjects(target: ResourceRequest): KubeObject[] {
    const namespace = namespaceOf(target);
    const out: KubeObject[] = [];
    for (const key of sortedKeys(target)) {
      const obj = objectAt(target, key);
      if (obj && (namespace === undefined || obj.metadata.namespace === namespace)) out.push(obj);
    }
    return out;
  }

  function list(req: FastifyRequest, reply: FastifyReply, target: ResourceRequest, q: Query) {
    const labels = parseLabelSelector(q.labelSelector);
    const fields = parseFieldSelector(q.fieldSelector, target.resource.kind);
    const namespace = namespaceOf(target);
    // A continue page belongs to the list its first page began, at that page's resourceVersion, as
    // the API server serves it (etcd3 store: the continue token carries it): a watch from the
    // list's version then replays whatever changed while it was paged.
    const token = q.continue ? decodeContinue(q.continue) : undefined;
    const rv = token?.rv ?? cluster.resourceVersion;
    const keys = sortedKeys(target);
    const limit = q.limit && q.limit > 0 ? q.limit : Infinity;
    let index = token ? indexAfter(keys, token.start) : 0;
    const items: KubeObject[] = [];
    let more = false;
    for (; index < keys.length; index++) {
      const obj = objectAt(target, keys[index]!);
      if (
        !obj ||
        (namespace !== undefined && obj.metadata.namespace !== namespace) ||
        !labels(obj) ||
        !fields(obj)
      )
        continue;
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(obj);
    }
    const continueToken = more ? encodeContinue(rv, keyOf(items[items.length - 1]!)) : undefined;
    // Only exact counts are given: none when a namespace or selector filters the keys.
    const filtered = namespace !== undefined || q.labelSelector || q.fieldSelector;
    const remaining = more && !filtered ? keys.length - index : undefined;
    const table = render(req, target, q, items, String(rv), continueToken);
    if (table) return table;
    const head = JSON.stringify({
      kind: `${target.resource.kind}List`,
      apiVersion: groupVersion(target.resource),
      metadata: {
        resourceVersion: String(rv),
        ...(continueToken ? { continue: continueToken, remainingItemCount: remaining } : {}),
      },
    });
    // Items from the serialization cache, assembled around the list's own fields.
    const body = `${head.slice(0, -1)},"items":[${items.map(serialized).join(',')}]}`;
    return reply.type('application/json').send(body);
  }

  function watch(req: FastifyRequest, reply: FastifyReply, target: ResourceRequest, q: Query) {
    const kind = target.resource.kind;
    const labels = parseLabelSelector(q.labelSelector);
    const fields = parseFieldSelector(q.fieldSelector, kind);
    const namespace = namespaceOf(target);
    const matches = (o: KubeObject) => labels(o) && fields(o);
    const table = tableVersion(req.headers.accept);
    const renderOne = table
      ? (o: KubeObject) => ({
          ...buildTable(kind, [o], clock, {
            resourceVersion: o.metadata.resourceVersion,
            includeObject: (q.includeObject ?? 'Metadata') as IncludeObject,
            apiVersion: table,
          }),
          apiVersion: table,
        })
      : undefined;
    const rvText = q.resourceVersion;
    const initial: { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR'; object: KubeObject }[] = [];
    const from = cluster.resourceVersion;
    let errorStatus: unknown;
    if (rvText === undefined || rvText === '' || rvText === '0') {
      for (const o of sortedObjects(target)) if (matches(o)) initial.push({ type: 'ADDED', object: o });
    } else {
      const since = Number(rvText);
      if (!Number.isInteger(since) || since < 0) throw badRequest(`invalid resource version: ${rvText}`);
      const events = cluster.eventsSince(since);
      // The API server answers a watch from a compacted version with an ERROR event, 410 Expired.
      if (!events)
        errorStatus = status(
          410,
          'Expired',
          `too old resource version: ${since} (${cluster.oldestResourceVersion})`,
        );
      else
        for (const e of events) {
          if (e.object.kind !== kind) continue;
          if (namespace !== undefined && e.object.metadata.namespace !== namespace) continue;
          if (matches(e.object)) initial.push({ type: e.type, object: e.object });
        }
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'application/json',
      'cache-control': 'no-cache, private',
      'transfer-encoding': 'chunked',
    });
    res.flushHeaders();
    if (errorStatus) {
      res.end(`${JSON.stringify({ type: 'ERROR', object: errorStatus })}\n`);
      return;
    }
    const stop = hub.open(
      {
        kind,
        apiVersion: groupVersion(target.resource),
        namespace,
        matches,
        render: renderOne,
        bookmarks: q.allowWatchBookmarks ?? false,
      },
      res,
      initial,
      from,
    );
    if (q.timeoutSeconds !== undefined) {
      const timer = setTimeout(() => {
        stop();
        res.end();
      }, q.timeoutSeconds * 1000);
      timer.unref();
      res.on('close', () => clearTimeout(timer));
    }
  }

  /** The body's identity checked against the URL, as the API server's handlers check it. */

  const now = () => new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');

  function create(req: FastifyRequest, reply: FastifyReply, target: ResourceRequest, q: Query) {
    const { object, warnings } = decodeRequestBody(req, target, q.fieldValidation ?? 'Warn');
    warn(reply, warnings);
    const body = checkIdentity(object, target);
    const metadata = body.metadata as Record<string, unknown>;
    if ((metadata.name === undefined || metadata.name === '') && typeof metadata.generateName === 'string')
      metadata.name = `${metadata.generateName}${randomBytes(4).toString('hex').slice(0, 5)}`;
    metadata.managedFields = recordUpdate({
      before: undefined,
      after: body,
      schema: kindSchema(target.resource.kind),
      manager: managerOf(req, q),
      apiVersion: groupVersion(target.resource),
      time: now(),
    });
    return cluster.create(validateObject(body), { dryRun: q.dryRun === 'All' });
  }

  /** Writes a whole new version of an object (PUT, or the result of a patch). */
  function replaceWith(
    target: ResourceRequest,
    q: Query,
    before: KubeObject,
    after: Record<string, unknown>,
    manager?: string,
  ) {
    if (target.subresource === 'status')
      return cluster.replaceStatus(target.resource.kind, namespaceOf(target), target.name!, after.status, {
        dryRun: q.dryRun === 'All',
        resourceVersion: ((after.metadata ?? {}) as { resourceVersion?: string }).resourceVersion,
      });
    const metadata = after.metadata as Record<string, unknown>;
    if (manager !== undefined)
      metadata.managedFields = recordUpdate({
        before: before as unknown as Record<string, unknown>,
        after,
        schema: kindSchema(target.resource.kind),
        manager,
        apiVersion: groupVersion(target.resource),
        time: now(),
      });
    return cluster.replace(validateObject(after), { dryRun: q.dryRun === 'All' });
  }

  function update(req: FastifyRequest, reply: FastifyReply, target: ResourceRequest, q: Query) {
    const before = requireObject(target);
    if (target.subresource === 'scale')
      return putScale(
        target,
        q,
        parseBody(typeof req.body === 'string' ? req.body : '', mediaType(req) === 'application/yaml'),
      );
    const { object, warnings } = decodeRequestBody(req, target, q.fieldValidation ?? 'Warn');
    warn(reply, warnings);
    const body = checkIdentity(object, target);
    return replaceWith(target, q, before, body, managerOf(req, q));
  }

  function patch(req: FastifyRequest, reply: FastifyReply, target: ResourceRequest, q: Query) {
    const type = mediaType(req);
    if (!PATCH_TYPES.includes(type)) throw unsupportedMediaType(PATCH_TYPES);
    const text = typeof req.body === 'string' ? req.body : '';
    const patchBody = parseBody(text, type === 'application/apply-patch+yaml');
    const schema = kindSchema(target.resource.kind);
    const live = cluster.get(target.resource.kind, namespaceOf(target), target.name!);

    if (type === 'application/apply-patch+yaml') {
      if (!q.fieldManager)
        throw badRequest(
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        );
      if (target.subresource === 'scale')
        throw unsupportedMediaType(PATCH_TYPES.filter((t) => t !== 'application/apply-patch+yaml'));
      const { object, warnings } = decodeObject(
        patchBody,
        target.resource.kind,
        groupVersion(target.resource),
        q.fieldValidation ?? 'Strict',
      );
      warn(reply, warnings);
      const applied = checkIdentity(object, target);
      const merged = serverSideApply({
        live: live as unknown as Record<string, unknown> | undefined,
        applied,
        schema,
        manager: q.fieldManager,
        apiVersion: groupVersion(target.resource),
        force: q.force ?? false,
        time: now(),
        subresource: target.subresource === 'status' ? 'status' : undefined,
      });
      if (!live)
        return reply.code(201).send(cluster.create(validateObject(merged), { dryRun: q.dryRun === 'All' }));
      if (target.subresource === 'status') return replaceWith(target, q, live, merged);
      return cluster.replace(
        validateObject({ ...merged, metadata: { ...(merged.metadata as object), resourceVersion: '' } }),
        { dryRun: q.dryRun === 'All' },
      );
    }

    if (!live) throw new ObjectNotFound(target.resource.kind, target.name!);
    const current: unknown = target.subresource === 'scale' ? scaleOf(live as Deployment | ReplicaSet) : live;
    let patched: unknown;
    if (type === 'application/json-patch+json') patched = applyJsonPatch(current, patchBody);
    else if (type === 'application/merge-patch+json') patched = applyMergePatch(current, patchBody);
    else
      patched = applyStrategicMergePatch(
        current,
        patchBody,
        target.subresource === 'scale' ? kindSchema('Scale') : schema,
      );
    if (target.subresource === 'scale') return putScale(target, q, patched);
    const { object, warnings } = decodeObject(
      patched,
      target.resource.kind,
      groupVersion(target.resource),
      q.fieldValidation ?? 'Warn',
    );
    warn(reply, warnings);
    return replaceWith(target, q, live, checkIdentity(object, target), managerOf(req, q));
  }

  function putScale(target: ResourceRequest, q: Query, body: unknown) {
    const scale = (body ?? {}) as { spec?: { replicas?: unknown }; metadata?: { resourceVersion?: string } };
    const kind = target.resource.kind as 'Deployment' | 'ReplicaSet';
    const updated = cluster.scale(kind, target.namespace!, target.name!, scale.spec?.replicas, {
      dryRun: q.dryRun === 'All',
      resourceVersion: scale.metadata?.resourceVersion,
    });
    return scaleOf(updated);
  }

  function remove(req: FastifyRequest, target: ResourceRequest, q: Query) {
    const text = typeof req.body === 'string' ? req.body.trim() : '';
    const parsed = deleteOptionsSchema.safeParse(text === '' ? undefined : parseBody(text, false));
    if (!parsed.success) throw badRequest(`DeleteOptions: ${parsed.error.issues[0]!.message}`);
    const options = parsed.data ?? {};
    const propagationPolicy =
      q.propagationPolicy ?? options.propagationPolicy ?? (options.orphanDependents ? 'Orphan' : undefined);
    return cluster.delete(target.resource.kind, namespaceOf(target), target.name!, {
      dryRun: q.dryRun === 'All' || (options.dryRun?.includes('All') ?? false),
      ...(propagationPolicy ? { propagationPolicy } : {}),
      ...(options.preconditions
        ? {
            preconditions: {
              ...(options.preconditions.uid !== undefined ? { uid: options.preconditions.uid } : {}),
              ...(options.preconditions.resourceVersion !== undefined
                ? { resourceVersion: options.preconditions.resourceVersion }
                : {}),
            },
          }
        : {}),
    });
  }

  app.setNotFoundHandler((_req, reply) => {
    const st = toStatus(notFoundPath())!;
    return reply.code(404).type('application/json').send(st);
  });
  return app;
}

/** The watch fan-out of a built listener (tests and the benchmark send bookmarks through it). */
export function watchHubOf(app: FastifyInstance): WatchHub {
  return (app as unknown as { watchHub: WatchHub }).watchHub;
}
