import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDataDir } from './testing/server-process.ts';
import { until } from './testing/until.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const PROJECT = ['default-domain', 'default-project'];

const dataDirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dataDirs.splice(0)) rmSync(join(dir, '..'), { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = tempDataDir();
  dataDirs.push(dir);
  return dir;
}

/**
 * Runs server/main.ts (or `script`) with `env`, collecting its output until it exits;
 * `ready` resolves with both URLs once it printed them.
 */
function runMain(env: Record<string, string>, script = 'server/main.ts', args: string[] = []) {
  const argv = script.endsWith('.ts') ? ['--import', 'tsx', script, ...args] : [script, ...args];
  const child = spawn(process.execPath, argv, {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      KUBE_API_PORT: '0',
      // The computes' introspect listeners take free ports, never 8085+.
      INTROSPECT_PORT: '0',
      LOG_LEVEL: 'silent',
      CONFIG_API_PORT: '0',
      UI_PORT: '0',
      ...env,
    },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const ready = new Promise<{ api: string; ui: string }>((resolve, reject) => {
    const check = () => {
      const api = /Config API \(VNC-compatible\):\s+(\S+)/.exec(stdout)?.[1];
      const ui = /Contrail LB Explorer:\s+(\S+)/.exec(stdout)?.[1];
      if (api && ui) resolve({ api, ui: ui.replace(/\/$/, '') });
    };
    child.stdout.on('data', check);
    void exited.then(([code]) => reject(new Error(`exited ${code} before ready: ${stderr}`)));
  });
  // A run expected to fail never awaits `ready`.
  ready.catch(() => undefined);
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

async function json(method: string, url: string, body?: unknown) {
  const res = await fetch(url, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: res.status, etag: res.headers.get('etag'), body: (await res.text()) || null };
}

/** Whether something still listens on the port of `url`. */
async function listening(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return true;
  } catch {
    return false;
  }
}

/** Whether the port of `url` can be bound again (nothing holds it). */
function portIsFree(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(Number(new URL(url).port), '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('server/main.ts', () => {
  it('prints both URLs and its state directory, serves them, and stops cleanly on SIGTERM', async () => {
    const dataDir = newDataDir();
    const run = runMain({ DATA_DIR: dataDir });
    const { api, ui } = await run.ready;
    expect(run.output().stdout).toContain(`State directory:              ${dataDir}`);
    const lbs = (await (await fetch(`${api}/loadbalancers`)).json()) as { loadbalancers: unknown[] };
    expect(lbs.loadbalancers.length).toBeGreaterThanOrEqual(2);
    const info = (await (await fetch(`${ui}/api/info`)).json()) as { mode: string };
    expect(info.mode).toBe('embedded');
    // One agent introspect per compute, printed in node order.
    const introspect = [...run.output().stdout.matchAll(/vRouter agent introspect:\s+(\S+)\s+(\S+),/g)].map((m) => [
      m[2],
      m[1],
    ]);
    expect(introspect.map(([node]) => node)).toEqual(['k8s-node1', 'k8s-node2']);
    const drops = await fetch(`${introspect[0]![1]}Snh_KDropStatsReq`);
    expect(await drops.text()).toContain('<KDropStatsResp type="sandesh">');

    run.child.kill('SIGTERM');
    const [code] = await run.exited;
    expect(code).toBe(0);
    expect(await portIsFree(api)).toBe(true);
  }, 60_000);

  it('names the port and the variable when a port is taken', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as { port: number };
    const run = runMain({ CONFIG_API_PORT: String(port), DATA_DIR: newDataDir() });
    const [code] = await run.exited;
    blocker.close();
    expect(code).toBe(1);
    expect(run.output().stderr.trim()).toBe(
      `contrail-lb-explorer: port ${port} on 127.0.0.1 is already in use; set CONFIG_API_PORT to another port`,
    );
  }, 60_000);

  it('answers every configuration mistake with one line naming the variable', async () => {
    const file = join(newDataDir(), '..', 'a-file');
    writeFileSync(file, 'not a directory');
    const cases: [Record<string, string>, string][] = [
      [{ UI_PORT: 'eighty' }, 'UI_PORT=eighty is not a port number (0-65535)'],
      [{ CONFIG_API_PORT: '70000' }, 'CONFIG_API_PORT=70000 is not a port number (0-65535)'],
      [{ CONFIG_API_URL: 'not-a-url' }, 'CONFIG_API_URL=not-a-url is not an http:// or https:// URL'],
      [{ CONFIG_API_URL: 'ftp://h/x' }, 'CONFIG_API_URL=ftp://h/x is not an http:// or https:// URL'],
      [{ SHUTDOWN_GRACE_MS: 'soon' }, 'SHUTDOWN_GRACE_MS=soon is not a number of milliseconds'],
      [
        { LOG_LEVEL: 'loud' },
        'LOG_LEVEL=loud is not a log level (one of fatal, error, warn, info, debug, trace, silent)',
      ],
      [{ UPSTREAM_TIMEOUT_MS: '0' }, 'UPSTREAM_TIMEOUT_MS=0 is not a timeout in milliseconds (1-600000)'],
      [{ KUBE_API_PORT: '-1' }, 'KUBE_API_PORT=-1 is not a port number (0-65535)'],
      [{ DATA_DIR: file }, `DATA_DIR=${file}: ${file} is a file, not a directory`],
    ];
    await Promise.all(
      cases.map(async ([env, message]) => {
        const run = runMain(env);
        const [code] = await run.exited;
        expect(code, message).toBe(1);
        expect(run.output().stderr).toBe(`contrail-lb-explorer: ${message}\n`);
      }),
    );
  }, 120_000);

  it('finishes a slow in-flight request on SIGTERM, then exits 0', async () => {
    // Request logs on: the server's "incoming request" line says it has the request in hand.
    const run = runMain({ DATA_DIR: newDataDir(), SHUTDOWN_GRACE_MS: '20000', LOG_LEVEL: 'info' });
    const { api } = await run.ready;
    const received = () =>
      /"msg":"incoming request"[^\n]*"url":"\/loadbalancers"|"url":"\/loadbalancers"[^\n]*"msg":"incoming request"/.test(
        run.output().stdout,
      );
    const body = JSON.stringify({ loadbalancer: { fq_name: [...PROJECT, 'slow'], parent_type: 'project' } });
    const half = Math.floor(body.length / 2);
    const url = new URL(`${api}/loadbalancers`);
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { 'content-length': body.length },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        },
      );
      req.on('error', reject);
      // Half the body is on the wire and the server has started the request when the signal
      // arrives; the rest follows once the server has stopped accepting new connections.
      req.write(body.slice(0, half));
      void until(async () => received(), 'the server holds the request')
        .then(() => {
          run.child.kill('SIGTERM');
          return until(async () => !(await listening(api)), 'the config API stopped listening');
        })
        .then(() => req.end(body.slice(half)), reject);
    });
    const { status, text } = await answered;
    expect(status).toBe(200);
    expect(JSON.parse(text).loadbalancer.fq_name).toEqual([...PROJECT, 'slow']);
    const [code] = await run.exited;
    expect(code).toBe(0);
  }, 60_000);
});

describe('durable state', () => {
  it('keeps every acknowledged write across kill -9: same uuids, ETags and bodies', async () => {
    const dataDir = newDataDir();
    const first = runMain({ DATA_DIR: dataDir });
    const { api } = await first.ready;
    const written: { url: string; etag: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await json('POST', `${api}/loadbalancers`, {
        loadbalancer: {
          fq_name: [...PROJECT, `crash-${i}`],
          parent_type: 'project',
          loadbalancer_provider: 'native',
        },
      });
      expect(res.status).toBe(200);
      const uuid = JSON.parse(res.body!).loadbalancer.uuid as string;
      written.push({ url: `${api}/loadbalancer/${uuid}`, etag: res.etag! });
    }
    const updated = await json('PUT', written[0]!.url, { loadbalancer: { display_name: 'after' } });
    written[0]!.etag = updated.etag!;
    await json('DELETE', written[19]!.url);
    const deleted = written.pop()!;
    const bodies = await Promise.all(written.map((w) => json('GET', w.url)));
    // The last write is acknowledged and the process killed at once, with no time to sync.
    const last = await json('POST', `${api}/loadbalancers`, {
      loadbalancer: { fq_name: [...PROJECT, 'crash-last'], parent_type: 'project' },
    });
    first.child.kill('SIGKILL');
    await first.exited;
    const lastUrl = `/loadbalancer/${JSON.parse(last.body!).loadbalancer.uuid as string}`;

    const second = runMain({ DATA_DIR: dataDir });
    const { api: api2 } = await second.ready;
    for (const [i, w] of written.entries()) {
      const again = await json('GET', w.url.replace(api, api2));
      expect(again.status).toBe(200);
      expect(again.etag).toBe(w.etag);
      expect(again.body!.replaceAll(api2, api)).toBe(bodies[i]!.body);
    }
    expect((await json('GET', deleted.url.replace(api, api2))).status).toBe(404);
    expect((await json('GET', `${api2}${lastUrl}`)).etag).toBe(last.etag);
    second.child.kill('SIGTERM');
    expect((await second.exited)[0]).toBe(0);
  }, 120_000);

  it('answers the same object at the same URL after a restart, and --reset starts fresh', async () => {
    const dataDir = newDataDir();
    const first = runMain({ DATA_DIR: dataDir });
    const { api } = await first.ready;
    const created = await json('POST', `${api}/loadbalancers`, {
      loadbalancer: { fq_name: [...PROJECT, 'bookmarked'], parent_type: 'project' },
    });
    const uuid = JSON.parse(created.body!).loadbalancer.uuid as string;
    const project = await json(
      'GET',
      `${api}/project/${JSON.parse((await json('POST', `${api}/fqname-to-id`, { type: 'project', fq_name: PROJECT })).body!).uuid}`,
    );
    const before = await json('GET', `${api}/loadbalancer/${uuid}?exclude_hrefs`);
    const counts = async (base: string) =>
      Promise.all(
        ['loadbalancers', 'instance-ips', 'virtual-machine-interfaces'].map(
          async (c) => (await json('GET', `${base}/${c}?count=true`)).body,
        ),
      );
    const countsBefore = await counts(api);
    first.child.kill('SIGTERM');
    expect((await first.exited)[0]).toBe(0);

    const second = runMain({ DATA_DIR: dataDir });
    const { api: api2 } = await second.ready;
    expect(await json('GET', `${api2}/loadbalancer/${uuid}?exclude_hrefs`)).toEqual(before);
    const projectAgain = await json('GET', `${api2}/project/${JSON.parse(project.body!).project.uuid}`);
    expect(projectAgain.etag).toBe(project.etag);
    // kube-manager's objects come back whole too (one per Service, pod and port, no leftovers).
    expect(await counts(api2)).toEqual(countsBefore);
    second.child.kill('SIGTERM');
    await second.exited;

    const fresh = runMain({ DATA_DIR: dataDir, RESET: '1' });
    const { api: api3 } = await fresh.ready;
    expect(fresh.output().stdout).toContain('(reset)');
    expect((await json('GET', `${api3}/loadbalancer/${uuid}`)).status).toBe(404);
    fresh.child.kill('SIGTERM');
    await fresh.exited;
  }, 120_000);
});

describe('scripts/start.mjs', () => {
  it('forwards SIGTERM and exits with the server; a killed wrapper takes the server and its ports with it', async () => {
    const graceful = runMain({ DATA_DIR: newDataDir() }, 'scripts/start.mjs');
    const { api } = await graceful.ready;
    graceful.child.kill('SIGTERM');
    const gracefulExit = (await graceful.exited)[0];
    expect(gracefulExit, JSON.stringify(graceful.output())).toBe(0);
    expect(await portIsFree(api)).toBe(true);

    const killed = runMain({ DATA_DIR: newDataDir() }, 'scripts/start.mjs');
    const urls = await killed.ready;
    killed.child.kill('SIGKILL');
    await killed.exited;
    // The orphaned server notices its parent is gone, shuts down and frees both ports.
    await until(
      async () => (await portIsFree(urls.api)) && (await portIsFree(urls.ui)),
      'both ports are free',
      30_000,
    );
    expect(await listening(urls.api)).toBe(false);
  }, 180_000);
});
