// The UI server's Keystone session against the embedded Keystone and a config API that requires
// its tokens: one token fetched and shared, renewed before it expires (time from a ManualClock),
// renewed and retried once — never twice — when the config API answers 401, a wrong password said
// plainly, and the token and the password never in an answer to the browser or a log line.

import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { createDefaultObjects } from '../config-api/bootstrap.ts';
import { buildConfigApi } from '../config-api/http.ts';
import { ConfigStore } from '../config-api/store.ts';
import { sequentialIds } from '../ids.ts';
import { buildKeystone } from '../keystone/http.ts';
import { buildUiServer } from './app.ts';
import { KeystoneSession, keystoneV3Url, MIN_TOKEN_LIFE_MS } from './config-api-auth.ts';
import { UpstreamError } from './errors.ts';

const PASSWORD = 'very-secret-password';
const HOUR = 3_600_000;

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of open.splice(0).reverse()) await app.close();
});

/** A Keystone and a config API that validates against it, both listening, with what each saw. */
async function deployment(clock = new ManualClock()) {
  const ks = buildKeystone({ clock, adminPassword: PASSWORD, tokenLifetimeMs: HOUR });
  let issued = 0;
  ks.app.addHook('onResponse', async (req) => {
    if (req.method === 'POST') issued++;
  });
  const keystoneUrl = await ks.app.listen({ host: '127.0.0.1', port: 0 });
  const store = new ConfigStore(clock, sequentialIds());
  createDefaultObjects(store);
  const api = buildConfigApi({ store, auth: { validate: ks.isValid, wwwAuthenticateUri: keystoneUrl } });
  const seen: { url: string; token: string | undefined; status: number }[] = [];
  api.addHook('onResponse', async (req, reply) => {
    seen.push({
      url: req.url,
      token: req.headers['x-auth-token'] as string | undefined,
      status: reply.statusCode,
    });
  });
  const apiUrl = await api.listen({ host: '127.0.0.1', port: 0 });
  open.push(ks.app, api);
  const revoke = async (token: string) => {
    const res = await ks.app.inject({
      method: 'DELETE',
      url: '/v3/auth/tokens',
      headers: { 'x-auth-token': token, 'x-subject-token': token },
    });
    expect(res.statusCode).toBe(204);
  };
  return { clock, keystoneUrl, apiUrl, seen, issued: () => issued, revoke };
}

const credentials = (keystoneUrl: string, password = PASSWORD) => ({
  authUrl: keystoneUrl,
  username: 'admin',
  password,
  projectName: 'admin',
  userDomainName: 'Default',
  projectDomainName: 'Default',
});

async function uiServer(
  d: Awaited<ReturnType<typeof deployment>>,
  opts: { password?: string; configApiUrl?: string; lines?: string[] } = {},
): Promise<FastifyInstance> {
  const app = await buildUiServer({
    configApiUrl: opts.configApiUrl ?? d.apiUrl,
    keystone: credentials(d.keystoneUrl, opts.password),
    clock: d.clock,
    ...(opts.lines
      ? { logLevel: 'trace', logStream: { write: (line: string) => void opts.lines!.push(line) } }
      : {}),
  });
  open.push(app);
  return app;
}

describe('KeystoneSession', () => {
  it('fetches one project-scoped token for any number of callers and keeps it', async () => {
    const d = await deployment();
    const session = new KeystoneSession({ ...credentials(d.keystoneUrl), clock: d.clock, timeoutMs: 5000 });
    open.push(session);
    const tokens = await Promise.all(Array.from({ length: 5 }, () => session.token()));
    expect(new Set(tokens).size).toBe(1);
    expect(await session.token()).toBe(tokens[0]);
    expect(d.issued()).toBe(1);
    expect(session.description).toBe(
      `keystone v3 token (user admin, project admin, ${d.keystoneUrl}/v3), server side`,
    );
  });

  it('renews the token MIN_TOKEN_LIFE_MS before it expires, not earlier', async () => {
    const d = await deployment();
    const session = new KeystoneSession({ ...credentials(d.keystoneUrl), clock: d.clock, timeoutMs: 5000 });
    open.push(session);
    const first = await session.token();
    d.clock.advance(HOUR - MIN_TOKEN_LIFE_MS - 1);
    expect(await session.token()).toBe(first);
    d.clock.advance(1);
    const second = await session.token();
    expect(second).not.toBe(first);
    expect(d.issued()).toBe(2);
  });

  it('says plainly that Keystone refused the credentials, without the password', async () => {
    const d = await deployment();
    const session = new KeystoneSession({
      ...credentials(d.keystoneUrl, 'wrong'),
      clock: d.clock,
      timeoutMs: 5000,
    });
    open.push(session);
    const error = await session.token().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBe(502);
    expect((error as UpstreamError).message).toBe(
      `keystone ${d.keystoneUrl}/v3 refused the credentials of user "admin" (domain Default) on project "admin" (domain Default): The request you have made requires authentication. (check OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME and the domains)`,
    );
  });

  it('takes OS_AUTH_URL with or without /v3, and refuses v2.0', () => {
    expect(keystoneV3Url('http://ks:5000')).toBe('http://ks:5000/v3');
    expect(keystoneV3Url('http://ks:5000/v3/')).toBe('http://ks:5000/v3');
    expect(keystoneV3Url('https://cloud/identity/v3')).toBe('https://cloud/identity/v3');
    expect(() => keystoneV3Url('http://ks:5000/v2.0')).toThrow(
      'OS_AUTH_URL=http://ks:5000/v2.0 is a Keystone v2.0 endpoint; the explorer speaks Keystone v3',
    );
  });
});

describe('the UI server against a config API with keystone auth', () => {
  it('reads the explorer and the proxy with a token it got itself', async () => {
    const d = await deployment();
    const app = await uiServer(d);
    expect((await app.inject('/api/explorer/loadbalancers')).statusCode).toBe(200);
    expect((await app.inject('/api/config/projects')).statusCode).toBe(200);
    expect(d.issued()).toBe(1);
    expect(new Set(d.seen.map((s) => s.token)).size).toBe(1);
    expect(d.seen.every((s) => s.status === 200 && s.token !== undefined)).toBe(true);
    const info = (await app.inject('/api/info')).json();
    expect(info.configApi.auth).toBe(
      `keystone v3 token (user admin, project admin, ${d.keystoneUrl}/v3), server side`,
    );
  });

  it('renews a token the config API refuses and retries once, in the explorer and in the proxy', async () => {
    const d = await deployment();
    const app = await uiServer(d);
    for (const url of ['/api/explorer/loadbalancers', '/api/config/projects']) {
      await app.inject(url);
      const refused = d.seen.at(-1)!.token!;
      await d.revoke(refused);
      d.seen.length = 0;
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(200);
      // Each upstream request (the explorer makes several at once) was refused once, then served
      // with the one renewed token.
      const refusedUrls = d.seen.filter((s) => s.token === refused).map((s) => `${s.status} ${s.url}`);
      const servedUrls = d.seen.filter((s) => s.token !== refused).map((s) => `${s.status} ${s.url}`);
      expect(refusedUrls.length, url).toBeGreaterThan(0);
      expect(refusedUrls.map((u) => u.replace(/^401/, '200')).sort(), url).toEqual(servedUrls.sort());
      expect(new Set(d.seen.filter((s) => s.token !== refused).map((s) => s.token)).size).toBe(1);
    }
    expect(d.issued()).toBe(3);
  });

  it('does not retry twice: a second 401 is answered, after one renewal', async () => {
    const d = await deployment();
    const denying = Fastify();
    const calls: string[] = [];
    denying.all('/*', async (req, reply) => {
      calls.push(req.url);
      return reply
        .code(401)
        .header('www-authenticate', 'Keystone uri="x"')
        .send({ error: { code: 401 } });
    });
    const upstream = await denying.listen({ host: '127.0.0.1', port: 0 });
    open.push(denying);
    const app = await uiServer(d, { configApiUrl: upstream });
    const proxied = await app.inject('/api/config/projects');
    expect(proxied.statusCode).toBe(401);
    expect(proxied.headers['www-authenticate']).toBeUndefined();
    expect(calls).toEqual(['/projects', '/projects']);
    expect(d.issued()).toBe(2);
    calls.length = 0;
    const explorer = await app.inject('/api/explorer/loadbalancers');
    expect(explorer.statusCode).toBe(401);
    // Every upstream request the explorer made was sent exactly twice.
    const counts = new Map<string, number>();
    for (const url of calls) counts.set(url, (counts.get(url) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 2)).toBe(true);
    expect(d.issued()).toBe(3);
  });

  it('answers 502 saying Keystone refused the credentials when the password is wrong', async () => {
    const d = await deployment();
    const app = await uiServer(d, { password: 'wrong' });
    for (const url of ['/api/explorer/loadbalancers', '/api/config/projects']) {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(502);
      expect(res.json().detail).toMatch(
        /^keystone http:\/\/127\.0\.0\.1:\d+\/v3 refused the credentials of user "admin"/,
      );
    }
    expect(d.seen).toEqual([]);
  });

  it('never lets a token or the password reach the browser or a log line', async () => {
    const d = await deployment();
    const lines: string[] = [];
    const app = await uiServer(d, { lines });
    const answers: string[] = [];
    const record = async (url: string) => {
      const res = await app.inject(url);
      answers.push(JSON.stringify(res.headers), res.body);
    };
    await record('/api/explorer/loadbalancers');
    await record('/api/config/projects');
    await d.revoke(d.seen.at(-1)!.token!);
    await record('/api/config/projects');
    await record('/api/explorer/loadbalancers');
    await record('/api/info');
    await record('/readyz');
    const wrong = await uiServer(d, { password: `${PASSWORD}-typo`, lines });
    answers.push((await wrong.inject('/api/config/projects')).body);
    const tokens = [...new Set(d.seen.map((s) => s.token!))];
    expect(tokens.length).toBe(2);
    expect(lines.length).toBeGreaterThan(10);
    for (const secret of [...tokens, PASSWORD]) {
      expect(lines.filter((line) => line.includes(secret))).toEqual([]);
      expect(answers.filter((text) => text.includes(secret))).toEqual([]);
    }
  });
});
