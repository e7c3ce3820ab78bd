// Dataplane benchmark: 1k Services × 10 members on 10 computes. Measures existing-flow lookups/s,
// new-flow setups/s and memory per flow, then prints the ECMP disruption table (Contrail's
// `hash % slots` with holes vs Maglev) for N = 2, 10, 100. Last line: one JSON object.

import { ManualClock } from '@server/clock.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { sequentialIds } from '@server/ids.ts';
import { Dataplane } from '@server/dataplane/dataplane.ts';
import { analyzeDisruption } from '@server/dataplane/disruption.ts';
import { FlowProcessor, PacketResult } from '@server/dataplane/flow-processor.ts';
import { formatIpv4, parseIpv4 } from '@server/dataplane/ip.ts';
import { DataplaneFixture } from '@server/dataplane/testing/fixture.ts';

const COMPUTES = 10;
const SERVICES = 1000;
const MEMBERS = 10;
const FLOWS = 200_000;

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

global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
t0 = performance.now();
let dropped = 0;
for (let i = 0; i < FLOWS; i++) {
  processor.sendFromPod(flowAt(i), packet, out);
  if (out.dropReason !== 0 || out.reused) dropped++;
}
const setupMs = performance.now() - t0;
const setupsPerSec = FLOWS / (setupMs / 1000);
global.gc?.();
const heapAfter = process.memoryUsage().heapUsed;
let entries = 0;
let tableBytes = 0;
for (const r of dp.routers.values()) {
  entries += r.flows.size;
  tableBytes += r.flows.allocatedBytes;
}
log(
  `new flows: ${FLOWS} connections (${entries} flow entries on source and backend computes, ${dropped} not new) in ${round(setupMs)} ms → ${round(setupsPerSec)} setups/s`,
);

const ROUNDS = 5;
t0 = performance.now();
let reused = 0;
for (let r = 0; r < ROUNDS; r++)
  for (let i = 0; i < FLOWS; i++) {
    processor.sendFromPod(flowAt(i), packet, out);
    if (out.reused) reused++;
  }
const lookupMs = performance.now() - t0;
const packetsPerSec = (FLOWS * ROUNDS) / (lookupMs / 1000);
log(
  `existing flows: ${FLOWS * ROUNDS} packets (${reused} reused their flow) in ${round(lookupMs)} ms → ${round(packetsPerSec)} packets/s`,
);

// Raw flow-table lookups on one compute's table: the key match alone.
const table = dp.router('node0')!.flows;
const keys: number[][] = [];
for (const i of table.activeIndexes()) {
  keys.push([
    table.keyNh[i]!,
    table.keySip[i]!,
    table.keyDip[i]!,
    table.keyProto[i]!,
    table.keyPorts[i]! >>> 16,
    table.keyPorts[i]! & 0xffff,
  ]);
  if (keys.length === 50_000) break;
}
const LOOKUPS = 2_000_000;
t0 = performance.now();
let found = 0;
for (let i = 0; i < LOOKUPS; i++) {
  // A stride through the keys so consecutive lookups hit unrelated buckets.
  const k = keys[(i * 7919) % keys.length]!;
  if (table.lookup(k[0]!, k[1]!, k[2]!, k[3]!, k[4]!, k[5]!) >= 0) found++;
}
const rawMs = performance.now() - t0;
const lookupsPerSec = LOOKUPS / (rawMs / 1000);
log(
  `flow-table lookups: ${LOOKUPS} (${found} found) in ${round(rawMs)} ms → ${round(lookupsPerSec)} lookups/s`,
);

const bytesPerEntry = tableBytes / (COMPUTES * table.capacity);
const heapPerFlow = (heapAfter - heapBefore) / Math.max(1, entries);
log(
  `memory: ${round(bytesPerEntry)} bytes per flow-table entry (typed arrays, preallocated ${table.capacity} entries per compute); JS heap growth ${round(heapPerFlow, 1)} bytes per flow entry`,
);

log('');
log('ECMP disruption (100,000 synthetic flows): fraction of new flows that map to another member');
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

log(
  JSON.stringify({
    computes: COMPUTES,
    services: SERVICES,
    membersPerService: MEMBERS,
    buildMs: round(buildMs),
    flows: FLOWS,
    flowEntries: entries,
    setupsPerSec: round(setupsPerSec),
    existingFlowPacketsPerSec: round(packetsPerSec),
    flowTableLookupsPerSec: round(lookupsPerSec),
    bytesPerFlowEntry: round(bytesPerEntry),
    jsHeapBytesPerFlowEntry: round(heapPerFlow, 1),
    disruption,
  }),
);
