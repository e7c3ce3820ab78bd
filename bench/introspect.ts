// Introspect benchmark: 1k Services × 10 members on 10 computes, every compute serving its agent
// introspect over HTTP. Measures the `Snh_NhListReq` full walk (first page, then every
// `Snh_PageReq` next_page link) and the `Snh_KFlowReq` → `Snh_NextKFlowReq` walk of 100k flows
// per compute: time, bytes, MB/s of XML, and the heap while paging (it must stay flat: answers
// are streamed, never built as one string). Also the XML rendering rate without HTTP, and the heap
// one compute's flow table keeps once read and parsed by the UI server's introspect client.
// Last line: one JSON object.

import { Agent, request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { formatIpv4, parseIpv4 } from '@model/net/ipv4.ts';
import { ManualClock } from '@server/clock.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { Dataplane } from '@server/dataplane/dataplane.ts';
import { FlowProcessor, PacketResult } from '@server/dataplane/flow-processor.ts';
import { DataplaneFixture } from '@server/dataplane/testing/fixture.ts';
import { sequentialIds } from '@server/ids.ts';
import { answer, type IntrospectTarget } from '@server/introspect/agent-requests.ts';
import { AgentIntrospect } from '@server/introspect-client/agent.ts';
import { IntrospectClient } from '@server/introspect-client/client.ts';
import { IntrospectListeners } from '@server/introspect/listeners.ts';
import { SandeshXmlWriter } from '@server/introspect/sandesh-xml.ts';

const COMPUTES = 10;
const SERVICES = 1000;
const MEMBERS = 10;
const FLOWS_PER_COMPUTE = 100_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const log = (line: string) => process.stdout.write(`${line}\n`);
const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const mb = (bytes: number) => bytes / 1e6;

// ---- the model ------------------------------------------------------------------------------------

const clock = new ManualClock();
const store = new ConfigStore(clock, sequentialIds());
const fx = new DataplaneFixture(store);
const dp = new Dataplane(store, { clock, flowTable: { entries: 262144, overflowEntries: 16384 } });
let t0 = performance.now();
for (let c = 0; c < COMPUTES; c++) fx.addCompute(`node${c}`, `10.85.188.${20 + c}`);
const clients: string[] = [];
for (let c = 0; c < COMPUTES; c++) {
  fx.addPod('bench', `client-${c}`, `node${c}`, formatIpv4(parseIpv4('10.40.0.1') + c));
  clients.push(dp.podVmi(`bench/client-${c}`)!);
}
const vips: number[] = [];
let podIp = parseIpv4('10.32.0.1');
for (let s = 0; s < SERVICES; s++) {
  const pods: string[] = [];
  for (let m = 0; m < MEMBERS; m++) {
    const name = `svc${s}-pod${m}`;
    // Members spread so most computes hold one or two of each Service (local composites too).
    fx.addPod('bench', name, `node${(s + Math.floor(m * 0.8)) % COMPUTES}`, formatIpv4(podIp++), {
      linkToRouter: false,
    });
    pods.push(`bench/${name}`);
  }
  const vip = formatIpv4(parseIpv4('10.96.0.1') + s);
  fx.addService('bench', `svc${s}`, vip, [{ port: 8888, targetPort: 80 }]);
  fx.setBackends(`bench/svc${s}`, pods);
  vips.push(parseIpv4(vip));
}
const buildMs = performance.now() - t0;
const nhCounts = [...dp.routers.values()].map((r) => r.nh.size);
log(
  `model: ${COMPUTES} computes, ${SERVICES} Services × ${MEMBERS} members in ${round(buildMs)} ms; next hops per compute ${Math.min(...nhCounts)}-${Math.max(...nhCounts)}`,
);

// Flows: each compute's client opens connections to the VIPs until every compute holds at least
// FLOWS_PER_COMPUTE flow entries (its own forward/reverse pairs and those of remote clients).
t0 = performance.now();
const processor = new FlowProcessor(dp);
const out = new PacketResult();
const packet = { proto: 6, sport: 0, dport: 8888, dip: 0 };
let connections = 0;
const minFlows = () => Math.min(...[...dp.routers.values()].map((r) => r.flows.size));
while (minFlows() < FLOWS_PER_COMPUTE) {
  for (let i = 0; i < 20_000; i++, connections++) {
    const c = connections % COMPUTES;
    const k = Math.floor(connections / COMPUTES);
    packet.dip = vips[k % SERVICES]!;
    packet.sport = 1024 + (Math.floor(k / SERVICES) % 64000);
    processor.sendFromPod(clients[c]!, packet, out);
  }
}
const flowCounts = [...dp.routers.values()].map((r) => r.flows.size);
log(
  `flows: ${connections} connections → ${Math.min(...flowCounts)}-${Math.max(...flowCounts)} flow entries per compute in ${round(performance.now() - t0)} ms`,
);

// ---- rendering alone ---------------------------------------------------------------------------------

const target = (node: string): IntrospectTarget => ({
  router: () => dp.router(node),
  controlNode: () => dp.controlNode.address,
  connectedSince: () => 0,
  now: () => clock.now(),
});

/** Renders an answer into a counting sink (no HTTP): its bytes. */
function renderBytes(node: string, name: string, query: string): number {
  let bytes = 0;
  const w = new SandeshXmlWriter((chunk) => {
    bytes += Buffer.byteLength(chunk);
  });
  for (const m of answer(target(node), name, query)!) w.response(m.def, m.record as never, m.more);
  w.flush();
  return bytes;
}

log('');
log('XML rendering (records → Sandesh XML into a counting sink, no HTTP), node0, median of 5:');
const renderRuns: { what: string; bytes: number; ms: number }[] = [];
for (const [what, name, query] of [
  ['KNHReq (every NH, one dump)', 'KNHReq', ''],
  [
    'NhListReq all (PageReq begin:-1,end:-1)',
    'PageReq',
    `key=${encodeURIComponent('begin:-1,end:-1,table:db.nexthop.0,')}`,
  ],
  ['Inet4UcRouteReq pod-network VRF', 'Inet4UcRouteReq', 'vrf_index=1'],
] as const) {
  renderBytes('node0', name, query); // warm-up
  // The median of 5 runs: one run on a shared machine says more about its neighbours.
  const times: number[] = [];
  let bytes = 0;
  for (let r = 0; r < 5; r++) {
    t0 = performance.now();
    bytes = renderBytes('node0', name, query);
    times.push(performance.now() - t0);
  }
  const ms = times.sort((a, b) => a - b)[2]!;
  renderRuns.push({ what, bytes, ms });
  log(`  ${what}: ${round(mb(bytes), 1)} MB in ${round(ms)} ms → ${round(mb(bytes) / (ms / 1000), 1)} MB/s`);
}
const renderBytesTotal = renderRuns.reduce((n, r) => n + r.bytes, 0);
const renderMsTotal = renderRuns.reduce((n, r) => n + r.ms, 0);
const renderMBps = mb(renderBytesTotal) / (renderMsTotal / 1000);

// ---- over HTTP -----------------------------------------------------------------------------------------

const listeners = await IntrospectListeners.start(dp, { basePort: 0 });
const ports = new Map(listeners.computes.map((c) => [c.node, c.port]));

interface Walk {
  requests: number;
  bytes: number;
  ms: number;
  items: number;
  heapMinMB: number;
  heapMaxMB: number;
}

// A plain keep-alive node:http client: the walk measures the server, not a heavy client.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function fetchText(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${path}: HTTP ${res.statusCode}`));
        else resolve(Buffer.concat(chunks).toString('utf8'));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Follows an answer's next link until there is none, sampling the heap every 50 requests. */
async function walk(
  port: number,
  first: string,
  next: (body: string) => string | null,
  count: (body: string) => number,
): Promise<Walk> {
  const w: Walk = { requests: 0, bytes: 0, ms: 0, items: 0, heapMinMB: Infinity, heapMaxMB: 0 };
  let path: string | null = first;
  let timed = 0;
  while (path !== null) {
    const start = performance.now();
    const body = await fetchText(port, path);
    timed += performance.now() - start;
    w.requests++;
    w.bytes += Buffer.byteLength(body);
    w.items += count(body);
    path = next(body);
    if (w.requests % 50 === 0) {
      gc();
      const heap = process.memoryUsage().heapUsed / 2 ** 20;
      w.heapMinMB = Math.min(w.heapMinMB, heap);
      w.heapMaxMB = Math.max(w.heapMaxMB, heap);
    }
  }
  w.ms = timed;
  return w;
}

const matchAll = (body: string, re: RegExp) => body.match(re)?.length ?? 0;
const decodeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

log('');
log('Snh_NhListReq full walk over HTTP (first page, then each Pagination next_page via Snh_PageReq):');
const nhWalks: Walk[] = [];
for (const node of [...ports.keys()].sort()) {
  const w = await walk(
    ports.get(node)!,
    '/Snh_NhListReq',
    (body) => {
      const m = /<next_page type="string" identifier="2" link="PageReq">([^<]+)<\/next_page>/.exec(body);
      return m ? `/Snh_PageReq?key=${encodeURIComponent(decodeXml(m[1]!))}` : null;
    },
    (body) => matchAll(body, /<NhSandeshData>/g),
  );
  nhWalks.push(w);
  log(
    `  ${node}: ${w.items} NHs in ${w.requests} pages, ${round(mb(w.bytes), 1)} MB in ${round(w.ms)} ms → ${round(mb(w.bytes) / (w.ms / 1000), 1)} MB/s`,
  );
}

log('');
log(
  `Snh_KFlowReq walk of every flow (≥ ${FLOWS_PER_COMPUTE} per compute) over HTTP, 100 per page via Snh_NextKFlowReq:`,
);
const flowWalks: Walk[] = [];
for (const node of [...ports.keys()].sort()) {
  const w = await walk(
    ports.get(node)!,
    '/Snh_KFlowReq',
    (body) => {
      const m = /<flow_handle type="string" identifier="2" link="NextKFlowReq">([^<]*)<\/flow_handle>/.exec(
        body,
      );
      return m && m[1] !== '0' ? `/Snh_NextKFlowReq?flow_handle=${m[1]}` : null;
    },
    (body) => matchAll(body, /<KFlowInfo>/g),
  );
  flowWalks.push(w);
  log(
    `  ${node}: ${w.items} flows in ${w.requests} pages, ${round(mb(w.bytes), 1)} MB in ${round(w.ms)} ms → ${round(mb(w.bytes) / (w.ms / 1000), 1)} MB/s; heap ${round(w.heapMinMB)}-${round(w.heapMaxMB)} MiB while paging`,
  );
}

// What the UI server keeps of a flow table: one compute's flows read with its introspect client
// (parsed Sandesh records, as a flow snapshot holds them), the heap they retain per flow.
log('');
const [firstNode, firstPort] = [...ports.entries()].sort(([a], [b]) => a.localeCompare(b))[0]!;
const introspect = new IntrospectClient({ allows: () => true });
gc();
const heapBefore = process.memoryUsage().heapUsed;
t0 = performance.now();
const kept = await new AgentIntrospect(introspect, `http://127.0.0.1:${firstPort}`, firstNode).kflows();
const readMs = performance.now() - t0;
gc();
const bytesPerFlow = (process.memoryUsage().heapUsed - heapBefore) / kept.length;
log(
  `Introspect client: ${firstNode}'s ${kept.length} flows read and parsed in ${round(readMs)} ms, ${round(bytesPerFlow)} bytes of heap kept per flow`,
);
await introspect.close();
agent.destroy();
await listeners.close();

const sum = (ws: Walk[], k: 'bytes' | 'ms' | 'requests' | 'items') => ws.reduce((n, w) => n + w[k], 0);
const nhMBps = mb(sum(nhWalks, 'bytes')) / (sum(nhWalks, 'ms') / 1000);
const flowMBps = mb(sum(flowWalks, 'bytes')) / (sum(flowWalks, 'ms') / 1000);
const heapSpread = Math.max(...flowWalks.map((w) => w.heapMaxMB - w.heapMinMB));

log('');
log('summary (goal from the introspect issue: ≥ 50 MB/s of XML rendered, memory flat while paging):');
log(`  XML rendering without HTTP: ${round(renderMBps, 1)} MB/s`);
log(`  NhListReq walks over HTTP: ${round(nhMBps, 1)} MB/s (${sum(nhWalks, 'requests')} requests)`);
log(
  `  KFlowReq walks over HTTP: ${round(flowMBps, 1)} MB/s (${sum(flowWalks, 'requests')} requests, ${sum(flowWalks, 'items')} flows)`,
);
log(`  heap while paging: at most ${round(heapSpread, 1)} MiB between samples of one walk`);
log(`  a parsed flow record kept by the UI server: ${round(bytesPerFlow)} bytes of heap`);

log(
  JSON.stringify({
    computes: COMPUTES,
    services: SERVICES,
    membersPerService: MEMBERS,
    buildMs: round(buildMs),
    nextHopsPerCompute: { min: Math.min(...nhCounts), max: Math.max(...nhCounts) },
    flowsPerCompute: { min: Math.min(...flowCounts), max: Math.max(...flowCounts) },
    renderMBps: round(renderMBps, 1),
    render: renderRuns.map((r) => ({ what: r.what, bytes: r.bytes, ms: round(r.ms, 1) })),
    nhListWalk: {
      requests: sum(nhWalks, 'requests'),
      nextHops: sum(nhWalks, 'items'),
      bytes: sum(nhWalks, 'bytes'),
      ms: round(sum(nhWalks, 'ms')),
      MBps: round(nhMBps, 1),
    },
    kflowWalk: {
      requests: sum(flowWalks, 'requests'),
      flows: sum(flowWalks, 'items'),
      bytes: sum(flowWalks, 'bytes'),
      ms: round(sum(flowWalks, 'ms')),
      MBps: round(flowMBps, 1),
      heapSpreadMiB: round(heapSpread, 1),
    },
    clientRead: { flows: kept.length, ms: round(readMs), heapBytesPerFlow: round(bytesPerFlow) },
  }),
);
