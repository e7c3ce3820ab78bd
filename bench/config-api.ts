// Config API benchmark: populates the store the way kube-manager would (10k loadbalancers with a
// listener, a pool, 10 members, the LB VMI + VIP instance-ip and 5 pod VMIs + instance-ips each,
// ~250k objects), then measures single GETs over a real keep-alive loopback connection at 250k
// and at 1k objects, and the collection GETs. Prints readable lines, then one JSON line.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Pool } from 'undici';
import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import { buildConfigApi } from '@server/config-api/http.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { sequentialIds } from '@server/ids.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const PROJECT = ['default-domain', 'k8s-ns-bench'];
const VN = ['default-domain', 'k8s-ns-bench', 'k8s-default-service-network'];
const SG = ['default-domain', 'k8s-ns-bench', 'k8s-ns-bench-default-sg'];
const PODS_PER_LB = 5;
const MEMBERS_PER_LB = 10;

interface Populated {
  store: ConfigStore;
  lbUuids: string[];
  populateMs: number;
}

function populate(lbCount: number): Populated {
  const store = new ConfigStore(undefined, sequentialIds('10000000-0000-4000-8000-'));
  createDefaultObjects(store);
  const started = performance.now();
  store.create('project', { fq_name: PROJECT, parent_type: 'domain' });
  store.create('virtual-network', { fq_name: VN, parent_type: 'project' });
  store.create('security-group', { fq_name: SG, parent_type: 'project' });
  const sas = store.create('service-appliance-set', {
    fq_name: ['default-global-system-config', 'native'],
    parent_type: 'global-system-config',
  });
  const vn = store.uuidOf('virtual-network', VN)!;
  const sg = store.uuidOf('security-group', SG)!;
  const lbUuids: string[] = [];
  for (let i = 0; i < lbCount; i++) {
    const svc = `svc-${i}`;
    const vmi = store.create('virtual-machine-interface', {
      fq_name: [...PROJECT, `k8s__Service__${svc}`],
      parent_type: 'project',
      virtual_machine_interface_device_owner: 'K8S:LOADBALANCER',
      virtual_network_refs: [{ uuid: vn }],
      security_group_refs: [{ uuid: sg }],
    });
    store.create('instance-ip', {
      fq_name: [`${svc}__vip`],
      instance_ip_address: `10.96.${i >> 8}.${i & 255}`,
      virtual_network_refs: [{ uuid: vn }],
      virtual_machine_interface_refs: [{ uuid: vmi.uuid }],
    });
    const lb = store.create('loadbalancer', {
      fq_name: [...PROJECT, `${svc}__uid`],
      parent_type: 'project',
      display_name: `ns__${svc}`,
      loadbalancer_provider: 'native',
      loadbalancer_properties: {
        provisioning_status: 'ACTIVE',
        operating_status: 'ONLINE',
        vip_address: `10.96.${i >> 8}.${i & 255}`,
        admin_state: true,
      },
      service_appliance_set_refs: [{ uuid: sas.uuid }],
      virtual_machine_interface_refs: [{ uuid: vmi.uuid }],
      annotations: {
        key_value_pair: [
          { key: 'owner', value: 'k8s' },
          { key: 'name', value: svc },
          { key: 'kind', value: 'Service' },
        ],
      },
    });
    lbUuids.push(lb.uuid);
    const listener = store.create('loadbalancer-listener', {
      fq_name: [...PROJECT, `${svc}-TCP-80`],
      parent_type: 'project',
      loadbalancer_listener_properties: { protocol: 'TCP', protocol_port: 80 },
      loadbalancer_refs: [{ uuid: lb.uuid }],
    });
    const pool = store.create('loadbalancer-pool', {
      fq_name: [...PROJECT, `${svc}-TCP-80`],
      parent_type: 'project',
      loadbalancer_pool_properties: { protocol: 'TCP' },
      loadbalancer_listener_refs: [{ uuid: listener.uuid }],
    });
    const podVmis: string[] = [];
    for (let p = 0; p < PODS_PER_LB; p++) {
      const pod = store.create('virtual-machine-interface', {
        fq_name: [...PROJECT, `${svc}-pod-${p}`],
        parent_type: 'project',
        virtual_network_refs: [{ uuid: vn }],
      });
      podVmis.push(pod.uuid);
      store.create('instance-ip', {
        fq_name: [`${svc}-pod-${p}`],
        instance_ip_address: `10.47.${i >> 8}.${p}`,
        virtual_machine_interface_refs: [{ uuid: pod.uuid }],
      });
    }
    for (let m = 0; m < MEMBERS_PER_LB; m++)
      store.create('loadbalancer-member', {
        fq_name: [...pool.fqName, `member-${m}`],
        parent_type: 'loadbalancer-pool',
        loadbalancer_member_properties: { protocol_port: 8080 + (m >> 2), weight: 1 },
        annotations: { key_value_pair: [{ key: 'vmi', value: podVmis[m % PODS_PER_LB]! }] },
      });
  }
  return { store, lbUuids, populateMs: performance.now() - started };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function withServer<T>(store: ConfigStore, run: (pool: Pool) => Promise<T>): Promise<T> {
  const app = buildConfigApi({ store });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const pool = new Pool(url, { connections: 1, pipelining: 1 });
  try {
    return await run(pool);
  } finally {
    await pool.close();
    await app.close();
  }
}

async function get(pool: Pool, path: string): Promise<number> {
  const { statusCode, body } = await pool.request({ method: 'GET', path });
  const text = await body.text();
  if (statusCode !== 200) throw new Error(`GET ${path}: ${statusCode} ${text.slice(0, 200)}`);
  return text.length;
}

/** Sequential single GETs of random loadbalancers: latency in µs. */
async function singleGets(store: ConfigStore, uuids: string[], count: number) {
  return withServer(store, async (pool) => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < WARMUP_GETS; i++) await get(pool, `/loadbalancer/${uuids[next() % uuids.length]}`);
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const path = `/loadbalancer/${uuids[next() % uuids.length]}`;
      const t0 = performance.now();
      await get(pool, path);
      times.push((performance.now() - t0) * 1000);
    }
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 50), p99: percentile(times, 99) };
  });
}

async function collectionGets(store: ConfigStore, runs: number) {
  return withServer(store, async (pool) => {
    const measure = async (path: string) => {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        bytes = await get(pool, path);
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return { ms: percentile(times, 50), bytes };
    };
    return { list: await measure('/loadbalancers'), detail: await measure('/loadbalancers?detail=true') };
  });
}

const GETS = 20_000;
/** Requests before measuring, so both sizes run on JIT-compiled code. */
const WARMUP_GETS = 10_000;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

const small = populate(40);
console.log(`1k store: ${small.store.size} objects`);
const smallGet = await singleGets(small.store, small.lbUuids, GETS);
console.log(
  `single GET at ${small.store.size} objects: p50 ${smallGet.p50.toFixed(1)} µs, p99 ${smallGet.p99.toFixed(1)} µs`,
);

gc();
const heapBefore = process.memoryUsage().heapUsed;
const big = populate(10_000);
gc();
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
console.log(
  `populate: ${big.store.size} objects in ${(big.populateMs / 1000).toFixed(2)} s, heap ${heapMb.toFixed(0)} MB`,
);
const bigGet = await singleGets(big.store, big.lbUuids, GETS);
console.log(
  `single GET at ${big.store.size} objects: p50 ${bigGet.p50.toFixed(1)} µs, p99 ${bigGet.p99.toFixed(1)} µs`,
);
const ratio = bigGet.p50 / smallGet.p50;
console.log(`p50 ratio 250k/1k: ${ratio.toFixed(2)} (goal ≤ 1.5)`);
const lists = await collectionGets(big.store, 5);
console.log(
  `GET /loadbalancers (10k entries, ${(lists.list.bytes / 1e6).toFixed(1)} MB): ${lists.list.ms.toFixed(0)} ms`,
);
console.log(
  `GET /loadbalancers?detail=true (${(lists.detail.bytes / 1e6).toFixed(1)} MB): ${lists.detail.ms.toFixed(0)} ms`,
);

console.log(
  JSON.stringify({
    objects: big.store.size,
    populateMs: round(big.populateMs, 0),
    heapMb: round(heapMb, 0),
    getP50UsAt250k: round(bigGet.p50),
    getP99UsAt250k: round(bigGet.p99),
    getP50UsAt1k: round(smallGet.p50),
    getP99UsAt1k: round(smallGet.p99),
    getP50Ratio: round(ratio, 2),
    listMs: round(lists.list.ms, 0),
    listDetailMs: round(lists.detail.ms, 0),
  }),
);
