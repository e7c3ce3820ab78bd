// The read-only proxy from the browser to the configured Contrail config API: forwards only to
// that one upstream, strips hop-by-hop and client credential headers, injects the server-side
// token, and throws upstream failures (502/504) to the one error handler.

import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX, configApi } from '@model/api/paths.ts';
import { InvalidRequest } from '../errors.ts';
import { upstreamFailure } from './config-api-client.ts';
import { HttpError, sendError } from './errors.ts';
import type { UiInstruments } from './metrics.ts';

export interface ConfigProxyOptions {
  /** The upstream base URL, e.g. `http://127.0.0.1:8082` or a real contrail-api. */
  upstream: string;
  /** Keystone token sent as X-Auth-Token; never read from or shown to the browser. */
  token?: string | undefined;
  /** Upstream response headers deadline, in ms (504 past it). */
  timeoutMs: number;
  instruments: Pick<UiInstruments, 'upstreamSeconds' | 'upstreamErrors'>;
}

/** RFC 9110 §7.6.1 hop-by-hop headers; every header a Connection header names is dropped too. */
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];
/** Browser credentials that must never reach the upstream. */
const CLIENT_CREDENTIALS = ['cookie', 'authorization', 'x-auth-token'];
/** Upstream headers the browser must not see. */
const UPSTREAM_PRIVATE = ['set-cookie', 'www-authenticate'];
/** Read-only actions of the VNC API that a browser may POST through the proxy. */
const READ_ONLY_ACTIONS = new Set(['/fqname-to-id', '/id-to-fqname']);

type Headers = Record<string, string | string[] | undefined>;

const REQUEST_DROP: ReadonlySet<string> = new Set([...HOP_BY_HOP, ...CLIENT_CREDENTIALS, 'host']);
const RESPONSE_DROP: ReadonlySet<string> = new Set([...HOP_BY_HOP, ...UPSTREAM_PRIVATE]);

/** What reaches the upstream: no hop-by-hop headers, no browser credentials, the server's token. */
export function forwardedRequestHeaders(headers: Headers, token?: string): Headers {
  const out = dropHeaders(headers, REQUEST_DROP);
  if (token) out['x-auth-token'] = token;
  return out;
}

/** What reaches the browser: no hop-by-hop headers, no upstream cookies or auth challenges. */
export function forwardedResponseHeaders(headers: Headers): Headers {
  return dropHeaders(headers, RESPONSE_DROP);
}

/** Copies `headers` without the names in `drop` (lower case) nor any name Connection lists. */
function dropHeaders(headers: Headers, drop: ReadonlySet<string>): Headers {
  const listed = [headers.connection ?? []]
    .flat()
    .flatMap((value) => value.split(','))
    .map((name) => name.trim().toLowerCase());
  const out: Headers = {};
  for (const name in headers) {
    const lower = name.toLowerCase();
    if (!drop.has(lower) && !listed.includes(lower)) out[name] = headers[name];
  }
  return out;
}

/** The upstream path for a proxied URL, or null when it would escape the config API's root. */
export function upstreamPath(url: string): string | null {
  const rest = url.slice(API_PREFIX.config.length);
  const [path = '', query] = splitOnce(rest, '?');
  if (path !== '' && !path.startsWith('/')) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (/[\\\0]/.test(decoded) || decoded.split('/').some((seg) => seg === '..' || seg === '.')) return null;
  if (/%2e|%2f|%5c/i.test(path)) return null;
  const safePath = path === '' ? '/' : path;
  return query === undefined ? safePath : `${safePath}?${query}`;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
}

/**
 * The error body written directly, for route files that have not moved to throwing yet (their tests
 * mount them without the UI server's error handler).
 * @deprecated Throw a domain error (server/errors.ts) or an HttpError; the error handler answers.
 */
export function proxyError(
  reply: FastifyReply,
  status: number,
  _error: string,
  detail: string,
): FastifyReply {
  return sendError(reply.request, reply, { status, detail, internal: false });
}

export async function registerConfigProxy(app: FastifyInstance, opts: ConfigProxyOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs;
  const upstream = new URL(opts.upstream);
  await app.register(replyFrom, {
    base: upstream.origin,
    undici: {
      connections: 64,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    },
  });

  const basePath = upstream.pathname.replace(/\/$/, '');
  const { upstreamSeconds, upstreamErrors } = opts.instruments;
  const handler = (req: FastifyRequest, reply: FastifyReply) => {
    const path = upstreamPath(req.url);
    if (path === null) throw new InvalidRequest(`path ${req.url} leaves the config API`);
    const bare = path.split('?')[0]!;
    if (req.method === 'POST' && !READ_ONLY_ACTIONS.has(bare))
      throw new HttpError(405, `the explorer's proxy is read-only: POST ${bare} is refused`);
    const started = performance.now();
    return reply.from(`${basePath}${path}`, {
      rewriteRequestHeaders: (_req, headers) =>
        forwardedRequestHeaders(headers as Headers, opts.token) as typeof headers,
      rewriteHeaders: (headers) => forwardedResponseHeaders(headers as Headers) as typeof headers,
      onResponse: (_request, replyOnResponse, res) => {
        upstreamSeconds.observe((performance.now() - started) / 1000, { client: 'proxy' });
        void replyOnResponse.send(res.stream);
      },
      onError: (replyOnError, { error }) => {
        const failure = upstreamFailure(error, upstream.origin, timeoutMs);
        upstreamErrors.inc({ client: 'proxy', reason: failure.reason });
        void replyOnError.send(failure);
      },
    });
  };
  app.route({ method: ['GET', 'HEAD', 'POST'], url: configApi.root.pattern.slice(0, -1), handler });
  app.route({ method: ['GET', 'HEAD', 'POST'], url: `${API_PREFIX.config}/*`, handler });
  app.route({
    method: ['PUT', 'DELETE', 'PATCH'],
    url: `${API_PREFIX.config}/*`,
    handler: (req) => {
      throw new HttpError(405, `the explorer's proxy is read-only: ${req.method} is refused`);
    },
  });
}
