import { describe, expect, it } from 'vitest';
import { formatIpv4, parseIpv4 } from '@model/net/ipv4.ts';
import { renderNhGet } from '@server/vrouter-cli/nh.ts';
import { knhRow } from './kstate.ts';
import { PacketResult } from './flow-processor.ts';
import {
  build,
  buildTwoComputes,
  componentNames,
  sendFrom,
  SVC,
  VIP,
  vipRoute,
  type Env,
} from './testing/setup.ts';
import { runTraffic, generateTraffic, tracePacket } from './trace.ts';
import { routeKey, type VRouter } from './vrouter.ts';

const vip = parseIpv4(VIP);

/** The VIP's route in the Service network's VRF on a compute (where the FIP paths live). */
function fipRoute(env: Env, node: string) {
  const router = env.dp.router(node)!;
  const fip = [...env.dp.fips.values()].find((f) => f.ip === vip)!;
  return { router, route: router.vrfs.get(fip.vrfName)!.routes.get(routeKey(vip, 32))! };
}

const labelOf = (env: Env, pod: string) => {
  const info = env.dp.memberInfo(env.dp.podVmi(`ns-user-1/${pod}`)!)!;
  return info.label;
};

function nhGetText(router: VRouter, id: number): string {
  const row = (n: number) => {
    const nh = router.nh.get(n);
    return nh ? knhRow(router, nh) : undefined;
  };
  return [...renderNhGet(row(id)!, row)].join('');
}

describe('the local ECMP composite (oper/ecmp.cc EcmpData)', () => {
  it('gives a compute with two local backends an Ecmp path to a LOCAL_ECMP composite with its own label', () => {
    const env = buildTwoComputes();
    const { router, route } = fipRoute(env, 'node2');
    expect(route.paths.map((p) => p.peer)).toEqual(['127.0.0.1', 'Ecmp', 'LocalVmPort', 'LocalVmPort']);
    const ecmp = route.paths[1]!;
    const nh = router.nh.get(ecmp.nhId)!;
    expect(nh).toMatchObject({ type: 'composite', ecmpType: 'LOCAL_ECMP' });
    // AllocateEcmpPath lists the path that was there first, then the new one: route order.
    const local = route.paths
      .filter((p) => p.peer === 'LocalVmPort')
      .map((p) => env.dp.placements.get(p.owner.slice(4))!.podKey!.split('/')[1]);
    expect(componentNames(env, nh)).toEqual(local);
    expect([...local].sort()).toEqual(['web-b', 'web-c']);
    // Its own label, distinct from the members' labels, and the kernel's MPLS table maps it.
    expect(ecmp.label).toBe(route.localEcmpLabel);
    expect([labelOf(env, 'web-b'), labelOf(env, 'web-c')]).not.toContain(ecmp.label);
    expect(router.mpls.get(ecmp.label)).toBe(nh.id);
    // Exported once, with that label (FindLocalVmPortPath finds the Ecmp path first).
    expect(route.exported).toMatchObject({ label: ecmp.label });
  });

  it('has no local composite on a compute with one local backend: it exports the pod label', () => {
    const env = buildTwoComputes();
    const { route } = fipRoute(env, 'node1');
    expect(route.paths.map((p) => p.peer)).toEqual(['127.0.0.1', 'LocalVmPort']);
    expect(route.localEcmp).toBeNull();
    expect(route.exported).toMatchObject({ label: labelOf(env, 'web-a') });
  });

  it('frees the composite and its label when one local path is left, and exports the pod label again', () => {
    const env = buildTwoComputes();
    const before = fipRoute(env, 'node2').route.localEcmpLabel;
    env.fx.setBackends(SVC, ['ns-user-1/web-a', 'ns-user-1/web-c']);
    const { router, route } = fipRoute(env, 'node2');
    expect(route.paths.map((p) => p.peer)).toEqual(['127.0.0.1', 'LocalVmPort']);
    expect(router.mpls.has(before)).toBe(false);
    expect(route.exported).toMatchObject({ label: labelOf(env, 'web-c') });
    // The client compute's composite follows: the tunnel to node2 now carries web-c's label.
    const { nh } = vipRoute(env, 'node1');
    expect(nh.type === 'composite' && nh.components[1]).toMatchObject({
      kind: 'tunnel',
      label: labelOf(env, 'web-c'),
    });
  });
});

describe('controller composites (ControllerEcmpRoute, CompositeNHKey)', () => {
  it('on a client compute: its local backends plus one tunnel per remote backend compute', () => {
    const env = buildTwoComputes();
    const { nh } = vipRoute(env, 'node1');
    expect(componentNames(env, nh)).toEqual(['web-a', 'tunnel 10.85.188.21']);
    expect(nh.type === 'composite' && nh.components.map((c) => c?.label)).toEqual([
      labelOf(env, 'web-a'),
      fipRoute(env, 'node2').route.localEcmpLabel,
    ]);
  });

  it('on a compute whose own next hop is its local composite: the composite expanded in place', () => {
    const env = buildTwoComputes();
    const { router, nh } = vipRoute(env, 'node2');
    const local = router.nh.get(router.mpls.get(fipRoute(env, 'node2').route.localEcmpLabel)!)!;
    // Control-node order (lower next-hop address first): node1, then node2's local composite,
    // whose entry ExpandLocalCompositeNH replaces with its first component (in that slot) and
    // the rest (appended).
    expect(componentNames(env, nh)).toEqual(['tunnel 10.85.188.20', ...componentNames(env, local)]);
  });

  it('shares one composite between the VRFs and prefixes with the same component list', () => {
    const env = buildTwoComputes();
    const node1 = env.dp.router('node1')!;
    const fromPods = vipRoute(env, 'node1').nh;
    const inServiceVrf = node1.nh.get(fipRoute(env, 'node1').route.kernel!.nhId)!;
    expect(inServiceVrf.type).toBe('composite');
    expect(componentNames(env, inServiceVrf)).toEqual(componentNames(env, fromPods));
  });

  it('keeps slots stable: a removed compute leaves a -1 hole, the next new one fills it', () => {
    const env = build({
      computes: {
        node1: '10.85.188.20',
        node2: '10.85.188.21',
        node3: '10.85.188.22',
        node4: '10.85.188.23',
      },
      pods: {
        client: ['node1', '10.47.255.252'],
        'web-a': ['node1', '10.47.255.250'],
        'web-b': ['node2', '10.47.255.249'],
        'web-c': ['node3', '10.47.255.248'],
        'web-d': ['node4', '10.47.255.247'],
      },
      backends: ['web-a', 'web-b', 'web-c'],
    });
    const first = vipRoute(env, 'node1');
    expect(componentNames(env, first.nh)).toEqual(['web-a', 'tunnel 10.85.188.21', 'tunnel 10.85.188.22']);
    const members = new Map<number, string>();
    for (let sport = 2000; sport < 2300; sport++)
      members.set(sport, sendFrom(env, 'client', sport).member!.podKey!);

    env.fx.setBackends(SVC, ['ns-user-1/web-a', 'ns-user-1/web-c']);
    const holed = vipRoute(env, 'node1');
    expect(componentNames(env, holed.nh)).toEqual(['web-a', '-', 'tunnel 10.85.188.22']);
    // A new composite NH (the key changed), and nh --get prints the hole as -1 without a label.
    expect(holed.nh.id).not.toBe(first.nh.id);
    const subNh = nhGetText(holed.router, holed.nh.id)
      .split('\n')
      .find((l) => l.includes('Sub NH(label):'))!;
    expect(subNh.trim().split(/\s+/).slice(2)).toEqual([
      `${holed.router.vifByVmi.get(env.dp.podVmi('ns-user-1/web-a')!)!.componentNhId}(${labelOf(env, 'web-a')})`,
      '-1',
      `${holed.nh.type === 'composite' && holed.nh.componentNh[2]}(${labelOf(env, 'web-c')})`,
    ]);
    // Flows to the survivors stay; flows to web-b move to a survivor.
    for (const [sport, member] of members) {
      const now = sendFrom(env, 'client', sport).member!.podKey;
      if (member !== 'ns-user-1/web-b') expect(now).toBe(member);
      else expect(['ns-user-1/web-a', 'ns-user-1/web-c']).toContain(now);
    }

    env.fx.setBackends(SVC, ['ns-user-1/web-a', 'ns-user-1/web-c', 'ns-user-1/web-d']);
    expect(componentNames(env, vipRoute(env, 'node1').nh)).toEqual([
      'web-a',
      'tunnel 10.85.188.23',
      'tunnel 10.85.188.22',
    ]);
  });

  it('keeps established flows on their slot when a member is appended (affinity)', () => {
    const env = buildTwoComputes();
    const members = new Map<number, string>();
    for (let sport = 3000; sport < 3200; sport++)
      members.set(sport, sendFrom(env, 'client', sport).member!.podKey!);
    env.fx.addPod('ns-user-1', 'web-d', 'node1', '10.47.255.247');
    env.fx.setBackends(SVC, ['ns-user-1/web-a', 'ns-user-1/web-b', 'ns-user-1/web-c', 'ns-user-1/web-d']);
    expect(componentNames(env, vipRoute(env, 'node1').nh)).toEqual(['web-a', 'tunnel 10.85.188.21', 'web-d']);
    for (const [sport, member] of members) {
      const again = sendFrom(env, 'client', sport);
      expect(again.reused).toBe(true);
      expect(again.member!.podKey).toBe(member);
    }
    let onNew = 0;
    for (let sport = 5000; sport < 5100; sport++)
      if (sendFrom(env, 'client', sport).member!.podKey === 'ns-user-1/web-d') onNew++;
    expect(onNew).toBeGreaterThan(0);
  });

  it('turns a single remote backend into a tunnel NH with its label, and removes the VIP route with the Service', () => {
    const env = buildTwoComputes();
    env.fx.setBackends(SVC, ['ns-user-1/web-b']);
    const { route, nh } = vipRoute(env, 'node1');
    expect(nh.type).toBe('tunnel');
    expect(route.kernel!.label).toBe(labelOf(env, 'web-b'));
    env.fx.deleteService(SVC);
    for (const router of env.dp.routers.values()) {
      for (const vrf of router.vrfById) expect(vrf.routes.has(routeKey(vip, 32))).toBe(false);
      expect([...router.nh.values()].filter((n) => n.type === 'composite')).toEqual([]);
    }
  });
});

const shares = (env: Env, sourcePorts: 'sequential' | 'random') => {
  const result = runTraffic(
    generateTraffic(env.dp, env.processor, {
      from: ['ns-user-1/client'],
      to: VIP,
      protocol: 'TCP',
      port: 8888,
      flows: 10_000,
      sourcePorts,
    }),
  );
  expect(result.dropped).toBe(0);
  return Object.fromEntries(result.members.map((m) => [m.pod.split('/')[1]!, m.flows / 10_000]));
};

describe('ECMP picks', () => {
  it('splits a node1 client 50/25/25 over web-a (node1) and web-b, web-c (node2) for 10k flows', () => {
    const share = shares(
      buildTwoComputes({ flowTable: { entries: 65536, overflowEntries: 4096 } }),
      'random',
    );
    expect(Math.abs(share['web-a']! - 0.5)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(share['web-b']! - 0.25)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(share['web-c']! - 0.25)).toBeLessThanOrEqual(0.02);
  });

  it('skews the second pick for consecutive source ports: the two hashes differ only in the router id', () => {
    // boost::hash_combine spreads a change of the first input (router ids .20 and .21) poorly
    // into the low bits, so for ports counting up node2's `seed % 2` follows node1's. The
    // independent PickMember below confirms each pick; this is what the agent does.
    const share = shares(
      buildTwoComputes({ flowTable: { entries: 65536, overflowEntries: 4096 } }),
      'sequential',
    );
    expect(Math.abs(share['web-a']! - 0.5)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(share['web-b']! - share['web-c']!)).toBeGreaterThan(0.04);
  });

  it('picks again over the local composite when the packet arrives on the local-ECMP label', () => {
    const env = buildTwoComputes();
    let sport = 6000;
    while (sendFrom(env, 'client', sport).member!.node !== 'node2') sport++;
    const trace = tracePacket(env.dp, env.processor, {
      from: 'ns-user-1/client',
      to: VIP,
      protocol: 'TCP',
      port: 8888,
      sourcePort: sport,
    });
    const local = fipRoute(env, 'node2').route;
    const localNh = local.paths.find((p) => p.peer === 'Ecmp')!.nhId;
    expect(trace.ecmpPicks.map((p) => [p.node, p.nexthopId, p.slots])).toEqual([
      ['node1', vipRoute(env, 'node1').nh.id, 2],
      ['node2', localNh, 2],
    ]);
    expect(trace.ecmp).toEqual(trace.ecmpPicks[0]);
    expect(trace.ecmpPicks[0]!.slot).toBe(1);
    const composite = env.dp.router('node2')!.nh.get(localNh)!;
    expect(`ns-user-1/${componentNames(env, composite)[trace.ecmpPicks[1]!.slot]}`).toBe(trace.member!.pod);
    // Each compute hashes with its own router id: the two picks use different hashes.
    expect(trace.ecmpPicks[0]!.hash).not.toBe(trace.ecmpPicks[1]!.hash);
  });

  it('sends fabric ingress only to members local to the receiving compute', () => {
    const env = buildTwoComputes();
    const out = new PacketResult();
    const seen = new Set<string>();
    for (let sport = 100; sport < 300; sport++) {
      env.processor.sendFromFabric(
        'node2',
        parseIpv4('192.0.2.10'),
        { proto: 6, sport, dport: 8888, dip: vip },
        out,
      );
      expect(out.member?.node).toBe('node2');
      seen.add(out.member!.podKey!);
    }
    expect([...seen].sort()).toEqual(['ns-user-1/web-b', 'ns-user-1/web-c']);
  });
});

// ---- an independent PickMember ----------------------------------------------------------------
// Written from tf-controller src/vnsw/agent/oper/nexthop.cc CompositeNH::PickMember and
// pkt/pkt_handler.cc PktInfo::hash with BigInt arithmetic, sharing no code with the dataplane.

const U64 = (1n << 64n) - 1n;
const hashCombine = (seed: bigint, v: bigint) =>
  (seed ^ ((v + 0x9e3779b9n + ((seed << 6n) & U64) + (seed >> 2n)) & U64)) & U64;

function agentHash(
  rid: number,
  sip: number,
  dip: number,
  proto: number,
  sport: number,
  dport: number,
): bigint {
  let seed = 0n;
  for (const v of [rid, sip, dip, proto, sport, dport]) seed = hashCombine(seed, BigInt(v >>> 0));
  return hashCombine(hashCombine(0n, seed & 0xffffffffn), seed >> 16n);
}

type Slot = { tunnel: boolean } | null;

function referencePick(slots: readonly Slot[], seed: number, ingress: boolean): number {
  if (slots.length === 0) return -1;
  let idx = seed % slots.length;
  const s = slots[idx];
  if (s === null || s === undefined || (!ingress && s.tunnel)) {
    const active: number[] = [];
    slots.forEach((x, i) => {
      if (i !== idx && x !== null && (ingress || !x.tunnel)) active.push(i);
    });
    idx = active.length ? active[seed % active.length]! : -1;
  }
  return idx;
}

/** The member the reference model predicts for a flow from `client` (source and backend picks). */
function predictMember(env: Env, client: string, sport: number): string {
  const src = env.dp.placements.get(env.dp.podVmi(`ns-user-1/${client}`)!)!;
  const { router, nh } = vipRoute(env, src.node);
  if (nh.type !== 'composite') throw new Error('not a composite');
  const seedAt = (r: VRouter) => Number(agentHash(r.ip, src.ip, vip, 6, sport, 8888) & 0xffffffffn);
  const slots = nh.components.map((c) => (c ? { tunnel: c.kind === 'tunnel' } : null));
  const c = nh.components[referencePick(slots, seedAt(router), true)]!;
  if (c.kind === 'interface') return env.dp.placements.get(c.target)!.podKey!;
  // Over the tunnel: the backend compute resolves the label; a local composite picks again with
  // its own router id and ingress == false.
  const backend = env.dp.routerByIp(parseIpv4(c.target))!;
  const target = backend.nh.get(backend.mpls.get(c.label)!)!;
  if (target.type === 'interface') return env.dp.placements.get(target.vmiUuid!)!.podKey!;
  if (target.type !== 'composite') throw new Error('label names neither an interface nor a composite');
  const local = target.components.map((x) => (x ? { tunnel: x.kind === 'tunnel' } : null));
  return env.dp.placements.get(target.components[referencePick(local, seedAt(backend), false)]!.target)!
    .podKey!;
}

describe('PickMember against an independent reimplementation', () => {
  const computes = Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`node${n}`, `10.85.188.${19 + n}`]));
  const placements: Record<number, Record<string, [string, string]>> = {
    // 3 members: one local, two remote computes.
    3: { 'web-1': ['node1', '10.47.1.1'], 'web-2': ['node2', '10.47.1.2'], 'web-3': ['node3', '10.47.1.3'] },
    // 5 members: two local (expanded), two on node2 (a local composite there), one on node3.
    5: {
      'web-1': ['node1', '10.47.1.1'],
      'web-2': ['node1', '10.47.1.2'],
      'web-3': ['node2', '10.47.1.3'],
      'web-4': ['node2', '10.47.1.4'],
      'web-5': ['node3', '10.47.1.5'],
    },
    // 6 members on five computes, none on the client's.
    6: {
      'web-1': ['node2', '10.47.1.1'],
      'web-2': ['node3', '10.47.1.2'],
      'web-3': ['node3', '10.47.1.3'],
      'web-4': ['node4', '10.47.1.4'],
      'web-5': ['node5', '10.47.1.5'],
      'web-6': ['node6', '10.47.1.6'],
    },
  };

  for (const size of [3, 5, 6]) {
    it(`agrees on 1,000 5-tuples with ${size} members, before and after a member leaves a hole`, () => {
      const pods = { client: ['node1', '10.47.0.10'] as [string, string], ...placements[size] };
      const backends = Object.keys(placements[size]!);
      const env = build({ computes, pods, backends, flowTable: { entries: 16384, overflowEntries: 1024 } });
      const check = (from: number) => {
        for (let sport = from; sport < from + 500; sport++) {
          const got = sendFrom(env, 'client', sport).member!.podKey;
          expect(got, `sport ${sport}`).toBe(predictMember(env, 'client', sport));
        }
      };
      check(20_000);
      env.fx.setBackends(
        SVC,
        backends.slice(1).map((b) => `ns-user-1/${b}`),
      );
      expect(componentNames(env, vipRoute(env, 'node1').nh)).toContain('-');
      check(40_000); // new 5-tuples: no affinity, so PickMember alone decides
    });
  }

  it('matches the reference for fabric ingress (ingress == false: tunnels are never picked)', () => {
    const env = buildTwoComputes();
    const node2 = env.dp.router('node2')!;
    const out = new PacketResult();
    const composite = node2.nh.get(node2.mpls.get(fipRoute(env, 'node2').route.localEcmpLabel)!)!;
    if (composite.type !== 'composite') throw new Error('no local composite');
    for (let sport = 1; sport <= 1000; sport++) {
      const sip = parseIpv4('192.0.2.10');
      env.processor.sendFromFabric('node2', sip, { proto: 6, sport, dport: 8888, dip: vip }, out);
      const seed = Number(agentHash(node2.ip, sip, vip, 6, sport, 8888) & 0xffffffffn);
      const slot = referencePick(
        composite.components.map((c) => (c ? { tunnel: c.kind === 'tunnel' } : null)),
        seed,
        false,
      );
      expect(out.member!.vmiUuid).toBe(composite.components[slot]!.target);
    }
    expect(formatIpv4(node2.ip)).toBe('10.85.188.21');
  });
});

describe('a local composite that goes away', () => {
  it('leaves a hole in the controller composite that expanded it (Reorder on the next update)', () => {
    const env = build({
      computes: { node1: '10.85.188.20', node2: '10.85.188.21' },
      pods: {
        client: ['node1', '10.47.255.252'],
        'web-a': ['node1', '10.47.255.250'],
        'web-b': ['node2', '10.47.255.249'],
        'web-c': ['node2', '10.47.255.248'],
      },
      backends: ['web-a', 'web-b', 'web-c'],
    });
    const before = componentNames(env, vipRoute(env, 'node2').nh);
    expect(before).toHaveLength(3);
    env.fx.setBackends(SVC, ['ns-user-1/web-a', 'ns-user-1/web-b']);
    // node2 has one local backend left: no local composite, and its own composite keeps web-c's
    // slot as -1.
    expect(componentNames(env, vipRoute(env, 'node2').nh)).toEqual(
      before.map((n) => (n === 'web-c' ? '-' : n)),
    );
  });
});
