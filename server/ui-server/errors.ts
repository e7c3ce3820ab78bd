// The UI server's one error path (:8080). Routes and plugins throw — domain errors from
// server/errors.ts, HttpError for what only HTTP knows (a refused method, an upstream failure),
// fastify's own 4xx — and this handler maps each to a status, the JSON body the SPA reads
// (model/api/errors.ts) and one log line with the request id. Internal errors get a generic body.

import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiErrorBody } from '@model/api/errors.ts';
import { Conflict, InvalidRequest, NotFound } from '../errors.ts';

/** An answer only HTTP has a word for: a method the proxy refuses, a path that leaves it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** An upstream (the config API, Keystone, a Kubernetes API) failed (502), did not answer in time (504), or refused with a 4xx we pass on. */
export class UpstreamError extends HttpError {
  constructor(
    status: number,
    message: string,
    /** For metrics: why the call failed (`auth`: Keystone refused the server's credentials). */
    readonly reason: 'unreachable' | 'timeout' | 'status' | 'body' | 'auth',
  ) {
    super(status, message);
  }
}

export interface ErrorAnswer {
  status: number;
  detail: string;
  /** A bug or an unexpected failure: logged with its stack, answered generically. */
  internal: boolean;
}

/** What `error` becomes on the wire. Pure, so each mapping is tested without a server. */
export function answerFor(error: unknown, bodyLimit: number): ErrorAnswer {
  if (error instanceof InvalidRequest) return { status: 400, detail: error.message, internal: false };
  if (error instanceof NotFound) return { status: 404, detail: error.message, internal: false };
  if (error instanceof Conflict) return { status: 409, detail: error.message, internal: false };
  if (error instanceof HttpError) return { status: error.status, detail: error.message, internal: false };
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // fastify's own refusals: the body limit, a media type.
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return { status, detail: `request body exceeds ${bodyLimit} bytes`, internal: false };
    return { status, detail: fastifyError.message ?? reasonPhrase(status), internal: false };
  }
  return { status: 500, detail: 'internal error', internal: true };
}

export function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/** The JSON error answer; every error the UI server sends goes through here. */
export function sendError(request: FastifyRequest, reply: FastifyReply, answer: ErrorAnswer): FastifyReply {
  const body: ApiErrorBody = {
    error: reasonPhrase(answer.status),
    detail: answer.internal
      ? `internal error; the server log has the details under request id ${request.id}`
      : answer.detail,
    status: answer.status,
    requestId: String(request.id),
  };
  return reply.code(answer.status).type('application/json; charset=utf-8').send(body);
}

/** Installs the one error handler on the UI server's root instance. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const answer = answerFor(error, request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 0);
    if (answer.internal) request.log.error({ err: error }, 'internal error');
    else if (answer.status >= 500)
      request.log.warn({ status: answer.status, detail: answer.detail }, 'upstream failure');
    else request.log.info({ status: answer.status, detail: answer.detail }, 'request refused');
    return sendError(request, reply, answer);
  });
}
