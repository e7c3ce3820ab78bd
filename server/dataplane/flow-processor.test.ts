import { describe, expect, it } from 'vitest';
import { hashFlow, hashMod } from './agent-hash.ts';
import { renderFlowList, renderNhGet } from './cli.ts';
import { Dataplane } from './dataplane.ts';
import { PacketResult } from './flow-processor.ts';
import { parseIpv4 } from '@model/net/ipv4.ts';
import { buildTwoComputes, SVC, VIP } from './testing/setup.ts';
import { tracePacket } from './trace.ts';

const vip = parseIpv4(VIP);
const TCP = 6;

function send(env: ReturnType<typeof buildTwoComputes>, sport: number, extra: object = {}) {
  const vmi = env.dp.podVmi('ns-user-1/client')!;
  const res = env.processor.sendFromPod(vmi, { proto: TCP, sport, dport: 8888, dip: vip, ...extra });
  return { member: res.member?.podKey ?? null, slot: res.slot, res };
}

function compositeOf(env: ReturnType<typeof buildTwoComputes>, node: string) {
  const router = env.dp.router(node)!;
  const vrfId = router.vifByVmi.get(env.dp.podVmi('ns-user-1/client') ?? '')?.vrfId ?? 1;
  const route = router.lookupRoute(vrfId, vip)!;
  return { router, route, state: router.ecmpOfNh(route.nhId)! };
}

describe('ECMP member choice', () => {
  it('is hash(router id, 5-tuple) % slots, the same on every run', () => {
    const a = buildTwoComputes();
    const b = buildTwoComputes();
    const node1 = a.dp.router('node1')!;
    const client = a.dp.placements.get(a.dp.podVmi('ns-user-1/client')!)!;
    for (let sport = 40000; sport < 40050; sport++) {
      const first = send(a, sport);
      expect(send(b, sport).member).toBe(first.member);
      const h = hashFlow(node1.ip, client.ip, vip, TCP, sport, 8888, { hi: 0, lo: 0 });
      expect(first.slot).toBe(hashMod(h, 3));
      expect(first.res.slots).toBe(3);
    }
  });

  it('spreads flows over all three members', () => {
    const env = buildTwoComputes();
    const seen = new Set<string | null>();
    for (let sport = 1000; sport < 1100; sport++) seen.add(send(env, sport).member);
    expect([...seen].sort()).toEqual(['ns-user-1/web-a', 'ns-user-1/web-b', 'ns-user-1/web-c']);
  });
});

describe('composite slots', () => {
  it('leaves a hole where a removed member was and fills it with the next new member', () => {
    const env = buildTwoComputes();
    const before = compositeOf(env, 'node1').state.group.slots.slice();
    expect(before).toHaveLength(3);
    const webB = env.dp.podVmi('ns-user-1/web-b')!;
    const holeAt = before.indexOf(webB);
    const flows = new Map<number, string | null>();
    for (let sport = 2000; sport < 2300; sport++) flows.set(sport, send(env, sport).member);

    env.fx.setBackends(SVC, ['ns-user-1/web-a', 'ns-user-1/web-c']);
    const { router, route, state } = compositeOf(env, 'node1');
    expect(state.group.slots[holeAt]).toBeNull();
    expect(state.group.slots.filter((s) => s !== null)).toHaveLength(2);
    // nh --get prints the hole as -1 without a label.
    const text = renderNhGet(router, route.nhId)!;
    const subNh = text.split('\n').find((l) => l.includes('Sub NH(label):'))!;
    expect(subNh.split(':')[1]!.trim().split(' ')[holeAt]).toBe('-1');

    // Flows to the survivors stay on them; flows to web-b move to a survivor.
    for (const [sport, member] of flows) {
      const now = send(env, sport).member;
      if (member !== 'ns-user-1/web-b') expect(now).toBe(member);
      else expect(['ns-user-1/web-a', 'ns-user-1/web-c']).toContain(now);
    }

    env.fx.addPod('ns-user-1', 'web-d', 'node2', '10.47.255.247');
    env.fx.setBackends(SVC, ['ns-user-1/web-a', 'ns-user-1/web-c', 'ns-user-1/web-d']);
    expect(compositeOf(env, 'node1').state.group.slots[holeAt]).toBe(env.dp.podVmi('ns-user-1/web-d'));
    expect(compositeOf(env, 'node1').state.group.slots).toHaveLength(3);
  });

  it('keeps established flows on their member when a member is appended', () => {
    const env = buildTwoComputes();
    const flows = new Map<number, string | null>();
    for (let sport = 3000; sport < 3200; sport++) flows.set(sport, send(env, sport).member);
    env.fx.addPod('ns-user-1', 'web-d', 'node1', '10.47.255.247');
    env.fx.setBackends(SVC, ['ns-user-1/web-a', 'ns-user-1/web-b', 'ns-user-1/web-c', 'ns-user-1/web-d']);
    let moved = 0;
    for (const [sport, member] of flows) {
      const again = send(env, sport);
      expect(again.res.reused).toBe(true);
      expect(again.member).toBe(member);
    }
    // New 5-tuples do use the new member.
    for (let sport = 5000; sport < 5100; sport++) if (send(env, sport).member === 'ns-user-1/web-d') moved++;
    expect(moved).toBeGreaterThan(0);
  });

  it('drops the composite at one member and removes the VIP route at none (Service delete)', () => {
    const env = buildTwoComputes();
    env.fx.setBackends(SVC, ['ns-user-1/web-b']);
    const node1 = env.dp.router('node1')!;
    const route = node1.lookupRoute(1, vip)!;
    expect(node1.nexthops.get(route.nhId)!.type).toBe('tunnel');
    expect(route.label).toBe(env.dp.router('node2')!.vifByVmi.get(env.dp.podVmi('ns-user-1/web-b')!)!.label);
    env.fx.deleteService(SVC);
    for (const router of env.dp.routers.values())
      for (const vrf of router.vrfById) expect(vrf.routes.has(vip)).toBe(false);
    expect([...node1.nexthops.values()].filter((nh) => nh.type === 'composite')).toHaveLength(0);
  });

  it('follows pod delete and recreate: routes, vif and label go and come back', () => {
    const env = buildTwoComputes();
    const node2 = env.dp.router('node2')!;
    const webB = parseIpv4('10.47.255.249');
    env.fx.deletePod('ns-user-1', 'web-b');
    expect(env.dp.router('node1')!.lookupRoute(1, webB)).toBeUndefined();
    expect(node2.vifs.size).toBe(1);
    env.fx.addPod('ns-user-1', 'web-b', 'node2', '10.47.255.246');
    env.fx.setBackends(SVC, ['ns-user-1/web-a', 'ns-user-1/web-c', 'ns-user-1/web-b']);
    expect(node2.vifs.size).toBe(2);
    expect(env.dp.router('node1')!.lookupRoute(1, parseIpv4('10.47.255.246'))!.peer).toBe('10.85.188.21');
    expect(compositeOf(env, 'node1').state.group.activeCount).toBe(3);
  });
});

describe('flows and NAT', () => {
  it('makes F with E:<slot> on the client compute and N(DPd)/N(SPs) on the remote backend compute', () => {
    const env = buildTwoComputes();
    let sport = 6000;
    let res = send(env, sport).res;
    while (res.member?.node !== 'node2') res = send(env, ++sport).res;
    const trace = tracePacket(env.dp, env.processor, {
      from: 'ns-user-1/client',
      to: VIP,
      protocol: 'TCP',
      port: 8888,
      sourcePort: sport,
    });
    expect(trace.reused).toBe(true);
    expect(trace.sourceNode).toBe('node1');
    const [sFwd, sRev, bFwd, bRev] = trace.flows;
    expect(sFwd).toMatchObject({
      node: 'node1',
      action: 'F',
      sip: '10.47.255.252',
      dip: VIP,
      dport: 8888,
      ecmpIndex: trace.ecmp!.slot,
    });
    expect(sRev).toMatchObject({
      node: 'node1',
      action: 'F',
      sip: VIP,
      sport: 8888,
      dip: '10.47.255.252',
      dport: sport,
      direction: 'reverse',
    });
    expect(bFwd).toMatchObject({
      node: 'node2',
      action: 'N(DPd)',
      sip: '10.47.255.252',
      dip: VIP,
      dport: 8888,
    });
    expect(bRev).toMatchObject({
      node: 'node2',
      action: 'N(SPs)',
      sip: trace.member!.ip,
      sport: 80,
      dip: '10.47.255.252',
      dport: sport,
    });
    expect(sFwd!.reverseIndex).toBe(sRev!.index);
    expect(bRev!.reverseIndex).toBe(bFwd!.index);
    expect(trace.member!.port).toBe(80);
    expect(sFwd!.packets).toBe(2);
  });

  it('NATs on the client compute itself when the member is local', () => {
    const env = buildTwoComputes();
    let sport = 7000;
    while (send(env, sport).member !== 'ns-user-1/web-a') sport++;
    const trace = tracePacket(env.dp, env.processor, {
      from: 'ns-user-1/client',
      to: VIP,
      protocol: 'TCP',
      port: 8888,
      sourcePort: sport,
    });
    expect(trace.flows.map((f) => [f.node, f.action])).toEqual([
      ['node1', 'N(DPd)'],
      ['node1', 'N(SPs)'],
    ]);
    const text = renderFlowList(env.dp.router('node1')!);
    expect(text).toContain(`Action:N(DPd), Flags:, TCP:S, E:${trace.ecmp!.slot}, QOS:-1`);
  });

  it('drops a port with no mapping as a short flow', () => {
    const env = buildTwoComputes();
    const vmi = env.dp.podVmi('ns-user-1/client')!;
    let sport = 8000;
    let res = env.processor.sendFromPod(vmi, { proto: TCP, sport, dport: 9999, dip: vip });
    while (res.member?.node !== 'node1')
      res = env.processor.sendFromPod(vmi, { proto: TCP, sport: ++sport, dport: 9999, dip: vip });
    const trace = tracePacket(env.dp, env.processor, {
      from: 'ns-user-1/client',
      to: VIP,
      protocol: 'TCP',
      port: 9999,
      sourcePort: sport,
    });
    expect(trace.dropReason).toBe('SHORT_PORT_MAP_DROP');
    expect(trace.member).toBeNull();
    expect(trace.flows).toHaveLength(1);
    expect(trace.flows[0]).toMatchObject({ action: 'D(NoFipPortMap)', reverseIndex: -1 });
  });

  it('sends fabric ingress only to members local to the receiving compute', () => {
    const env = buildTwoComputes();
    const out = new PacketResult();
    const members = new Set<string | null>();
    for (let sport = 100; sport < 300; sport++) {
      env.processor.sendFromFabric(
        'node2',
        parseIpv4('192.0.2.10'),
        { proto: TCP, sport, dport: 8888, dip: vip },
        out,
      );
      members.add(out.member?.podKey ?? null);
      expect(out.member?.node).toBe('node2');
    }
    expect([...members].sort()).toEqual(['ns-user-1/web-b', 'ns-user-1/web-c']);
  });
});

describe('flow table', () => {
  it('ages idle flows after 180 s on the injected clock', () => {
    const env = buildTwoComputes();
    send(env, 9000);
    const node1 = env.dp.router('node1')!.flows;
    expect(node1.size).toBe(2);
    env.clock.advance(179_000);
    node1.expire(env.clock.now(), true);
    expect(node1.size).toBe(2);
    env.clock.advance(2_000);
    node1.expire(env.clock.now(), true);
    expect(node1.size).toBe(0);
    expect(node1.counters.aged).toBe(2);
  });

  it('evicts a TCP connection on FIN and on RST', () => {
    const env = buildTwoComputes();
    send(env, 9100);
    send(env, 9101);
    const total = () => [...env.dp.routers.values()].reduce((n, r) => n + r.flows.size, 0);
    const before = total();
    send(env, 9100, { tcpFlag: 'FIN' });
    const afterFin = total();
    expect(afterFin).toBeLessThan(before);
    send(env, 9101, { tcpFlag: 'RST' });
    expect(total()).toBe(0);
    expect(env.dp.router('node1')!.flows.counters.evicted).toBe(4);
  });

  it('uses the overflow area when a bucket is full and refuses new flows when both are full', () => {
    const env = buildTwoComputes({ flowTable: { entries: 8, overflowEntries: 4 } });
    const node1 = env.dp.router('node1')!.flows;
    const results: (string | null)[] = [];
    for (let sport = 1; sport <= 40; sport++)
      results.push(send(env, sport).res.dropReason === 0 ? 'ok' : 'full');
    expect(node1.size).toBeLessThanOrEqual(12);
    expect(node1.counters.tableFull).toBeGreaterThan(0);
    expect(results).toContain('full');
    // An established flow keeps working when the table is full.
    const firstOk = results.indexOf('ok') + 1;
    expect(send(env, firstOk).res.reused).toBe(true);
    expect(renderFlowList(env.dp.router('node1')!)).toMatch(/Used Overflow entries [1-4]\n/);
  });
});

describe('incremental derivation', () => {
  it('gives the same model when built from an existing store as when following the feed', () => {
    const env = buildTwoComputes();
    const fresh = new Dataplane(env.store, { clock: env.clock });
    for (const [name, router] of env.dp.routers) {
      const other = fresh.router(name)!;
      expect([...other.vifByVmi.keys()].sort()).toEqual([...router.vifByVmi.keys()].sort());
      expect(other.vrfs.size).toBe(router.vrfs.size);
    }
    fresh.stop();
  });
});
