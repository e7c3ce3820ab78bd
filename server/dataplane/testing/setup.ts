// Small dataplanes over fixture objects, shared by the dataplane tests. Tests only.

import { parseIpv4 } from '@model/net/ipv4.ts';
import { ManualClock } from '@server/clock.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { sequentialIds } from '@server/ids.ts';
import { Dataplane } from '../dataplane.ts';
import { FlowProcessor, type Packet } from '../flow-processor.ts';
import type { FlowTableOptions } from '../flow-table.ts';
import type { NextHop } from '../nexthops.ts';
import type { Route, VRouter } from '../vrouter.ts';
import { DataplaneFixture } from './fixture.ts';

export const VIP = '10.105.53.64';
export const SVC = 'ns-user-1/service-web-clusterip';

export interface Layout {
  /** Compute name → address. */
  computes: Record<string, string>;
  /** Pod name (namespace ns-user-1) → [compute, address]. */
  pods: Record<string, [string, string]>;
  /** Backends of the Service (pod names), in reference order. */
  backends: string[];
  flowTable?: FlowTableOptions;
  hashing?: 'maglev' | 'contrail';
}

export type Env = ReturnType<typeof build>;

/** A dataplane with the given computes and pods and one ClusterIP Service (VIP:8888 → 80). */
export function build(layout: Layout) {
  const clock = new ManualClock();
  const store = new ConfigStore(clock, sequentialIds());
  const fx = new DataplaneFixture(store);
  for (const [name, ip] of Object.entries(layout.computes)) fx.addCompute(name, ip);
  const dp = new Dataplane(store, {
    clock,
    flowTable: layout.flowTable ?? { entries: 4096, overflowEntries: 256 },
  });
  for (const [name, [node, ip]] of Object.entries(layout.pods)) fx.addPod('ns-user-1', name, node, ip);
  fx.addService(
    'ns-user-1',
    'service-web-clusterip',
    VIP,
    [{ port: 8888, targetPort: 80 }],
    layout.hashing ? { hashing: layout.hashing } : {},
  );
  fx.setBackends(
    SVC,
    layout.backends.map((b) => `ns-user-1/${b}`),
  );
  const processor = new FlowProcessor(dp);
  return { clock, store, fx, dp, processor };
}

/** client and web-a on node1, web-b and web-c on node2. */
export function buildTwoComputes(
  opts: { flowTable?: FlowTableOptions; hashing?: 'maglev' | 'contrail' } = {},
) {
  return build({
    computes: { node1: '10.85.188.20', node2: '10.85.188.21' },
    pods: {
      client: ['node1', '10.47.255.252'],
      'web-a': ['node1', '10.47.255.250'],
      'web-b': ['node2', '10.47.255.249'],
      'web-c': ['node2', '10.47.255.248'],
    },
    backends: ['web-a', 'web-b', 'web-c'],
    ...opts,
  });
}

/** The VIP route a compute's kernel uses from the pod network, and its next hop. */
export function vipRoute(env: Env, node: string, ip = VIP): { router: VRouter; route: Route; nh: NextHop } {
  const router = env.dp.router(node)!;
  const podVrf = [...router.vrfs.values()].find((v) => v.name.endsWith('k8s-default-pod-network'))!;
  const route = router.lookup(podVrf.id, parseIpv4(ip))!;
  return { router, route, nh: router.nh.get(route.kernel!.nhId)! };
}

/** Component targets of a composite, `-` for a hole: VMI → pod name, tunnel → its address. */
export function componentNames(env: Env, nh: NextHop): string[] {
  if (nh.type !== 'composite') throw new Error(`NH ${nh.id} is ${nh.type}, not a composite`);
  return nh.components.map((c) => {
    if (!c) return '-';
    if (c.kind === 'tunnel') return `tunnel ${c.target}`;
    return env.dp.placements.get(c.target)?.podKey?.split('/')[1] ?? c.target;
  });
}

/** Sends a TCP packet from a pod of ns-user-1 to the VIP (or `dip`). */
export function sendFrom(env: Env, pod: string, sport: number, extra: Partial<Packet> = {}) {
  const vmi = env.dp.podVmi(`ns-user-1/${pod}`)!;
  return env.processor.sendFromPod(vmi, { proto: 6, sport, dport: 8888, dip: parseIpv4(VIP), ...extra });
}
