// The VNC API's HTTP surface (port 8082) over the config store: a thin adapter that parses
// requests, calls the store and renders responses and plain-text errors as contrail-api does.
// Every deliberate difference from contrail-api is listed in docs/config-api.md.

import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  OBJECT_TYPES,
  collectionName,
  isObjectType,
  parseTypeName,
  type ObjectType,
} from '@model/contrail/schema.ts';
import { ConfigError, Conflict, DependentsExist, Invalid, NotFound, PreconditionFailed } from './errors.ts';
import { isPresent, parseFields, parseListRequest, type QueryParams } from './list-query.ts';
import { pyPformat, pyRepr } from './python-format.ts';
import { renderListEntry, renderObject, toVncJson } from './render.ts';
import type { ConfigStore, ObjectBody, StoredObject } from './store.ts';

/** contrail-api's max_request_size (bottle MEMFILE_MAX): larger bodies get 413. */
export const MAX_REQUEST_BYTES = 1_024_000;

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
  [PreconditionFailed, 412],
];

const BY_COLLECTION = new Map<string, ObjectType>(OBJECT_TYPES.map((t) => [collectionName(t), t]));

/** The action links of `GET /` that this server implements, in contrail-api's order. */
const ACTIONS = [
  { uri: '/ref-update', name: 'ref-update' },
  { uri: '/fqname-to-id', name: 'name-to-id' },
  { uri: '/id-to-fqname', name: 'id-to-name' },
] as const;
const ACTION_PATHS = new Set<string>(ACTIONS.map((a) => a.uri));

export interface ConfigApiOptions {
  store: ConfigStore;
  logger?: boolean;
}

export function buildConfigApi({ store, logger = false }: ConfigApiOptions): FastifyInstance {
  const app = Fastify({ logger, bodyLimit: MAX_REQUEST_BYTES, keepAliveTimeout: 65_000 });

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
    reply.log.error(error);
    return sendText(reply, 500, 'Internal Server Error');
  });
  app.setNotFoundHandler((req, reply) => {
    const error = routeError(req);
    if (error instanceof MethodNotAllowed) reply.header('allow', error.allowed.join(','));
    return sendText(reply, error instanceof MethodNotAllowed ? 405 : 404, error.message);
  });

  app.get('/', async (req, reply) => {
    const base = baseUrl(req);
    const link = (rel: string, uri: string, name: string, method: string | null) => ({
      link: { rel, href: `${base}${uri}`, name, method },
    });
    const links = [
      ...OBJECT_TYPES.map((type) => link('collection', `/${collectionName(type)}`, type, null)),
      ...OBJECT_TYPES.map((type) => link('resource-base', `/${type}`, type, null)),
      ...ACTIONS.map((a) => link('action', a.uri, a.name, 'POST')),
    ];
    return sendJson(reply, { href: base, links });
  });

  app.post('/fqname-to-id', async (req, reply) => {
    const body = parseBody(req.body);
    const type = typeParam(body.type);
    const fqName = body.fq_name;
    if (!Array.isArray(fqName) || !fqName.every((p) => typeof p === 'string'))
      throw new Invalid('Bad Request, fq_name must be a list of strings');
    const uuid = store.uuidOf(type, fqName);
    if (!uuid) throw new NotFound(`Name ${pyPformat(fqName)} not found`);
    return sendJson(reply, { uuid });
  });

  app.post('/id-to-fqname', async (req, reply) => {
    const body = parseBody(req.body);
    if (typeof body.uuid !== 'string') throw new Invalid('Bad Request, uuid must be a string');
    const obj = store.get(body.uuid);
    if (!obj) throw new NotFound(`UUID ${body.uuid} not found`);
    return sendJson(reply, { fq_name: obj.fqName, type: obj.type });
  });

  app.post('/ref-update', async (req, reply) => {
    const body = parseBody(req.body);
    const type = typeParam(body.type);
    const { uuid, operation } = body;
    const refTypeName = body['ref-type'];
    if (uuid == null || refTypeName == null || operation == null) {
      const refShown = typeof refTypeName === 'string' ? refTypeName.replace(/_/g, '-') : shown(refTypeName);
      throw new Invalid(
        `Bad Request: type/uuid/ref-type/operation is null: ${type}, ${shown(uuid)}, ${refShown}, ${shown(operation)}.`,
      );
    }
    const refType = typeParam(refTypeName);
    const op = String(operation).toUpperCase();
    if (op !== 'ADD' && op !== 'DELETE')
      throw new Invalid(`Bad Request: operation should be add or delete: ${op}`);
    const refUuidGiven = body['ref-uuid'];
    const refFqName = body['ref-fq-name'];
    if (refUuidGiven == null && refFqName == null)
      throw new Invalid('Bad Request: ref-uuid or ref-fq-name must be specified');
    const objUuid = String(uuid);
    const obj = store.get(objUuid);
    if (!obj || obj.type !== type) throw new NotFound(`Unknown id: ${objUuid}`);
    let refUuid: string;
    if (refUuidGiven != null) {
      refUuid = String(refUuidGiven);
    } else {
      if (!Array.isArray(refFqName)) throw new Invalid('Bad Request: ref-fq-name must be a list of strings');
      const found = store.uuidOf(refType, refFqName as string[]);
      if (!found) throw new NotFound(`Name ${pyPformat(refFqName)} not found`);
      refUuid = found;
    }
    store.updateRef(type, objUuid, refType, refUuid, op, body.attr ?? null);
    return sendJson(reply, { uuid: objUuid });
  });

  app.get<{ Params: { collection: string }; Querystring: QueryParams }>(
    '/:collection',
    async (req, reply) => {
      const type = collectionType(req);
      const list = parseListRequest(req.query);
      const key = collectionName(type);
      if (list.count) {
        // With paging, contrail-api's early count return carries no marker (AS:4159-4161).
        const count = list.page
          ? store.query(type, list.query, list.page).objects.length
          : store.listCount(type, list.query);
        return sendJson(reply, { [key]: { count } });
      }
      const result = store.query(type, list.query, list.page);
      const opts = {
        baseUrl: list.excludeHrefs ? null : baseUrl(req),
        detail: list.detail,
        fields: list.fields,
      };
      const entries = result.objects.map((obj) => renderListEntry(store, obj, opts));
      return sendJson(
        reply,
        result.marker === undefined ? { [key]: entries } : { [key]: entries, marker: result.marker },
      );
    },
  );

  app.post<{ Params: { collection: string } }>('/:collection', async (req, reply) => {
    const type = collectionType(req);
    const inner = unwrap(type, parseBody(req.body), 'POST');
    const obj = store.create(type, inner);
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
    const obj: StoredObject = store.update(type, req.params.uuid, inner, req.headers['if-match']);
    reply.header('etag', store.etag(obj));
    return sendJson(reply, { [type]: { uuid: obj.uuid, href: `${baseUrl(req)}/${type}/${obj.uuid}` } });
  });

  app.delete<{ Params: { type: string; uuid: string } }>('/:type/:uuid', async (req, reply) => {
    const type = resourceType(req);
    store.delete(type, req.params.uuid, req.headers['if-match']);
    return reply.code(200).send();
  });

  return app;
}

/** hrefs are built from the Host the client used, as contrail-api does (AS:4258-4267). */
function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.headers.host ?? 'localhost:8082'}`;
}

/** Python's `'%s' % value` for the ref-update null message. */
function shown(value: unknown): string {
  return value == null ? 'None' : String(value);
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

/** contrail-api's exact `application/json` (no charset; the text is ASCII): sent as bytes so
 * fastify does not append one. */
function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.header('content-type', 'application/json').send(Buffer.from(toVncJson(value), 'latin1'));
}

/** Errors are the bare message text. contrail-api labels it text/html; we say text/plain so a
 * reflected id can never be read as markup (see docs/config-api.md). */
function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply
    .code(status)
    .header('x-content-type-options', 'nosniff')
    .type('text/plain; charset=utf-8')
    .send(text);
}

function parseBody(raw: unknown): ObjectBody {
  if (typeof raw !== 'string' || raw.trim().length === 0)
    throw new Invalid('Bad Request, empty body: a JSON object is required');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new Invalid(`Bad Request, invalid JSON in body: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Invalid('Bad Request, body must be a JSON object');
  return value as ObjectBody;
}

/** `{"loadbalancer": {...}}` → the inner object; the key may be hyphenated or underscored. */
function unwrap(type: ObjectType, body: ObjectBody, method: 'POST' | 'PUT'): ObjectBody {
  const inner = body[type] ?? body[type.replace(/-/g, '_')];
  if (inner === undefined || inner === null) throw new Invalid(`Bad Request, no ${type} in ${method} body`);
  if (typeof inner !== 'object' || Array.isArray(inner))
    throw new Invalid(`Bad Request, ${type} in ${method} body must be an object`);
  return inner as ObjectBody;
}

function typeParam(value: unknown): ObjectType {
  const type = typeof value === 'string' ? parseTypeName(value) : undefined;
  if (!type) throw new NotFound(`Resource type '${value == null ? 'None' : String(value)}' not found`);
  return type;
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
  if (ACTION_PATHS.has(path)) return ['POST'];
  const segments = path.split('/').slice(1);
  if (segments.length === 1 && BY_COLLECTION.has(segments[0]!)) return ['GET', 'POST'];
  if (segments.length === 2 && isObjectType(segments[0]!) && segments[1]!.length > 0)
    return ['DELETE', 'GET', 'PUT'];
  return undefined;
}
