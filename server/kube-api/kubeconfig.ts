// The kubeconfig `npm start` writes next to its data, so `KUBECONFIG=<file> kubectl …` reaches
// the embedded Kubernetes API (plain HTTP on loopback, no credentials: it serves only this host).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const KUBECONFIG_CONTEXT = 'contrail-lb-explorer';

export function kubeconfigText(server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${KUBECONFIG_CONTEXT}`,
    '  cluster:',
    `    server: ${server}`,
    'users:',
    `- name: ${KUBECONFIG_CONTEXT}`,
    '  user: {}',
    'contexts:',
    `- name: ${KUBECONFIG_CONTEXT}`,
    '  context:',
    `    cluster: ${KUBECONFIG_CONTEXT}`,
    `    user: ${KUBECONFIG_CONTEXT}`,
    '    namespace: default',
    `current-context: ${KUBECONFIG_CONTEXT}`,
    '',
  ].join('\n');
}

/** The file name `writeKubeconfig` uses in the state directory. */
export const KUBECONFIG_FILE = 'kubeconfig';

/** Writes `<dataDir>/kubeconfig` for `server` and returns its absolute path. */
export function writeKubeconfig(dataDir: string, server: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = resolve(join(dataDir, KUBECONFIG_FILE));
  writeFileSync(file, kubeconfigText(server), { mode: 0o600 });
  return file;
}
