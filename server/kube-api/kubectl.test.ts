// The Kubernetes API driven by the real kubectl (the one on PATH; Debian's kubernetes-client is
// installed when there is none and we run as root), against a listener on a free port with a
// kubeconfig in a temp dir.

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '@server/cluster/cluster.ts';
import { SEED_SCENARIO_FILE } from '@server/cluster/scenario.ts';
// @ts-expect-error -- a plain .mjs script shared with the command line
import { ensureKubectl } from '../../scripts/ensure-kubectl.mjs';
import { buildKubeApi } from './http.ts';
import { writeKubeconfig } from './kubeconfig.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let app: FastifyInstance;
let cluster: Cluster;
let kubeconfig: string;
let dir: string;
let kubectlBin: string;

function kubectl(args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      kubectlBin,
      [`--kubeconfig=${kubeconfig}`, `--cache-dir=${join(dir, 'cache')}`, ...args],
      {
        env: { ...process.env, KUBECONFIG: kubeconfig },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

const UNSEEN = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop, labels: {app: cart}}
spec:
  replicas: 2
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec:
      containers:
      - name: cart
        image: nginx:1.27
        imagePullPolicy: IfNotPresent
        ports: [{containerPort: 8080, name: http}]
        resources: {limits: {cpu: 100m}}
---
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec:
  selector: {app: cart}
  sessionAffinity: None
  ports: [{name: http, port: 80, targetPort: http}]
`;

beforeAll(async () => {
  kubectlBin = ensureKubectl() as string;
  dir = mkdtempSync(join(tmpdir(), 'kubectl-test-'));
  cluster = new Cluster();
  app = await buildKubeApi({ cluster });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  kubeconfig = writeKubeconfig(dir, url);
  writeFileSync(join(dir, 'unseen.yaml'), UNSEEN);
}, 180_000);

afterAll(async () => {
  await app.close();
});

describe('kubectl against the embedded Kubernetes API', () => {
  it('applies the seed, then again with no change', async () => {
    const first = await kubectl(['apply', '-f', SEED_SCENARIO_FILE]);
    expect(first.stderr).toBe('');
    expect(first.stdout.trim().split('\n')).toEqual([
      'node/k8s-master created',
      'node/k8s-node1 created',
      'node/k8s-node2 created',
      'namespace/ns-user-1 created',
      'deployment.apps/webserver created',
      'pod/client created',
      'service/service-web-clusterip created',
      'service/service-web-clusterip-mp created',
      'service/service-web-lb created',
    ]);
    const second = await kubectl(['apply', '-f', SEED_SCENARIO_FILE]);
    expect(
      second.stdout
        .trim()
        .split('\n')
        .every((l) => l.endsWith(' unchanged')),
    ).toBe(true);
  }, 60_000);

  it('applies an unseen multi-document manifest with fields we do not model, twice', async () => {
    const first = await kubectl(['apply', '-f', join(dir, 'unseen.yaml')]);
    expect(first.stdout).toBe('namespace/shop created\ndeployment.apps/cart created\nservice/cart created\n');
    const second = await kubectl(['apply', '-f', join(dir, 'unseen.yaml')]);
    expect(second.stdout).toBe(
      'namespace/shop unchanged\ndeployment.apps/cart unchanged\nservice/cart unchanged\n',
    );
    const image = await kubectl([
      'get',
      'deploy',
      'cart',
      '-n',
      'shop',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].imagePullPolicy}',
    ]);
    expect(image.stdout).toBe('IfNotPresent');
  }, 60_000);

  it('gets every kind, across namespaces, wide and as YAML', async () => {
    const pods = await kubectl(['get', 'pods', '-A']);
    expect(pods.stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(pods.stdout).toMatch(/ns-user-1\s+client\s+1\/1\s+Running\s+0/);
    const wide = await kubectl(['get', 'pods', '-n', 'ns-user-1', '-o', 'wide']);
    expect(wide.stdout.split('\n')[0]).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/,
    );
    expect(wide.stdout).toMatch(/client\s+1\/1\s+Running\s+0\s+\S+\s+10\.47\.255\.252\s+k8s-node1/);
    const svc = await kubectl(['get', 'svc', '-n', 'ns-user-1', 'service-web-clusterip']);
    expect(svc.stdout).toMatch(/service-web-clusterip\s+ClusterIP\s+10\.105\.53\.64\s+<none>\s+8888\/TCP/);
    const nodes = await kubectl(['get', 'nodes', '-o', 'wide']);
    expect(nodes.stdout).toMatch(/k8s-master\s+Ready\s+master\s+\S+\s+v1\.32\.0\s+10\.85\.188\.19/);
    for (const kind of [
      'deployments',
      'replicasets',
      'endpoints',
      'endpointslices',
      'namespaces',
      'events',
      'services',
    ]) {
      const res = await kubectl(['get', kind, '-A']);
      expect(res.code, `${kind}: ${res.stderr}`).toBe(0);
      expect(res.stdout.split('\n').length).toBeGreaterThan(2);
    }
    const yaml = await kubectl(['get', 'deploy', 'webserver', '-n', 'ns-user-1', '-o', 'yaml']);
    expect(yaml.stdout).toMatch(/^apiVersion: apps\/v1\nkind: Deployment\n/);
    expect(yaml.stdout).toContain('  replicas: 2\n');
  }, 120_000);

  it('watches a Deployment with get -w and sees it scale', async () => {
    const child = spawn(kubectlBin, [
      `--kubeconfig=${kubeconfig}`,
      `--cache-dir=${join(dir, 'cache')}`,
      'get',
      'deploy',
      'cart',
      '-n',
      'shop',
      '-w',
    ]);
    let out = '';
    const saw = (pattern: RegExp) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (pattern.test(out)) resolve();
        };
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          check();
        });
        check();
      });
    await saw(/cart\s+2\/2/);
    const scaled = await kubectl(['scale', 'deployment', 'cart', '-n', 'shop', '--replicas=3']);
    expect(scaled.stdout).toBe('deployment.apps/cart scaled\n');
    await saw(/cart\s+3\/3\s+3\s+3/);
    child.kill();
    const pods = await kubectl(['get', 'pods', '-n', 'shop', '-o', 'name']);
    expect(pods.stdout.trim().split('\n')).toHaveLength(3);
  }, 60_000);

  it('labels a pod, and a deleted Deployment pod is replaced', async () => {
    const label = await kubectl(['label', 'pod', 'client', '-n', 'ns-user-1', 'tier=frontend']);
    expect(label.stdout).toBe('pod/client labeled\n');
    expect(cluster.get('Pod', 'ns-user-1', 'client')!.metadata.labels).toEqual({
      app: 'client',
      tier: 'frontend',
    });
    const before = cluster.list('Pod', 'shop').map((p) => p.metadata.name);
    const deleted = await kubectl(['delete', 'pod', '-n', 'shop', before[0]!]);
    expect(deleted.stdout).toBe(`pod "${before[0]}" deleted\n`);
    const after = cluster.list('Pod', 'shop').map((p) => p.metadata.name);
    expect(after).toHaveLength(before.length);
    expect(after).not.toContain(before[0]);
  }, 60_000);

  it('diffs a change (exit 1) and applies it server-side', async () => {
    const changed = UNSEEN.replace('replicas: 2', 'replicas: 4');
    writeFileSync(join(dir, 'changed.yaml'), changed);
    const diff = await kubectl(['diff', '-f', join(dir, 'changed.yaml')]);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/^-  replicas: 3$/m);
    expect(diff.stdout).toMatch(/^\+  replicas: 4$/m);
    const ssa = await kubectl([
      'apply',
      '--server-side',
      '--force-conflicts',
      '-f',
      join(dir, 'changed.yaml'),
    ]);
    expect(ssa.stdout).toBe(
      'namespace/shop serverside-applied\ndeployment.apps/cart serverside-applied\nservice/cart serverside-applied\n',
    );
    expect(cluster.get('Deployment', 'shop', 'cart')!.spec.replicas).toBe(4);
    const managers = cluster
      .get('Deployment', 'shop', 'cart')!
      .metadata.managedFields!.map((m) => `${m.manager}/${m.operation}`);
    expect(managers).toContain('kubectl/Apply');
    const same = await kubectl(['diff', '-f', join(dir, 'changed.yaml')]);
    expect(same.code).toBe(0);
  }, 60_000);

  it('explains service.spec.ports from the OpenAPI document', async () => {
    const explain = await kubectl(['explain', 'service.spec.ports']);
    expect(explain.stdout).toMatch(/^KIND:\s+Service\nVERSION:\s+v1\n/);
    expect(explain.stdout).toMatch(/FIELD:\s+ports <\[\]ServicePort>/);
    expect(explain.stdout).toMatch(/port\t<integer> -required-/);
    expect(explain.stdout).toMatch(/targetPort\t<\w+>\n    Number or name of the port to access on the pods/);
    const containers = await kubectl(['explain', 'deployment.spec.template.spec.containers.ports']);
    expect(containers.stdout).toMatch(/^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n/);
    expect(containers.stdout).toMatch(/containerPort\t<integer> -required-/);
    // The OpenAPI v2 document, in the protobuf form older kubectl versions read.
    const v2 = await kubectl(['explain', 'deployment.spec.replicas', '--output=plaintext-openapiv2']);
    expect(v2.stdout).toMatch(/^KIND:\s+Deployment\nVERSION:\s+apps\/v1\n\nFIELD:\s+replicas <integer>/);
  }, 60_000);

  it('rejects an invalid manifest with kubectl’s usual message and changes nothing', async () => {
    const bad = await kubectl(
      ['apply', '-f', '-'],
      'apiVersion: v1\nkind: Service\nmetadata: {name: bad, namespace: shop}\nspec: {ports: [{port: 70000}]}\n',
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(
      'The Service "bad" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    );
    const typo = await kubectl(
      ['apply', '-f', '-'],
      'apiVersion: v1\nkind: Service\nmetadata: {name: typo, namespace: shop}\nspec: {portz: 1, ports: [{port: 80}]}\n',
    );
    expect(typo.stderr).toContain('strict decoding error: unknown field "spec.portz"');
    expect(cluster.get('Service', 'shop', 'bad')).toBeUndefined();
    expect(cluster.get('Service', 'shop', 'typo')).toBeUndefined();
  }, 60_000);
});
