// /api/cluster over the embedded cluster's Kubernetes API (a real listener on a free port): the
// same paths and answers the SPA has always had, now produced by the Kubernetes API server.

import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.ts';
import { Cluster } from '../../cluster/cluster.ts';
import { loadScenario } from '../../cluster/scenario.ts';
import { sequentialIds } from '../../ids.ts';
import { buildKubeApi } from '../../kube-api/http.ts';
import { buildUiServer } from '../app.ts';
import { embeddedKubernetes } from '../kubernetes-client.ts';

const open: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((app) => app.close()));
});

async function build(opts: { kubeManager?: boolean } = {}) {
  const clock = new ManualClock();
  const cluster = new Cluster({ clock, ids: sequentialIds() });
  loadScenario(cluster);
  const kubeApi = await buildKubeApi({ cluster, clock, bookmarkIntervalMs: 0 });
  const url = await kubeApi.listen({ host: '127.0.0.1', port: 0 });
  const kubeManager = {
    paused: false,
    async setPaused(paused: boolean) {
      this.paused = paused;
    },
  };
  const app = await buildUiServer({
    // Never called by these routes: the cluster is read through its Kubernetes API only.
    configApiUrl: 'http://127.0.0.1:9',
    kubernetes: embeddedKubernetes(url),
    ...(opts.kubeManager === false ? {} : { kubeManager }),
  });
  open.push(app, kubeApi);
  return { app, cluster, kubeManager };
}

describe('/api/cluster', () => {
  it('lists each kind as {items}', async () => {
    const { app } = await build();
    const res = await app.inject({ url: '/api/cluster/services' });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((s: { metadata: { name: string } }) => s.metadata.name)).toEqual([
      'service-web-clusterip',
      'service-web-clusterip-mp',
      'service-web-lb',
    ]);
    const nodes = await app.inject({ url: '/api/cluster/nodes' });
    expect(nodes.json().items).toHaveLength(3);
    expect((await app.inject({ url: '/api/cluster/secrets' })).statusCode).toBe(404);
  });

  it('reads one object, with and without a namespace segment', async () => {
    const { app } = await build();
    const svc = await app.inject({ url: '/api/cluster/services/ns-user-1/service-web-clusterip' });
    expect(svc.json().spec.clusterIP).toBe('10.105.53.64');
    expect((await app.inject({ url: '/api/cluster/nodes/k8s-node1' })).json().metadata.name).toBe(
      'k8s-node1',
    );
    const missing = await app.inject({ url: '/api/cluster/pods/ns-user-1/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toBe('pods "nope" not found');
  });

  it('applies YAML and JSON, and rejects bad manifests with 400 naming the field', async () => {
    const { app, cluster } = await build();
    const yaml = await app.inject({
      method: 'POST',
      url: '/api/cluster/apply',
      headers: { 'content-type': 'application/yaml' },
      payload: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: extra}\n',
    });
    expect(yaml.json()).toEqual({ applied: [{ kind: 'Namespace', name: 'extra', action: 'created' }] });
    const json = await app.inject({
      method: 'POST',
      url: '/api/cluster/apply',
      payload: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p', namespace: 'extra' },
          spec: { containers: [{ name: 'c' }] },
        },
      ],
    });
    expect(json.json().applied).toEqual([{ kind: 'Pod', namespace: 'extra', name: 'p', action: 'created' }]);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/cluster/apply',
      headers: { 'content-type': 'text/yaml' },
      payload:
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec: {containers: []}\n',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toBe('document 1 (Pod q): spec.containers: Required value');
    expect(cluster.get('Namespace', undefined, 'ok')).toBeUndefined();
  });

  it('deletes, scales and sets readiness', async () => {
    const { app, cluster } = await build();
    const scale = await app.inject({
      method: 'PUT',
      url: '/api/cluster/deployments/ns-user-1/webserver/scale',
      payload: { replicas: 3 },
    });
    expect(scale.json().spec.replicas).toBe(3);
    expect(cluster.list('Pod', 'ns-user-1')).toHaveLength(4);
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/cluster/deployments/ns-user-1/webserver/scale',
      payload: { replicas: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    const ready = await app.inject({
      method: 'PUT',
      url: '/api/cluster/pods/ns-user-1/client/readiness',
      payload: { ready: false },
    });
    expect(ready.json().status.conditions).toContainEqual({ type: 'Ready', status: 'False' });
    const del = await app.inject({ method: 'DELETE', url: '/api/cluster/services/ns-user-1/service-web-lb' });
    expect(del.statusCode).toBe(200);
    expect(cluster.get('Service', 'ns-user-1', 'service-web-lb')).toBeUndefined();
    expect(
      (await app.inject({ method: 'DELETE', url: '/api/cluster/services/ns-user-1/service-web-lb' }))
        .statusCode,
    ).toBe(404);
  });
});

describe('/api/cluster hardening (issue 8)', () => {
  it('applies a manifest sent as curl --data-binary sends it (application/x-www-form-urlencoded)', async () => {
    const { app, cluster } = await build();
    const res = await app.inject({
      method: 'POST',
      url: '/api/cluster/apply',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: curl-ns}\n',
    });
    expect(res.statusCode).toBe(200);
    expect(cluster.get('Namespace', undefined, 'curl-ns')).toBeDefined();
    const octets = await app.inject({
      method: 'POST',
      url: '/api/cluster/apply',
      headers: { 'content-type': 'application/octet-stream' },
      payload: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'json-ns' } }),
    });
    expect(octets.json().applied).toEqual([{ kind: 'Namespace', name: 'json-ns', action: 'created' }]);
  });

  it('says which content types it takes when the body is neither YAML nor JSON', async () => {
    const { app } = await build();
    const res = await app.inject({
      method: 'POST',
      url: '/api/cluster/apply',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=[1&b={',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().detail).toMatch(
      /^a manifest is YAML or JSON \(Content-Type application\/yaml, application\/json, text\/yaml, text\/plain, or any type whose body parses as one\); this application\/x-www-form-urlencoded body does not parse: it is not a mapping or a list of objects$/,
    );
  });

  it('answers 400 naming an alias bomb or a kind called constructor, never 500', async () => {
    const { app } = await build();
    const bomb = [
      'a: &a [x,x,x,x,x,x,x,x,x]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'f: [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    ].join('\n');
    const alias = await app.inject({
      method: 'POST',
      url: '/api/cluster/apply',
      headers: { 'content-type': 'application/yaml' },
      payload: bomb,
    });
    expect(alias.statusCode).toBe(400);
    expect(alias.json().detail).toBe(
      'document 0: YAML: Excessive alias count indicates a resource exhaustion attack',
    );
    for (const kind of ['constructor', 'toString', '__proto__']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/cluster/apply',
        headers: { 'content-type': 'application/yaml' },
        payload: `apiVersion: v1\nkind: ${kind}\nmetadata: {name: x}\n`,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toContain(`not "${kind}"`);
      const get = await app.inject({ url: `/api/cluster/${kind}` });
      expect(get.statusCode).toBe(404);
    }
  });

  it('pauses and resumes kube-manager through PUT /api/cluster/kube-manager', async () => {
    const { app, kubeManager } = await build();
    expect((await app.inject({ url: '/api/cluster/kube-manager' })).json()).toEqual({ paused: false });
    const put = await app.inject({
      method: 'PUT',
      url: '/api/cluster/kube-manager',
      payload: { paused: true },
    });
    expect(put.json()).toEqual({ paused: true });
    expect(kubeManager.paused).toBe(true);
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/cluster/kube-manager',
      payload: { paused: 'yes' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toBe('body.paused: must be true or false (got "yes")');
    expect(kubeManager.paused).toBe(true);
  });
});

describe('/api/cluster big manifests', () => {
  it('parses and applies a large manifest in slices, all or nothing', { timeout: 60_000 }, async () => {
    const { app, cluster } = await build();
    const docs = ['apiVersion: v1\nkind: Namespace\nmetadata: {name: bulk}\n'];
    for (let i = 0; i < 800; i++)
      docs.push(
        `apiVersion: v1\nkind: Service\nmetadata: {name: svc-${i}, namespace: bulk, labels: {team: t${i}}}\nspec: {ports: [{port: 80}]}\n`,
      );
    const body = docs.join('---\n');
    expect(body.length).toBeGreaterThan(64 * 1024);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/cluster/apply',
      headers: { 'content-type': 'application/yaml' },
      payload: `${body}---\napiVersion: v1\nkind: Service\nmetadata: {name: Bad, namespace: bulk}\nspec: {ports: [{port: 80}]}\n`,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(
      /^document 801 \(Service bulk\/Bad\): metadata\.name: Invalid value: "Bad"/,
    );
    expect(cluster.get('Namespace', undefined, 'bulk')).toBeUndefined();
    const res = await app.inject({
      method: 'POST',
      url: '/api/cluster/apply',
      headers: { 'content-type': 'application/yaml' },
      payload: body,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().applied).toHaveLength(801);
    expect(cluster.list('Service', 'bulk')).toHaveLength(800);
  });
});

const manifest = (port: number) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: again, namespace: ns-user-1}\nspec: {selector: {app: webserver}, ports: [{port: ${port}}]}\n`;

describe('/api/cluster scoped to one Service, and apply as a Kubernetes client', () => {
  it('answers one Service, its Endpoints, the pods it selects and the Deployment behind them', async () => {
    const { app } = await build();
    const get = async (url: string) => {
      const res = await app.inject(url);
      expect(res.statusCode, url).toBe(200);
      return (res.json().items as { kind: string; metadata: { name: string } }[]).map(
        (o) => `${o.kind} ${o.metadata.name}`,
      );
    };
    const scope = '?service=ns-user-1/service-web-clusterip';
    expect(await get(`/api/cluster/services${scope}`)).toEqual(['Service service-web-clusterip']);
    expect(await get(`/api/cluster/endpoints${scope}`)).toEqual(['Endpoints service-web-clusterip']);
    const pods = await get(`/api/cluster/pods${scope}`);
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => p.startsWith('Pod webserver-'))).toBe(true);
    expect(await get(`/api/cluster/deployments${scope}`)).toEqual(['Deployment webserver']);
    expect(await get(`/api/cluster/replicasets${scope}`)).toHaveLength(1);
  });

  it('refuses a scope it cannot read, a malformed one, and a Service that does not exist', async () => {
    const { app } = await build();
    const nodes = await app.inject('/api/cluster/nodes?service=ns-user-1/service-web-clusterip');
    expect(nodes.statusCode).toBe(400);
    expect(nodes.json().detail).toBe(
      'query.service: scopes services, endpoints, endpointslices, pods, deployments, replicasets, not nodes',
    );
    const malformed = await app.inject('/api/cluster/pods?service=web');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().detail).toBe('query.service: must be "<namespace>/<service>" (got "web")');
    const missing = await app.inject('/api/cluster/pods?service=ns-user-1/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toBe('services "nope" not found');
  });

  it('says created, then unchanged, then configured, as kubectl apply does', async () => {
    const { app, cluster } = await build();
    const apply = async (port: number) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/cluster/apply',
        headers: { 'content-type': 'application/yaml' },
        payload: manifest(port),
      });
      return res.json().applied?.[0]?.action ?? res.body;
    };
    expect(await apply(80)).toBe('created');
    expect(await apply(80)).toBe('unchanged');
    expect(await apply(81)).toBe('configured');
    expect(cluster.get('Service', 'ns-user-1', 'again')?.spec.ports[0]?.port).toBe(81);
    // The object carries our field manager, as any server-side apply does.
    const managers = cluster
      .get('Service', 'ns-user-1', 'again')!
      .metadata.managedFields!.map((m) => m.manager);
    expect(managers).toContain('contrail-lb-explorer');
  });

  it('refuses a manifest naming the same object twice, or a name the API path cannot carry, before sending anything', async () => {
    const { app, cluster } = await build();
    const twice = await app.inject({
      method: 'POST',
      url: '/api/cluster/apply',
      headers: { 'content-type': 'application/yaml' },
      payload:
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: dup}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: dup}\n',
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().detail).toBe(
      'document 1 (Namespace dup): metadata.name: the same object appears twice in this manifest',
    );
    const dots = await app.inject({
      method: 'POST',
      url: '/api/cluster/apply',
      payload: { apiVersion: 'v1', kind: 'Pod', metadata: { name: '..', namespace: 'ns-user-1' } },
    });
    expect(dots.statusCode).toBe(400);
    expect(dots.json().detail).toBe(
      `document 0 (Pod ns-user-1/..): metadata.name: Invalid value: "..": may not be '..'`,
    );
    expect(cluster.get('Namespace', undefined, 'dup')).toBeUndefined();
  });

  it('has no kube-manager switch where none is embedded', async () => {
    const { app } = await build({ kubeManager: false });
    const res = await app.inject({
      method: 'PUT',
      url: '/api/cluster/kube-manager',
      payload: { paused: true },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toMatch(
      /^there is no embedded kube-manager to pause: the explorer reads the embedded Kubernetes API at http:\/\/127\.0\.0\.1:\d+/,
    );
    const info = (await app.inject('/api/info')).json();
    expect(info.capabilities).toEqual({
      simulate: false,
      scale: true,
      readiness: true,
      pauseKubeManager: false,
    });
  });
});
