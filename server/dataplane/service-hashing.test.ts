import { describe, expect, it } from 'vitest';
import { ManualClock } from '@server/clock.ts';
import { Cluster } from '@server/cluster/cluster.ts';
import { loadScenario } from '@server/cluster/scenario.ts';
import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { sequentialIds } from '@server/ids.ts';
import { inProcessClient } from '@server/kube-api/in-process.ts';
import { KubeManager } from '@server/kube-manager/kube-manager.ts';
import { parseIpv4 } from '@model/net/ipv4.ts';
import { Dataplane } from './dataplane.ts';
import { FlowProcessor } from './flow-processor.ts';
import { tracePacket } from './trace.ts';

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
  return { dp, apply, processor: new FlowProcessor(dp) };
}

const trace = (env: Awaited<ReturnType<typeof seedCluster>>, to: string, sourcePort: number) =>
  tracePacket(env.dp, env.processor, {
    from: 'ns-user-1/client',
    to,
    protocol: 'TCP',
    port: 8888,
    sourcePort,
  });

describe('the ecmp-hashing: maglev what-if (not Contrail behaviour)', () => {
  it('is reported as a what-if on its VIP only; the composite is the one the agent builds', async () => {
    const env = await seedCluster();
    env.apply(serviceYaml('maglev'));
    expect(env.dp.isMaglevVip(parseIpv4(MAGLEV_VIP))).toBe(true);
    expect(env.dp.isMaglevVip(parseIpv4('10.105.53.64'))).toBe(false);
    const maglev = trace(env, MAGLEV_VIP, 40100);
    const plain = trace(env, '10.105.53.64', 40100);
    expect(maglev.whatIf).toBe('maglev');
    expect(plain.whatIf).toBeNull();
    // Same composite shape as any Service with these backends: local pod + tunnel to node2.
    expect(maglev.ecmp!.slots).toBe(plain.ecmp!.slots);
    expect(maglev.member!.pod).toMatch(/^ns-user-1\/webserver-/);
    expect(maglev.member!.port).toBe(80);
  });

  it('stops being a what-if when the annotation changes', async () => {
    const env = await seedCluster();
    env.apply(serviceYaml('maglev'));
    env.apply(serviceYaml('contrail'));
    expect(env.dp.isMaglevVip(parseIpv4(MAGLEV_VIP))).toBe(false);
    expect(trace(env, MAGLEV_VIP, 40200).whatIf).toBeNull();
  });
});
