// The VNC API's HTTP surface (port 8082) over the config store: a thin adapter that parses
// requests, calls the store and renders responses and plain-text errors as contrail-api does.

import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { OBJECT_TYPES, collectionName, parseTypeName, type ObjectType } from '@model/contrail/schema.ts';
import { ConfigError, Conflict, Invalid, NotFound, PreconditionFailed } from './errors.ts';
import { paginate, parseListRequest, flag, type QueryParams } from './list-query.ts';
import { renderObject, toVncJson } from './render.ts';
import { pyRepr, type ConfigStore, type ObjectBody } from './store.ts';

/** contrail-api's max_request_size (bottle MEMFILE_MAX). */
export const MAX_REQUEST_BYTES = 1_024_000;

const STATUS: ReadonlyArray<[new (...args: never[]) => ConfigError, number]> = [
  [NotFound, 404],
  [Conflict, 409],
  [Invalid, 400],
  [PreconditionFailed, 412],
];

const BY_COLLECTION = new Map<string, ObjectType>(OBJECT_TYPES.map((t) => [collectionName(t), t]));

const ACTIONS = [
  { uri: '/fqname-to-id', name: 'name-to-id', method: 'POST' },
  { uri: '/id-to-fqname', name: 'id-to-name', method: 'POST' },
  { uri: '/ref-update', name: 'ref-update', method: 'POST' },
] as const;

export interface ConfigApiOptions {
  store: ConfigStore;
  logger?: boolean;
}

export function buildConfigApi({ store, logger = false }: ConfigApiOptions): FastifyInstance {
  const app = Fastify({ logger, bodyLimit: MAX_REQUEST_BYTES, keepAliveTimeout: 65_000 });

  // Clients send JSON with or without a Content-Type (curl -d sends form-urlencoded): read any
  // body as text and parse it ourselves so the error says what is wrong.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (error instanceof ConfigError) {
      const status = STATUS.find(([cls]) => error instanceof cls)?.[1] ?? 400;
      return sendText(reply, status, error.message);
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return sendText(reply, 413, `Request entity too large: the body exceeds ${MAX_REQUEST_BYTES} bytes`);
    if (error.statusCode && error.statusCode < 500) return sendText(reply, error.statusCode, error.message);
    reply.log.error(error);
    return sendText(reply, 500, `Internal Server Error: ${error.message}`);
  });
  app.setNotFoundHandler((req, reply) =>
    sendText(reply, 404, `Not Found: ${req.method} ${req.url.split('?')[0]}`),
  );

  app.get('/', async (req, reply) => {
    const base = baseUrl(req);
    const links = [
      ...OBJECT_TYPES.flatMap((type) => [
        { link: { rel: 'collection', href: `${base}/${collectionName(type)}`, name: type, method: null } },
        { link: { rel: 'resource-base', href: `${base}/${type}`, name: type, method: null } },
      ]),
      ...ACTIONS.map((a) => ({
        link: { rel: 'action', href: `${base}${a.uri}`, name: a.name, method: a.method },
      })),
    ];
    return sendJson(reply, { href: base, links });
  });

  app.post('/fqname-to-id', async (req, reply) => {
    const body = parseBody(req.body);
    const type = typeParam(body.type);
    if (!Array.isArray(body.fq_name)) throw new Invalid('fq_name must be a list of strings');
    const uuid = store.uuidOf(type, body.fq_name as string[]);
    if (!uuid) throw new NotFound(`Name ${pyRepr(body.fq_name)} not found`);
    return sendJson(reply, { uuid });
  });

  app.post('/id-to-fqname', async (req, reply) => {
    const body = parseBody(req.body);
    const uuid = String(body.uuid);
    const obj = store.get(uuid);
    if (!obj) throw new NotFound(`UUID ${uuid} not found`);
    return sendJson(reply, { fq_name: obj.fqName, type: obj.type });
  });

  app.post('/ref-update', async (req, reply) => {
    const body = parseBody(req.body);
    const type = typeParam(body.type);
    const refType = typeParam(body['ref-type']);
    const operation = body.operation;
    if (operation !== 'ADD' && operation !== 'DELETE')
      throw new Invalid(`Bad Request, operation must be ADD or DELETE, not ${String(operation)}`);
    if (typeof body.uuid !== 'string') throw new Invalid('Bad Request, no uuid in ref-update body');
    let refUuid = body['ref-uuid'];
    if (typeof refUuid !== 'string') {
      if (!Array.isArray(body['ref-fq-name']))
        throw new Invalid('Bad Request, ref-uuid or ref-fq-name required');
      refUuid = store.uuidOf(refType, body['ref-fq-name'] as string[]);
      if (typeof refUuid !== 'string') throw new NotFound(`Name ${pyRepr(body['ref-fq-name'])} not found`);
    }
    const obj = store.get(body.uuid);
    if (!obj) throw new NotFound(`Unknown id: ${body.uuid}`);
    if (obj.type !== type) throw new NotFound(`No ${type} object found for id ${body.uuid}`);
    store.updateRef(type, body.uuid, refType, refUuid, operation, body.attr ?? null);
    return sendJson(reply, { uuid: body.uuid });
  });

  app.get<{ Params: { collection: string }; Querystring: QueryParams }>(
    '/:collection',
    async (req, reply) => {
      const type = collectionType(req.params.collection);
      const list = parseListRequest(req.query);
      const objects = store.list(type, list.query);
      const key = collectionName(type);
      if (list.count) return sendJson(reply, { [key]: { count: objects.length } });
      const base = list.excludeHrefs ? null : baseUrl(req);
      const { page, marker } =
        list.pageLimit === undefined
          ? { page: objects, marker: undefined }
          : paginate(objects, list.anchored, list.pageLimit, list.pageMarker);
      const entries = page.map((obj) => {
        if (list.detail)
          return {
            [type]: renderObject(store, obj, {
              baseUrl: base,
              detail: true,
              ...(list.fields ? { fields: list.fields } : {}),
            }),
          };
        const entry: Record<string, unknown> = base === null ? {} : { href: `${base}/${type}/${obj.uuid}` };
        entry.fq_name = obj.fqName;
        entry.uuid = obj.uuid;
        if (list.fields) {
          const rendered = renderObject(store, obj, { baseUrl: base, fields: list.fields });
          for (const field of list.fields) if (field in rendered) entry[field] = rendered[field];
        }
        return entry;
      });
      return sendJson(reply, marker === undefined ? { [key]: entries } : { [key]: entries, marker });
    },
  );

  app.post<{ Params: { collection: string } }>('/:collection', async (req, reply) => {
    const type = collectionType(req.params.collection);
    const inner = unwrap(type, parseBody(req.body));
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
      const type = resourceType(req.params.type);
      const obj = store.read(type, req.params.uuid);
      const etag = store.etag(obj);
      reply.header('etag', etag);
      const inm = req.headers['if-none-match'];
      if (inm !== undefined && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
        return reply.code(304).send();
      }
      const fields =
        req.query.fields === undefined ? undefined : String(req.query.fields).split(',').filter(Boolean);
      const rendered = renderObject(store, obj, {
        baseUrl: flag(req.query, 'exclude_hrefs') ? null : baseUrl(req),
        ...(fields ? { fields: new Set(fields) } : {}),
        excludeBackRefs: flag(req.query, 'exclude_back_refs'),
        excludeChildren: flag(req.query, 'exclude_children'),
      });
      return sendJson(reply, { [type]: rendered });
    },
  );

  app.put<{ Params: { type: string; uuid: string } }>('/:type/:uuid', async (req, reply) => {
    const type = resourceType(req.params.type);
    store.read(type, req.params.uuid);
    const inner = unwrap(type, parseBody(req.body));
    const obj = store.update(type, req.params.uuid, inner, req.headers['if-match']);
    reply.header('etag', store.etag(obj));
    return sendJson(reply, { [type]: { uuid: obj.uuid, href: `${baseUrl(req)}/${type}/${obj.uuid}` } });
  });

  app.delete<{ Params: { type: string; uuid: string } }>('/:type/:uuid', async (req, reply) => {
    const type = resourceType(req.params.type);
    store.delete(type, req.params.uuid, req.headers['if-match']);
    return reply.code(200).type('text/html; charset=UTF-8').send('');
  });

  return app;
}

/** hrefs are built from the Host the client used, as contrail-api does. */
function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.headers.host ?? 'localhost:8082'}`;
}

function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.type('application/json; charset=UTF-8').send(toVncJson(value));
}

function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).type('text/html; charset=UTF-8').send(text);
}

function parseBody(raw: unknown): ObjectBody {
  if (typeof raw !== 'string' || raw.trim().length === 0)
    throw new Invalid('Bad Request, empty body: a JSON object is required');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new Invalid(`Bad Request, body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Invalid('Bad Request, body must be a JSON object');
  return value as ObjectBody;
}

/** `{"loadbalancer": {...}}` → the inner object; the key may be hyphenated or underscored. */
function unwrap(type: ObjectType, body: ObjectBody): ObjectBody {
  const inner = body[type] ?? body[type.replace(/-/g, '_')];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner))
    throw new Invalid(`Bad Request, body must be {"${type}": {...}}`);
  return inner as ObjectBody;
}

function typeParam(value: unknown): ObjectType {
  const type = typeof value === 'string' ? parseTypeName(value) : undefined;
  if (!type) throw new NotFound(`Resource type '${String(value)}' not found`);
  return type;
}

function collectionType(segment: string): ObjectType {
  const type = BY_COLLECTION.get(segment);
  if (!type) throw new NotFound(`Resource type '${segment.replace(/s$/, '')}' not found`);
  return type;
}

function resourceType(segment: string): ObjectType {
  const type = parseTypeName(segment);
  if (!type || segment.includes('_')) throw new NotFound(`Resource type '${segment}' not found`);
  return type;
}
