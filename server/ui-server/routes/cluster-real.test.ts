// /api/cluster against a real cluster given KUBECONFIG: a fake API server over HTTPS with its own
// CA, reached with the kubeconfig's CA and bearer token (or client certificate). Reads always,
// paged with `continue`; scale only with KUBE_WRITE=1; readiness never; failures name the server.

import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildUiServer } from '../app.ts';
import { kubeconfigConnection, loadKubeconfig } from '../kubeconfig.ts';
import { realKubernetes } from '../kubernetes-client.ts';
import { makeTestPki, type TestPki } from '../testing/pki.ts';

const TOKEN = 'their-service-account-token';
const POD_COUNT = 1203;

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: string;
  clientCert: boolean;
}

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
});

/** A few paths of a real API server: paged pods (as a real server, items without kind), one Service, a Deployment's scale. */
function fakeApiServer(pki: TestPki) {
  const seen: Seen[] = [];
  let replicas = 2;
  let expireNextContinue = false;
  const pods = Array.from({ length: POD_COUNT }, (_, i) => ({
    metadata: {
      name: `web-${String(i).padStart(4, '0')}`,
      namespace: 'prod',
      labels: { app: i % 2 ? 'web' : 'db' },
    },
    spec: { nodeName: 'w1' },
    status: { phase: 'Running', podIP: `10.0.${i >> 8}.${i & 255}` },
  }));
  const deployment = () => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'prod', resourceVersion: String(100 + replicas) },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } } },
    },
    status: { replicas },
  });
  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url!, 'https://x');
    const clientCert = (req.socket as TLSSocket).authorized;
    seen.push({
      method: req.method!,
      url: req.url!,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      body,
      clientCert,
    });
    const send = (code: number, value: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (url.pathname.startsWith('/slow/')) return; // never answers
    if (req.headers.authorization !== `Bearer ${TOKEN}` && !clientCert)
      return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    if (url.pathname === '/api/v1/pods') {
      const limit = Number(url.searchParams.get('limit'));
      const token = url.searchParams.get('continue');
      if (token && expireNextContinue) {
        expireNextContinue = false;
        return send(
          410,
          status(
            410,
            'Expired',
            'The provided continue parameter is too old to display a consistent list result.',
          ),
        );
      }
      const start = token ? Number(token) : 0;
      const items = pods.slice(start, start + limit);
      const next = start + limit < pods.length ? String(start + limit) : undefined;
      const labelSelector = url.searchParams.get('labelSelector');
      return send(200, {
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '7', ...(next ? { continue: next } : {}) },
        items: labelSelector ? items.filter((p) => `app=${p.metadata.labels.app}` === labelSelector) : items,
      });
    }
    if (
      url.pathname === '/api/v1/namespaces/prod/pods' &&
      url.searchParams.get('labelSelector') === 'app=web'
    )
      return send(200, {
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '7' },
        items: pods.filter((p) => p.metadata.labels.app === 'web').slice(0, 3),
      });
    if (url.pathname === '/api/v1/namespaces/prod/services/web')
      return send(200, {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'prod' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80 }], clusterIP: '10.96.0.10' },
      });
    if (url.pathname === '/apis/apps/v1/namespaces/prod/deployments/web') return send(200, deployment());
    if (url.pathname === '/apis/apps/v1/namespaces/prod/deployments/web/scale' && req.method === 'PATCH') {
      replicas = (JSON.parse(body) as { spec: { replicas: number } }).spec.replicas;
      return send(200, { kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas } });
    }
    return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
  };
  const server: Server = createServer(
    { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => handle(req, res, body));
    },
  );
  return {
    server,
    seen,
    expireNextContinue: () => (expireNextContinue = true),
  };
}

function kubeconfig(dir: string, name: string, server: string, user: Record<string, string>, ca: string) {
  const file = join(dir, name);
  const userLines = Object.entries(user).map(([k, v]) => `    ${k}: ${v}`);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: theirs',
      '  cluster:',
      `    server: ${server}`,
      `    certificate-authority: ${ca}`,
      'users:',
      '- name: explorer',
      '  user:',
      ...userLines,
      'contexts:',
      '- name: prod',
      '  context: {cluster: theirs, user: explorer}',
      'current-context: prod',
      '',
    ].join('\n'),
  );
  return file;
}

let pki: TestPki;
let fake: ReturnType<typeof fakeApiServer>;
let server: string;
const open: FastifyInstance[] = [];

beforeAll(async () => {
  pki = makeTestPki();
  fake = fakeApiServer(pki);
  fake.server.listen(0, '127.0.0.1');
  await once(fake.server, 'listening');
  server = `https://127.0.0.1:${(fake.server.address() as { port: number }).port}`;
});
afterAll(async () => {
  fake.server.closeAllConnections();
  fake.server.close();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
});

async function ui(
  opts: { user?: Record<string, string>; ca?: string; write?: boolean; timeoutMs?: number } = {},
) {
  const file = kubeconfig(
    pki.dir,
    `kubeconfig-${open.length}-${Date.now()}`,
    server,
    opts.user ?? { token: TOKEN },
    opts.ca ?? pki.caFile,
  );
  const app = await buildUiServer({
    configApiUrl: 'http://127.0.0.1:9',
    kubernetes: realKubernetes(
      kubeconfigConnection(await loadKubeconfig(file), `KUBECONFIG=${file}`),
      opts.write ?? false,
    ),
    ...(opts.timeoutMs ? { upstreamTimeoutMs: opts.timeoutMs } : {}),
  });
  open.push(app);
  return app;
}

describe('/api/cluster on a real cluster (KUBECONFIG with a CA and a bearer token)', () => {
  it('lists every pod, page by page, verifying the server with the kubeconfig CA and sending its token', async () => {
    const app = await ui();
    const before = fake.seen.length;
    const res = await app.inject('/api/cluster/pods');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { kind: string; apiVersion: string; metadata: { name: string } }[];
    expect(items).toHaveLength(POD_COUNT);
    expect(items[0]).toMatchObject({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'web-0000' } });
    expect(items.at(-1)!.metadata.name).toBe(`web-${POD_COUNT - 1}`);
    const requests = fake.seen.slice(before);
    expect(requests.map((r) => r.url)).toEqual([
      '/api/v1/pods?limit=500',
      '/api/v1/pods?limit=500&continue=500',
      '/api/v1/pods?limit=500&continue=1000',
    ]);
    expect(requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('lists again from the start once when a continue token has expired (410)', async () => {
    const app = await ui();
    fake.expireNextContinue();
    const before = fake.seen.length;
    const res = await app.inject('/api/cluster/pods');
    expect(res.json().items).toHaveLength(POD_COUNT);
    expect(fake.seen.slice(before).map((r) => r.url)).toEqual([
      '/api/v1/pods?limit=500',
      '/api/v1/pods?limit=500&continue=500',
      '/api/v1/pods?limit=500',
      '/api/v1/pods?limit=500&continue=500',
      '/api/v1/pods?limit=500&continue=1000',
    ]);
  });

  it('scopes a list to one Service: the pods its selector selects, in its namespace', async () => {
    const app = await ui();
    const res = await app.inject('/api/cluster/pods?service=prod/web');
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual([
      'web-0001',
      'web-0003',
      'web-0005',
    ]);
    expect(fake.seen.at(-1)!.url).toBe('/api/v1/namespaces/prod/pods?limit=500&labelSelector=app%3Dweb');
  });

  it('says in /api/info that it reads a real cluster and which controls work there', async () => {
    const info = (await (await ui()).inject('/api/info')).json();
    expect(info.kubernetes).toBe(`${server} (context prod), read-only`);
    expect(info.capabilities).toEqual({
      simulate: false,
      scale: false,
      readiness: false,
      pauseKubeManager: false,
    });
    const writable = (await (await ui({ write: true })).inject('/api/info')).json();
    expect(writable.kubernetes).toBe(`${server} (context prod)`);
    expect(writable.capabilities).toMatchObject({ scale: true, readiness: false });
  });

  it('refuses to scale without KUBE_WRITE=1, and sends nothing', async () => {
    const app = await ui();
    const before = fake.seen.length;
    const res = await app.inject({
      method: 'PUT',
      url: '/api/cluster/deployments/prod/web/scale',
      payload: { replicas: 5 },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toBe(
      `the explorer does not write to ${server} (context prod), read-only: scale Deployment prod/web refused (set KUBE_WRITE=1 to let it scale, apply and delete)`,
    );
    expect(fake.seen.length).toBe(before);
  });

  it('scales through the scale subresource with KUBE_WRITE=1 (a merge patch, our field manager)', async () => {
    const app = await ui({ write: true });
    const res = await app.inject({
      method: 'PUT',
      url: '/api/cluster/deployments/prod/web/scale',
      payload: { replicas: 5 },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().spec.replicas).toBe(5);
    const patch = fake.seen.find((r) => r.method === 'PATCH')!;
    expect(patch).toMatchObject({
      url: '/apis/apps/v1/namespaces/prod/deployments/web/scale?fieldManager=contrail-lb-explorer',
      contentType: 'application/merge-patch+json',
      body: '{"spec":{"replicas":5}}',
    });
  });

  it('never flips a pod’s readiness on a real cluster, and says why', async () => {
    const app = await ui({ write: true });
    const before = fake.seen.length;
    const res = await app.inject({
      method: 'PUT',
      url: '/api/cluster/pods/prod/web-0001/readiness',
      payload: { ready: false },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/is reported by the kubelet from the pod's readiness probes/);
    expect(fake.seen.length).toBe(before);
  });

  it('answers 502 naming the server when the token is refused', async () => {
    const app = await ui({ user: { token: 'stale' } });
    const res = await app.inject('/api/cluster/services');
    expect(res.statusCode).toBe(502);
    expect(res.json().detail).toBe(
      `Kubernetes API ${server} refused the explorer's credentials (401 Unauthorized) for GET /api/v1/services: check the user of ${server} (context prod), read-only`,
    );
  });

  it('refuses a server its CA did not sign, naming the server', async () => {
    const app = await ui({ ca: pki.strangerCaFile });
    const res = await app.inject('/api/cluster/services');
    expect(res.statusCode).toBe(502);
    expect(res.json().detail).toMatch(new RegExp(`^Kubernetes API ${server} is unreachable: `));
  });

  it('authenticates with the kubeconfig client certificate and key instead of a token', async () => {
    const app = await ui({
      user: {
        'client-certificate-data': pki.clientCert.toString('base64'),
        'client-key-data': pki.clientKey.toString('base64'),
      },
    });
    const res = await app.inject('/api/cluster/services/prod/web');
    expect(res.statusCode).toBe(200);
    expect(res.json().spec.clusterIP).toBe('10.96.0.10');
    expect(fake.seen.at(-1)).toMatchObject({ clientCert: true, authorization: undefined });
  });

  it('answers 504 when the server does not answer within UPSTREAM_TIMEOUT_MS', async () => {
    const connection = kubeconfigConnection(
      await loadKubeconfig(kubeconfig(pki.dir, 'slow', `${server}/slow`, { token: TOKEN }, pki.caFile)),
      'KUBECONFIG=slow',
    );
    const app = await buildUiServer({
      configApiUrl: 'http://127.0.0.1:9',
      kubernetes: realKubernetes(connection, false),
      upstreamTimeoutMs: 200,
    });
    open.push(app);
    const res = await app.inject('/api/cluster/services');
    expect(res.statusCode).toBe(504);
    expect(res.json().detail).toBe(`Kubernetes API ${server}/slow did not answer in 200 ms`);
  });
});
