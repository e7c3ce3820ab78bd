// The UI server's operability: one error path (status, body, log line with the request id), JSON
// body limits, request ids, structured logs, health, readiness and Prometheus metrics.

import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { explorerApi, serverApi } from '@model/api/paths.ts';
import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import { buildConfigApi } from '@server/config-api/http.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { Conflict, InvalidRequest, NotFound } from '@server/errors.ts';
import { startSimulation } from '@server/simulation.ts';
import { freePort } from '@server/testing/server-process.ts';
import { buildUiServer, type UiServerOptions } from './app.ts';
import { answerFor, HttpError, UpstreamError } from './errors.ts';
import { DEFAULT_JSON_LIMITS, jsonLimitProblem } from './json-body.ts';
import { PrometheusMetrics } from './metrics.ts';

type LogLine = Record<string, unknown> & { msg: string; level: number };

/** A UI server whose JSON log lines are collected in `lines`. */
async function logged(opts: Partial<UiServerOptions> = {}) {
  const lines: LogLine[] = [];
  const app = await buildUiServer({
    configApiUrl: `http://127.0.0.1:${await freePort()}`,
    logLevel: 'info',
    logStream: { write: (line) => lines.push(JSON.parse(line) as LogLine) },
    ...opts,
  });
  return { app, lines };
}

/** Test routes that fail in each way a route can. */
const failing: FastifyPluginAsync = async (app) => {
  app.get('/invalid', async () => {
    throw new InvalidRequest('body.port: must be an integer from 1 to 65535 (got 0)');
  });
  app.get('/missing', async () => {
    throw new NotFound('no vRouter on node k8s-node9');
  });
  app.get('/conflict', async () => {
    throw new Conflict('Deployment ns/web is being deleted');
  });
  app.get('/bug', async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'secret internal detail')");
  });
  app.post('/echo', async (req) => ({ body: req.body }));
  app.post('/manifest', { config: { jsonLimits: { maxBytes: 200_000 } } }, async (req) => ({
    keys: Object.keys(req.body as object).length,
  }));
};

describe('one error path', () => {
  let app: FastifyInstance;
  let lines: LogLine[];
  beforeAll(async () => {
    ({ app, lines } = await logged({ plugins: [{ prefix: '/test', plugin: failing }] }));
  });
  afterAll(() => app.close());

  it.each([
    ['/test/invalid', 400, 'Bad Request', 'body.port: must be an integer from 1 to 65535 (got 0)'],
    ['/test/missing', 404, 'Not Found', 'no vRouter on node k8s-node9'],
    ['/test/conflict', 409, 'Conflict', 'Deployment ns/web is being deleted'],
    ['/api/nothing-here', 404, 'Not Found', 'no route for GET /api/nothing-here'],
  ])(
    '%s answers %i with the body the SPA reads and logs it under the request id',
    async (url, status, error, detail) => {
      const res = await app.inject(url);
      expect(res.statusCode).toBe(status);
      const requestId = res.headers['x-request-id'];
      expect(res.json()).toEqual({ error, detail, status, requestId });
      expect(lines.find((l) => l.reqId === requestId && l.msg === 'request refused')).toMatchObject({
        status,
        detail,
      });
    },
  );

  it('answers an internal error generically and logs its stack with the request id', async () => {
    const res = await app.inject({ url: '/test/bug', headers: { 'x-request-id': 'trace-42' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: 'Internal Server Error',
      detail: 'internal error; the server log has the details under request id trace-42',
      status: 500,
      requestId: 'trace-42',
    });
    expect(res.body).not.toContain('secret internal detail');
    const line = lines.find((l) => l.reqId === 'trace-42' && l.msg === 'internal error')!;
    expect(line.level).toBe(50);
    expect((line.err as { stack: string }).stack).toContain('secret internal detail');
  });

  it('logs one access line per request with the route pattern, status and duration', async () => {
    const uuid = '99fe8ce7-9e75-11e9-b485-0050569e6cfc';
    const res = await app.inject(explorerApi.members.path({ uuid }));
    const access = lines.filter((l) => l.reqId === res.headers['x-request-id'] && l.msg === 'request');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      method: 'GET',
      url: `/api/explorer/pools/${uuid}/members`,
      route: explorerApi.members.pattern,
      status: 502,
    });
    expect(typeof access[0]!.ms).toBe('number');
  });

  it('keeps a well-formed client request id and replaces any other', async () => {
    expect(
      (await app.inject({ url: serverApi.healthz.path(), headers: { 'x-request-id': 'abc-1.2' } })).headers[
        'x-request-id'
      ],
    ).toBe('abc-1.2');
    const odd = await app.inject({
      url: serverApi.healthz.path(),
      headers: { 'x-request-id': 'a b\n{"x":1}' },
    });
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('maps each error type in one place', () => {
    expect(answerFor(new InvalidRequest('x'), 10)).toEqual({ status: 400, detail: 'x', internal: false });
    expect(answerFor(new HttpError(405, 'read-only'), 10)).toEqual({
      status: 405,
      detail: 'read-only',
      internal: false,
    });
    expect(answerFor(new UpstreamError(504, 'late', 'timeout'), 10)).toMatchObject({
      status: 504,
      internal: false,
    });
    expect(
      answerFor(Object.assign(new Error('big'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }), 10),
    ).toEqual({
      status: 413,
      detail: 'request body exceeds 10 bytes',
      internal: false,
    });
    expect(answerFor(Object.assign(new Error('boom'), { statusCode: 503 }), 10)).toMatchObject({
      status: 500,
      internal: true,
    });
    expect(answerFor('not even an Error', 10)).toMatchObject({ status: 500, internal: true });
  });
});

describe('JSON body limits', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await logged({ plugins: [{ prefix: '/test', plugin: failing }] }));
  });
  afterAll(() => app.close());

  const post = (url: string, payload: string) =>
    app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });

  it('takes a body within the limits', async () => {
    const res = await post('/test/echo', '{"a":[{"b":"]]]}}}"}]}');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ body: { a: [{ b: ']]]}}}' }] } });
  });

  it('refuses nesting past the limit before parsing, naming the limit', async () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const res = await post('/test/echo', deep);
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toBe('the JSON body nests deeper than 32 levels');
    const atLimit = `${'['.repeat(32)}${']'.repeat(32)}`;
    expect((await post('/test/echo', atLimit)).statusCode).toBe(200);
  });

  it('refuses a body over the route limit with 400, and over the transport limit with 413', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(70_000) });
    const res = await post('/test/echo', big);
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toBe(
      `the JSON body is ${big.length} bytes; this route takes at most 65536 bytes`,
    );
    // A route may raise its limit (a manifest).
    expect((await post('/test/manifest', big)).statusCode).toBe(200);
    const huge = await post('/test/manifest', JSON.stringify({ pad: 'x'.repeat(1_100_000) }));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().detail).toBe('request body exceeds 1024000 bytes');
  });

  it('refuses text that is not JSON, and prototype poisoning', async () => {
    const bad = await post('/test/echo', '{"a":');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/^the body is not valid JSON: Unexpected end of JSON input/);
    const poisoned = await post('/test/echo', '{"__proto__":{"isAdmin":true}}');
    expect(poisoned.statusCode).toBe(400);
    expect(poisoned.json().detail).toBe(
      'the JSON body has a "__proto__" or "constructor.prototype" key, which is refused',
    );
    const empty = await post('/test/echo', '');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().detail).toBe('the body is empty but its content-type is application/json');
  });

  it('counts depth outside strings only, and bytes as UTF-8', () => {
    const limits = { maxBytes: 8, maxDepth: 2 };
    expect(jsonLimitProblem('[["[[[\\"["]]', { ...limits, maxBytes: 100 })).toBeNull();
    expect(jsonLimitProblem('[[[1]]]', { ...limits, maxBytes: 100 })).toBe(
      'the JSON body nests deeper than 2 levels',
    );
    expect(jsonLimitProblem('"ééééé"', limits)).toBe(
      'the JSON body is 12 bytes; this route takes at most 8 bytes',
    );
    expect(DEFAULT_JSON_LIMITS).toEqual({ maxBytes: 65_536, maxDepth: 32 });
  });
});

describe('logging is off by default and with LOG_LEVEL=silent', () => {
  it('writes nothing', async () => {
    const lines: string[] = [];
    const app = await buildUiServer({
      configApiUrl: `http://127.0.0.1:${await freePort()}`,
      logLevel: 'silent',
      logStream: { write: (line) => lines.push(line) },
    });
    await app.inject('/api/nothing');
    await app.close();
    expect(lines).toEqual([]);
  });
});

describe('health, readiness and metrics', () => {
  let store: ConfigStore;
  let configApi: FastifyInstance;
  let configApiUrl: string;
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    store = new ConfigStore();
    createDefaultObjects(store);
    configApi = buildConfigApi({ store });
    configApiUrl = await configApi.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(() => configApi.close());

  it('/healthz answers while the process is up, whatever the upstream', async () => {
    app = await buildUiServer({ configApiUrl: `http://127.0.0.1:${await freePort()}` });
    const res = await app.inject(serverApi.healthz.path());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz checks the config API and every embedded part', async () => {
    let simulationReady = true;
    app = await buildUiServer({ configApiUrl, readiness: { simulation: () => simulationReady } });
    const ready = await app.inject(serverApi.readyz.path());
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { configApi: 'ok', simulation: 'ok' } });
    simulationReady = false;
    const notReady = await app.inject(serverApi.readyz.path());
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({
      status: 'not ready',
      checks: { configApi: 'ok', simulation: 'not ready' },
    });
  });

  it('/readyz names an unreachable config API', async () => {
    const port = await freePort();
    app = await buildUiServer({ configApiUrl: `http://127.0.0.1:${port}` });
    const res = await app.inject(serverApi.readyz.path());
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.configApi).toBe(
      `config API http://127.0.0.1:${port} is unreachable: ECONNREFUSED`,
    );
  });

  it('/metrics counts requests per route pattern, upstream calls and errors, SSE clients, the event loop', async () => {
    app = await buildUiServer({ configApiUrl });
    const uuid = '99fe8ce7-9e75-11e9-b485-0050569e6cfc';
    await app.inject(explorerApi.listeners.path({ uuid }));
    await app.inject(explorerApi.listeners.path({ uuid: '00000000-0000-4000-8000-000000000001' }));
    await app.inject('/api/config/projects');
    const res = await app.inject(serverApi.metrics.path());
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    // The route pattern, never the raw URL: both uuids count in one series.
    expect(text).toContain(
      'ui_http_requests_total{method="GET",route="/api/explorer/loadbalancers/:uuid/listeners",status_code="200"} 2',
    );
    expect(text).not.toContain(uuid);
    expect(text).toContain(
      'ui_http_request_duration_seconds_count{method="GET",route="/api/explorer/loadbalancers/:uuid/listeners"} 2',
    );
    expect(text).toMatch(/ui_upstream_request_duration_seconds_count\{client="explorer"\} [1-9]/);
    expect(text).toMatch(/ui_upstream_request_duration_seconds_count\{client="proxy"\} 1/);
    expect(text).toContain('ui_sse_clients 0');
    expect(text).toMatch(/nodejs_eventloop_lag_p99_seconds \d/);
  });

  it('/metrics counts upstream errors by reason', async () => {
    app = await buildUiServer({ configApiUrl: `http://127.0.0.1:${await freePort()}` });
    await app.inject(explorerApi.loadBalancers.path());
    await app.inject('/api/config/projects');
    const text = (await app.inject(serverApi.metrics.path())).body;
    expect(text).toMatch(/ui_upstream_errors_total\{client="explorer",reason="unreachable"\} [1-9]/);
    expect(text).toContain('ui_upstream_errors_total{client="proxy",reason="unreachable"} 1');
  });

  it('serves what other layers register through the metrics interface (the store object counts)', async () => {
    const metrics = new PrometheusMetrics();
    const simulation = await startSimulation({ metrics });
    try {
      app = await buildUiServer({ configApiUrl, metrics });
      const text = (await app.inject(serverApi.metrics.path())).body;
      const count = simulation.store.count('loadbalancer');
      expect(count).toBeGreaterThan(0);
      expect(text).toContain(`config_store_objects{type="loadbalancer"} ${count}`);
    } finally {
      simulation.stop();
    }
  });
});
