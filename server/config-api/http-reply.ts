// What every route of the VNC API's HTTP adapter shares: contrail-api's JSON and plain-text
// answers, the base URL of hrefs, and request-field helpers that throw domain errors (never
// reply themselves). Only the http*.ts adapter files use it.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseTypeName, type ObjectType } from '@model/contrail/schema.ts';
import { NotFound } from './errors.ts';
import { toVncJson } from './render.ts';

/** hrefs are built from the Host the client used, as contrail-api does (AS:4258-4267). */
export function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.headers.host ?? 'localhost:8082'}`;
}

/** contrail-api's exact `application/json` (no charset; the text is ASCII): sent as bytes so
 * fastify does not append one. */
export function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return sendJsonText(reply, toVncJson(value));
}

/** JSON text already in contrail-api's form (`toVncJson`), sent as sendJson sends it. */
export function sendJsonText(reply: FastifyReply, text: string): FastifyReply {
  return reply.header('content-type', 'application/json').send(Buffer.from(text, 'latin1'));
}

/** A handler that returns nothing: bottle answers 200 with an empty body. */
export function sendEmpty(reply: FastifyReply): FastifyReply {
  return reply.code(200).send();
}

/** Errors are the bare message text. contrail-api labels it text/html; we say text/plain so a
 * reflected id can never be read as markup (see docs/config-api.md). */
export function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply
    .code(status)
    .header('x-content-type-options', 'nosniff')
    .type('text/plain; charset=utf-8')
    .send(text);
}

/** `_validate_resource_type`: a type name (hyphens or underscores), else 404. */
export function typeParam(value: unknown): ObjectType {
  const type = typeof value === 'string' ? parseTypeName(value) : undefined;
  if (!type) throw new NotFound(`Resource type '${value == null ? 'None' : String(value)}' not found`);
  return type;
}

/** Python's `'%s' % value` for texts that echo request fields. */
export function shown(value: unknown): string {
  return value == null ? 'None' : String(value);
}
