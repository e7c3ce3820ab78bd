import { describe, expect, it } from 'vitest';
import { ManualClock } from '@server/clock.ts';
import { sequentialIds } from '@server/ids.ts';
import { Cluster } from './cluster.ts';
import { ManifestError } from './manifest.ts';
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
      /spec\.ports\[0\]\.name: required when a Service has more than one port/,
    ],
    [
      'wrong apiVersion',
      'apiVersion: v1\nkind: Deployment\nmetadata: {name: d}\n',
      /document 0 \(Deployment d\): apiVersion: must be apps\/v1/,
    ],
    [
      'bad name',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: Bad_Name}\n',
      /metadata\.name: must be a DNS-1123 label/,
    ],
    ['YAML syntax', 'kind: [unclosed\n', /YAML syntax/],
    [
      'missing namespace',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: nope}\nspec: {containers: [{name: c}]}\n',
      /document 0 \(Pod nope\/p\): metadata\.namespace: namespace nope does not exist/,
    ],
    [
      'clusterIP outside range',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {clusterIP: 10.0.0.1, ports: [{port: 1}]}\n',
      /spec\.clusterIP: 10\.0\.0\.1 is not in the service range 10\.96\.0\.0\/12/,
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
      /replicas must be an integer/,
    );
    expect(() => cluster.scaleDeployment('ns-user-1', 'nope', 1)).toThrow(
      /Deployment ns-user-1\/nope not found/,
    );
  });
});
