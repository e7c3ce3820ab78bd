// The read-only proxy from the browser to the configured Contrail config API: forwards only to
// that one upstream, strips hop-by-hop and client credential headers, injects the server-side
// token, and turns upstream failures into JSON 502/504s.

import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface ConfigProxyOptions {
  /** The upstream base URL, e.g. `http://127.0.0.1:8082` or a real contrail-api. */
  upstream: string;
  /** Keystone token sent as X-Auth-Token; never read from or shown to the browser. */
  token?: string | undefined;
  /** Upstream response headers deadline, in ms (504 past it). */
  timeoutMs?: number;
}

export const PROXY_PREFIX = '/api/config';

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
  const rest = url.slice(PROXY_PREFIX.length);
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

export function proxyError(reply: FastifyReply, status: number, error: string, detail: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error, detail, status });
}

export async function registerConfigProxy(app: FastifyInstance, opts: ConfigProxyOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
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
  const handler = (req: FastifyRequest, reply: FastifyReply) => {
    const path = upstreamPath(req.url);
    if (path === null) return proxyError(reply, 400, 'Bad Request', `path ${req.url} leaves the config API`);
    const bare = path.split('?')[0]!;
    if (req.method === 'POST' && !READ_ONLY_ACTIONS.has(bare))
      return proxyError(
        reply,
        405,
        'Method Not Allowed',
        `the explorer's proxy is read-only: POST ${bare} is refused`,
      );
    return reply.from(`${basePath}${path}`, {
      rewriteRequestHeaders: (_req, headers) =>
        forwardedRequestHeaders(headers as Headers, opts.token) as typeof headers,
      rewriteHeaders: (headers) => forwardedResponseHeaders(headers as Headers) as typeof headers,
      onError: (replyOnError, { error }) => {
        const code = (error as { code?: string }).code ?? '';
        const timedOut = /TIMEOUT/i.test(code) || /timeout/i.test(error.message);
        void (timedOut
          ? proxyError(
              replyOnError as FastifyReply,
              504,
              'Gateway Timeout',
              `config API ${upstream.origin} did not answer in ${timeoutMs} ms`,
            )
          : proxyError(
              replyOnError as FastifyReply,
              502,
              'Bad Gateway',
              `config API ${upstream.origin} is unreachable: ${code || error.message}`,
            ));
      },
    });
  };
  app.route({ method: ['GET', 'HEAD', 'POST'], url: PROXY_PREFIX, handler });
  app.route({ method: ['GET', 'HEAD', 'POST'], url: `${PROXY_PREFIX}/*`, handler });
  app.route({
    method: ['PUT', 'DELETE', 'PATCH'],
    url: `${PROXY_PREFIX}/*`,
    handler: (req, reply) =>
      proxyError(
        reply,
        405,
        'Method Not Allowed',
        `the explorer's proxy is read-only: ${req.method} is refused`,
      ),
  });
}
