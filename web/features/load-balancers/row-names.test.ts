import { describe, expect, it } from 'vitest';
import { buildFixtures } from '@web/testing/fixtures.ts';
import { labelledName, memberName, rowName, shortPodName } from './row-names.ts';

const fx = buildFixtures();
const lb = fx.loadBalancers.find((r) => r.displayName === 'ns-user-1__service-web-clusterip')!;
const listener = fx.listenersByLb.get(lb.uuid)![0]!;
const pool = fx.poolsByListener.get(listener.uuid)![0]!;
const member = fx.membersByPool.get(pool.uuid)![0]!;

describe('row names', () => {
  it("elides a Deployment pod's ReplicaSet hash, and nothing else", () => {
    expect(shortPodName('webserver-psx2dvdbbb-qzs9m')).toBe('webserver-…qzs9m');
    expect(shortPodName('client')).toBe('client');
    expect(shortPodName('web-0')).toBe('web-0');
    expect(shortPodName('coredns-5d78c9869d-4xz7p')).toBe('coredns-…4xz7p');
  });

  it('names listeners and pools by protocol:port and members by pod, IP:port and node', () => {
    expect(rowName({ kind: 'listener', row: listener })).toBe('TCP:8888');
    expect(rowName({ kind: 'pool', row: pool })).toBe('TCP:8888');
    expect(rowName({ kind: 'member', row: member })).toBe('web-7d9c5b-abcde 10.47.255.251:80 @node-1');
    expect(memberName(member)).toEqual({ pod: 'web-…abcde', endpoint: '10.47.255.251:80', node: 'node-1' });
    expect(labelledName({ kind: 'pool', row: pool })).toBe('pool TCP:8888');
    expect(labelledName({ kind: 'loadbalancer', row: lb })).toBe('ns-user-1__service-web-clusterip');
  });

  it('falls back to the address for a member without a pod', () => {
    const bare = { ...member, pod: null, podIp: null, address: '192.0.2.10', node: null };
    expect(rowName({ kind: 'member', row: bare })).toBe(`${member.displayName} 192.0.2.10:80`);
  });
});
