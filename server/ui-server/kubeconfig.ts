// A real cluster's connection from KUBECONFIG, read as kubectl reads it: a list of files (`:`
// separated) merged by client-go's rules, its current context's cluster (server, CA, TLS server
// name, insecure-skip-tls-verify) and user (client certificate and key, token or token-file, basic
// auth, exec and auth-provider plugins through @kubernetes/client-node). Produces the connection
// the Kubernetes client uses; a file that cannot serve is an Error naming the file and the field.

import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import type { Cluster, Context, KubeConfig, User } from '@kubernetes/client-node';
import type { KubernetesConnection } from './kubernetes-client.ts';

export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

/**
 * client-go `clientcmd/loader.go` (`ClientConfigLoadingRules.Load`): files are read in order, the
 * first file to define a cluster, user or context by name wins, and so does the first
 * current-context. client-node's own merge lets later files win and refuses duplicates, so the
 * merge is done here and handed to it.
 */
export async function loadKubeconfig(value: string): Promise<KubeConfig> {
  // Loaded only here (half a second of import), so a start without KUBECONFIG never pays for it.
  const { KubeConfig } = await import('@kubernetes/client-node');
  const files = value.split(delimiter).filter((f) => f !== '');
  if (files.length === 0) throw new KubeconfigError('KUBECONFIG names no file');
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const file of files) {
    const kc = new KubeConfig();
    try {
      kc.loadFromFile(file);
    } catch (err) {
      throw new KubeconfigError(`${file}: ${(err as Error).message}`);
    }
    for (const c of kc.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, c);
    if (!currentContext) currentContext = kc.getCurrentContext();
  }
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  return merged;
}

/** The current context's cluster and credentials as a connection; `source` names KUBECONFIG. */
export function kubeconfigConnection(kc: KubeConfig, source: string): KubernetesConnection {
  const contextName = kc.getCurrentContext();
  if (!contextName) throw new KubeconfigError(`${source}: no current-context`);
  const context = kc.getContextObject(contextName);
  if (!context) throw new KubeconfigError(`${source}: current-context "${contextName}" is not defined`);
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new KubeconfigError(
      `${source}: context "${contextName}" names cluster "${context.cluster}", which is not defined`,
    );
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    throw new KubeconfigError(
      `${source}: cluster "${cluster.name}" has no valid server URL (${cluster.server})`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new KubeconfigError(`${source}: cluster "${cluster.name}" server ${cluster.server} is not http(s)`);
  if (cluster.proxyUrl)
    throw new KubeconfigError(
      `${source}: cluster "${cluster.name}" uses proxy-url, which the explorer does not support`,
    );
  const user = kc.getCurrentUser();
  const description = `${cluster.server} (context ${contextName})`;
  return {
    server: cluster.server.replace(/\/+$/, ''),
    description,
    tls: tlsOptions(cluster, user, source),
    headers: credentials(kc, user, url.protocol === 'https:'),
  };
}

function tlsOptions(cluster: Cluster, user: User | null, source: string): ConnectionOptions {
  const read = (what: string, file: string | undefined, data: string | undefined) => {
    try {
      return fileOrData(file, data);
    } catch (err) {
      throw new KubeconfigError(`${source}: ${what}: ${(err as Error).message}`);
    }
  };
  const ca = read(`cluster "${cluster.name}" certificate-authority`, cluster.caFile, cluster.caData);
  const cert = user
    ? read(`user "${user.name}" client-certificate`, user.certFile, user.certData)
    : undefined;
  const key = user ? read(`user "${user.name}" client-key`, user.keyFile, user.keyData) : undefined;
  if ((cert === undefined) !== (key === undefined))
    throw new KubeconfigError(
      `${source}: user "${user!.name}" has a client certificate without its key, or a key without its certificate`,
    );
  return {
    ...(ca ? { ca } : {}),
    ...(cert && key ? { cert, key } : {}),
    ...(cluster.skipTLSVerify ? { rejectUnauthorized: false } : {}),
    ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
  };
}

/** A file wins over `*-data` (base64), as in kubectl; files are read once, when the server starts. */
function fileOrData(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file) return readFileSync(file);
  if (data) return Buffer.from(data, 'base64');
  return undefined;
}

const noHeaders = async (): Promise<Record<string, string>> => ({});

/**
 * The Authorization header. A token (or token-file, read at load) and basic auth are fixed; exec
 * and auth-provider plugins refresh their token, so client-node is asked for it on every request.
 */
function credentials(
  kc: KubeConfig,
  user: User | null,
  secure: boolean,
): () => Promise<Record<string, string>> {
  if (!user) return noHeaders;
  if (user.exec || user.authProvider) {
    if (!secure) return noHeaders;
    return async () => {
      const options: { headers?: Record<string, string> } = {};
      await kc.applyToHTTPSOptions(options);
      return { ...options.headers };
    };
  }
  const fixed: Record<string, string> = {};
  if (user.token) fixed.authorization = `Bearer ${user.token.trim()}`;
  else if (user.username)
    fixed.authorization = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
  if (user.impersonateUser) fixed['impersonate-user'] = user.impersonateUser;
  return async () => fixed;
}
