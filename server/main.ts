// Process entry: read and check the environment (one line naming the variable on any mistake),
// open the state directory, build the embedded simulation (unless CONFIG_API_URL points at a real
// Contrail), start the config API (:8082), Keystone (:5000, with CONFIG_API_AUTH=keystone) and UI
// (:8080) listeners, and stop cleanly: on SIGTERM/SIGINT or when the parent process goes away,
// drain, close, flush, exit 0.

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ServerInfoSource } from '@model/api/info.ts';
import { systemClock } from './clock.ts';
import { buildConfigApi } from './config-api/http.ts';
import { KUBECONFIG_FILE, writeKubeconfig } from './kube-api/kubeconfig.ts';
import { DEFAULT_INTROSPECT_PORT } from './introspect/listeners.ts';
import { buildKeystone } from './keystone/http.ts';
import { DataDirError, openDataDir, type DataDir } from './persistence/data-dir.ts';
import { startSimulation } from './simulation.ts';
import { buildUiServer, type UiServerOptions } from './ui-server/app.ts';
import {
  configApiAuthEnvironment,
  introspectEnvironment,
  kubeWriteEnvironment,
  uiServerEnvironment,
} from './ui-server/environment.ts';
import { kubeconfigConnection, loadKubeconfig } from './ui-server/kubeconfig.ts';
import { embeddedKubernetes, realKubernetes, type KubernetesTarget } from './ui-server/kubernetes-client.ts';
import { PrometheusMetrics } from './ui-server/metrics.ts';

const env = process.env;

function fail(message: string): never {
  process.stderr.write(`contrail-lb-explorer: ${message}\n`);
  process.exit(1);
}

function port(name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65535) fail(`${name}=${text} is not a port number (0-65535)`);
  return value;
}

function milliseconds(name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text)) fail(`${name}=${text} is not a number of milliseconds`);
  return Number(text);
}

function httpUrl(name: string): string | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    fail(`${name}=${text} is not an http:// or https:// URL`);
  return text.replace(/\/+$/, '');
}

function argValue(flag: string): string | undefined {
  const at = process.argv.indexOf(flag);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const host = env.HOST || '127.0.0.1';
const configApiPort = port('CONFIG_API_PORT', 8082);
const uiPort = port('UI_PORT', 8080);
const kubeApiPort = port('KUBE_API_PORT', 6443);
const introspectPort = port('INTROSPECT_PORT', DEFAULT_INTROSPECT_PORT);
const externalApi = httpUrl('CONFIG_API_URL');
const scenarioFile = argValue('--scenario') ?? env.SCENARIO;
const graceMs = milliseconds('SHUTDOWN_GRACE_MS', 5000);
const uiEnvironment = uiServerEnvironment(env, fail);
const { logLevel } = uiEnvironment;
const reset = process.argv.includes('--reset') || env.RESET === '1' || env.RESET === 'true';
const keystonePort = port('KEYSTONE_PORT', 5000);
const configApiAuthMode = env.CONFIG_API_AUTH ?? '';
if (configApiAuthMode !== '' && configApiAuthMode !== 'keystone')
  fail(`CONFIG_API_AUTH=${configApiAuthMode} is not "keystone" (or empty for no auth)`);
const embeddedKeystone = configApiAuthMode === 'keystone';
if (embeddedKeystone && externalApi)
  fail(
    'CONFIG_API_AUTH=keystone turns on auth in the embedded config API; with CONFIG_API_URL, give the real Keystone with OS_AUTH_URL and the OS_* credentials',
  );
if (embeddedKeystone && (env.OS_AUTH_URL || env.CONFIG_API_TOKEN))
  fail(
    "CONFIG_API_AUTH=keystone sets the UI server's Keystone credentials itself: unset OS_AUTH_URL and CONFIG_API_TOKEN",
  );
const keystoneAdminPassword = env.KEYSTONE_ADMIN_PASSWORD || 'contrail123';
const configApiAuth = configApiAuthEnvironment(env, fail);
const kubeWrite = kubeWriteEnvironment(env, fail);
const introspectSources = introspectEnvironment(env, fail);

/** KUBECONFIG's current context, read as kubectl reads it; a file that cannot serve stops the start. */
async function realCluster(): Promise<KubernetesTarget | undefined> {
  const value = env.KUBECONFIG;
  if (!value) return undefined;
  try {
    return realKubernetes(
      kubeconfigConnection(await loadKubeconfig(value), `KUBECONFIG=${value}`),
      kubeWrite,
    );
  } catch (err) {
    return fail(
      (err as Error).message.startsWith('KUBECONFIG=')
        ? (err as Error).message
        : `KUBECONFIG=${value}: ${(err as Error).message}`,
    );
  }
}
const realKubernetesTarget = await realCluster();
const dataDirPath = resolve(env.DATA_DIR || 'data');

async function listen(app: FastifyInstance, portNumber: number, variable: string): Promise<string> {
  try {
    return await app.listen({ host, port: portNumber });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      fail(`port ${portNumber} on ${host} is already in use; set ${variable} to another port`);
    if (code === 'EACCES')
      fail(`no permission to listen on ${host}:${portNumber}; set ${variable} to a port above 1024`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      fail(`HOST=${host} is not an address of this machine`);
    throw err;
  }
}

const introspectLine = (node: string, p: number) =>
  `vRouter agent introspect:     http://${host}:${p}/   ${node}, e.g. curl http://${host}:${p}/Snh_NhListReq\n`;

const listeners: FastifyInstance[] = [];
let dataDir: DataDir | undefined;
let stopSimulation: (() => Promise<void>) | undefined;

async function start(): Promise<void> {
  const metrics = new PrometheusMetrics();
  let configApiUrl = externalApi;
  let info: ServerInfoSource = { mode: 'external' };
  let plugins: Awaited<ReturnType<typeof startSimulation>>['plugins'] = [];
  let simulationPorts: Awaited<ReturnType<typeof startSimulation>>['ports'] = {};
  let readiness: Record<string, () => boolean> = {};
  let kubernetes: KubernetesTarget | undefined = realKubernetesTarget;
  let kubeManager: UiServerOptions['kubeManager'];
  let keystone: UiServerOptions['keystone'] = configApiAuth.keystone;

  if (!externalApi) {
    try {
      dataDir = openDataDir(dataDirPath, { reset, ownFiles: [KUBECONFIG_FILE] });
    } catch (err) {
      if (err instanceof DataDirError) fail(`DATA_DIR=${env.DATA_DIR ?? 'data'}: ${err.message}`);
      throw err;
    }
    const simulation = await startSimulation({
      scenarioFile,
      dataDir,
      kubeconfig: env.KUBECONFIG || undefined,
      metrics,
      listenKubeApi: (app) => {
        listeners.push(app);
        return listen(app, kubeApiPort, 'KUBE_API_PORT');
      },
      // One agent introspect per simulated compute, from INTROSPECT_PORT upward in node order.
      introspect: {
        basePort: introspectPort,
        host,
        onChange: (e) =>
          process.stdout.write(
            e.kind === 'opened'
              ? introspectLine(e.node, e.port)
              : `vRouter agent introspect closed: ${e.node}\n`,
          ),
      },
    }).catch((err: Error) => fail(err.message));
    stopSimulation = () => simulation.stop();
    // The UI reads the cluster kube-manager watches: the embedded one, or KUBECONFIG's.
    kubernetes ??= embeddedKubernetes(simulation.kubeApiUrl);
    kubeManager = simulation.kubeManager;
    let auth: Parameters<typeof buildConfigApi>[0]['auth'];
    if (embeddedKeystone) {
      const ks = buildKeystone({ clock: systemClock, adminPassword: keystoneAdminPassword });
      listeners.push(ks.app);
      const keystoneUrl = await listen(ks.app, keystonePort, 'KEYSTONE_PORT');
      auth = { validate: ks.isValid, wwwAuthenticateUri: keystoneUrl };
      // The UI server authenticates exactly as it would to a real deployment's Keystone.
      keystone = {
        authUrl: `${keystoneUrl}/v3`,
        username: 'admin',
        password: keystoneAdminPassword,
        projectName: 'admin',
        userDomainName: 'Default',
        projectDomainName: 'Default',
      };
      process.stdout.write(
        `Keystone v3:                  ${keystoneUrl}/v3   user admin, password ${keystoneAdminPassword} (KEYSTONE_ADMIN_PASSWORD), project admin\n`,
      );
    }
    const saved = dataDir;
    const configApi = buildConfigApi({
      store: simulation.store,
      kv: simulation.kv,
      // Answered once committed: the write then survives kill -9 (the sync to disk follows).
      durable: () => saved.committed(),
      logLevel,
      auth,
    });
    listeners.push(configApi);
    const address = await listen(configApi, configApiPort, 'CONFIG_API_PORT');
    configApiUrl = address;
    plugins = simulation.plugins;
    simulationPorts = simulation.ports;
    info = simulation.info;
    readiness = { simulation: () => simulation.isReady() };
    process.stdout.write(
      embeddedKeystone
        ? `Config API (VNC-compatible):  ${address}   keystone auth: curl -H "X-Auth-Token: <token>" ${address}/loadbalancers\n`
        : `Config API (VNC-compatible):  ${address}   e.g. curl ${address}/loadbalancers\n`,
    );
    const kubeconfig = writeKubeconfig(dataDir.path, simulation.kubeApiUrl);
    process.stdout.write(
      `Kubernetes API:               ${simulation.kubeApiUrl}   e.g. kubectl --server ${simulation.kubeApiUrl} get pods -A\n` +
        `                              KUBECONFIG=${kubeconfig} kubectl get pods -A\n`,
    );
    if (env.KUBECONFIG)
      process.stdout.write(`kube-manager watches          ${simulation.kubeManager.source}\n`);
    for (const c of simulation.introspect?.computes ?? [])
      process.stdout.write(introspectLine(c.node, c.port));
    process.stdout.write(`State directory:              ${dataDir.path}${reset ? ' (reset)' : ''}\n`);
  }

  const ui = await buildUiServer({
    configApiUrl: configApiUrl!,
    configApiToken: configApiAuth.configApiToken,
    keystone,
    kubernetes,
    kubeManager,
    staticDir: fileURLToPath(new URL('../dist', import.meta.url)),
    plugins,
    info,
    dataplane: { ...simulationPorts, ...introspectSources },
    ...uiEnvironment,
    metrics,
    readiness,
  });
  listeners.push(ui);
  const uiAddress = await listen(ui, uiPort, 'UI_PORT');
  process.stdout.write(`Contrail LB Explorer:         ${uiAddress}/\n`);
  if (externalApi) process.stdout.write(`Exploring the config API at   ${externalApi}\n`);
  if (realKubernetesTarget)
    process.stdout.write(`Reading Kubernetes from        ${realKubernetesTarget.description}\n`);
}

let stopping = false;

/**
 * Stop accepting on both listeners and let in-flight requests finish (fastify's close), at most
 * `graceMs`; then cut what is left, stop the simulation, flush and close the database, exit.
 */
async function shutdown(reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  // A signal during startup: let it finish (a half-open database is never closed under it).
  await started.catch(() => undefined);
  let code = 0;
  const drained = Promise.all(listeners.map((app) => app.close()));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((done) => (timer = setTimeout(() => done('late'), graceMs)));
  try {
    if ((await Promise.race([drained, late])) === 'late') {
      process.stderr.write(
        `contrail-lb-explorer: ${reason}: requests still open after ${graceMs} ms, closing them\n`,
      );
      for (const app of listeners) app.server.closeAllConnections();
      await drained;
    }
  } catch (err) {
    code = 1;
    process.stderr.write(`contrail-lb-explorer: closing the listeners failed: ${(err as Error).message}\n`);
  } finally {
    clearTimeout(timer);
  }
  try {
    await stopSimulation?.();
  } catch (err) {
    code = 1;
    process.stderr.write(`contrail-lb-explorer: stopping the simulation failed: ${(err as Error).message}\n`);
  }
  try {
    await dataDir?.close();
  } catch (err) {
    code = 1;
    process.stderr.write(`contrail-lb-explorer: flushing ${dataDirPath} failed: ${(err as Error).message}\n`);
  }
  process.exit(code);
}

// Handlers go in before anything listens or prints its URL: a signal that arrives at any point
// after that must find them (the default action would kill the process without a flush).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => void shutdown(signal));

// The parent went away (npm start's wrapper killed, a test runner gone): stop rather than keep the
// ports. With an IPC channel (scripts/start.mjs) that is its disconnect; otherwise the parent pid
// changes when the process is re-parented.
if (process.connected) process.on('disconnect', () => void shutdown('parent process exited'));
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) void shutdown('parent process exited');
}, 1000).unref();

const started = start();
await started;
