// Dataplane benchmark: 1k Services × 10 members on 10 computes. Measures (median of 3 runs each)
// new-flow setups/s, existing-flow packets/s through the whole pipeline and raw flow-table
// lookups/s, and memory per flow entry, prints the ECMP disruption table (Contrail's PickMember
// with holes vs the Maglev what-if) for N = 2, 10, 100, then runs a 1M-flow traffic request
// through the UI route while other requests keep coming, measuring how long they wait
// (monitorEventLoopDelay and their latency). Last line: one JSON object.

import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ManualClock } from '@server/clock.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { sequentialIds } from '@server/ids.ts';
import { Dataplane } from '@server/dataplane/dataplane.ts';
import { analyzeDisruption } from '@server/dataplane/disruption.ts';
import { FlowProcessor, PacketResult } from '@server/dataplane/flow-processor.ts';
import { formatIpv4, parseIpv4 } from '@model/net/ipv4.ts';
import { DataplaneFixture } from '@server/dataplane/testing/fixture.ts';
import { buildConfigApi } from '@server/config-api/http.ts';
import { IntrospectListeners } from '@server/introspect/listeners.ts';
import { packetSimulator } from '@server/simulation.ts';
import { buildUiServer } from '@server/ui-server/app.ts';

const COMPUTES = 10;
const SERVICES = 1000;
const MEMBERS = 10;
const FLOWS = 200_000;

// A real gc() without --expose-gc on the command line (tsx starts node for us): memory figures
// are taken after a full collection.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const log = (line: string) => process.stdout.write(`${line}\n`);
const round = (n: number, digits = 0) => Number(n.toFixed(digits));

const clock = new ManualClock();
const store = new ConfigStore(clock, sequentialIds());
const fx = new DataplaneFixture(store);
const dp = new Dataplane(store, { clock });
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
    fx.addPod('bench', name, `node${(s + m) % COMPUTES}`, formatIpv4(podIp++), { linkToRouter: false });
    pods.push(`bench/${name}`);
  }
  const vip = formatIpv4(parseIpv4('10.96.0.1') + s);
  fx.addService('bench', `svc${s}`, vip, [{ port: 8888, targetPort: 80 }]);
  fx.setBackends(`bench/svc${s}`, pods);
  vips.push(parseIpv4(vip));
}
const buildMs = performance.now() - t0;
log(
  `model: ${COMPUTES} computes, ${SERVICES} Services × ${MEMBERS} members, built from the change feed in ${round(buildMs)} ms`,
);

const processor = new FlowProcessor(dp);
const out = new PacketResult();
const packet = { proto: 6, sport: 0, dport: 8888, dip: 0 };
const flowAt = (i: number) => {
  packet.sport = 1024 + (Math.floor(i / (clients.length * SERVICES)) % 60000);
  packet.dip = vips[i % SERVICES]!;
  return clients[Math.floor(i / SERVICES) % clients.length]!;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const REPEATS = 3;

log('');
log(`new-flow setup: ${FLOWS} new connections, each one SYN from a client pod to a VIP:8888; a setup is`);
log('  route lookup + ECMP member choice (agent hash) + flow entries on the source compute and, for a');
log('  remote member, the NAT pair on the backend compute.');
const setupRates: number[] = [];
let entries = 0;
let memoryBefore = 0;
let memoryAfter = 0;
for (let rep = 0; rep < REPEATS; rep++) {
  if (rep > 0) {
    // Age every flow out (not timed) so each repeat sets up the same connections from scratch.
    clock.advance(200_000);
    for (const r of dp.routers.values()) r.flows.expire(clock.now(), true);
  }
  gc();
  const before = process.memoryUsage();
  t0 = performance.now();
  let notNew = 0;
  for (let i = 0; i < FLOWS; i++) {
    processor.sendFromPod(flowAt(i), packet, out);
    if (out.dropReason !== 0 || out.reused) notNew++;
  }
  const setupMs = performance.now() - t0;
  gc();
  const after = process.memoryUsage();
  if (rep === 0) {
    memoryBefore = before.heapUsed + before.arrayBuffers;
    memoryAfter = after.heapUsed + after.arrayBuffers;
  }
  entries = 0;
  for (const r of dp.routers.values()) entries += r.flows.size;
  setupRates.push(FLOWS / (setupMs / 1000));
  log(
    `  run ${rep + 1}: ${FLOWS} setups (${entries} flow entries, ${notNew} not new) in ${round(setupMs)} ms → ${round(FLOWS / (setupMs / 1000))} setups/s`,
  );
}
const setupsPerSec = median(setupRates);

const ROUNDS = 5;
log('');
log(`existing-flow packets: ${ROUNDS} × ${FLOWS} packets of the established connections through the whole`);
log("  simulated pipeline: source vRouter flow lookup + stats, the backend vRouter's lookup for a remote");
log('  member, TCP state, and the per-packet result (member, slot, flows touched).');
const packetRates: number[] = [];
for (let rep = 0; rep < REPEATS; rep++) {
  t0 = performance.now();
  let reused = 0;
  for (let r = 0; r < ROUNDS; r++)
    for (let i = 0; i < FLOWS; i++) {
      processor.sendFromPod(flowAt(i), packet, out);
      if (out.reused) reused++;
    }
  const ms = performance.now() - t0;
  packetRates.push((FLOWS * ROUNDS) / (ms / 1000));
  log(
    `  run ${rep + 1}: ${FLOWS * ROUNDS} packets (${reused} reused their flow) in ${round(ms)} ms → ${round((FLOWS * ROUNDS) / (ms / 1000))} packets/s`,
  );
}
const packetsPerSec = median(packetRates);

// Flow-table lookups alone (the vRouter's fast path: key → entry), over the keys of every active
// entry on every compute, in a shuffled order so consecutive lookups hit unrelated buckets.
const routers = [...dp.routers.values()];
const keyCount = Math.min(entries, 400_000);
const keyTable = new Uint8Array(keyCount);
const keyWords = new Uint32Array(keyCount * 6);
{
  let k = 0;
  outer: for (let r = 0; r < routers.length; r++)
    for (const i of routers[r]!.flows.activeIndexes()) {
      if (k === keyCount) break outer;
      const e = routers[r]!.flows.entry(i);
      keyTable[k] = r;
      keyWords.set([e.keyNh, e.sip, e.dip, e.proto, e.sport, e.dport], k * 6);
      k++;
    }
}
const order = new Uint32Array(keyCount);
for (let i = 0; i < keyCount; i++) order[i] = i;
// Fisher–Yates with a fixed LCG, so every run looks the keys up in the same order.
let seed = 12345;
for (let i = keyCount - 1; i > 0; i--) {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  const j = seed % (i + 1);
  const t = order[i]!;
  order[i] = order[j]!;
  order[j] = t;
}
const tables = routers.map((r) => r.flows);
const LOOKUPS = 4_000_000;
log('');
log(
  `flow-table lookups: ${LOOKUPS} lookups of ${keyCount} existing flow keys spread over all ${routers.length} computes' tables`,
);
log('  (key → entry index only: the 5-tuple + key NH as numbers, one bucket probe; no pipeline around it).');
const lookupRates: number[] = [];
for (let rep = 0; rep < REPEATS; rep++) {
  let found = 0;
  t0 = performance.now();
  for (let n = 0; n < LOOKUPS; n++) {
    const k = order[n % keyCount]!;
    const w = k * 6;
    if (
      tables[keyTable[k]!]!.lookup(
        keyWords[w]!,
        keyWords[w + 1]!,
        keyWords[w + 2]!,
        keyWords[w + 3]!,
        keyWords[w + 4]!,
        keyWords[w + 5]!,
      ) >= 0
    )
      found++;
  }
  const ms = performance.now() - t0;
  lookupRates.push(LOOKUPS / (ms / 1000));
  log(
    `  run ${rep + 1}: ${LOOKUPS} lookups (${found} found) in ${round(ms)} ms → ${round(LOOKUPS / (ms / 1000))} lookups/s`,
  );
}
const lookupsPerSec = median(lookupRates);

const table = tables[0]!;
let tableBytes = 0;
for (const t of tables) tableBytes += t.allocatedBytes;
const bytesPerEntry = tableBytes / (tables.length * table.capacity);
const measuredPerEntry = (memoryAfter - memoryBefore) / Math.max(1, entries);
log('');
log(
  `memory: ${round(bytesPerEntry, 1)} bytes per flow-table entry (one 64-byte record + 8 bytes of cold data + bucket and overflow indexes; ${table.capacity} entries preallocated per compute = ${round(tableBytes / 2 ** 20)} MiB for ${tables.length} computes)`,
);
log(
  `  measured: JS heap + ArrayBuffers grew ${round((memoryAfter - memoryBefore) / 2 ** 20)} MiB over the first ${entries} flow entries = ${round(measuredPerEntry, 1)} bytes per active entry (includes the preallocated, still unused slots)`,
);

log('');
log(`summary (median of ${REPEATS} runs each; goals from the dataplane issue, one core):`);
log(
  `  flow-table lookups/s for existing flows (the vRouter's fast path): ${round(lookupsPerSec)} (goal ≥ 1,000,000)`,
);
log(
  `  existing-flow packets/s through the full simulated pipeline (source + backend vRouter): ${round(packetsPerSec)}`,
);
log(`  new-flow setups/s (connections): ${round(setupsPerSec)} (goal ≥ 100,000)`);
log(
  `  model build from the change feed: ${round(buildMs)} ms; ${round(bytesPerEntry, 1)} bytes per flow entry`,
);

log('');
log('ECMP disruption (100,000 synthetic flows): fraction of new flows that map to another member');
log('  (contrail: PickMember, seed % size with the hole fallback; maglev: the what-if, not Contrail)');
log('  N     scheme     remove 1   add 1   bound add 1/(N+1)+1%   established kept (remove / add)');
const disruption: Record<string, unknown>[] = [];
for (const n of [2, 10, 100])
  for (const scheme of ['contrail', 'maglev'] as const) {
    const r = analyzeDisruption({ scheme, members: n, flows: 100_000 });
    disruption.push({
      members: n,
      scheme,
      removeMoved: round(r.remove.newFlowsMoved, 4),
      addMoved: round(r.add.newFlowsMoved, 4),
      establishedKeptOnRemove: round(r.remove.establishedKept, 4),
      establishedKeptOnAdd: r.add.establishedKept,
    });
    log(
      `  ${String(n).padEnd(5)} ${scheme.padEnd(10)} ${(r.remove.newFlowsMoved * 100).toFixed(1).padStart(6)}%  ${(r.add.newFlowsMoved * 100).toFixed(1).padStart(6)}%  ${((1 / (n + 1) + 0.01) * 100).toFixed(1).padStart(8)}%               ${(r.remove.establishedKept * 100).toFixed(1)}% / ${(r.add.establishedKept * 100).toFixed(0)}%`,
    );
  }

// ---- a 1M-flow traffic request next to other requests ------------------------------------------------

const TRAFFIC_FLOWS = 1_000_000;
log('');
log(
  `traffic: POST /api/dataplane/traffic with ${TRAFFIC_FLOWS} flows from every client pod to one VIP, streaming`,
);
log('  progress (NDJSON), while GET /api/dataplane/vrouters is sent every 20 ms: how long does that wait?');
clock.advance(200_000);
for (const r of dp.routers.values()) r.flows.expire(clock.now(), true);
// The UI server as main.ts builds it: /vrouters reads the config API and every agent's introspect.
const configApi = buildConfigApi({ store });
const configApiUrl = await configApi.listen({ port: 0, host: '127.0.0.1' });
const agents = await IntrospectListeners.start(dp, { basePort: 0 });
const app = await buildUiServer({
  configApiUrl,
  dataplane: {
    introspect: () => agents.computes.map((c) => ({ name: c.node, url: `http://127.0.0.1:${c.port}` })),
    packets: packetSimulator(dp),
  },
});
await app.listen({ port: 0, host: '127.0.0.1' });
const apiPort = (app.server.address() as AddressInfo).port;

function httpCall(
  method: string,
  path: string,
  body?: string,
  accept = 'application/json',
): Promise<{ ms: number; text: string }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: apiPort,
        path,
        method,
        headers: { accept, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ ms: performance.now() - start, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const others: number[] = [];
const traffic0 = { done: false };
const pinger = (async () => {
  while (!traffic0.done) {
    others.push((await httpCall('GET', '/api/dataplane/vrouters')).ms);
    await new Promise((r) => setTimeout(r, 20));
  }
})();
t0 = performance.now();
const traffic = await httpCall(
  'POST',
  '/api/dataplane/traffic',
  JSON.stringify({
    from: Array.from({ length: COMPUTES }, (_, c) => `bench/client-${c}`),
    to: formatIpv4(vips[0]!),
    protocol: 'TCP',
    port: 8888,
    flows: TRAFFIC_FLOWS,
  }),
  'application/x-ndjson',
);
const trafficMs = performance.now() - t0;
traffic0.done = true;
await pinger;
loop.disable();
await app.close();
await agents.close();
await configApi.close();
const lines = traffic.text
  .trim()
  .split('\n')
  .map(
    (l) =>
      JSON.parse(l) as {
        progress?: unknown;
        result?: { dropped: number; sourcePortWraps: number; members: unknown[] };
      },
  );
const progressLines = lines.filter((l) => l.progress).length;
const trafficResult = lines.at(-1)!.result!;
const maxOther = Math.max(...others);
const loopMaxMs = loop.max / 1e6;
const loopP99Ms = loop.percentile(99) / 1e6;
log(
  `  ${TRAFFIC_FLOWS} flows in ${round(trafficMs)} ms (${round(TRAFFIC_FLOWS / (trafficMs / 1000))} flows/s), ${progressLines} progress lines, ${trafficResult.dropped} dropped, ${trafficResult.sourcePortWraps} source-port wraps reported`,
);
log(
  `  meanwhile ${others.length} GET /vrouters: slowest ${round(maxOther, 1)} ms; event-loop delay max ${round(loopMaxMs, 1)} ms, p99 ${round(loopP99Ms, 1)} ms (goal: nothing waits > 50 ms)`,
);

log(
  JSON.stringify({
    computes: COMPUTES,
    services: SERVICES,
    membersPerService: MEMBERS,
    buildMs: round(buildMs),
    flows: FLOWS,
    flowEntries: entries,
    repeats: REPEATS,
    setupsPerSec: round(setupsPerSec),
    existingFlowPacketsPerSec: round(packetsPerSec),
    flowTableLookupsPerSec: round(lookupsPerSec),
    bytesPerFlowEntry: round(bytesPerEntry, 1),
    measuredBytesPerActiveFlowEntry: round(measuredPerEntry, 1),
    disruption,
    traffic: {
      flows: TRAFFIC_FLOWS,
      ms: round(trafficMs),
      flowsPerSec: round(TRAFFIC_FLOWS / (trafficMs / 1000)),
      progressLines,
      sourcePortWraps: trafficResult.sourcePortWraps,
      concurrentRequests: others.length,
      slowestConcurrentRequestMs: round(maxOther, 1),
      eventLoopDelayMaxMs: round(loopMaxMs, 1),
      eventLoopDelayP99Ms: round(loopP99Ms, 1),
    },
  }),
);
