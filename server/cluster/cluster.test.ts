import { describe, expect, it } from 'vitest';
import { ManualClock } from '@server/clock.ts';
import { sequentialIds } from '@server/ids.ts';
import { Cluster } from './cluster.ts';
import { ManifestError, validateDocument } from './manifest.ts';
import { loadScenario } from './scenario.ts';
import type { ClusterEvent } from '@model/kubernetes/types.ts';

const newCluster = () => new Cluster({ clock: new ManualClock(), ids: sequentialIds() });
const NODE = `apiVersion: v1
kind: Node
metadata: {name: n1}
status: {addresses: [{type: InternalIP, address: 10.0.0.1}]}
`;

describe('manifest validation', () => {
  const cases: [string, string, RegExp][] = [
    [
      'unknown kind',
      'apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n',
      /document 0 \(Secret x\): kind: must be one of/,
    ],
    [
      'bad port',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 70000}]}\n',
      /document 0 \(Service s\): spec\.ports\[0\]\.port: /,
    ],
    [
      'unnamed multi-port',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 1}, {port: 2}]}\n',
      /document 0 \(Service s\): \[spec\.ports\[0\]\.name: Required value, spec\.ports\[1\]\.name: Required value\]/,
    ],
    [
      'wrong apiVersion',
      'apiVersion: v1\nkind: Deployment\nmetadata: {name: d}\n',
      /document 0 \(Deployment d\): apiVersion: must be apps\/v1/,
    ],
    [
      'bad name',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: Bad_Name}\n',
      /metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character \(e\.g\. 'my-name',  or '123-abc', regex used for validation is/,
    ],
    ['YAML syntax', 'kind: [unclosed\n', /YAML syntax/],
    [
      'missing namespace',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: nope}\nspec: {containers: [{name: c}]}\n',
      /document 0 \(Pod nope\/p\): namespaces "nope" not found/,
    ],
    [
      'clusterIP outside range',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {clusterIP: 10.0.0.1, ports: [{port: 1}]}\n',
      /spec\.clusterIPs: Invalid value: \["10\.0\.0\.1"\]: failed to allocate IP 10\.0\.0\.1: the provided IP \(10\.0\.0\.1\) is not in the valid range\. The range of valid IPs is 10\.96\.0\.0\/12/,
    ],
  ];
  for (const [name, yaml, message] of cases)
    it(`rejects ${name}`, () => {
      const cluster = newCluster();
      expect(() => cluster.applyManifest(yaml)).toThrow(message);
    });

  it('names the failing document by index and changes nothing (all-or-nothing)', () => {
    const cluster = newCluster();
    const events: ClusterEvent[] = [];
    cluster.subscribe((e) => events.push(e));
    const yaml = `${NODE}---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 0}]}\n`;
    expect(() => cluster.applyManifest(yaml)).toThrow(ManifestError);
    expect(() => cluster.applyManifest(yaml)).toThrow(/^document 1 \(Service s\): spec\.ports\[0\]\.port/);
    expect(cluster.list('Node')).toEqual([]);
    expect(events).toEqual([]);
  });
});

describe('cluster behaviour', () => {
  it('loads the seed: pods from the top of 10.32.0.0/12, one webserver per compute, fixed clusterIPs', () => {
    const cluster = newCluster();
    const applied = loadScenario(cluster);
    expect(applied.every((a) => a.action === 'created')).toBe(true);
    const pods = cluster.list('Pod', 'ns-user-1');
    expect(pods.map((p) => p.status.podIP).sort()).toEqual([
      '10.47.255.252',
      '10.47.255.253',
      '10.47.255.254',
    ]);
    const web = pods.filter((p) => p.metadata.labels?.app === 'webserver');
    expect(web.map((p) => p.spec.nodeName).sort()).toEqual(['k8s-node1', 'k8s-node2']);
    for (const p of web) expect(p.metadata.name).toMatch(/^webserver-[a-z0-9]{10}-[a-z0-9]{5}$/);
    expect(cluster.get('Service', 'ns-user-1', 'service-web-clusterip')!.spec.clusterIP).toBe('10.105.53.64');
    expect(loadScenario(cluster).every((a) => a.action === 'unchanged')).toBe(true);
  });

  it('allocates a clusterIP from 10.96.0.0/12 when none is given and rejects a taken one', () => {
    const cluster = newCluster();
    cluster.applyManifest(
      'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n',
    );
    const ip = cluster.get('Service', 'default', 'a')!.spec.clusterIP!;
    expect(ip).toBe('10.96.0.10');
    expect(() =>
      cluster.applyManifest(
        `apiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {clusterIP: ${ip}, ports: [{port: 80}]}\n`,
      ),
    ).toThrow(/already allocated/);
  });

  it('keeps Endpoints in step: ready in addresses, not ready in notReadyAddresses, subsets by port set', () => {
    const cluster = newCluster();
    cluster.applyManifest(`${NODE}---
apiVersion: v1
kind: Pod
metadata: {name: a, labels: {app: w}}
spec: {containers: [{name: c, ports: [{name: web, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, labels: {app: w}}
spec: {containers: [{name: c, ports: [{name: web, containerPort: 9090}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: s}
spec: {selector: {app: w}, ports: [{port: 80, targetPort: web}]}
`);
    cluster.setPodReadiness('default', 'b', false);
    const eps = cluster.get('Endpoints', 'default', 's')!;
    const a = cluster.get('Pod', 'default', 'a')!;
    const b = cluster.get('Pod', 'default', 'b')!;
    expect(eps.subsets).toEqual([
      {
        addresses: [
          {
            ip: a.status.podIP,
            nodeName: 'n1',
            targetRef: { kind: 'Pod', name: 'a', namespace: 'default', uid: a.metadata.uid },
          },
        ],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
      {
        notReadyAddresses: [
          {
            ip: b.status.podIP,
            nodeName: 'n1',
            targetRef: { kind: 'Pod', name: 'b', namespace: 'default', uid: b.metadata.uid },
          },
        ],
        ports: [{ port: 9090, protocol: 'TCP' }],
      },
    ]);
  });

  it('recreates a deleted deployment pod with a new name, uid and IP, and scales', () => {
    const cluster = newCluster();
    loadScenario(cluster);
    const before = cluster.list('Pod', 'ns-user-1').filter((p) => p.metadata.labels?.app === 'webserver');
    cluster.delete('Pod', 'ns-user-1', before[0]!.metadata.name);
    const after = cluster.list('Pod', 'ns-user-1').filter((p) => p.metadata.labels?.app === 'webserver');
    expect(after).toHaveLength(2);
    const fresh = after.find((p) => !before.some((q) => q.metadata.uid === p.metadata.uid))!;
    expect(fresh.metadata.name).not.toBe(before[0]!.metadata.name);
    expect(before.map((p) => p.status.podIP)).not.toContain(fresh.status.podIP);
    cluster.scaleDeployment('ns-user-1', 'webserver', 0);
    expect(cluster.get('Endpoints', 'ns-user-1', 'service-web-clusterip')!.subsets).toEqual([]);
    expect(() => cluster.scaleDeployment('ns-user-1', 'webserver', -1)).toThrow(
      'Scale.autoscaling "webserver" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
    expect(() => cluster.scaleDeployment('ns-user-1', 'nope', 1)).toThrow(
      'deployments.apps "nope" not found',
    );
  });
});

const seeded = () => {
  const cluster = newCluster();
  loadScenario(cluster);
  return cluster;
};
const webPods = (cluster: Cluster) =>
  cluster.list('Pod', 'ns-user-1').filter((p) => p.metadata.labels?.app === 'webserver');

describe('workloads, propagation and the Kubernetes verbs', () => {
  it('runs a Deployment through a ReplicaSet that owns its pods, with events', () => {
    const cluster = seeded();
    const [rs] = cluster.list('ReplicaSet', 'ns-user-1');
    const deployment = cluster.get('Deployment', 'ns-user-1', 'webserver')!;
    expect(rs!.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'webserver',
        uid: deployment.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(rs!.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    for (const pod of webPods(cluster)) expect(pod.metadata.ownerReferences![0]!.uid).toBe(rs!.metadata.uid);
    expect(deployment.status).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      updatedReplicas: 2,
      observedGeneration: 1,
    });
    const reasons = cluster.list('Event', 'ns-user-1').map((e) => `${e.involvedObject.kind}/${e.reason}`);
    expect(reasons).toContain('Deployment/ScalingReplicaSet');
    expect(reasons.filter((r) => r === 'ReplicaSet/SuccessfulCreate')).toHaveLength(2);
    expect(reasons).toContain('Pod/Scheduled');
  });

  it('mirrors Endpoints into EndpointSlices labelled with the Service name', () => {
    const cluster = seeded();
    const slices = cluster
      .list('EndpointSlice', 'ns-user-1')
      .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'service-web-clusterip');
    expect(slices).toHaveLength(1);
    expect(slices[0]!.endpoints.map((e) => e.addresses[0]).sort()).toEqual(
      webPods(cluster)
        .map((p) => p.status.podIP)
        .sort(),
    );
    expect(slices[0]!.ports).toEqual([{ port: 80, protocol: 'TCP' }]);
    cluster.scaleDeployment('ns-user-1', 'webserver', 0);
    expect(
      cluster
        .list('EndpointSlice', 'ns-user-1')
        .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'service-web-clusterip'),
    ).toEqual([]);
  });

  it('deletes a Deployment with its ReplicaSet and pods, or orphans them', () => {
    const cluster = seeded();
    cluster.delete('Deployment', 'ns-user-1', 'webserver', { propagationPolicy: 'Orphan' });
    const [rs] = cluster.list('ReplicaSet', 'ns-user-1');
    expect(rs!.metadata.ownerReferences).toBeUndefined();
    expect(webPods(cluster)).toHaveLength(2);
    const other = seeded();
    other.delete('Deployment', 'ns-user-1', 'webserver');
    expect(other.list('ReplicaSet', 'ns-user-1')).toEqual([]);
    expect(webPods(other)).toEqual([]);
    expect(other.get('Endpoints', 'ns-user-1', 'service-web-clusterip')!.subsets).toEqual([]);
  });

  it('refuses a stale resourceVersion with Conflict, and answers dry runs without storing', () => {
    const cluster = seeded();
    const svc = cluster.get('Service', 'ns-user-1', 'service-web-lb')!;
    const body = (rv: string, port: number) =>
      validateDocument(
        {
          ...svc,
          metadata: { ...svc.metadata, resourceVersion: rv },
          spec: { ...svc.spec, ports: [{ port, targetPort: 80, protocol: 'TCP' }] },
        },
        0,
      ).object;
    const rv = cluster.resourceVersion;
    const dry = cluster.replace(body(svc.metadata.resourceVersion, 7777), { dryRun: true });
    expect((dry as typeof svc).spec.ports[0]!.port).toBe(7777);
    expect(cluster.resourceVersion).toBe(rv);
    cluster.replace(body(svc.metadata.resourceVersion, 7777));
    expect(() => cluster.replace(body(svc.metadata.resourceVersion, 7778))).toThrow(
      'Operation cannot be fulfilled on services "service-web-lb": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(() =>
      cluster.replace(
        validateDocument(
          {
            ...svc,
            metadata: { ...svc.metadata, resourceVersion: '' },
            spec: { ...svc.spec, clusterIP: '10.96.9.9' },
          },
          0,
        ).object,
      ),
    ).toThrow(
      'Service "service-web-lb" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.9.9"]: may not change once set',
    );
  });

  it('is rebuilt from a snapshot: same objects, and new allocations avoid the taken addresses', () => {
    const cluster = seeded();
    const copy = new Cluster({
      clock: new ManualClock(),
      ids: sequentialIds('bbbbbbbb-0000-4000-8000-'),
      snapshot: cluster.snapshot(),
    });
    expect(copy.resourceVersion).toBe(cluster.resourceVersion);
    expect(copy.list('Pod')).toEqual(cluster.list('Pod'));
    copy.scaleDeployment('ns-user-1', 'webserver', 3);
    const ips = copy.list('Pod', 'ns-user-1').map((p) => p.status.podIP);
    expect(new Set(ips).size).toBe(4);
    expect(ips).toContain('10.47.255.251');
  });
});

describe('hostile manifests', () => {
  it('refuses a YAML alias bomb with the parser reason', () => {
    const bomb = [
      'a: &a [x,x,x,x,x,x,x,x,x]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'f: [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    ].join('\n');
    expect(() => newCluster().applyManifest(bomb)).toThrow(
      'document 0: YAML: Excessive alias count indicates a resource exhaustion attack',
    );
  });

  for (const kind of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
    it(`names a kind called ${kind} instead of failing`, () => {
      expect(() =>
        newCluster().applyManifest(`apiVersion: v1\nkind: ${kind}\nmetadata: {name: x}\n`),
      ).toThrow(
        `kind: must be one of Namespace, Node, Pod, Deployment, ReplicaSet, Service, Endpoints, not "${kind}"`,
      );
    });
});
