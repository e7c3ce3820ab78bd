// A KubeClient over HTTP(S), as client-go's reflector talks to an API server: paged lists,
// watches as streams of JSON lines, and errors as their `Status`. It reaches the embedded API
// over loopback, or a real cluster described by a kubeconfig (read-only: no status writes).

import http from 'node:http';
import https from 'node:https';
import { collectionPath, type ApiResource } from '@model/kubernetes/resources.ts';
import { KubeStatusError, type KubeClient, type RawWatchEvent } from '../kube-manager/kube-client.ts';

export interface HttpKubeClientOptions {
  /** `http://127.0.0.1:6443` or a real server's `https://…`. */
  readonly server: string;
  /** TLS and auth of each request (from a kubeconfig). */
  readonly requestOptions?: () => Promise<https.RequestOptions>;
  /** Never write (a real cluster). */
  readonly readOnly: boolean;
  readonly description: string;
}

const USER_AGENT = 'contrail-kube-manager/v1';

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function statusError(code: number, body: string): KubeStatusError {
  let message = body.trim().slice(0, 500);
  try {
    message = (JSON.parse(body) as { message?: string }).message ?? message;
  } catch {
    // not a Status
  }
  return new KubeStatusError(code, `${code}: ${message}`);
}

export function httpKubeClient(opts: HttpKubeClientOptions): KubeClient {
  const base = new URL(opts.server);
  const secure = base.protocol === 'https:';
  const transport = secure ? https : http;
  const agent = secure ? undefined : new http.Agent({ keepAlive: true, maxSockets: 16 });

  async function request(
    method: string,
    path: string,
    headers: Record<string, string>,
  ): Promise<http.ClientRequest> {
    const given = opts.requestOptions ? await opts.requestOptions() : {};
    // A plain-HTTP server takes the credentials' headers but not a TLS agent.
    const { agent: tlsAgent, ...rest } = given;
    const extra = secure ? given : rest;
    return transport.request(new URL(path, base), {
      ...extra,
      method,
      ...(secure ? (tlsAgent ? { agent: tlsAgent } : {}) : { agent }),
      headers: {
        ...(extra.headers as Record<string, string> | undefined),
        'user-agent': USER_AGENT,
        accept: 'application/json',
        ...headers,
      },
    });
  }

  async function call(method: string, path: string, body?: string, contentType?: string): Promise<unknown> {
    const req = await request(method, path, contentType ? { 'content-type': contentType } : {});
    return new Promise((resolve, reject) => {
      req.on('response', (res) => {
        readAll(res).then((text) => {
          if ((res.statusCode ?? 0) >= 300) reject(statusError(res.statusCode ?? 0, text));
          else
            try {
              resolve(JSON.parse(text));
            } catch (err) {
              reject(err as Error);
            }
        }, reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  return {
    description: opts.description,
    async list(resource: ApiResource, page) {
      const query = new URLSearchParams({ limit: String(page.limit) });
      if (page.continueToken) query.set('continue', page.continueToken);
      const list = (await call('GET', `${collectionPath(resource)}?${query}`)) as {
        items?: unknown[];
        metadata?: { resourceVersion?: string; continue?: string };
      };
      return {
        items: list.items ?? [],
        resourceVersion: list.metadata?.resourceVersion ?? '',
        continueToken: list.metadata?.continue || undefined,
      };
    },
    watch(resource, w, onEvent, onClose) {
      let stopped = false;
      let closed = false;
      let req: http.ClientRequest | undefined;
      const close = (error?: Error) => {
        if (closed || stopped) return;
        closed = true;
        onClose(error);
      };
      const query = new URLSearchParams({ watch: '1', allowWatchBookmarks: String(w.allowWatchBookmarks) });
      if (w.resourceVersion) query.set('resourceVersion', w.resourceVersion);
      if (w.timeoutSeconds !== undefined) query.set('timeoutSeconds', String(w.timeoutSeconds));
      request('GET', `${collectionPath(resource)}?${query}`, {}).then(
        (r) => {
          req = r;
          if (stopped) {
            r.destroy();
            return;
          }
          r.on('response', (res) => {
            if ((res.statusCode ?? 0) !== 200) {
              readAll(res).then(
                (text) => close(statusError(res.statusCode ?? 0, text)),
                (err: Error) => close(err),
              );
              return;
            }
            let buffer = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              buffer += chunk;
              let at: number;
              while ((at = buffer.indexOf('\n')) >= 0) {
                const line = buffer.slice(0, at).trim();
                buffer = buffer.slice(at + 1);
                if (line === '' || stopped) continue;
                try {
                  onEvent(JSON.parse(line) as RawWatchEvent);
                } catch (err) {
                  close(new Error(`bad watch event: ${(err as Error).message}`));
                  r.destroy();
                  return;
                }
              }
            });
            res.on('end', () => close());
            res.on('error', (err) => close(err));
            res.on('aborted', () => close(new Error('watch stream aborted')));
          });
          r.on('error', (err) => close(err));
          r.end();
        },
        (err: Error) => close(err),
      );
      return {
        stop: () => {
          stopped = true;
          req?.destroy();
        },
      };
    },
    ...(opts.readOnly
      ? {}
      : {
          async setServiceIngress(namespace: string, name: string, ips: readonly string[]) {
            const patch = {
              status: { loadBalancer: { ingress: ips.length > 0 ? ips.map((ip) => ({ ip })) : null } },
            };
            await call(
              'PATCH',
              `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(name)}/status`,
              JSON.stringify(patch),
              'application/merge-patch+json',
            );
          },
        }),
  };
}

/** A read-only client for the current context of a kubeconfig file. */
export async function kubeClientFromKubeconfig(file: string): Promise<KubeClient> {
  // Loaded only here (half a second of import), so the embedded cluster never pays for it.
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`KUBECONFIG=${file} has no current cluster`);
  return httpKubeClient({
    server: cluster.server,
    readOnly: true,
    description: `${cluster.server} (context ${kc.getCurrentContext()}, read-only)`,
    requestOptions: async () => {
      // client-node refuses plain HTTP servers; there only a bearer token can apply.
      if (cluster.server.startsWith('http:')) {
        const token = kc.getCurrentUser()?.token;
        return token ? { headers: { authorization: `Bearer ${token}` } } : {};
      }
      const options: https.RequestOptions = {};
      await kc.applyToHTTPSOptions(options);
      return options;
    },
  });
}
