import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs server/main.ts with `env`, collecting its output until it exits or `until` matches. */
function runMain(env: Record<string, string>, until?: RegExp) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    // INTROSPECT_PORT=0: the computes' introspect listeners take free ports, never 8085+.
    env: { ...process.env, HOST: '127.0.0.1', INTROSPECT_PORT: '0', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', () => {
      if (until?.test(stdout)) resolve();
    });
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

describe('server/main.ts', () => {
  it('prints both URLs, serves them, and stops cleanly on SIGTERM', async () => {
    const run = runMain({ CONFIG_API_PORT: '0', UI_PORT: '0' }, /Contrail LB Explorer:\s+(\S+)/);
    await run.ready;
    const { stdout } = run.output();
    const apiUrl = /Config API \(VNC-compatible\):\s+(\S+)/.exec(stdout)![1]!;
    const uiUrl = /Contrail LB Explorer:\s+(\S+)/.exec(stdout)![1]!.replace(/\/$/, '');

    const lbs = (await (await fetch(`${apiUrl}/loadbalancers`)).json()) as { loadbalancers: unknown[] };
    expect(lbs.loadbalancers.length).toBeGreaterThanOrEqual(2);
    const info = (await (await fetch(`${uiUrl}/api/info`)).json()) as { mode: string };
    expect(info.mode).toBe('embedded');
    // One agent introspect per compute, printed in node order.
    const introspect = [...stdout.matchAll(/vRouter agent introspect:\s+(\S+)\s+(\S+),/g)].map((m) => [
      m[2],
      m[1],
    ]);
    expect(introspect.map(([node]) => node)).toEqual(['k8s-node1', 'k8s-node2']);
    const drops = await fetch(`${introspect[0]![1]}Snh_KDropStatsReq`);
    expect(await drops.text()).toContain('<KDropStatsResp type="sandesh">');

    run.child.kill('SIGTERM');
    const [code] = await run.exited;
    expect(code).toBe(0);
  }, 60_000);

  it('names the port and the variable when a port is taken', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as { port: number };
    const run = runMain({ CONFIG_API_PORT: String(port), UI_PORT: '0' });
    const [code] = await run.exited;
    blocker.close();
    expect(code).toBe(1);
    expect(run.output().stderr.trim()).toBe(
      `contrail-lb-explorer: port ${port} on 127.0.0.1 is already in use; set CONFIG_API_PORT to another port`,
    );
  }, 60_000);

  it('refuses a port that is not a number, saying which variable', async () => {
    const run = runMain({ UI_PORT: 'eighty' });
    const [code] = await run.exited;
    expect(code).toBe(1);
    expect(run.output().stderr).toContain('UI_PORT=eighty is not a port number (0-65535)');
  }, 60_000);
});
