// Address and port allocators of the embedded cluster: pod IPs from the top of the pod subnet
// downwards, Service clusterIPs upwards, NodePorts from 30000-32767. Their state is derived from
// the stored objects (`rebuild`), so a cluster loaded from a snapshot allocates as it would have.

import { cidrContains, parseCidr, tryParseIpv4 } from '@model/net/ipv4.ts';
import { IpPool } from '@server/ip-pool.ts';
import type { Pod, Service } from '@model/kubernetes/types.ts';

export const DEFAULT_POD_CIDR = '10.32.0.0/12';
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
const NODE_PORT_FIRST = 30000;
const NODE_PORT_LAST = 32767;

class NodePortAllocator {
  private readonly used = new Set<number>();
  private next = NODE_PORT_FIRST;

  isUsed(port: number): boolean {
    return this.used.has(port);
  }
  reserve(port: number): void {
    this.used.add(port);
  }
  release(port: number): void {
    this.used.delete(port);
  }
  allocate(): number | undefined {
    for (let i = 0; i <= NODE_PORT_LAST - NODE_PORT_FIRST; i++) {
      const candidate = this.next;
      this.next = candidate === NODE_PORT_LAST ? NODE_PORT_FIRST : candidate + 1;
      if (!this.used.has(candidate)) {
        this.used.add(candidate);
        return candidate;
      }
    }
    return undefined;
  }
  rebuild(ports: Iterable<number>): void {
    this.used.clear();
    for (const port of ports) this.used.add(port);
  }
}

/** The cluster's three allocators, rebuilt together from the stored pods and Services. */
export class Allocators {
  readonly podIps: IpPool;
  /** 10.96.0.1 is the `kubernetes` Service's; hand out past the first few. */
  readonly clusterIps: IpPool;
  readonly nodePorts = new NodePortAllocator();

  constructor(
    podCidr: string,
    readonly serviceCidr: string,
  ) {
    this.podIps = new IpPool(podCidr, 'down');
    this.clusterIps = new IpPool(serviceCidr, 'up', 10);
  }

  inServiceRange(ip: string): boolean {
    const n = tryParseIpv4(ip);
    return n !== undefined && cidrContains(parseCidr(this.serviceCidr), n);
  }

  rebuild(pods: Iterable<Pod>, services: Iterable<Service>): void {
    const podIps: string[] = [];
    for (const pod of pods) if (pod.status.podIP) podIps.push(pod.status.podIP);
    this.podIps.rebuild(podIps);
    const clusterIps: string[] = [];
    const ports: number[] = [];
    for (const svc of services) {
      if (svc.spec.clusterIP && svc.spec.clusterIP !== 'None') clusterIps.push(svc.spec.clusterIP);
      for (const p of svc.spec.ports) if (p.nodePort !== undefined) ports.push(p.nodePort);
    }
    this.clusterIps.rebuild(clusterIps, false);
    this.nodePorts.rebuild(ports);
  }
}
