import { describe, expect, it } from 'vitest';
import type { StoredObject } from '@server/config-api/store.ts';
import { makeHarness, type Harness } from './testing/harness.ts';

const NS = 'ns-user-1';

function lbTree(h: Harness, svc: string) {
  const uid = h.cluster.get('Service', NS, svc)?.metadata.uid;
  const lb = uid ? h.store.get(uid) : undefined;
  const listeners = lb ? h.store.backRefs(lb.uuid, 'loadbalancer-listener').map((b) => b.object) : [];
  const pools = listeners.flatMap((l) => h.store.backRefs(l.uuid, 'loadbalancer-pool').map((b) => b.object));
  const members = pools.flatMap((p) => h.store.children(p.uuid, 'loadbalancer-member'));
  const vmi = lb ? h.store.get(h.refUuids(lb, 'virtual-machine-interface')[0]!) : undefined;
  const iip = vmi ? h.store.backRefs(vmi.uuid, 'instance-ip')[0]?.object : undefined;
  const fip = iip ? h.store.children(iip.uuid, 'floating-ip')[0] : undefined;
  return { lb, listeners, pools, members, vmi, iip, fip };
}

const memberVms = (h: Harness, members: StoredObject[]) => members.map((m) => h.annotations(m).vm).sort();
const webPods = (h: Harness) =>
  h.cluster.list('Pod', NS).filter((p) => p.metadata.labels?.app === 'webserver');

const portsSvc = (ports: string) => `apiVersion: v1
kind: Service
metadata: {name: service-web-clusterip, namespace: ${NS}}
spec: {clusterIP: 10.105.53.64, selector: {app: webserver}, ports: ${ports}}
`;

describe('event order and changes', () => {
  it('keeps Endpoints that arrive before their Service (K4)', async () => {
    const h = await makeHarness();
    const [pod] = webPods(h);
    h.apply(`apiVersion: v1
kind: Endpoints
metadata: {name: manual, namespace: ${NS}}
subsets:
  - addresses: [{ip: ${pod!.status.podIP}, targetRef: {kind: Pod, name: ${pod!.metadata.name}, namespace: ${NS}, uid: ${pod!.metadata.uid}}}]
    ports: [{port: 80, protocol: TCP}]
`);
    expect(h.store.count('loadbalancer')).toBe(3);
    h.apply(`apiVersion: v1
kind: Service
metadata: {name: manual, namespace: ${NS}}
spec: {ports: [{port: 7777, targetPort: 80}]}
`);
    const tree = lbTree(h, 'manual');
    expect(memberVms(h, tree.members)).toEqual([pod!.metadata.uid]);
    expect(h.refUuids(tree.fip!, 'virtual-machine-interface')).toHaveLength(1);
  });

  it('empties the pools at scale 0 and refills them at 3', async () => {
    const h = await makeHarness();
    h.cluster.scaleDeployment(NS, 'webserver', 0);
    h.km.flush();
    let tree = lbTree(h, 'service-web-clusterip');
    expect(tree.members).toEqual([]);
    expect(tree.pools).toHaveLength(1);
    expect(h.refUuids(tree.fip!, 'virtual-machine-interface')).toEqual([]);
    expect(tree.fip!.props.floating_ip_port_mappings).toEqual({ port_mappings: [] });
    expect(h.store.count('virtual-machine')).toBe(1); // only the client pod is left
    h.cluster.scaleDeployment(NS, 'webserver', 3);
    h.km.flush();
    tree = lbTree(h, 'service-web-clusterip');
    expect(memberVms(h, tree.members)).toEqual(
      webPods(h)
        .map((p) => p.metadata.uid)
        .sort(),
    );
    expect(tree.members).toHaveLength(3);
    expect(lbTree(h, 'service-web-clusterip-mp').members).toHaveLength(6);
    expect(h.km.stats.lastErrors).toEqual([]);
  });

  it('follows a deleted pod to its replacement with a new uid and IP', async () => {
    const h = await makeHarness();
    const originalUids = new Set(webPods(h).map((p) => p.metadata.uid));
    const [victim] = webPods(h);
    const oldVmi = h.store.backRefs(victim!.metadata.uid, 'virtual-machine-interface')[0]!.object;
    h.cluster.delete('Pod', NS, victim!.metadata.name);
    h.km.flush();
    const pods = webPods(h);
    expect(pods).toHaveLength(2);
    const replacement = pods.find((p) => !originalUids.has(p.metadata.uid))!;
    expect(replacement.metadata.name).toMatch(/^webserver-[a-z0-9]{10}-[a-z0-9]{5}$/);
    expect(replacement.metadata.uid).not.toBe(victim!.metadata.uid);
    expect(replacement.status.podIP).not.toBe(victim!.status.podIP);
    expect(h.store.get(victim!.metadata.uid)).toBeUndefined();
    expect(h.store.get(oldVmi.uuid)).toBeUndefined();
    const tree = lbTree(h, 'service-web-clusterip');
    expect(memberVms(h, tree.members)).toEqual(pods.map((p) => p.metadata.uid).sort());
    expect(h.km.stats.lastErrors).toEqual([]);
  });

  it('drops a bare pod recreated under the same name before making its new VM', async () => {
    const h = await makeHarness();
    const client = h.cluster.get('Pod', NS, 'client')!;
    h.cluster.delete('Pod', NS, 'client');
    h.cluster.applyManifest(`apiVersion: v1
kind: Pod
metadata: {name: client, namespace: ${NS}, labels: {app: client}}
spec: {containers: [{name: client}]}
`);
    const result = h.km.flush();
    expect(result.errors).toEqual([]);
    const fresh = h.cluster.get('Pod', NS, 'client')!;
    expect(h.store.get(client.metadata.uid)).toBeUndefined();
    expect(h.store.get(fresh.metadata.uid)!.fqName).toEqual([`k8s__${NS}__client`]);
  });

  it('removes a member when its pod turns not ready and restores it when ready again', async () => {
    const h = await makeHarness();
    const [pod] = webPods(h);
    for (let flap = 0; flap < 3; flap++) {
      h.cluster.setPodReadiness(NS, pod!.metadata.name, false);
      h.km.flush();
      const down = lbTree(h, 'service-web-clusterip');
      expect(memberVms(h, down.members)).not.toContain(pod!.metadata.uid);
      expect(down.members).toHaveLength(1);
      expect(h.refUuids(down.fip!, 'virtual-machine-interface')).toHaveLength(1);
      h.cluster.setPodReadiness(NS, pod!.metadata.name, true);
      h.km.flush();
      const up = lbTree(h, 'service-web-clusterip');
      expect(memberVms(h, up.members)).toContain(pod!.metadata.uid);
      expect(h.refUuids(up.fip!, 'virtual-machine-interface')).toHaveLength(2);
    }
  });

  it('adds and removes listeners, pools, members and port maps with the Service ports (K5)', async () => {
    const h = await makeHarness();
    h.apply(portsSvc('[{name: a, port: 8888, targetPort: 80}, {name: b, port: 9090, targetPort: http-alt}]'));
    let tree = lbTree(h, 'service-web-clusterip');
    expect(tree.listeners).toHaveLength(2);
    expect(tree.members).toHaveLength(4);
    expect(tree.fip!.props.floating_ip_port_mappings).toEqual({
      port_mappings: [
        { protocol: 'TCP', src_port: 8888, dst_port: 80 },
        { protocol: 'TCP', src_port: 9090, dst_port: 90 },
      ],
    });
    h.apply(portsSvc('[{name: b, port: 9090, targetPort: http-alt}]'));
    tree = lbTree(h, 'service-web-clusterip');
    expect(
      tree.listeners.map(
        (l) => (l.props.loadbalancer_listener_properties as { protocol_port: number }).protocol_port,
      ),
    ).toEqual([9090]);
    expect(tree.pools).toHaveLength(1);
    expect(tree.members).toHaveLength(2);
    expect(h.km.stats.lastErrors).toEqual([]);
  });

  it('adds the public floating-ip for LoadBalancer and removes it on the way back to ClusterIP', async () => {
    const h = await makeHarness();
    const svc = (type: string) => `apiVersion: v1
kind: Service
metadata: {name: service-web-clusterip, namespace: ${NS}}
spec: {type: ${type}, clusterIP: 10.105.53.64, selector: {app: webserver}, ports: [{port: 8888, targetPort: 80}]}
`;
    const pool = h.store.byFqName('floating-ip-pool', [
      'default-domain',
      'k8s-default',
      'k8s-public-network',
      'k8s-public-fip-pool',
    ])!;
    expect(h.store.children(pool.uuid, 'floating-ip')).toHaveLength(1);
    h.apply(svc('LoadBalancer'));
    expect(h.store.children(pool.uuid, 'floating-ip')).toHaveLength(2);
    const ingress = h.cluster.get('Service', NS, 'service-web-clusterip')!.status.loadBalancer.ingress;
    expect(ingress).toEqual([{ ip: '203.0.113.3' }]);
    h.apply(svc('ClusterIP'));
    expect(h.store.children(pool.uuid, 'floating-ip')).toHaveLength(1);
    expect(h.cluster.get('Service', NS, 'service-web-clusterip')!.status.loadBalancer).toEqual({});
    expect(lbTree(h, 'service-web-clusterip').members).toHaveLength(2);
    expect(h.km.stats.lastErrors).toEqual([]);
  });

  it('deletes everything of a deleted Service and keeps the other Services', async () => {
    const h = await makeHarness();
    const before = h.store.size;
    const uid = h.cluster.get('Service', NS, 'service-web-lb')!.metadata.uid;
    h.cluster.delete('Service', NS, 'service-web-lb');
    const result = h.km.flush();
    expect(result.errors).toEqual([]);
    expect(h.store.get(uid)).toBeUndefined();
    // LB, VMI, VIP IIP, VIP FIP, external FIP, listener, pool, 2 members.
    expect(result.deleted.map((d) => d.type).sort()).toEqual(
      [
        'floating-ip',
        'floating-ip',
        'instance-ip',
        'loadbalancer',
        'loadbalancer-listener',
        'loadbalancer-member',
        'loadbalancer-member',
        'loadbalancer-pool',
        'virtual-machine-interface',
      ].sort(),
    );
    // Members go before pools, pools before listeners, listeners before the loadbalancer.
    const order = result.deleted.map((d) => d.type);
    expect(order.indexOf('loadbalancer-member')).toBeLessThan(order.indexOf('loadbalancer-pool'));
    expect(order.indexOf('loadbalancer-pool')).toBeLessThan(order.indexOf('loadbalancer-listener'));
    expect(order.indexOf('loadbalancer-listener')).toBeLessThan(order.indexOf('loadbalancer'));
    expect(order.indexOf('loadbalancer')).toBeLessThan(order.indexOf('virtual-machine-interface'));
    expect(h.store.size).toBe(before - 9);
    expect(lbTree(h, 'service-web-clusterip').members).toHaveLength(2);
  });

  it('tears down a whole namespace', async () => {
    const h = await makeHarness();
    h.cluster.delete('Namespace', undefined, NS);
    const result = h.km.flush();
    expect(result.errors).toEqual([]);
    expect(h.store.count('loadbalancer')).toBe(0);
    expect(h.store.count('virtual-machine')).toBe(0);
    expect(h.store.byFqName('project', ['default-domain', 'k8s-ns-user-1'])).toBeUndefined();
    const vr = h.store.byFqName('virtual-router', ['default-global-system-config', 'k8s-node1'])!;
    expect(h.refUuids(vr, 'virtual-machine')).toEqual([]);
  });
});
