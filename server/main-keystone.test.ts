// `CONFIG_API_AUTH=keystone npm start`, end to end in a spawned server: the embedded Keystone
// listens and its admin password is printed, the config API answers 401 without a token as
// contrail-api does, and the explorer and the proxy work because the UI server gets its own token.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, tempDataDir } from './testing/server-process.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(join(dir, '..'), { recursive: true, force: true });
});

function start(env: Record<string, string>) {
  const dataDir = tempDataDir();
  dirs.push(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      KUBE_API_PORT: '0',
      CONFIG_API_PORT: '0',
      UI_PORT: '0',
      INTROSPECT_PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      ...env,
    },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = once(child, 'exit') as Promise<[number | null]>;
  const ready = new Promise<{ api: string; ui: string; keystone: string }>((resolve, reject) => {
    child.stdout.on('data', () => {
      const api = /Config API \(VNC-compatible\):\s+(\S+)/.exec(stdout)?.[1];
      const ui = /Contrail LB Explorer:\s+(\S+)/.exec(stdout)?.[1];
      const keystone = /Keystone v3:\s+(\S+)/.exec(stdout)?.[1];
      if (api && ui && keystone) resolve({ api, ui: ui.replace(/\/$/, ''), keystone });
    });
    void exited.then(([code]) => reject(new Error(`exited ${code} before ready: ${stderr}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

describe('CONFIG_API_AUTH=keystone', () => {
  it('serves Keystone, guards the config API with it, and the explorer authenticates by itself', async () => {
    const keystonePort = await freePort();
    const run = start({ CONFIG_API_AUTH: 'keystone', KEYSTONE_PORT: String(keystonePort) });
    const { api, ui, keystone } = await run.ready;
    expect(keystone).toBe(`http://127.0.0.1:${keystonePort}/v3`);
    expect(run.output().stdout).toContain(
      `Keystone v3:                  ${keystone}   user admin, password contrail123 (KEYSTONE_ADMIN_PASSWORD), project admin\n`,
    );

    // curl without a token: contrail-api's keystone middleware answer; discovery stays open.
    const refused = await fetch(`${api}/loadbalancers`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe(`Keystone uri="http://127.0.0.1:${keystonePort}"`);
    expect(await refused.json()).toEqual({
      error: {
        code: 401,
        title: 'Unauthorized',
        message: 'The request you have made requires authentication.',
      },
    });
    expect((await fetch(`${api}/`)).status).toBe(200);

    // The explorer and the proxy answer: the UI server got a token with the OS_* it was given.
    const rows = await fetch(`${ui}/api/explorer/loadbalancers`);
    expect(rows.status).toBe(200);
    expect(((await rows.json()) as { total: number }).total).toBe(3);
    const proxied = await fetch(`${ui}/api/config/loadbalancers`);
    expect(proxied.status).toBe(200);
    expect(((await proxied.json()) as { loadbalancers: unknown[] }).loadbalancers.length).toBeGreaterThan(0);
    const info = (await (await fetch(`${ui}/api/info`)).json()) as { configApi: { auth: string } };
    expect(info.configApi.auth).toBe(
      `keystone v3 token (user admin, project admin, ${keystone}), server side`,
    );

    // A token from the embedded Keystone opens the config API to curl as well.
    const issued = await fetch(`${keystone}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'admin', domain: { name: 'Default' }, password: 'contrail123' } },
          },
          scope: { project: { name: 'admin', domain: { name: 'Default' } } },
        },
      }),
    });
    expect(issued.status).toBe(201);
    const token = issued.headers.get('x-subject-token')!;
    expect((await fetch(`${api}/loadbalancers`, { headers: { 'x-auth-token': token } })).status).toBe(200);

    run.child.kill('SIGTERM');
    expect((await run.exited)[0]).toBe(0);
  }, 120_000);

  it('refuses CONFIG_API_AUTH with an external config API, in one line', async () => {
    const run = start({ CONFIG_API_AUTH: 'keystone', CONFIG_API_URL: 'http://127.0.0.1:9' });
    expect((await run.exited)[0]).toBe(1);
    expect(run.output().stderr).toBe(
      'contrail-lb-explorer: CONFIG_API_AUTH=keystone turns on auth in the embedded config API; with CONFIG_API_URL, give the real Keystone with OS_AUTH_URL and the OS_* credentials\n',
    );
  }, 60_000);
});
