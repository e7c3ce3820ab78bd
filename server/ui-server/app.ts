// The UI server the browser talks to (port 8080): the built SPA with history fallback, the config
// API proxy, the explorer tree, the cluster routes over a Kubernetes API, the dataplane views (every
// compute's agent introspect) and the consistency check, the embedded simulation's routes, and the
// operator's endpoints (health, readiness, metrics). The only place that knows
// whether the config API is the embedded one or a real Contrail cluster, and the only holder of the
// credentials to it. One error handler, one JSON parser, one access log line per request.

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { ServerInfo, ServerInfoSource } from '@model/api/info.ts';
import { API_PREFIX, API_ROOT, serverApi } from '@model/api/paths.ts';
import { systemClock, type Clock } from '../clock.ts';
import { NotFound } from '../errors.ts';
import {
  FixedToken,
  KeystoneSession,
  type ConfigApiAuth,
  type KeystoneCredentials,
} from './config-api-auth.ts';
import { ConfigApiClient } from './config-api-client.ts';
import { buildDataplaneViews, type DataplaneSources } from './dataplane-views/views.ts';
import { DEFAULT_UPSTREAM_TIMEOUT_MS, type LogLevel } from './environment.ts';
import { registerErrorHandler } from './errors.ts';
import { EventStreams } from './event-streams.ts';
import { registerJsonParser } from './json-body.ts';
import { PrometheusMetrics, uiInstruments } from './metrics.ts';
import { KubernetesClient, type KubernetesTarget } from './kubernetes-client.ts';
import type { KubeManagerControl } from './ports.ts';
import { registerConfigProxy } from './proxy.ts';
import { clusterRoutes } from './routes/cluster.ts';
import { explorerRoutes, type ExplorerOptions } from './routes/explorer.ts';
import { operationsRoutes, type ReadinessCheck } from './routes/operations.ts';

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

/** A request id a client may choose (echoed back and logged); anything else gets a fresh uuid. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Readiness checks of the config API get at most this long, whatever the upstream timeout. */
const READINESS_TIMEOUT_MS = 5_000;

export interface UiServerOptions {
  configApiUrl: string;
  /** CONFIG_API_TOKEN: a fixed token for the config API. */
  configApiToken?: string | undefined;
  /** OS_AUTH_URL and the other OS_* variables: a Keystone v3 session for the config API (wins over the token). */
  keystone?: (KeystoneCredentials & { ca?: Buffer | undefined }) | undefined;
  /** Time for the Keystone session (token expiry); the system clock when omitted. */
  clock?: Clock;
  /** The Kubernetes API /api/cluster reads (the embedded one, or KUBECONFIG's); not served without. */
  kubernetes?: KubernetesTarget | undefined;
  /** The embedded kube-manager's pause switch (PUT /api/cluster/kube-manager). */
  kubeManager?: KubeManagerControl | undefined;
  /** Deadline for each config API answer, through the proxy and the explorer (UPSTREAM_TIMEOUT_MS). */
  upstreamTimeoutMs?: number | undefined;
  /** The built SPA (vite build output); omitted in API-only tests. */
  staticDir?: string | undefined;
  /** Route plugins of the embedded simulation, each with its URL prefix. */
  plugins?: readonly { prefix: string; plugin: FastifyPluginAsync }[];
  /** What GET /api/info adds to the config API's address: the mode and scenario. */
  info?: ServerInfoSource;
  /** Tuning of the /api/explorer tree routes (always registered; they read the same upstream). */
  explorer?: ExplorerOptions;
  /** pino's level (LOG_LEVEL); `silent`, the default, logs nothing. */
  logLevel?: LogLevel | undefined;
  /** Where JSON log lines go; stdout when omitted. */
  logStream?: { write(line: string): void };
  /** The registry /metrics serves; the composition root shares it with the other layers. */
  metrics?: PrometheusMetrics;
  /** What else must be ready for GET /readyz to say so (the embedded simulation), by name. */
  readiness?: Readonly<Record<string, ReadinessCheck>>;
  /**
   * Where /api/dataplane and /api/consistency read each compute's agent introspect, beyond the
   * config API's virtual-routers (the simulation's listeners, VROUTER_INTROSPECT, introspect SSL),
   * and the simulation's packet path when embedded.
   */
  dataplane?: DataplaneSources;
}

export async function buildUiServer(opts: UiServerOptions): Promise<FastifyInstance> {
  const level = opts.logLevel ?? 'silent';
  const app = Fastify({
    logger:
      level === 'silent'
        ? false
        : { level, name: 'ui-server', ...(opts.logStream ? { stream: opts.logStream } : {}) },
    // One access line per request from the onResponse hook below, instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: UI_BODY_LIMIT,
    keepAliveTimeout: 65_000,
  });
  const timeoutMs = opts.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
  const metrics = opts.metrics ?? new PrometheusMetrics();
  const instruments = uiInstruments(metrics);
  const streams = new EventStreams();
  metrics.gauge({ name: 'ui_sse_clients', help: 'Open /api/events streams.' }, () => streams.size);

  registerErrorHandler(app);
  registerJsonParser(app);
  // Other bodies pass through to the upstream untouched, whatever their type.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    // The route pattern, never the raw URL: one series per route, whatever the uuids.
    const route = req.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    instruments.requests.inc({ method: req.method, route, status_code: String(status) });
    instruments.requestSeconds.observe(reply.elapsedTime / 1000, { method: req.method, route });
    req.log.info(
      { method: req.method, url: req.url, route, status, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'request',
    );
  });

  app.decorate('eventStreams', streams);
  // Before the listener stops: open streams would otherwise hold close() until every tab goes away.
  app.addHook('preClose', async () => streams.closeAll());

  // One source of the config API's token for the proxy and every client, so one renewal serves all.
  const keystone = opts.keystone
    ? new KeystoneSession({ ...opts.keystone, clock: opts.clock ?? systemClock, timeoutMs })
    : undefined;
  const auth: ConfigApiAuth | undefined =
    keystone ?? (opts.configApiToken ? new FixedToken(opts.configApiToken) : undefined);
  const explorerClient = new ConfigApiClient({
    url: opts.configApiUrl,
    auth,
    timeoutMs,
    client: 'explorer',
    instruments,
  });
  const readinessClient = new ConfigApiClient({
    url: opts.configApiUrl,
    auth,
    timeoutMs: Math.min(timeoutMs, READINESS_TIMEOUT_MS),
    client: 'readiness',
    instruments,
  });
  const kubernetes = opts.kubernetes
    ? new KubernetesClient({ ...opts.kubernetes, timeoutMs, instruments })
    : undefined;
  const dataplaneClient = new ConfigApiClient({
    url: opts.configApiUrl,
    auth,
    timeoutMs,
    client: 'dataplane',
    instruments,
  });
  // The consistency check reads Endpoints through the same Kubernetes API client (read-only).
  const dataplane = buildDataplaneViews(dataplaneClient, opts.dataplane ?? {}, kubernetes);
  app.addHook('onClose', async () => {
    await Promise.all([
      explorerClient.close(),
      readinessClient.close(),
      dataplaneClient.close(),
      dataplane.close(),
      keystone?.close(),
      kubernetes?.close(),
    ]);
  });

  await registerConfigProxy(app, {
    upstream: opts.configApiUrl,
    auth,
    timeoutMs,
    instruments,
  });

  const info: ServerInfo = {
    mode: 'external',
    ...opts.info,
    ...(kubernetes ? { kubernetes: kubernetes.description } : {}),
    configApi: auth ? { url: opts.configApiUrl, auth: auth.description } : { url: opts.configApiUrl },
    capabilities: {
      simulate: opts.dataplane?.packets !== undefined,
      scale: kubernetes?.canWrite ?? false,
      readiness: kubernetes?.canSetReadiness ?? false,
      pauseKubeManager: opts.kubeManager !== undefined,
    },
  };
  app.get(serverApi.info.pattern, async () => info);

  await app.register(explorerRoutes(explorerClient, opts.explorer));
  await app.register(dataplane.dataplane, { prefix: API_PREFIX.dataplane });
  await app.register(dataplane.consistency, { prefix: API_PREFIX.consistency });
  await app.register(
    operationsRoutes({ configApi: readinessClient, metrics, readiness: opts.readiness ?? {} }),
  );
  if (kubernetes)
    await app.register(clusterRoutes({ kubernetes, kubeManager: opts.kubeManager }), {
      prefix: API_PREFIX.cluster,
    });
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
      !path.startsWith(`${API_ROOT}/`) &&
      !path.includes('..')
    )
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    throw new NotFound(`no route for ${req.method} ${path}`);
  });
  return app;
}
