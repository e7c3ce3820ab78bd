// Process entry: read the environment, build the embedded simulation (unless CONFIG_API_URL points
// at a real Contrail), start the config API (:8082) and UI (:8080) listeners, stop cleanly.

import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildConfigApi } from './config-api/http.ts';
import { DEFAULT_INTROSPECT_PORT, IntrospectListeners } from './introspect/listeners.ts';
import { startSimulation } from './simulation.ts';
import { buildUiServer } from './ui-server/app.ts';

const env = process.env;
const host = env.HOST ?? '127.0.0.1';
const configApiPort = port('CONFIG_API_PORT', 8082);
const uiPort = port('UI_PORT', 8080);
const introspectPort = port('INTROSPECT_PORT', DEFAULT_INTROSPECT_PORT);
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
let configApiUrl = externalApi;
let info: Record<string, unknown> = { mode: 'external' };
let plugins: Awaited<ReturnType<typeof startSimulation>>['plugins'] = [];

if (!externalApi) {
  const simulation = await startSimulation({ scenarioFile }).catch((err: Error) => fail(err.message));
  const configApi = buildConfigApi({ store: simulation.store });
  const address = await listen(configApi, configApiPort, 'CONFIG_API_PORT');
  configApiUrl = address;
  plugins = simulation.plugins;
  info = simulation.info;
  closers.push(
    () => configApi.close(),
    () => simulation.stop(),
  );
  process.stdout.write(`Config API (VNC-compatible):  ${address}   e.g. curl ${address}/loadbalancers\n`);
  // One agent introspect per simulated compute, from INTROSPECT_PORT upward in node order.
  const introspectLine = (node: string, p: number) =>
    `vRouter agent introspect:     http://${host}:${p}/   ${node}, e.g. curl http://${host}:${p}/Snh_NhListReq\n`;
  const introspect = await IntrospectListeners.start(simulation.dataplane, {
    basePort: introspectPort,
    host,
    onChange: (e) =>
      process.stdout.write(
        e.kind === 'opened' ? introspectLine(e.node, e.port) : `vRouter agent introspect closed: ${e.node}\n`,
      ),
  }).catch((err: NodeJS.ErrnoException & { port?: number }) =>
    fail(
      err.code === 'EADDRINUSE'
        ? `port ${err.port ?? introspectPort} on ${host} is already in use; set INTROSPECT_PORT to another first port`
        : err.message,
    ),
  );
  closers.push(() => introspect.close());
  for (const c of introspect.computes) process.stdout.write(introspectLine(c.node, c.port));
}

const ui = await buildUiServer({
  configApiUrl: configApiUrl!,
  configApiToken: env.CONFIG_API_TOKEN,
  staticDir: fileURLToPath(new URL('../dist', import.meta.url)),
  plugins,
  info,
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
