// The read-only proxy from the browser to the configured Contrail config API: forwards only to
// that one upstream, strips hop-by-hop and client credential headers, injects the server-side
// token (a 401 renews it and the request is sent again, once), and throws upstream failures
// (502/504) to the one error handler.

import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX, configApi } from '@model/api/paths.ts';
import { InvalidRequest } from '../errors.ts';
import type { ConfigApiAuth } from './config-api-auth.ts';
import { upstreamFailure } from './config-api-client.ts';
import { HttpError, UpstreamError } from './errors.ts';
import type { UiInstruments } from './metrics.ts';

export interface ConfigProxyOptions {
  /** The upstream base URL, e.g. `http://127.0.0.1:8082` or a real contrail-api. */
  upstream: string;
  /** Where the X-Auth-Token comes from (a fixed token or a Keystone session); never the browser. */
  auth?: ConfigApiAuth | undefined;
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
  const auth = opts.auth;
  const failed = (error: UpstreamError) => {
    upstreamErrors.inc({ client: 'proxy', reason: error.reason });
    return error;
  };
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const path = upstreamPath(req.url);
    if (path === null) throw new InvalidRequest(`path ${req.url} leaves the config API`);
    const bare = path.split('?')[0]!;
    if (req.method === 'POST' && !READ_ONLY_ACTIONS.has(bare))
      throw new HttpError(405, `the explorer's proxy is read-only: POST ${bare} is refused`);
    const tokenNow = async () => {
      try {
        return await auth!.token();
      } catch (err) {
        throw err instanceof UpstreamError ? failed(err) : err;
      }
    };
    let token = auth ? await tokenNow() : undefined;
    let retried = false;
    const forward = () => {
      const started = performance.now();
      let copied: string[] = [];
      return reply.from(`${basePath}${path}`, {
        rewriteRequestHeaders: (_req, headers) =>
          forwardedRequestHeaders(headers as Headers, token) as typeof headers,
        rewriteHeaders: (headers) => {
          const out = forwardedResponseHeaders(headers as Headers);
          copied = Object.keys(out);
          return out as typeof headers;
        },
        onResponse: (_request, replyOnResponse, res) => {
          upstreamSeconds.observe((performance.now() - started) / 1000, { client: 'proxy' });
          if (res.statusCode === 401 && auth && token !== undefined && !retried && auth.rejected(token)) {
            // The token was refused (revoked, or expired early): renew it and ask once more, with
            // none of the refusal's headers left on the reply.
            retried = true;
            res.stream.resume();
            for (const name of copied) replyOnResponse.removeHeader(name);
            tokenNow().then(
              (renewed) => {
                token = renewed;
                forward();
              },
              (err: Error) => void replyOnResponse.send(err),
            );
            return;
          }
          void replyOnResponse.send(res.stream);
        },
        onError: (replyOnError, { error }) => {
          void replyOnError.send(failed(upstreamFailure(error, upstream.origin, timeoutMs)));
        },
      });
    };
    return forward();
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
