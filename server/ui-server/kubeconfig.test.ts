// KUBECONFIG read as kubectl reads it: several files merged first-wins, the current context's
// cluster and user turned into a connection, and every unusable file named with what is wrong.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubeconfigConnection, loadKubeconfig } from './kubeconfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, [...lines, ''].join('\n'));
  return path;
}

const first = file('first', [
  'apiVersion: v1',
  'kind: Config',
  'clusters:',
  '- {name: a, cluster: {server: "https://a.example:6443", insecure-skip-tls-verify: true, tls-server-name: api.a}}',
  'users:',
  '- {name: u, user: {token: first-token}}',
  'contexts:',
  '- {name: ctx-a, context: {cluster: a, user: u}}',
  'current-context: ctx-a',
]);
const second = file('second', [
  'apiVersion: v1',
  'kind: Config',
  'clusters:',
  '- {name: a, cluster: {server: "https://other.example"}}',
  '- {name: b, cluster: {server: "http://b.example:8080"}}',
  'users:',
  '- {name: u, user: {token: second-token}}',
  '- {name: basic, user: {username: ops, password: "s3cret"}}',
  'contexts:',
  '- {name: ctx-b, context: {cluster: b, user: basic}}',
  'current-context: ctx-b',
]);

describe('loadKubeconfig and kubeconfigConnection', () => {
  it('merges a KUBECONFIG list as client-go does: the first file to name a thing wins, and its current-context', async () => {
    const kc = await loadKubeconfig(`${first}${delimiter}${second}`);
    expect(kc.getCurrentContext()).toBe('ctx-a');
    const connection = kubeconfigConnection(kc, 'KUBECONFIG=x');
    expect(connection.server).toBe('https://a.example:6443');
    expect(connection.description).toBe('https://a.example:6443 (context ctx-a)');
    expect(connection.tls).toEqual({ rejectUnauthorized: false, servername: 'api.a' });
    expect(await connection.headers!()).toEqual({ authorization: 'Bearer first-token' });
    // The second file's contexts are there too, with their own users.
    kc.setCurrentContext('ctx-b');
    const basic = kubeconfigConnection(kc, 'KUBECONFIG=x');
    expect(basic.server).toBe('http://b.example:8080');
    expect(await basic.headers!()).toEqual({
      authorization: `Basic ${Buffer.from('ops:s3cret').toString('base64')}`,
    });
  });

  it('names the file and what is wrong', async () => {
    const missingCluster = file('no-cluster', [
      'apiVersion: v1',
      'kind: Config',
      'users: [{name: u, user: {}}]',
      'contexts: [{name: c, context: {cluster: gone, user: u}}]',
      'current-context: c',
    ]);
    await expect(
      loadKubeconfig(missingCluster).then((kc) => kubeconfigConnection(kc, 'KUBECONFIG=f')),
    ).rejects.toThrow('KUBECONFIG=f: context "c" names cluster "gone", which is not defined');
    const noContext = file('no-context', ['apiVersion: v1', 'kind: Config', 'clusters: []']);
    await expect(
      loadKubeconfig(noContext).then((kc) => kubeconfigConnection(kc, 'KUBECONFIG=f')),
    ).rejects.toThrow('KUBECONFIG=f: no current-context');
    const halfCert = file('half-cert', [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: a, cluster: {server: "https://a.example"}}]',
      'users: [{name: u, user: {client-certificate-data: Zm9v}}]',
      'contexts: [{name: c, context: {cluster: a, user: u}}]',
      'current-context: c',
    ]);
    await expect(
      loadKubeconfig(halfCert).then((kc) => kubeconfigConnection(kc, 'KUBECONFIG=f')),
    ).rejects.toThrow(
      'KUBECONFIG=f: user "u" has a client certificate without its key, or a key without its certificate',
    );
    const proxied = file('proxied', [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: a, cluster: {server: "https://a.example", proxy-url: "http://proxy:3128"}}]',
      'users: [{name: u, user: {}}]',
      'contexts: [{name: c, context: {cluster: a, user: u}}]',
      'current-context: c',
    ]);
    await expect(
      loadKubeconfig(proxied).then((kc) => kubeconfigConnection(kc, 'KUBECONFIG=f')),
    ).rejects.toThrow('KUBECONFIG=f: cluster "a" uses proxy-url, which the explorer does not support');
    await expect(loadKubeconfig(join(dir, 'absent'))).rejects.toThrow(/^.*absent: ENOENT/);
  });
});
