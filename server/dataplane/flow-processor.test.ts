import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '@model/net/ipv4.ts';
import { renderFlowList } from '@server/vrouter-cli/flow.ts';
import { Dataplane } from './dataplane.ts';
import { PacketResult } from './flow-processor.ts';
import { flowTableInfo, kflowSlots } from './kstate.ts';
import { buildTwoComputes, VIP } from './testing/setup.ts';
import { tracePacket } from './trace.ts';
import type { VRouter } from './vrouter.ts';

const vip = parseIpv4(VIP);
const TCP = 6;

function send(env: ReturnType<typeof buildTwoComputes>, sport: number, extra: object = {}) {
  const vmi = env.dp.podVmi('ns-user-1/client')!;
  const res = env.processor.sendFromPod(vmi, { proto: TCP, sport, dport: 8888, dip: vip, ...extra });
  return { member: res.member?.podKey ?? null, slot: res.slot, res };
}

const flowText = (router: VRouter) => [...renderFlowList(flowTableInfo(router), kflowSlots(router))].join('');

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
      // node2 picked again over its local composite (the label is its local-ECMP label).
      ecmpIndex: trace.ecmpPicks[1]!.slot,
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
    // The flows node2 made for packets from the fabric name the sending compute as their source
    // (flow -l `Sinfo`), TCP SYN shows S on the forward flow and Sr on the reverse one.
    const text = flowText(env.dp.router('node2')!);
    expect(text).toMatch(
      /TCP:S, E:\d+, QOS:-1, S\(nh\):\d+, \n Stats:2\/128,  SPort \d+, TTL 0, Sinfo 10\.85\.188\.20\)/,
    );
    expect(text).toContain('TCP:Sr, QOS:-1');
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
    const text = flowText(env.dp.router('node1')!);
    expect(text).toContain(`Action:N(DPd), Flags:, TCP:S, E:${trace.ecmp!.slot}, QOS:-1`);
  });

  it('drops a port with no mapping as a short flow', () => {
    const env = buildTwoComputes();
    const vmi = env.dp.podVmi('ns-user-1/client')!;
    let sport = 8000;
    let res = env.processor.sendFromPod(vmi, { proto: TCP, sport, dport: 9999, dip: vip });
    // Slot 0 of node1's composite is web-a, on node1 itself: the port-map drop happens here.
    while (res.slot !== 0)
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
    expect(flowText(env.dp.router('node1')!)).toMatch(/Used Overflow entries [1-4]\n/);
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
