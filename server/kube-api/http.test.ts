import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ManualClock } from '@server/clock.ts';
import { Cluster } from '@server/cluster/cluster.ts';
import { loadScenario } from '@server/cluster/scenario.ts';
import { sequentialIds } from '@server/ids.ts';
import { buildKubeApi } from './http.ts';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function build(opts: { historyLimit?: number } = {}) {
  const clock = new ManualClock();
  const cluster = new Cluster({ clock, ids: sequentialIds(), ...opts });
  loadScenario(cluster);
  const app = await buildKubeApi({ cluster, clock, bookmarkIntervalMs: 0 });
  apps.push(app);
  return { app, cluster, clock };
}

const NS = '/api/v1/namespaces/ns-user-1';

/** Length-delimited fields of a protobuf message by field number (varints skipped). */
function readProto(buf: Buffer): Map<number, Buffer[]> {
  const out = new Map<number, Buffer[]>();
  let at = 0;
  const varint = () => {
    let value = 0;
    let shift = 1;
    for (;;) {
      const byte = buf[at++]!;
      value += (byte & 0x7f) * shift;
      shift *= 128;
      if (byte < 0x80) return value;
    }
  };
  while (at < buf.length) {
    const tag = varint();
    if ((tag & 7) === 0) varint();
    else {
      const length = varint();
      out.set(tag >>> 3, [...(out.get(tag >>> 3) ?? []), buf.subarray(at, at + length)]);
      at += length;
    }
  }
  return out;
}
const json = (payload: unknown) => ({ 'content-type': 'application/json', payload: JSON.stringify(payload) });
const service = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app: 'webserver' }, ports: [{ port: 80, targetPort: 80 }], ...extra },
});

describe('discovery and OpenAPI', () => {
  it('serves /version, /api, /apis and the resource lists with subresources', async () => {
    const { app } = await build();
    expect((await app.inject('/version')).json()).toMatchObject({ major: '1', minor: '32' });
    expect((await app.inject('/api')).json()).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const groups = (await app.inject('/apis')).json().groups.map((g: { name: string }) => g.name);
    expect(groups).toEqual(['apps', 'discovery.k8s.io']);
    const core = (await app.inject('/api/v1')).json();
    expect(core.resources.map((r: { name: string }) => r.name)).toEqual([
      'endpoints',
      'events',
      'namespaces',
      'namespaces/status',
      'nodes',
      'nodes/status',
      'pods',
      'pods/status',
      'services',
      'services/status',
    ]);
    const apps1 = (await app.inject('/apis/apps/v1')).json();
    expect(apps1.resources.find((r: { name: string }) => r.name === 'deployments/scale')).toEqual({
      name: 'deployments/scale',
      singularName: '',
      namespaced: true,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
    const slices = (await app.inject('/apis/discovery.k8s.io/v1')).json().resources[0];
    expect(slices.verbs).toEqual(['get', 'list', 'watch']);
    expect((await app.inject('/apis/batch')).statusCode).toBe(404);
  });

  it('gives each group-version document the schemas its paths reach, and only those', async () => {
    const { app } = await build();
    const index = (await app.inject('/openapi/v3')).json() as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    const schemasOf = async (gv: string) => {
      const doc = (await app.inject(index.paths[gv]!.serverRelativeURL)).json();
      const refs = new Set<string>();
      JSON.stringify(doc, (key, value: unknown) => {
        if (key === '$ref') refs.add(String(value).replace('#/components/schemas/', ''));
        return value;
      });
      const names = Object.keys(doc.components.schemas);
      // Every reference resolves inside the document, and every schema is referenced.
      expect([...refs].filter((r) => !names.includes(r))).toEqual([]);
      expect(names.filter((n) => !refs.has(n))).toEqual([]);
      return names;
    };
    const core = await schemasOf('api/v1');
    const appsV1 = await schemasOf('apis/apps/v1');
    const discovery = await schemasOf('apis/discovery.k8s.io/v1');
    expect(core).toContain('io.k8s.api.core.v1.Service');
    expect(core).not.toContain('io.k8s.api.apps.v1.Deployment');
    expect(appsV1).toEqual(
      expect.arrayContaining(['io.k8s.api.apps.v1.Deployment', 'io.k8s.api.core.v1.PodSpec']),
    );
    expect(appsV1).not.toContain('io.k8s.api.core.v1.Service');
    expect(discovery).toContain('io.k8s.api.discovery.v1.EndpointSlice');
    expect(discovery).not.toContain('io.k8s.api.core.v1.PodSpec');
  });

  it('declares fieldValidation on each PATCH with the kind, as kubectl checks before validating', async () => {
    const { app } = await build();
    const index = (await app.inject('/openapi/v3')).json();
    const url = index.paths['api/v1'].serverRelativeURL as string;
    expect(url).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
    const doc = (await app.inject(url)).json();
    const patch = doc.paths['/api/v1/namespaces/{namespace}/services/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'Service' });
    expect(patch.parameters.map((p: { name: string }) => p.name)).toContain('fieldValidation');
    const ports = doc.components.schemas['io.k8s.api.core.v1.ServiceSpec'].properties.ports;
    expect(ports).toMatchObject({
      'x-kubernetes-patch-merge-key': 'port',
      'x-kubernetes-list-map-keys': ['port', 'protocol'],
    });
    const proto = await app.inject({
      url: '/openapi/v2',
      headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
    });
    expect(proto.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    // Read with a bare wire-format walker: Document.swagger (1), and definition names (9 → 1 → 1).
    const fields = readProto(proto.rawPayload);
    expect(fields.get(1)![0]!.toString()).toBe('2.0');
    const definitions = readProto(fields.get(9)![0]!)
      .get(1)!
      .map((d) => readProto(d).get(1)![0]!.toString());
    expect(definitions).toContain('io.k8s.api.core.v1.Service');
    expect(
      (await app.inject({ url: '/openapi/v2', headers: { accept: 'application/vnd.kubernetes.protobuf' } }))
        .statusCode,
    ).toBe(406);
    expect((await app.inject('/openapi/v2')).json().swagger).toBe('2.0');
  });
});

describe('reads', () => {
  it('lists with label and field selectors, and pages with limit and continue', async () => {
    const { app, cluster } = await build();
    const web = (await app.inject(`${NS}/pods?labelSelector=app%3Dwebserver`)).json();
    expect(web.kind).toBe('PodList');
    expect(web.items).toHaveLength(2);
    const node = cluster.list('Pod', 'ns-user-1').find((p) => p.metadata.name === 'client')!.spec.nodeName;
    const onNode = (await app.inject(`/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`)).json().items;
    expect(onNode.every((p: { spec: { nodeName: string } }) => p.spec.nodeName === node)).toBe(true);
    const page1 = (await app.inject('/api/v1/pods?limit=2')).json();
    expect(page1.items).toHaveLength(2);
    expect(page1.metadata.remainingItemCount).toBe(1);
    // A pod of the first page changes before the second page is read.
    const changed = page1.items[0].metadata.name as string;
    cluster.setPodReadiness(page1.items[0].metadata.namespace, changed, false);
    const page2 = (await app.inject(`/api/v1/pods?limit=2&continue=${page1.metadata.continue}`)).json();
    expect(page2.items).toHaveLength(1);
    expect(page2.metadata.continue).toBeUndefined();
    // The list's version is its first page's: a watch from it replays the change.
    expect(page2.metadata.resourceVersion).toBe(page1.metadata.resourceVersion);
    const replayed = cluster.eventsSince(Number(page2.metadata.resourceVersion)) ?? [];
    expect(replayed.map((e) => [e.type, e.object.metadata.name])).toContainEqual(['MODIFIED', changed]);
    const names = [...page1.items, ...page2.items].map(
      (p: { metadata: { name: string } }) => p.metadata.name,
    );
    expect(names).toEqual([...names].sort());
    const bad = await app.inject('/api/v1/pods?fieldSelector=spec.foo%3Dx');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message: 'field label not supported: spec.foo',
      code: 400,
    });
  });

  it('answers the Table form with kubectl columns, wide ones at priority 1', async () => {
    const { app } = await build();
    const res = await app.inject({
      url: `${NS}/services`,
      headers: { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    const table = res.json();
    expect(table.kind).toBe('Table');
    expect(
      table.columnDefinitions.map((c: { name: string; priority: number }) => `${c.name}:${c.priority}`),
    ).toEqual(['Name:0', 'Type:0', 'Cluster-IP:0', 'External-IP:0', 'Port(s):0', 'Age:0', 'Selector:1']);
    const lb = table.rows.find((r: { cells: string[] }) => r.cells[0] === 'service-web-lb');
    expect(lb.cells).toEqual([
      'service-web-lb',
      'LoadBalancer',
      '10.96.142.32',
      '<pending>',
      '8888:30000/TCP',
      '0s',
      'app=webserver',
    ]);
    expect(lb.object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'service-web-lb' } });
  });

  it('answers errors as Status objects with Kubernetes reasons', async () => {
    const { app } = await build();
    expect((await app.inject(`${NS}/pods/nope`)).json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'pods' },
      code: 404,
    });
    expect((await app.inject('/api/v1/secrets')).statusCode).toBe(404);
    expect(
      (
        await app.inject({ url: `${NS}/pods`, headers: { accept: 'application/vnd.kubernetes.protobuf' } })
      ).json().reason,
    ).toBe('NotAcceptable');
    expect((await app.inject('/api/v1/namespaces/ns-user-1/constructor')).statusCode).toBe(404);
  });
});

describe('writes', () => {
  it('creates (201), refuses a duplicate (AlreadyExists) and an invalid object (Invalid, with causes)', async () => {
    const { app, cluster } = await build();
    const created = await app.inject({
      method: 'POST',
      url: `${NS}/services`,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'kubectl/v1.32.4 (linux/amd64) kubernetes/abc',
      },
      payload: JSON.stringify(service('extra')),
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().spec.clusterIP).toBe('10.96.0.10');
    // No fieldManager: the API server names the manager after the user agent.
    expect(created.json().metadata.managedFields[0]).toMatchObject({
      manager: 'kubectl',
      operation: 'Update',
      apiVersion: 'v1',
    });
    const again = await app.inject({ method: 'POST', url: `${NS}/services`, ...json(service('extra')) });
    expect(again.json()).toMatchObject({
      reason: 'AlreadyExists',
      code: 409,
      message: 'services "extra" already exists',
    });
    const invalid = await app.inject({
      method: 'POST',
      url: `${NS}/services`,
      ...json(service('bad', { ports: [{ port: 70000 }] })),
    });
    expect(invalid.statusCode).toBe(422);
    expect(invalid.json()).toMatchObject({
      reason: 'Invalid',
      message:
        'Service "bad" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
      details: {
        name: 'bad',
        kind: 'Service',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: 70000: must be between 1 and 65535, inclusive',
            field: 'spec.ports[0].port',
          },
        ],
      },
    });
    expect(cluster.get('Service', 'ns-user-1', 'bad')).toBeUndefined();
  });

  it('validates unknown fields per fieldValidation: Strict refuses, Warn warns, Ignore drops', async () => {
    const { app } = await build();
    const body = { ...service('typo'), spec: { ...service('typo').spec, portz: 1 } };
    const strict = await app.inject({
      method: 'POST',
      url: `${NS}/services?fieldValidation=Strict`,
      ...json(body),
    });
    expect(strict.json()).toMatchObject({
      code: 400,
      message:
        'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.portz"',
    });
    const warn = await app.inject({
      method: 'POST',
      url: `${NS}/services?fieldValidation=Warn`,
      ...json(body),
    });
    expect(warn.statusCode).toBe(201);
    expect(warn.headers.warning).toBe('299 - "unknown field \\"spec.portz\\""');
    expect(warn.json().spec.portz).toBeUndefined();
    const ignore = await app.inject({
      method: 'POST',
      url: `${NS}/services?fieldValidation=Ignore`,
      ...json({ ...body, metadata: { name: 'typo2' } }),
    });
    expect(ignore.statusCode).toBe(201);
    expect(ignore.headers.warning).toBeUndefined();
    const wrongType = await app.inject({
      method: 'POST',
      url: `${NS}/services`,
      ...json({ ...service('wt'), spec: { ports: [{ port: 'eighty' }] } }),
    });
    expect(wrongType.json().message).toBe(
      'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field Service.spec.ports[0].port of type int32',
    );
  });

  it('refuses a stale resourceVersion with Conflict and keeps clusterIP immutable', async () => {
    const { app } = await build();
    const live = (await app.inject(`${NS}/services/service-web-lb`)).json();
    const first = await app.inject({
      method: 'PUT',
      url: `${NS}/services/service-web-lb`,
      ...json({ ...live, metadata: { ...live.metadata, labels: { a: 'b' } } }),
    });
    expect(first.statusCode).toBe(200);
    const stale = await app.inject({
      method: 'PUT',
      url: `${NS}/services/service-web-lb`,
      ...json({ ...live, metadata: { ...live.metadata, labels: { a: 'c' } } }),
    });
    expect(stale.json()).toMatchObject({
      reason: 'Conflict',
      code: 409,
      message:
        'Operation cannot be fulfilled on services "service-web-lb": the object has been modified; please apply your changes to the latest version and try again',
    });
    const current = (await app.inject(`${NS}/services/service-web-lb`)).json();
    const ip = await app.inject({
      method: 'PUT',
      url: `${NS}/services/service-web-lb`,
      ...json({ ...current, spec: { ...current.spec, clusterIP: '10.96.7.7' } }),
    });
    expect(ip.json().message).toBe(
      'Service "service-web-lb" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.7.7"]: may not change once set',
    );
  });

  it('applies merge, JSON and strategic merge patches, and refuses other media types', async () => {
    const { app } = await build();
    const merge = await app.inject({
      method: 'PATCH',
      url: `${NS}/pods/client`,
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: '{"metadata":{"labels":{"tier":"front"}}}',
    });
    expect(merge.json().metadata.labels).toEqual({ app: 'client', tier: 'front' });
    const jp = await app.inject({
      method: 'PATCH',
      url: `${NS}/pods/client`,
      headers: { 'content-type': 'application/json-patch+json' },
      payload: '[{"op":"remove","path":"/metadata/labels/tier"}]',
    });
    expect(jp.json().metadata.labels).toEqual({ app: 'client' });
    // Strategic merge: ports merge by their key `port`, so 9999 is added, 8888 kept and changed.
    const smp = await app.inject({
      method: 'PATCH',
      url: `${NS}/services/service-web-clusterip-mp`,
      headers: { 'content-type': 'application/strategic-merge-patch+json' },
      payload: JSON.stringify({
        spec: {
          ports: [
            { port: 8888, name: 'port1', targetPort: 81 },
            { $patch: 'delete', port: 9999 },
          ],
        },
      }),
    });
    expect(
      smp.json().spec.ports.map((p: { port: number; targetPort: number }) => `${p.port}->${p.targetPort}`),
    ).toEqual(['8888->81']);
    const bad = await app.inject({
      method: 'PATCH',
      url: `${NS}/pods/client`,
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    expect(bad.json()).toMatchObject({ reason: 'UnsupportedMediaType', code: 415 });
    const failing = await app.inject({
      method: 'PATCH',
      url: `${NS}/pods/client`,
      headers: { 'content-type': 'application/json-patch+json' },
      payload: '[{"op":"remove","path":"/metadata/nope"}]',
    });
    expect(failing.statusCode).toBe(422);
  });

  it('server-side applies with field managers: conflicts unless forced, and removes fields no longer applied', async () => {
    const { app } = await build();
    const apply = (manager: string, body: unknown, force = false) =>
      app.inject({
        method: 'PATCH',
        url: `/apis/apps/v1/namespaces/ns-user-1/deployments/webserver?fieldManager=${manager}&force=${force}`,
        headers: { 'content-type': 'application/apply-patch+yaml' },
        payload: JSON.stringify(body),
      });
    const base = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'webserver', labels: { team: 'a' } },
      spec: { replicas: 3 },
    };
    expect((await apply('alice', base)).statusCode).toBe(200);
    const conflict = await apply('bob', { ...base, spec: { replicas: 4 } });
    expect(conflict.json()).toMatchObject({
      code: 409,
      reason: 'Conflict',
      message: 'Apply failed with 1 conflict: conflict with "alice": .spec.replicas',
      details: {
        causes: [
          { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.replicas' },
        ],
      },
    });
    const forced = await apply(
      'bob',
      { ...base, metadata: { name: 'webserver' }, spec: { replicas: 4 } },
      true,
    );
    expect(forced.json().spec.replicas).toBe(4);
    // alice no longer applies the label: it goes (nobody else owns it).
    const dropped = await apply('alice', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'webserver' },
    });
    expect(dropped.json().metadata.labels).toEqual({ app: 'webserver' });
    const managers = dropped
      .json()
      .metadata.managedFields.map(
        (m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`,
      );
    expect(managers).toContain('bob/Apply');
    expect((await apply('', base)).json().message).toMatch(/fieldManager: Required value/);
  });

  it('keeps keys like __proto__ as plain data in patches and bodies, and kinds like constructor unknown', async () => {
    const { app } = await build();
    const merge = await app.inject({
      method: 'PATCH',
      url: `${NS}/pods/client?fieldValidation=Strict`,
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: '{"metadata":{"__proto__":{"polluted":"yes"}}}',
    });
    expect(merge.json().message).toContain('strict decoding error: unknown field "metadata.__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const smp = await app.inject({
      method: 'PATCH',
      url: `${NS}/pods/client`,
      headers: { 'content-type': 'application/strategic-merge-patch+json' },
      payload: '{"__proto__":{"polluted":"yes"},"metadata":{"labels":{"a":"b"}}}',
    });
    expect(smp.statusCode).toBe(200);
    expect(smp.headers.warning).toBe('299 - "unknown field \\"__proto__\\""');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const kind = await app.inject({
      method: 'POST',
      url: `${NS}/services`,
      ...json({ ...service('k'), kind: 'constructor' }),
    });
    expect(kind.json()).toMatchObject({
      code: 400,
      message: 'the kind in the data (constructor) does not match the expected kind (Service)',
    });
    expect((await app.inject(`${NS}/toString`)).statusCode).toBe(404);
  });

  it('answers dry runs with the result and changes nothing', async () => {
    const { app, cluster } = await build();
    const rv = cluster.resourceVersion;
    const created = await app.inject({
      method: 'POST',
      url: `${NS}/services?dryRun=All`,
      ...json(service('dry')),
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().metadata.name).toBe('dry');
    const deleted = await app.inject({ method: 'DELETE', url: `${NS}/pods/client?dryRun=All` });
    expect(deleted.statusCode).toBe(200);
    expect(cluster.resourceVersion).toBe(rv);
    expect(cluster.get('Service', 'ns-user-1', 'dry')).toBeUndefined();
  });

  it('scales through the scale subresource and deletes a Deployment with its ReplicaSet and pods', async () => {
    const { app, cluster } = await build();
    const scale = await app.inject({
      method: 'PATCH',
      url: '/apis/apps/v1/namespaces/ns-user-1/deployments/webserver/scale',
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: '{"spec":{"replicas":3}}',
    });
    expect(scale.json()).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 3 },
      status: { replicas: 3, selector: 'app=webserver' },
    });
    const del = await app.inject({
      method: 'DELETE',
      url: '/apis/apps/v1/namespaces/ns-user-1/deployments/webserver',
      ...json({ propagationPolicy: 'Background' }),
    });
    expect(del.statusCode).toBe(200);
    expect(cluster.list('ReplicaSet', 'ns-user-1')).toEqual([]);
    expect(cluster.list('Pod', 'ns-user-1').map((p) => p.metadata.name)).toEqual(['client']);
    expect(
      (
        await app.inject({
          method: 'DELETE',
          url: '/apis/discovery.k8s.io/v1/namespaces/ns-user-1/endpointslices/x',
        })
      ).statusCode,
    ).toBe(405);
  });
});
