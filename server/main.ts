// Process entry: read the environment, build the embedded simulation (unless CONFIG_API_URL points
// at a real Contrail), start the config API (:8082) and UI (:8080) listeners, stop cleanly.

import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ServerInfoSource } from '@model/api/info.ts';
import { buildConfigApi } from './config-api/http.ts';
import { writeKubeconfig } from './kube-api/kubeconfig.ts';
import { startSimulation } from './simulation.ts';
import { buildUiServer } from './ui-server/app.ts';
import { uiServerEnvironment } from './ui-server/environment.ts';
import { PrometheusMetrics } from './ui-server/metrics.ts';

const env = process.env;
const host = env.HOST ?? '127.0.0.1';
const configApiPort = port('CONFIG_API_PORT', 8082);
const uiPort = port('UI_PORT', 8080);
const kubeApiPort = port('KUBE_API_PORT', 6443);
const dataDir = env.DATA_DIR || './data';
const externalApi = env.CONFIG_API_URL;
const scenarioFile = argValue('--scenario') ?? env.SCENARIO;

function port(name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    fail(`${name}=${text} is not a port number (0-65535)`);
  return value;
}

function argValue(flag: string): string | undefined {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function fail(message: string): never {
  process.stderr.write(`contrail-lb-explorer: ${message}\n`);
  process.exit(1);
}

async function listen(app: FastifyInstance, portNumber: number, variable: string): Promise<string> {
  try {
    return await app.listen({ host, port: portNumber });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      fail(`port ${portNumber} on ${host} is already in use; set ${variable} to another port`);
    if (code === 'EACCES')
      fail(`no permission to listen on ${host}:${portNumber}; set ${variable} to a port above 1024`);
    throw err;
  }
}

const closers: (() => Promise<unknown> | void)[] = [];
const uiEnvironment = uiServerEnvironment(env, fail);
const metrics = new PrometheusMetrics();
let configApiUrl = externalApi;
let info: ServerInfoSource = { mode: 'external' };
let plugins: Awaited<ReturnType<typeof startSimulation>>['plugins'] = [];
let readiness: Record<string, () => boolean> = {};

if (!externalApi) {
  const simulation = await startSimulation({
    scenarioFile,
    kubeconfig: env.KUBECONFIG || undefined,
    metrics,
    listenKubeApi: (app) => listen(app, kubeApiPort, 'KUBE_API_PORT'),
  }).catch((err: Error) => fail(err.message));
  const configApi = buildConfigApi({ store: simulation.store });
  const address = await listen(configApi, configApiPort, 'CONFIG_API_PORT');
  configApiUrl = address;
  plugins = simulation.plugins;
  info = simulation.info;
  readiness = { simulation: () => simulation.isReady() };
  closers.push(
    () => configApi.close(),
    () => simulation.stop(),
  );
  process.stdout.write(`Config API (VNC-compatible):  ${address}   e.g. curl ${address}/loadbalancers\n`);
  const kubeconfig = writeKubeconfig(dataDir, simulation.kubeApiUrl);
  process.stdout.write(
    `Kubernetes API:               ${simulation.kubeApiUrl}   e.g. kubectl --server ${simulation.kubeApiUrl} get pods -A\n` +
      `                              KUBECONFIG=${kubeconfig} kubectl get pods -A\n`,
  );
  if (env.KUBECONFIG)
    process.stdout.write(`kube-manager watches          ${simulation.kubeManager.source}\n`);
}

const ui = await buildUiServer({
  configApiUrl: configApiUrl!,
  configApiToken: env.CONFIG_API_TOKEN,
  staticDir: fileURLToPath(new URL('../dist', import.meta.url)),
  plugins,
  info,
  ...uiEnvironment,
  metrics,
  readiness,
});
const uiAddress = await listen(ui, uiPort, 'UI_PORT');
closers.unshift(() => ui.close());
process.stdout.write(`Contrail LB Explorer:         ${uiAddress}/\n`);
if (externalApi) process.stdout.write(`Exploring the config API at   ${externalApi}\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    Promise.all(closers.map((close) => close())).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
