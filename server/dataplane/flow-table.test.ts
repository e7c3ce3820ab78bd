import { describe, expect, it } from 'vitest';
import {
  DROP_PORT_MAP,
  FLOW_ACTION_DROP,
  FLOW_ACTION_NAT,
  FLOW_FLAG_ACTIVE,
  FLOW_FLAG_DNAT,
  FLOW_FLAG_MODIFIED,
  FlowTable,
  TCP_ESTABLISHED,
  TCP_SYN,
} from './flow-table.ts';

const SIP = 0x0a2ffffc; // 10.47.255.252
const VIP = 0xc0a80101; // 192.168.1.1, above 2^31 as an unsigned number

describe('FlowTable records', () => {
  it('keeps every field of an entry through the packed record', () => {
    const t = new FlowTable({ entries: 64, overflowEntries: 8 });
    const i = t.insert(4000, SIP, VIP, 6, 40001, 8888, 1_000);
    t.configure(i, FLOW_ACTION_NAT, FLOW_FLAG_DNAT, 0, 7, 123456, 65535, 3, 4000, 0xc0a80a0a);
    t.addTcpFlags(i, TCP_SYN);
    t.addTcpFlags(i, TCP_ESTABLISHED);
    t.touch(i, 1500, 2_000);
    t.touch(i, 2 ** 32, 3_000);
    expect(t.entry(i)).toMatchObject({
      index: i,
      keyNh: 4000,
      sip: SIP,
      dip: VIP,
      sport: 40001,
      dport: 8888,
      proto: 6,
      flags: FLOW_FLAG_ACTIVE | FLOW_FLAG_DNAT,
      action: FLOW_ACTION_NAT,
      dropReason: 0,
      rflow: -1,
      ecmpIndex: 7,
      vrf: 65535,
      dvrf: 3,
      srcNh: 4000,
      packets: 2,
      bytes: 1500 + 2 ** 32,
      lastUsedMs: 3_000,
      tcpFlags: TCP_SYN | TCP_ESTABLISHED,
      gen: 1,
      memberId: 123456,
      srcInfo: 0xc0a80a0a,
    });
    expect(t.lookup(4000, SIP, VIP, 6, 40001, 8888)).toBe(i);
    expect(t.lookup(4000, SIP, VIP, 17, 40001, 8888)).toBe(-1);
  });

  it('resets a reused entry: −1 slot and member, no NAT, no cache words; Gen counts the reuse', () => {
    const t = new FlowTable({ entries: 4, overflowEntries: 0 });
    const i = t.insert(10, SIP, VIP, 6, 1, 2, 0);
    t.configure(i, FLOW_ACTION_DROP, FLOW_FLAG_DNAT, DROP_PORT_MAP, 3, 9, 1, 1, 10, 0);
    t.setEcmpIndex(i, 2);
    t.setCache(i, 5, 77);
    expect(t.entry(i).flags & FLOW_FLAG_MODIFIED).toBe(FLOW_FLAG_MODIFIED);
    t.remove(i);
    expect(t.lookup(10, SIP, VIP, 6, 1, 2)).toBe(-1);
    const j = t.insert(10, SIP, VIP, 6, 1, 2, 0);
    expect(j).toBe(i);
    expect(t.entry(j)).toMatchObject({
      flags: FLOW_FLAG_ACTIVE,
      action: 0,
      ecmpIndex: -1,
      memberId: -1,
      gen: 2,
    });
    expect([t.cacheGenOf(j), t.cacheRefOf(j)]).toEqual([0, 0]);
  });

  it('chains overflow entries under their bucket and unlinks them on removal', () => {
    // One bucket: four ways, then the overflow area.
    const t = new FlowTable({ entries: 4, overflowEntries: 3 });
    const main = [1, 2, 3, 4].map((p) => t.insert(10, SIP, VIP, 6, p, 80, 0));
    expect(main.sort()).toEqual([0, 1, 2, 3]);
    const over = [5, 6, 7].map((p) => t.insert(10, SIP, VIP, 6, p, 80, 0));
    expect(over).toEqual([4, 5, 6]);
    expect(t.insert(10, SIP, VIP, 6, 8, 80, 0)).toBe(-1);
    expect(t.counters.tableFull).toBe(1);
    expect(t.overflowChain(0)).toEqual([6, 5, 4]);
    t.remove(5);
    expect(t.overflowChain(0)).toEqual([6, 4]);
    expect(t.lookup(10, SIP, VIP, 6, 7, 80)).toBe(6);
    expect(t.lookup(10, SIP, VIP, 6, 5, 80)).toBe(4);
    expect(t.counters.overflowInUse).toBe(2);
  });

  it('refuses a key next-hop id that does not fit the record', () => {
    const t = new FlowTable({ entries: 4, overflowEntries: 0 });
    expect(() => t.insert(2 ** 24, SIP, VIP, 6, 1, 2, 0)).toThrow(/next-hop id must be 0-16777215/);
    expect(t.size).toBe(0);
  });
});
