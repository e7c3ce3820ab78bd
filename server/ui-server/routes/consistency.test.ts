import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsistencyReport, LbConsistency } from '@model/api/dataplane-views.ts';
import { until } from '@server/testing/until.ts';
import { startEmbedded, type Embedded } from '../testing/embedded.ts';

// /api/consistency over the seed scenario, every layer read through its protocol: Endpoints
// through the Kubernetes API, members and the VIP floating-ip through the config API, routes and
// next hops through each compute's agent introspect. Drift is made the way it happens: kube-manager
// stuck (PUT /api/cluster/kube-manager) while a pod's readiness changes (its status subresource).

const SERVICE = 'ns-user-1/service-web-clusterip';
const LB_NAME = 'ns-user-1__service-web-clusterip';

let e: Embedded;
let lbUuid: string;
let pod: { name: string; ip: string };

const getJson = async <T>(url: string): Promise<T> => {
  const res = await e.ui.inject(url);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json() as T;
};
const put = async (url: string, payload: object) => {
  const res = await e.ui.inject({ method: 'PUT', url, payload });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
};
const check = () => getJson<LbConsistency>(`/api/consistency/${lbUuid}`);
const readyIps = () =>
  (e.sim.cluster.get('Endpoints', 'ns-user-1', 'service-web-clusterip')?.subsets ?? []).flatMap((s) =>
    (s.addresses ?? []).map((a) => a.ip),
  );
const memberCount = () => e.sim.store.count('loadbalancer-member');

beforeAll(async () => {
  e = await startEmbedded();
  lbUuid = [...e.sim.store.all('loadbalancer')].find((o) => o.displayName === LB_NAME)!.uuid;
  const p = e.sim.cluster.list('Pod', 'ns-user-1').find((x) => x.metadata.name.startsWith('webserver-'))!;
  pod = { name: p.metadata.name, ip: p.status!.podIP! };
});

afterAll(async () => {
  await e.close();
});

describe('GET /api/consistency', () => {
  it('finds every load balancer of the seed consistent, each layer read', async () => {
    const report = await getJson<ConsistencyReport>('/api/consistency');
    expect(report.unchecked).toEqual([]);
    expect(report.loadbalancers.length).toBe(e.sim.store.count('loadbalancer'));
    for (const lb of report.loadbalancers)
      expect(lb, lb.displayName).toMatchObject({ consistent: true, problems: [], unchecked: [] });
    const one = await check();
    expect(one).toEqual({
      uuid: lbUuid,
      displayName: LB_NAME,
      consistent: true,
      problems: [],
      unchecked: [],
    });
  });

  it('names the broken link while kube-manager is paused and a pod turns not ready, and clears on resume', async () => {
    const members = memberCount();
    await put('/api/cluster/kube-manager', { paused: true });
    await put(`/api/cluster/pods/ns-user-1/${pod.name}/readiness`, { ready: false });
    await until(() => !readyIps().includes(pod.ip), 'the Endpoints drop the pod');
    expect(memberCount()).toBe(members);

    const drift = await check();
    expect(drift.consistent).toBe(false);
    expect(drift.problems[0]).toEqual({
      layer: 'members',
      message: expect.stringMatching(
        new RegExp(
          `^member [0-9a-f-]{36} of pool \\S+ \\(pod ns-user-1/${pod.name} \\(${pod.ip.replaceAll('.', '\\.')}\\)\\) is not a ready endpoint of Service ${SERVICE}$`,
        ),
      ),
    });
    // The cluster-wide list flags the same load balancer with the same first link.
    const sweep = await getJson<ConsistencyReport>('/api/consistency');
    expect(sweep.loadbalancers.find((l) => l.uuid === lbUuid)!.problems[0]).toEqual(drift.problems[0]);

    await put('/api/cluster/kube-manager', { paused: false });
    await until(async () => (await check()).consistent, 'the check is clean again after resume');
    expect(memberCount()).toBeLessThan(members);
  }, 30_000);

  it('names a ready pod with no member while kube-manager is paused, and clears on resume', async () => {
    await put('/api/cluster/kube-manager', { paused: true });
    await put(`/api/cluster/pods/ns-user-1/${pod.name}/readiness`, { ready: true });
    await until(() => readyIps().includes(pod.ip), 'the Endpoints list the pod again');

    const drift = await check();
    expect(drift.consistent).toBe(false);
    expect(drift.problems[0]).toEqual({
      layer: 'members',
      message: expect.stringMatching(new RegExp(`^pod ${pod.name} is ready but has no member in pool \\S+$`)),
    });

    await put('/api/cluster/kube-manager', { paused: false });
    await until(async () => (await check()).consistent, 'the check is clean again after resume');
  }, 30_000);

  it('answers an unknown load balancer with 404 and a malformed uuid with 400', async () => {
    const missing = await e.ui.inject('/api/consistency/00000000-0000-4000-8000-00000000dead');
    expect(missing.statusCode).toBe(404);
    const bad = await e.ui.inject('/api/consistency/not-a-uuid');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/^path\.uuid: /);
    expect((await e.ui.inject('/api/consistency?x=1')).statusCode).toBe(400);
  });
});
