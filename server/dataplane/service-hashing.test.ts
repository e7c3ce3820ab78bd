import { describe, expect, it } from 'vitest';
import { ManualClock } from '@server/clock.ts';
import { Cluster } from '@server/cluster/cluster.ts';
import { loadScenario } from '@server/cluster/scenario.ts';
import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { sequentialIds } from '@server/ids.ts';
import { KubeManager } from '@server/kube-manager/kube-manager.ts';
import { inProcessClient } from '@server/kube-api/in-process.ts';
import { Dataplane } from './dataplane.ts';
import { FlowProcessor } from './flow-processor.ts';
import { parseIpv4 } from '@model/net/ipv4.ts';
import { maglevTableSize } from './maglev.ts';

const MAGLEV_VIP = '10.96.7.7';

function serviceYaml(hashing: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: service-web-maglev
  namespace: ns-user-1
  annotations: { ecmp-hashing: ${hashing} }
spec:
  type: ClusterIP
  clusterIP: ${MAGLEV_VIP}
  selector: { app: webserver }
  ports:
    - { protocol: TCP, port: 8888, targetPort: 80 }
`;
}

/** The seed cluster reconciled by kube-manager into a store the dataplane follows. */
async function seedCluster() {
  const clock = new ManualClock();
  const store = new ConfigStore(clock, sequentialIds());
  createDefaultObjects(store);
  const cluster = new Cluster({ clock, ids: sequentialIds('aaaaaaaa-0000-4000-8000-') });
  loadScenario(cluster);
  const dp = new Dataplane(store, { clock });
  const km = new KubeManager(store, inProcessClient(cluster), {
    resyncIntervalMs: 0,
    schedule: () => undefined,
  });
  await km.start();
  const apply = (yaml: string) => {
    cluster.applyManifest(yaml);
    km.flush();
  };
  return { dp, apply };
}

/** The client's compute's composite group for a VIP. */
function groupFor(dp: Dataplane, vip: string) {
  const clientVmi = dp.podVmi('ns-user-1/client')!;
  const node = dp.placements.get(clientVmi)!.node;
  const router = dp.router(node)!;
  const route = router.lookupRoute(router.vifByVmi.get(clientVmi)!.vrfId, parseIpv4(vip))!;
  const state = router.ecmpOfNh(route.nhId);
  return { nh: router.nexthops.get(route.nhId)!, group: state?.group };
}

describe('ecmp-hashing on a Service applied through the cluster', () => {
  it('gives its VIP a Maglev composite while other Services keep hash % slots', async () => {
    const { dp, apply } = await seedCluster();
    apply(serviceYaml('maglev'));
    const maglev = groupFor(dp, MAGLEV_VIP);
    expect(maglev.nh.type).toBe('composite');
    expect(maglev.group!.hashing).toBe('maglev');
    expect(maglev.group!.activeCount).toBe(2);
    expect(maglev.group!.maglevSize).toBe(maglevTableSize(2));

    const plain = groupFor(dp, '10.105.53.64');
    expect(plain.group!.hashing).toBe('contrail');
    expect(plain.group!.maglevSize).toBe(0);

    // A packet to the Maglev VIP lands on one of the webserver pods at the target port.
    const processor = new FlowProcessor(dp);
    const res = processor.sendFromPod(dp.podVmi('ns-user-1/client')!, {
      proto: 6,
      sport: 40100,
      dport: 8888,
      dip: parseIpv4(MAGLEV_VIP),
    });
    expect(res.dropReason).toBe(0);
    expect(res.member!.podKey).toMatch(/^ns-user-1\/webserver-/);
    expect(res.memberPort).toBe(80);
  });

  it('switches back to the Contrail scheme when the annotation changes', async () => {
    const { dp, apply } = await seedCluster();
    apply(serviceYaml('maglev'));
    apply(serviceYaml('contrail'));
    const { group } = groupFor(dp, MAGLEV_VIP);
    expect(group!.hashing).toBe('contrail');
    expect(group!.maglevSize).toBe(0);
  });
});
