// The VNC API's action routes (api_server.py `_ACTION_RESOURCES`): fqname-to-id, id-to-fqname,
// ref-update, list-bulk-collection, prop-collection-update/get, chown, chmod and useragent-kv,
// with contrail-api's request fields, answers and error texts. A fastify plugin of thin
// handlers; the work is in the store and its rules.

import type { FastifyPluginAsync } from 'fastify';
import type { ObjectType } from '@model/contrail/schema.ts';
import { parseBody } from './body.ts';
import { Invalid, NotFound } from './errors.ts';
import { baseUrl, sendEmpty, sendJson, sendJsonText, shown, typeParam } from './http-reply.ts';
import { parseBulkListRequest, type ListRequest, type QueryParams, param } from './list-query.ts';
import { readCollections } from './prop-collection.ts';
import { pyPformat, pyRepr } from './python-format.ts';
import type { ConfigStore } from './store.ts';
import type { UserAgentKv } from './useragent-kv.ts';
import { isPermsUuid } from './write-rules.ts';

/**
 * The actions we serve, in the order of contrail-api's `_ACTION_RESOURCES`, with its link names
 * (the `GET /` links advertise exactly these).
 */
export const ACTIONS = [
  { uri: '/prop-collection-get', name: 'prop-collection-get', method: 'GET' },
  { uri: '/prop-collection-update', name: 'prop-collection-update', method: 'POST' },
  { uri: '/ref-update', name: 'ref-update', method: 'POST' },
  { uri: '/fqname-to-id', name: 'name-to-id', method: 'POST' },
  { uri: '/id-to-fqname', name: 'id-to-name', method: 'POST' },
  { uri: '/useragent-kv', name: 'useragent-keyvalue', method: 'POST' },
  { uri: '/list-bulk-collection', name: 'list-bulk-collection', method: 'POST' },
  { uri: '/chown', name: 'chown', method: 'POST' },
  { uri: '/chmod', name: 'chmod', method: 'POST' },
] as const;

export interface ActionDeps {
  store: ConfigStore;
  kv: UserAgentKv;
  durable: () => Promise<void>;
  /** The list answer's JSON text. */
  listResponse: (type: ObjectType, list: ListRequest, base: string) => Promise<string>;
}

export function actionRoutes({ store, kv, durable, listResponse }: ActionDeps): FastifyPluginAsync {
  return async (app) => {
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

    // ref_update_http_post (AS:3102-3205).
    app.post('/ref-update', async (req, reply) => {
      const body = parseBody(req.body);
      const type = typeParam(body.type);
      const { uuid, operation } = body;
      const refTypeName = body['ref-type'];
      if (uuid == null || refTypeName == null || operation == null) {
        const refShown =
          typeof refTypeName === 'string' ? refTypeName.replace(/_/g, '-') : shown(refTypeName);
        throw new Invalid(
          `Bad Request: type/uuid/ref-type/operation is null: ${type}, ${shown(uuid)}, ${refShown}, ${shown(operation)}.`,
        );
      }
      const refType = typeParam(refTypeName);
      // `operation.upper()`: only text is an operation (a list would crash contrail-api with 500).
      const op = typeof operation === 'string' ? operation.toUpperCase() : pyRepr(operation);
      if (op !== 'ADD' && op !== 'DELETE')
        throw new Invalid(`Bad Request: operation should be add or delete: ${op}`);
      const refUuidGiven = body['ref-uuid'];
      const refFqName = body['ref-fq-name'];
      if (refUuidGiven == null && refFqName == null)
        throw new Invalid('Bad Request: ref-uuid or ref-fq-name must be specified');
      if (typeof uuid !== 'string') throw new NotFound(`Unknown id: ${shown(uuid)}`);
      const obj = store.get(uuid);
      if (!obj || obj.type !== type) throw new NotFound(`Unknown id: ${uuid}`);
      let refUuid: string;
      if (refUuidGiven != null) {
        if (typeof refUuidGiven !== 'string') throw new NotFound(`Unknown id: ${shown(refUuidGiven)}`);
        refUuid = refUuidGiven;
      } else {
        if (!Array.isArray(refFqName) || !refFqName.every((p) => typeof p === 'string'))
          throw new Invalid('Bad Request: ref-fq-name must be a list of strings');
        const found = store.uuidOf(refType, refFqName);
        if (!found) throw new NotFound(`Name ${pyPformat(refFqName)} not found`);
        refUuid = found;
      }
      store.updateRef(type, uuid, refType, refUuid, op, body.attr ?? null);
      await durable();
      return sendJson(reply, { uuid });
    });

    // list_bulk_collection_http_post (AS:3373-3418): vnc_api switches to it past 25 ids.
    app.post('/list-bulk-collection', async (req, reply) => {
      const body = parseBody(req.body);
      const type = typeParam(body.type);
      return sendJsonText(reply, await listResponse(type, parseBulkListRequest(body), baseUrl(req)));
    });

    // prop_collection_http_post (AS:2997-3099).
    app.post('/prop-collection-update', async (req, reply) => {
      const body = parseBody(req.body);
      const uuid = body.uuid;
      if (!uuid) throw new Invalid('Error: prop_collection_update needs obj_uuid');
      if (typeof uuid !== 'string' || !store.get(uuid))
        throw new NotFound(`Object Not Found: ${shown(uuid)}`);
      store.updateCollections(uuid, body.updates);
      await durable();
      return sendEmpty(reply);
    });

    // prop_collection_http_get (AS:2926-2995): `?uuid=&fields=a,b[&position=]`.
    app.get<{ Querystring: QueryParams }>('/prop-collection-get', async (req, reply) => {
      const uuid = param(req.query, 'uuid');
      if (uuid === undefined) throw new Invalid('Object uuid needed for property collection get');
      const fields = param(req.query, 'fields');
      if (fields === undefined) throw new Invalid('Object fields needed for property collection get');
      const obj = store.get(uuid);
      if (!obj) throw new NotFound(`Object Not Found: ${uuid}`);
      return sendJson(reply, readCollections(obj, fields.split(','), param(req.query, 'position')));
    });

    // obj_chown_http_post (AS:2793-2836).
    app.post('/chown', async (req, reply) => {
      const body = parseBody(req.body);
      const { uuid, owner } = body;
      if (uuid == null) throw new Invalid('Bad Request, no resource UUID provided to chown');
      if (owner == null) throw new Invalid('Bad Request, no owner UUID provided to chown');
      if (!isPermsUuid(uuid)) throw new Invalid('Bad Request, invalid resource UUID');
      if (!isPermsUuid(owner)) throw new Invalid('Bad Request, invalid owner UUID');
      if (!store.get(uuid)) throw new NotFound(`Unknown id: ${uuid}`);
      store.chown(uuid, owner);
      await durable();
      return sendJson(reply, {});
    });

    // obj_chmod_http_post (AS:2847-2924).
    app.post('/chmod', async (req, reply) => {
      const body = parseBody(req.body);
      if (body.uuid === undefined) throw new Invalid("'uuid'");
      if (!isPermsUuid(body.uuid)) throw new Invalid('Bad Request, invalid object id');
      if (!store.get(body.uuid)) throw new NotFound(`Unknown id: ${body.uuid}`);
      store.chmod(body.uuid, body);
      await durable();
      return sendJson(reply, {});
    });

    // useragent_kv_http_post (AS:3302-3334).
    app.post('/useragent-kv', async (req, reply) => {
      const body = parseBody(req.body);
      const oper = body.operation;
      if (oper == null) throw new Invalid("Error: Key/value store API needs 'operation' parameter");
      if (!Object.hasOwn(body, 'key')) throw new Invalid("Error: Key/value store API needs 'key' parameter");
      const key = body.key;
      if (oper === 'STORE') {
        if (typeof key !== 'string' || key === '')
          throw new Invalid('Bad Request, key must be a non-empty string');
        kv.store(key, body.value ?? '');
        await durable();
        return sendEmpty(reply);
      }
      if (oper === 'RETRIEVE') {
        // No key: every pair; a list of keys: the values found; one key: its value.
        if (key === null || key === '' || key === undefined)
          return sendJson(reply, {
            value: [...kv.entries()]
              .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
              .map(([k, value]) => ({ key: k, value })),
          });
        if (Array.isArray(key))
          return sendJson(reply, {
            value: key.flatMap((k) => (typeof k === 'string' && kv.has(k) ? [kv.get(k)] : [])),
          });
        if (typeof key !== 'string' || !kv.has(key))
          throw new NotFound(`Unknown User-Agent key ${shown(key)}`);
        return sendJson(reply, { value: kv.get(key) });
      }
      if (oper === 'DELETE') {
        if (typeof key !== 'string' || !kv.has(key))
          throw new NotFound(`Unknown User-Agent key ${shown(key)}`);
        kv.delete(key);
        await durable();
        return sendEmpty(reply);
      }
      throw new NotFound(`Invalid Operation ${shown(oper)}`);
    });
  };
}
