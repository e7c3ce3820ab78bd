import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import { buildConfigApi } from '@server/config-api/http.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { buildUiServer, CONTENT_SECURITY_POLICY } from './app.ts';
import { forwardedRequestHeaders, forwardedResponseHeaders, upstreamPath } from './proxy.ts';

describe('upstreamPath', () => {
  it.each([
    ['/api/config/loadbalancers?detail=true', '/loadbalancers?detail=true'],
    ['/api/config', '/'],
    ['/api/config/', '/'],
    [
      '/api/config/loadbalancer/0b5f1c0e-3d6a-4e0e-9d7e-2f7c1d0a9b11',
      '/loadbalancer/0b5f1c0e-3d6a-4e0e-9d7e-2f7c1d0a9b11',
    ],
  ])('maps %s to %s', (url, path) => {
    expect(upstreamPath(url)).toBe(path);
  });

  it.each([
    '/api/config/../admin',
    '/api/config/%2e%2e/admin',
    '/api/config/loadbalancers/%2E%2E/%2e%2e/etc/passwd',
    '/api/config/a%2fb',
    '/api/config/a%5c..%5cb',
    '/api/config/a\\..\\b',
    '/api/config/x%00',
    '/api/configuration',
    '/api/config/%E0%A4%A',
  ])('refuses %s', (url) => {
    expect(upstreamPath(url)).toBeNull();
  });
});

describe('forwarded headers', () => {
  it('drops RFC 9110 hop-by-hop headers and every header Connection names', () => {
    const out = forwardedResponseHeaders({
      connection: 'keep-alive, Authorization, X-Secret',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      upgrade: 'h2c',
      te: 'trailers',
      authorization: 'Bearer abc',
      'x-secret': '1',
      accept: 'application/json',
    });
    expect(out).toEqual({ accept: 'application/json' });
  });

  it('drops browser credentials case-insensitively and adds the server-side token', () => {
    expect(forwardedRequestHeaders({ Cookie: 'a=b', 'X-Keep': '1' })).toEqual({ 'X-Keep': '1' });
    expect(forwardedRequestHeaders({ 'X-Auth-Token': 'browser' }, 'server')).toEqual({
      'x-auth-token': 'server',
    });
  });
});

/** An upstream that records what reached it and answers with a cookie and a hop-by-hop header. */
async function startEchoUpstream(): Promise<{
  app: FastifyInstance;
  url: string;
  seen: Record<string, unknown>[];
}> {
  const seen: Record<string, unknown>[] = [];
  const app = Fastify();
  app.all('/*', async (req, reply) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    if (req.url.startsWith('/hang')) return new Promise(() => undefined);
    reply.header('set-cookie', 'session=upstream-secret');
    reply.header('x-upstream', 'yes');
    reply.header('connection', 'x-upstream-hop');
    reply.header('x-upstream-hop', 'must-not-pass');
    return { path: req.url };
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, seen };
}

describe('config API proxy', () => {
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let ui: FastifyInstance;

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    ui = await buildUiServer({
      configApiUrl: upstream.url,
      configApiToken: 'server-side-token',
      upstreamTimeoutMs: 300,
    });
  });
  afterAll(async () => {
    await ui.close();
    await upstream.app.close();
  });

  it('forwards GETs to the configured upstream with the path and query', async () => {
    const res = await ui.inject({ method: 'GET', url: '/api/config/loadbalancers?detail=true' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ path: '/loadbalancers?detail=true' });
    expect(upstream.seen.at(-1)).toMatchObject({ method: 'GET', url: '/loadbalancers?detail=true' });
  });

  it('never forwards browser credentials and adds the server-side token', async () => {
    await ui.inject({
      method: 'GET',
      url: '/api/config/loadbalancers',
      headers: {
        cookie: 'sid=browser',
        authorization: 'Bearer browser',
        'x-auth-token': 'browser-token',
        connection: 'X-Custom-Hop',
        'x-custom-hop': 'drop-me',
        'proxy-authorization': 'Basic eA==',
        accept: 'application/json',
      },
    });
    const headers = upstream.seen.at(-1)!.headers as Record<string, string>;
    expect(headers.cookie).toBeUndefined();
    expect(headers.authorization).toBeUndefined();
    expect(headers['proxy-authorization']).toBeUndefined();
    expect(headers['x-custom-hop']).toBeUndefined();
    expect(headers['x-auth-token']).toBe('server-side-token');
    expect(headers.accept).toBe('application/json');
  });

  it('strips upstream cookies and hop-by-hop headers from the response, keeps the rest', async () => {
    const res = await ui.inject({ method: 'GET', url: '/api/config/loadbalancers' });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['x-upstream-hop']).toBeUndefined();
    expect(res.headers['x-upstream']).toBe('yes');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('is read-only: writes are refused without reaching the upstream', async () => {
    const before = upstream.seen.length;
    for (const [method, url] of [
      ['PUT', '/api/config/loadbalancer/x'],
      ['DELETE', '/api/config/loadbalancer/x'],
      ['POST', '/api/config/loadbalancers'],
      ['POST', '/api/config/ref-update'],
    ] as const) {
      const res = await ui.inject({ method, url, payload: '{}' });
      expect(res.statusCode).toBe(405);
      expect(res.json()).toMatchObject({ error: 'Method Not Allowed', status: 405 });
    }
    expect(upstream.seen.length).toBe(before);
  });

  it('forwards the read-only POST actions', async () => {
    const res = await ui.inject({
      method: 'POST',
      url: '/api/config/fqname-to-id',
      payload: { type: 'loadbalancer', fq_name: ['a'] },
    });
    expect(res.statusCode).toBe(200);
    expect(upstream.seen.at(-1)).toMatchObject({ method: 'POST', url: '/fqname-to-id' });
  });

  it('refuses paths that would leave the config API', async () => {
    const before = upstream.seen.length;
    for (const url of ['/api/config/%2e%2e/admin', '/api/config/loadbalancers/..%2f..%2fadmin']) {
      const res = await ui.inject({ method: 'GET', url });
      expect([400, 404]).toContain(res.statusCode);
      expect(res.json().error).toMatch(/Bad Request|Not Found/);
    }
    expect(upstream.seen.length).toBe(before);
  });

  it('answers 504 with a JSON error when the upstream does not answer in time', async () => {
    const res = await ui.inject({ method: 'GET', url: '/api/config/hang' });
    expect(res.statusCode).toBe(504);
    expect(res.json()).toMatchObject({ error: 'Gateway Timeout', status: 504 });
  });

  it('refuses request bodies over 1,024,000 bytes with 413', async () => {
    const res = await ui.inject({
      method: 'POST',
      url: '/api/config/fqname-to-id',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ pad: 'x'.repeat(1_100_000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'Payload Too Large', status: 413 });
  });
});

describe('UI server against a dead upstream', () => {
  it('answers 502 with a JSON error naming the upstream', async () => {
    const dead = Fastify();
    const url = await dead.listen({ host: '127.0.0.1', port: 0 });
    await dead.close();
    const ui = await buildUiServer({ configApiUrl: url });
    const res = await ui.inject({ method: 'GET', url: '/api/config/loadbalancers' });
    await ui.close();
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({ error: 'Bad Gateway', status: 502 });
    expect(res.json().detail).toContain(new URL(url).origin);
  });
});

describe('UI server with the embedded config API', () => {
  it('returns what the config API returns, byte for byte', async () => {
    const store = new ConfigStore();
    createDefaultObjects(store);
    const api = buildConfigApi({ store });
    const url = await api.listen({ host: '127.0.0.1', port: 0 });
    const ui = await buildUiServer({ configApiUrl: url });
    const host = new URL(url).host;
    const direct = await fetch(`${url}/projects?detail=true`).then((r) => r.text());
    const proxied = await ui.inject({
      method: 'GET',
      url: '/api/config/projects?detail=true',
      headers: { host },
    });
    await ui.close();
    await api.close();
    expect(proxied.statusCode).toBe(200);
    expect(proxied.body).toBe(direct);
    expect(proxied.json().projects[0].project.fq_name).toEqual(['default-domain', 'default-project']);
  });
});

describe('static SPA', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spa-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>spa</title>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');

  it('serves files, falls back to index.html for deep links and sends the strict headers', async () => {
    const ui = await buildUiServer({ configApiUrl: 'http://127.0.0.1:9', staticDir: dir });
    const asset = await ui.inject({ method: 'GET', url: '/app.js' });
    const deep = await ui.inject({
      method: 'GET',
      url: '/loadbalancers/0b5f1c0e-3d6a-4e0e-9d7e-2f7c1d0a9b11?view=json',
    });
    const api404 = await ui.inject({ method: 'GET', url: '/api/nope' });
    const traversal = await ui.inject({ method: 'GET', url: '/..%2f..%2fetc%2fpasswd' });
    await ui.close();
    expect(asset.body).toBe('console.log(1)');
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('<title>spa</title>');
    expect(deep.headers['content-security-policy']).toContain("script-src 'self'");
    expect(deep.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(deep.headers['x-content-type-options']).toBe('nosniff');
    expect(api404.statusCode).toBe(404);
    expect(api404.json()).toMatchObject({ error: 'Not Found' });
    expect(traversal.body).not.toContain('root:');
  });
});
