import { describe, expect, it } from 'vitest';
import { refLabel } from './ref-label.ts';

const UUID = '6f1b2d3c-0a4e-4c55-9d1e-2b3c4d5e6f70';

describe('refLabel', () => {
  it('shows protocol:port for kube-manager listeners and pools', () => {
    const fq = ['default-domain', 'k8s-ns-user-1', `ns-user-1__service-web-clusterip-TCP-8888-${UUID}`];
    expect(refLabel('loadbalancer-listener', fq, UUID)).toBe('TCP:8888');
    expect(refLabel('loadbalancer-pool', fq, UUID)).toBe('TCP:8888');
  });

  it('drops a uuid suffix, and falls back to the uuid for uuid-named objects', () => {
    expect(refLabel('loadbalancer', ['d', 'p', `service-web-clusterip__${UUID}`], UUID)).toBe(
      'service-web-clusterip',
    );
    expect(refLabel('loadbalancer-member', ['d', 'p', 'x', UUID], UUID)).toBe(UUID);
    expect(refLabel('virtual-network', ['d', 'p', 'net-TCP-80'], UUID)).toBe('net-TCP-80');
    expect(refLabel('virtual-network', [], UUID)).toBe(UUID);
  });
});
