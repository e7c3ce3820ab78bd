import { describe, expect, it } from 'vitest';
import { FlowProcessor, PacketResult } from './flow-processor.ts';
import { TCP_ESTABLISHED, TCP_ESTABLISHED_R, TCP_SYN, TCP_SYN_R } from './flow-table.ts';
import { parseIpv4 } from '@model/net/ipv4.ts';
import { buildTwoComputes, VIP } from './testing/setup.ts';

const vip = parseIpv4(VIP);

/** Everything a packet result reports, as plain values. */
function summary(res: PacketResult) {
  const flows = [];
  for (let i = 0; i < res.flowCount; i++) {
    const e = res.flowRouters[i]!.flows.entry(res.flowIndexes[i]!);
    flows.push({
      node: res.flowRouters[i]!.name,
      index: e.index,
      reverse: res.flowIsReverse[i],
      ecmp: e.ecmpIndex,
    });
  }
  return {
    member: res.member?.podKey,
    memberPort: res.memberPort,
    ecmpNh: res.ecmpNh,
    slot: res.slot,
    slots: res.slots,
    reused: res.reused,
    dropReason: res.dropReason,
    flows,
  };
}

function remoteFlowSport(env: ReturnType<typeof buildTwoComputes>, from: number): number {
  const vmi = env.dp.podVmi('ns-user-1/client')!;
  for (let sport = from; ; sport++) {
    const res = env.processor.sendFromPod(vmi, { proto: 6, sport, dport: 8888, dip: vip });
    if (res.member?.node === 'node2') return sport;
  }
}

describe('established-flow fast path', () => {
  it('reports exactly what a full re-evaluation reports, before and after a config change', () => {
    const env = buildTwoComputes();
    const vmi = env.dp.podVmi('ns-user-1/client')!;
    const sport = remoteFlowSport(env, 20000);
    const pkt = { proto: 6, sport, dport: 8888, dip: vip };
    const cached = summary(env.processor.sendFromPod(vmi, pkt));
    expect(cached.reused).toBe(true);
    expect(cached.flows).toHaveLength(4);
    const generation = env.dp.generation;
    // An unrelated pod appears: the dataplane generation moves, so the next packet re-checks
    // route, composite and member the long way.
    env.fx.addPod('ns-user-1', 'other', 'node2', '10.47.255.200');
    expect(env.dp.generation).toBeGreaterThan(generation);
    const reevaluated = summary(env.processor.sendFromPod(vmi, pkt));
    expect(reevaluated).toEqual(cached);
    expect(env.dp.router('node1')!.flows.counters.changed).toBe(0);
  });

  it('is shared by every processor of a dataplane', () => {
    const env = buildTwoComputes();
    const vmi = env.dp.podVmi('ns-user-1/client')!;
    const pkt = { proto: 6, sport: 30000, dport: 8888, dip: vip };
    const first = summary(env.processor.sendFromPod(vmi, pkt));
    const other = new FlowProcessor(env.dp);
    const again = summary(other.sendFromPod(vmi, pkt));
    expect(again).toEqual({ ...first, reused: true });
  });

  it('keeps the TCP state of reverse flows in step with their forward flows', () => {
    const env = buildTwoComputes();
    const vmi = env.dp.podVmi('ns-user-1/client')!;
    const sport = remoteFlowSport(env, 21000);
    const res = env.processor.sendFromPod(vmi, { proto: 6, sport, dport: 8888, dip: vip, tcpFlag: 'ACK' });
    env.processor.sendFromPod(vmi, { proto: 6, sport, dport: 8888, dip: vip, tcpFlag: 'ACK' });
    expect(res.flowCount).toBe(4);
    for (let i = 0; i < res.flowCount; i++)
      expect(res.flowRouters[i]!.flows.entry(res.flowIndexes[i]!).tcpFlags).toBe(
        TCP_SYN | TCP_SYN_R | TCP_ESTABLISHED | TCP_ESTABLISHED_R,
      );
  });
});
