// bench:proxy — throughput and latency of a small config GET straight to the config API versus
// through the UI server's proxy, in the same run. The config API (embedded simulation) and the UI
// server run as two separate processes, as they do when the UI explores a real Contrail cluster;
// autocannon drives them from this process. The UI server runs as shipped (JSON access log at
// info, metrics on); a second one with LOG_LEVEL=silent shows what the log line costs, and the
// /metrics request counter is checked against the requests autocannon saw answered.

import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import { freePort, startServerProcess } from '@server/testing/server-process.ts';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
/** Requests of the one-connection latency run, after a warm-up of SEQUENTIAL_WARMUP. */
const SEQUENTIAL = 3000;
const SEQUENTIAL_WARMUP = 300;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

/** CPU time (user + system) a process has used so far, in µs, from /proc/<pid>/stat. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / CLOCK_TICKS_PER_S) * 1e6;
}
const CLOCK_TICKS_PER_S = 100;

interface Figures {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** Load at saturation, and the CPU each server process spent per request meanwhile (µs). */
async function load(
  url: string,
  processes: { api: ChildProcess; ui: ChildProcess },
): Promise<Figures & CpuFigures & { answered: number }> {
  const warm = await autocannon({ url, connections: CONNECTIONS, duration: 2 }); // JIT, keep-alive pools
  const before = { api: cpuMicros(processes.api.pid!), ui: cpuMicros(processes.ui.pid!) };
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  const requests = result.requests.total;
  return {
    answered: warm['2xx'] + result['2xx'],
    rps: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
    configApiCpuUsPerRequest: Math.round((cpuMicros(processes.api.pid!) - before.api) / requests),
    uiServerCpuUsPerRequest: Math.round((cpuMicros(processes.ui.pid!) - before.ui) / requests),
  };
}

interface CpuFigures {
  configApiCpuUsPerRequest: number;
  uiServerCpuUsPerRequest: number;
}

/** One keep-alive connection, one request at a time: the proxy's own added latency, in µs. */
async function sequentialLatency(
  origin: string,
  path: string,
  count = SEQUENTIAL,
): Promise<{ p50Us: number; p99Us: number }> {
  const pool = new Pool(origin, { connections: 1 });
  const samples: number[] = [];
  for (let i = 0; i < count + SEQUENTIAL_WARMUP; i += 1) {
    const start = process.hrtime.bigint();
    const res = await pool.request({ path, method: 'GET' });
    await res.body.text();
    if (i >= SEQUENTIAL_WARMUP) samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  await pool.close();
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!);
  return { p50Us: at(0.5), p99Us: at(0.99) };
}

/** `ui_http_requests_total` of the proxy route with status 200, from the UI server's /metrics. */
async function countedProxyRequests(origin: string): Promise<number> {
  const text = await (await fetch(`${origin}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) =>
      l.startsWith('ui_http_requests_total{method="GET",route="/api/config/*",status_code="200"}'),
    );
  return Number(line?.split(' ').at(-1) ?? 0);
}

const apiPort = await freePort();
const simUiPort = await freePort();
const uiPort = await freePort();
const silentUiPort = await freePort();
const api = await startServerProcess(
  { CONFIG_API_PORT: String(apiPort), UI_PORT: String(simUiPort), LOG_LEVEL: 'silent' },
  `http://127.0.0.1:${apiPort}/`,
);
const apiUrl = `http://127.0.0.1:${apiPort}`;
const ui = await startServerProcess(
  { CONFIG_API_URL: apiUrl, UI_PORT: String(uiPort), LOG_LEVEL: 'info' },
  `http://127.0.0.1:${uiPort}/api/info`,
);
const silentUi = await startServerProcess(
  { CONFIG_API_URL: apiUrl, UI_PORT: String(silentUiPort), LOG_LEVEL: 'silent' },
  `http://127.0.0.1:${silentUiPort}/api/info`,
);

try {
  const lbs = (await (await fetch(`${apiUrl}/loadbalancers`)).json()) as {
    loadbalancers: { uuid: string }[];
  };
  const projects = (await (await fetch(`${apiUrl}/projects`)).json()) as { projects: { uuid: string }[] };
  const target = lbs.loadbalancers[0]
    ? `/loadbalancer/${lbs.loadbalancers[0].uuid}`
    : `/project/${projects.projects[0]!.uuid}`;
  const size = (await (await fetch(`${apiUrl}${target}`)).text()).length;
  console.log(`GET ${target} (${size} bytes), ${CONNECTIONS} keep-alive connections, ${DURATION_S} s each`);

  const directSeq = await sequentialLatency(apiUrl, target);
  const proxiedSeq = await sequentialLatency(`http://127.0.0.1:${uiPort}`, `/api/config${target}`);
  const addedP50Us = proxiedSeq.p50Us - directSeq.p50Us;
  console.log(
    `one connection: direct p50 ${directSeq.p50Us} µs p99 ${directSeq.p99Us} µs; proxied p50 ${proxiedSeq.p50Us} µs p99 ${proxiedSeq.p99Us} µs; added p50 ${addedP50Us} µs (goal ≤ 1000 µs)`,
  );

  const direct = await load(`${apiUrl}${target}`, { api, ui });
  console.log(
    `direct   ${direct.rps} req/s  p50 ${direct.p50Ms} ms  p99 ${direct.p99Ms} ms  errors ${direct.errors}`,
  );
  const proxied = await load(`http://127.0.0.1:${uiPort}/api/config${target}`, { api, ui });
  console.log(
    `proxied  ${proxied.rps} req/s  p50 ${proxied.p50Ms} ms  p99 ${proxied.p99Ms} ms  errors ${proxied.errors}  (access log at info)`,
  );
  const silent = await load(`http://127.0.0.1:${silentUiPort}/api/config${target}`, { api, ui: silentUi });
  console.log(
    `proxied  ${silent.rps} req/s  p50 ${silent.p50Ms} ms  p99 ${silent.p99Ms} ms  errors ${silent.errors}  (LOG_LEVEL=silent)`,
  );
  // Every answered request is counted once, by its route pattern (the latency run's included). The
  // server also answers what was in flight when autocannon stopped each of its two runs.
  const counted = await countedProxyRequests(`http://127.0.0.1:${uiPort}`);
  const expectedCount = proxied.answered + SEQUENTIAL + SEQUENTIAL_WARMUP;
  const metricsCountOk = counted >= expectedCount && counted - expectedCount <= 2 * CONNECTIONS;
  console.log(
    `/metrics counted ${counted} proxied 200s; the clients saw ${expectedCount} answered ` +
      `(+ at most ${2 * CONNECTIONS} in flight at the end of each run): ${metricsCountOk ? 'consistent' : 'MISMATCH'}`,
  );

  const throughputRatio = Number((proxied.rps / direct.rps).toFixed(3));
  const logCostUsPerRequest = proxied.uiServerCpuUsPerRequest - silent.uiServerCpuUsPerRequest;
  const addedP50Ms = Number((proxied.p50Ms - direct.p50Ms).toFixed(2));
  console.log(
    `${CONNECTIONS} connections: throughput ratio ${throughputRatio} (goal ≥ 0.8), added p50 ${addedP50Ms} ms — ` +
      'load generator, proxy and upstream share the same cores here',
  );
  console.log(
    `CPU per request: config API ${direct.configApiCpuUsPerRequest} µs direct / ${proxied.configApiCpuUsPerRequest} µs proxied; ` +
      `the proxy (UI server) adds ${proxied.uiServerCpuUsPerRequest} µs, ${logCostUsPerRequest} µs of it the access log line`,
  );
  console.log(
    JSON.stringify({
      bench: 'proxy',
      target,
      bodyBytes: size,
      connections: CONNECTIONS,
      durationS: DURATION_S,
      sequential: { direct: directSeq, proxied: proxiedSeq, addedP50Us },
      direct,
      proxied,
      proxiedSilent: silent,
      throughputRatio,
      silentThroughputRatio: Number((silent.rps / direct.rps).toFixed(3)),
      logCostUsPerRequest,
      metricsCounted: counted,
      metricsExpected: expectedCount,
      metricsCountOk,
      addedP50Ms,
    }),
  );
} finally {
  ui.kill('SIGTERM');
  silentUi.kill('SIGTERM');
  api.kill('SIGTERM');
}
