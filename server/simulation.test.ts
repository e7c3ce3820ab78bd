// The simulation resumes what it saved: a restart over the same state directory keeps the
// cluster's uids (so the same loadbalancer uuids and deep links), its scaled Deployments and the
// objects written through the config API, and does not replay the scenario.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDataDir } from './persistence/data-dir.ts';
import { startSimulation, type Simulation } from './simulation.ts';
import { tempDataDir } from './testing/server-process.ts';
import { until } from './testing/until.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(join(dir, '..'), { recursive: true, force: true });
});

async function run<T>(dir: string, body: (sim: Simulation) => T | Promise<T>): Promise<T> {
  const dataDir = openDataDir(dir);
  const sim = await startSimulation({ dataDir });
  try {
    return await body(sim);
  } finally {
    await sim.stop();
    await dataDir.close();
  }
}

const lbUuid = (sim: Simulation, display: string) =>
  [...sim.store.all('loadbalancer')].find((lb) => lb.displayName === display)?.uuid;

describe('a restarted simulation', () => {
  it('resumes the saved cluster: same uids and loadbalancer uuids, scale kept, scenario not replayed', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const before = await run(dir, async (sim) => {
      const members = sim.store.count('loadbalancer-member');
      sim.cluster.scaleDeployment('ns-user-1', 'webserver', 3);
      // One more member in each pool that selects the webserver (one per Service port: 1 + 2 + 1).
      await until(() => sim.store.count('loadbalancer-member') === members + 4, 'the new pod is a member');
      return {
        lb: lbUuid(sim, 'ns-user-1__service-web-clusterip'),
        serviceUid: sim.cluster.get('Service', 'ns-user-1', 'service-web-clusterip')?.metadata.uid,
        pods: sim.cluster
          .list('Pod')
          .map((p) => `${p.metadata.name} ${p.metadata.uid}`)
          .sort(),
        members: sim.store.count('loadbalancer-member'),
      };
    });
    expect(before.lb).toBe(before.serviceUid);
    expect(before.pods.filter((p) => p.startsWith('webserver-'))).toHaveLength(3);

    const after = await run(dir, (sim) => ({
      lb: lbUuid(sim, 'ns-user-1__service-web-clusterip'),
      serviceUid: sim.cluster.get('Service', 'ns-user-1', 'service-web-clusterip')?.metadata.uid,
      pods: sim.cluster
        .list('Pod')
        .map((p) => `${p.metadata.name} ${p.metadata.uid}`)
        .sort(),
      members: sim.store.count('loadbalancer-member'),
      loadbalancers: sim.store.count('loadbalancer'),
    }));
    expect(after.lb).toBe(before.lb);
    expect(after.serviceUid).toBe(before.serviceUid);
    expect(after.pods).toEqual(before.pods);
    expect(after.members).toBe(before.members);
    expect(after.loadbalancers).toBe(3);
  });
});
