// The VNC API's HTTP surface (port 8082) over the config store: a thin adapter that parses
// requests, calls the store and renders responses as contrail-api does. Routes throw domain
// errors; one error handler maps them to contrail-api's status and plain-text body, logs every
// 5xx with its request id and answers it generically. A write is answered once it is durable.
// Every deliberate difference from contrail-api is listed in docs/config-api.md.

import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { OBJECT_TYPES, collectionName, isObjectType, type ObjectType } from '@model/contrail/schema.ts';
import { MAX_REQUEST_BYTES, parseBody } from './body.ts';
import {
  ConfigError,
  Conflict,
  DependentsExist,
  Forbidden,
  Invalid,
  NotFound,
  PreconditionFailed,
} from './errors.ts';
import { ACTIONS, actionRoutes } from './http-actions.ts';
import { registerKeystoneAuth, type KeystoneAuthOptions } from './http-auth.ts';
import { baseUrl, sendJson, sendJsonText, sendText } from './http-reply.ts';
import {
  isPresent,
  parseFields,
  parseListRequest,
  type ListRequest,
  type QueryParams,
} from './list-query.ts';
import { pyRepr } from './python-format.ts';
import { renderListEntry, renderObject, toVncJson } from './render.ts';
import type { ConfigStore, ObjectBody } from './store.ts';
import { UserAgentKv } from './useragent-kv.ts';
import { yieldToLoop } from '../slices.ts';

export { MAX_REQUEST_BYTES } from './body.ts';

/** bottle's answer for a path no route serves. */
class RouteNotFound extends ConfigError {}
/** bottle's answer for a known path with the wrong method. */
class MethodNotAllowed extends ConfigError {
  constructor(readonly allowed: readonly string[]) {
    super('Method not allowed.');
  }
}

const STATUS: ReadonlyArray<[abstract new (...args: never[]) => ConfigError, number]> = [
  [RouteNotFound, 404],
  [NotFound, 404],
  [MethodNotAllowed, 405],
  [Conflict, 409],
  [Invalid, 400],
  [Forbidden, 403],
  [PreconditionFailed, 412],
];

const BY_COLLECTION = new Map<string, ObjectType>(OBJECT_TYPES.map((t) => [collectionName(t), t]));
/** List entries rendered between two yields to the event loop (see listResponse). */
const ENTRIES_PER_SLICE = 1000;

const ACTION_METHODS = new Map<string, string>(ACTIONS.map((a) => [a.uri, a.method]));

export interface ConfigApiOptions {
  store: ConfigStore;
  /** The user-agent key/value store of `/useragent-kv` (a fresh one when omitted). */
  kv?: UserAgentKv;
  /** Resolves once every write made so far is durable; a write is answered after it. */
  durable?: () => Promise<void>;
  /** pino level (`LOG_LEVEL`): `silent` (the default) turns request logs off. */
  logLevel?: string;
  /** Where JSON log lines go (stdout by default). */
  logStream?: Writable;
  /** `auth = keystone`: a valid token is required but on `/` and `/documentation` (http-auth.ts). */
  auth?: KeystoneAuthOptions | undefined;
}

export function buildConfigApi(opts: ConfigApiOptions): FastifyInstance {
  const { store } = opts;
  const kv = opts.kv ?? new UserAgentKv();
  const durable = opts.durable ?? (() => Promise.resolve());
  const level = opts.logLevel ?? 'silent';
  const app = Fastify({
    // Silent means no logger at all: a pino child logger per request costs even when it never writes.
    logger: level === 'silent' ? false : { level, ...(opts.logStream ? { stream: opts.logStream } : {}) },
    // A caller's X-Request-Id is kept (so a trace spans the UI server and this API), else a uuid.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: MAX_REQUEST_BYTES,
    keepAliveTimeout: 65_000,
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  if (opts.auth) registerKeystoneAuth(app, opts.auth);

  // Clients send JSON with or without a Content-Type (curl -d says form-urlencoded): read any
  // body as text and parse it ourselves so the error says what is wrong.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (error instanceof DependentsExist) return sendText(reply, 409, error.messageWithBase(baseUrl(req)));
    if (error instanceof MethodNotAllowed) reply.header('allow', error.allowed.join(','));
    if (error instanceof ConfigError) {
      const status = STATUS.find(([cls]) => error instanceof cls)?.[1] ?? 400;
      return sendText(reply, status, error.message);
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return sendText(reply, 413, `Request entity too large: the body exceeds ${MAX_REQUEST_BYTES} bytes`);
    if (error.statusCode && error.statusCode < 500) return sendText(reply, error.statusCode, error.message);
    // Anything else is our bug or a failed disk: log it with the request id, say nothing inside.
    req.log.error({ err: error }, 'request failed');
    return sendText(reply, 500, 'Internal Server Error');
  });
  app.setNotFoundHandler(async (req) => {
    throw routeError(req);
  });

  app.get('/', async (req, reply) => {
    const base = baseUrl(req);
    const link = (rel: string, uri: string, name: string, method: string | null) => ({
      link: { rel, href: `${base}${uri}`, name, method },
    });
    const links = [
      ...OBJECT_TYPES.map((type) => link('collection', `/${collectionName(type)}`, type, null)),
      ...OBJECT_TYPES.map((type) => link('resource-base', `/${type}`, type, null)),
      ...ACTIONS.map((a) => link('action', a.uri, a.name, a.method)),
    ];
    return sendJson(reply, { href: base, links });
  });

  app.register(actionRoutes({ store, kv, durable, listResponse }));

  app.get<{ Params: { collection: string }; Querystring: QueryParams }>(
    '/:collection',
    async (req, reply) => {
      const type = collectionType(req);
      return sendJsonText(reply, await listResponse(type, parseListRequest(req.query), baseUrl(req)));
    },
  );

  /**
   * The JSON text of `GET /<type>s` and `POST /list-bulk-collection` (`_list_collection`). The
   * objects are those of one query; they are rendered ENTRIES_PER_SLICE at a time with the event
   * loop free between slices (a list of 10k objects is a few MB: rendered at once it would hold
   * every other request of this process for tens of ms). The text is byte for byte toVncJson's of
   * the whole answer.
   */
  async function listResponse(type: ObjectType, list: ListRequest, base: string): Promise<string> {
    const key = collectionName(type);
    if (list.count) {
      // With paging, contrail-api's early count return carries no marker (AS:4159-4161).
      const count = list.page
        ? store.query(type, list.query, list.page).objects.length
        : store.listCount(type, list.query);
      return toVncJson({ [key]: { count } });
    }
    const result = store.query(type, list.query, list.page);
    const render = { baseUrl: list.excludeHrefs ? null : base, detail: list.detail, fields: list.fields };
    const slices: string[] = [];
    for (let at = 0; at < result.objects.length; at += ENTRIES_PER_SLICE) {
      if (at > 0) await yieldToLoop();
      const entries = result.objects
        .slice(at, at + ENTRIES_PER_SLICE)
        .map((obj) => renderListEntry(store, obj, render));
      slices.push(toVncJson(entries).slice(1, -1));
    }
    const marker = result.marker === undefined ? '' : `,"marker":${toVncJson(result.marker)}`;
    return `{${toVncJson(key)}:[${slices.join(',')}]${marker}}`;
  }

  app.post<{ Params: { collection: string } }>('/:collection', async (req, reply) => {
    const type = collectionType(req);
    const inner = unwrap(type, parseBody(req.body), 'POST');
    const obj = store.create(type, inner);
    await durable();
    const base = baseUrl(req);
    const created: Record<string, unknown> = {
      name: obj.fqName[obj.fqName.length - 1],
      fq_name: obj.fqName,
      uuid: obj.uuid,
      href: `${base}/${type}/${obj.uuid}`,
    };
    if (obj.parent) {
      created.parent_type = obj.parent.type;
      created.parent_uuid = obj.parent.uuid;
      created.parent_href = `${base}/${obj.parent.type}/${obj.parent.uuid}`;
    }
    reply.header('etag', store.etag(obj));
    return sendJson(reply, { [type]: created });
  });

  app.get<{ Params: { type: string; uuid: string }; Querystring: QueryParams }>(
    '/:type/:uuid',
    async (req, reply) => {
      const type = resourceType(req);
      const obj = store.read(type, req.params.uuid);
      const etag = store.etag(obj);
      reply.header('etag', etag);
      if (matchesEtag(req.headers['if-none-match'], etag)) return reply.code(304).send();
      const rendered = renderObject(store, obj, {
        baseUrl: isPresent(req.query, 'exclude_hrefs') ? null : baseUrl(req),
        fields: parseFields(req.query),
        excludeBackRefs: isPresent(req.query, 'exclude_back_refs'),
        excludeChildren: isPresent(req.query, 'exclude_children'),
      });
      return sendJson(reply, { [type]: rendered });
    },
  );

  app.put<{ Params: { type: string; uuid: string } }>('/:type/:uuid', async (req, reply) => {
    const type = resourceType(req);
    const inner = unwrap(type, parseBody(req.body), 'PUT');
    const obj = store.update(type, req.params.uuid, inner, req.headers['if-match']);
    await durable();
    reply.header('etag', store.etag(obj));
    return sendJson(reply, { [type]: { uuid: obj.uuid, href: `${baseUrl(req)}/${type}/${obj.uuid}` } });
  });

  app.delete<{ Params: { type: string; uuid: string } }>('/:type/:uuid', async (req, reply) => {
    const type = resourceType(req);
    store.delete(type, req.params.uuid, req.headers['if-match']);
    await durable();
    return reply.code(200).send();
  });

  return app;
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

/** `{"loadbalancer": {...}}` → the inner object; the key may be hyphenated or underscored. */
function unwrap(type: ObjectType, body: ObjectBody, method: 'POST' | 'PUT'): ObjectBody {
  const key = Object.hasOwn(body, type) ? type : type.replace(/-/g, '_');
  const inner = Object.hasOwn(body, key) ? body[key] : undefined;
  if (inner === undefined || inner === null) throw new Invalid(`Bad Request, no ${type} in ${method} body`);
  if (typeof inner !== 'object' || Array.isArray(inner))
    throw new Invalid(`Bad Request, ${type} in ${method} body must be an object`);
  return inner as ObjectBody;
}

function collectionType(req: FastifyRequest<{ Params: { collection: string } }>): ObjectType {
  const type = BY_COLLECTION.get(req.params.collection);
  if (!type) throw routeError(req);
  return type;
}

function resourceType(req: FastifyRequest<{ Params: { type: string } }>): ObjectType {
  const segment = req.params.type;
  if (!isObjectType(segment)) throw routeError(req);
  return segment;
}

/** bottle's router: 405 with Allow for a served path, else 404 `Not found: '<path>'`. */
function routeError(req: FastifyRequest): ConfigError {
  const rawPath = req.url.split('?')[0]!;
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    path = rawPath;
  }
  const allowed = allowedMethods(rawPath);
  if (allowed && !allowed.includes(req.method)) return new MethodNotAllowed(allowed);
  return new RouteNotFound(`Not found: ${pyRepr(path)}`);
}

function allowedMethods(path: string): string[] | undefined {
  if (path === '/') return ['GET'];
  const action = ACTION_METHODS.get(path);
  if (action) return [action];
  const segments = path.split('/').slice(1);
  if (segments.length === 1 && BY_COLLECTION.has(segments[0]!)) return ['GET', 'POST'];
  if (segments.length === 2 && isObjectType(segments[0]!) && segments[1]!.length > 0)
    return ['DELETE', 'GET', 'PUT'];
  return undefined;
}
