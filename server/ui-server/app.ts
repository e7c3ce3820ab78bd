// The UI server the browser talks to (port 8080): the built SPA with history fallback, the
// config API proxy, and the embedded simulation's routes. The only place that knows whether the
// config API is the embedded one or a real Contrail cluster.

import { existsSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { proxyError, registerConfigProxy } from './proxy.ts';
import { explorerRoutes, type ExplorerOptions } from './routes/explorer.ts';

/** The same 1,024,000-byte limit contrail-api applies. */
export const UI_BODY_LIMIT = 1_024_000;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface UiServerOptions {
  configApiUrl: string;
  configApiToken?: string | undefined;
  proxyTimeoutMs?: number;
  /** The built SPA (vite build output); omitted in API-only tests. */
  staticDir?: string | undefined;
  /** Route plugins of the embedded simulation, each with its URL prefix. */
  plugins?: readonly { prefix: string; plugin: FastifyPluginAsync }[];
  /** What GET /api/info tells the SPA about where its data comes from. */
  info?: Record<string, unknown>;
  /** Tuning of the /api/explorer tree routes (always registered; they read the same upstream). */
  explorer?: Pick<ExplorerOptions, 'defaultPageLimit'>;
  logger?: boolean;
}

export async function buildUiServer(opts: UiServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: opts.logger ?? false, bodyLimit: UI_BODY_LIMIT, keepAliveTimeout: 65_000 });

  // Bodies pass through to the upstream untouched, whatever their type.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    return payload;
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _req, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) reply.log.error(error);
    const detail =
      error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `request body exceeds ${UI_BODY_LIMIT} bytes`
        : error.message;
    return proxyError(reply, status, status === 413 ? 'Payload Too Large' : httpReason(status), detail);
  });

  await registerConfigProxy(app, {
    upstream: opts.configApiUrl,
    token: opts.configApiToken,
    ...(opts.proxyTimeoutMs ? { timeoutMs: opts.proxyTimeoutMs } : {}),
  });

  app.get('/api/info', async () => ({
    configApi: opts.configApiToken
      ? { url: opts.configApiUrl, auth: 'keystone token (server side)' }
      : { url: opts.configApiUrl },
    ...opts.info,
  }));

  await app.register(
    explorerRoutes({
      upstream: opts.configApiUrl,
      token: opts.configApiToken,
      ...(opts.proxyTimeoutMs ? { timeoutMs: opts.proxyTimeoutMs } : {}),
      ...opts.explorer,
    }),
    { prefix: '/api/explorer' },
  );
  for (const { prefix, plugin } of opts.plugins ?? []) await app.register(plugin, { prefix });

  const staticDir = opts.staticDir;
  const hasSpa = staticDir !== undefined && existsSync(`${staticDir}/index.html`);
  if (hasSpa) {
    // Files are looked up per request, so a rebuilt SPA is served without a restart.
    await app.register(fastifyStatic, { root: staticDir, wildcard: true, index: ['index.html'] });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    if (
      hasSpa &&
      (req.method === 'GET' || req.method === 'HEAD') &&
      !path.startsWith('/api/') &&
      !path.includes('..')
    )
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    return proxyError(reply, 404, 'Not Found', `no route for ${req.method} ${path}`);
  });
  return app;
}

function httpReason(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}
