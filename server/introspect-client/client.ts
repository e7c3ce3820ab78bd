// The HTTP(S) side of reading a vRouter agent's introspect: `GET /Snh_<Request>?<params>` to a known
// compute only, the answer parsed as it streams in (sandesh-reader.ts), with a per-host connection
// limit, deadlines, retries with backoff for what may pass (never for a 4xx or a malformed answer),
// and TLS with a CA and a client certificate (introspect SSL). Knows nothing of what the records
// mean (agent.ts) or of the UI server.
//
// Parameters go in declaration order: the agent's generated RequestFromHttp fills the i-th
// declared field from the i-th `&` token, whatever its name (contrail-sandesh
// compiler/generate/t_cpp_generator.cc `generate_sandesh_http_reader`); values are %XX-encoded,
// which curl_easy_unescape decodes.

import { errors as undiciErrors, Pool } from 'undici';
import type { SandeshDef } from '@model/dataplane/sandesh/schema.ts';
import { RESPONSE_DEFS } from './responses.ts';
import { SandeshFormatError, SandeshReader, type SandeshResponse } from './sandesh-reader.ts';

/** Why a read failed: the compute is not known, does not answer, answered late, refused, or sent nonsense. */
export type IntrospectFailure = 'not-allowed' | 'unreachable' | 'timeout' | 'status' | 'body';

export class IntrospectError extends Error {
  override readonly name = 'IntrospectError';
  constructor(
    readonly reason: IntrospectFailure,
    message: string,
    /** The HTTP status, for `status`. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Introspect SSL: the CA the agents' certificates chain to, and our client certificate. */
export interface IntrospectTls {
  ca: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
}

export interface IntrospectClientOptions {
  /**
   * Whether an origin (`http://10.0.0.5:8085`) is a known compute's introspect. Asked before every
   * request, page links included; a refused origin is never connected to.
   */
  allows(origin: string): boolean;
  /** Deadline for the response headers and between two body chunks (default 5000 ms). */
  timeoutMs?: number;
  /** Further attempts after a failure that may pass (unreachable, timeout, 5xx); default 2. */
  retries?: number;
  /** The first retry waits this long, each next one twice as long (default 100 ms). */
  backoffMs?: number;
  /** Concurrent requests per compute; more wait in line (default 4). */
  connectionsPerHost?: number;
  tls?: IntrospectTls;
  /** How retries wait (tests pass one that resolves at once). */
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/** `name=value&…` in the request's declaration order, every value %XX-encoded. */
export function requestQuery(
  def: SandeshDef,
  params: Readonly<Record<string, string | number | boolean>>,
): string {
  const known = new Set(def.fields.map((f) => f.name));
  for (const name of Object.keys(params))
    if (!known.has(name)) throw new TypeError(`${def.name} has no parameter ${name}`);
  return def.fields
    .map((f) => {
      const value = params[f.name];
      return `${f.name}=${value === undefined ? '' : encodeURIComponent(String(value))}`;
    })
    .join('&');
}

function transportFailure(err: unknown, origin: string, timeoutMs: number): IntrospectError {
  const code = (err as { code?: string }).code ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError ||
    /TIMEOUT/i.test(code)
  )
    return new IntrospectError('timeout', `${origin} did not answer in ${timeoutMs} ms`);
  return new IntrospectError('unreachable', `${origin} is unreachable: ${code || message}`);
}

const retryable = (err: IntrospectError) =>
  err.reason === 'unreachable' ||
  err.reason === 'timeout' ||
  (err.reason === 'status' && (err.status ?? 0) >= 500);

export class IntrospectClient {
  private readonly pools = new Map<string, Pool>();
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private closed = false;

  constructor(private readonly opts: IntrospectClientOptions) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retries = opts.retries ?? 2;
    this.backoffMs = opts.backoffMs ?? 100;
    this.sleep = opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  private pool(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      const tls = this.opts.tls;
      pool = new Pool(origin, {
        connections: this.opts.connectionsPerHost ?? 4,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        connectTimeout: this.timeoutMs,
        ...(tls && origin.startsWith('https:')
          ? {
              connect: {
                ca: tls.ca,
                ...(tls.cert ? { cert: tls.cert } : {}),
                ...(tls.key ? { key: tls.key } : {}),
              },
            }
          : {}),
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  /** Drops the connections to computes no longer known (the allowlist refuses them anyway). */
  async prune(): Promise<void> {
    const gone = [...this.pools].filter(([origin]) => !this.opts.allows(origin));
    for (const [origin] of gone) this.pools.delete(origin);
    await Promise.all(gone.map(([, pool]) => pool.close()));
  }

  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy()));
  }

  /**
   * `GET <base>/Snh_<request>?<params>` and every response of the answer, parsed as it streams in.
   * Failures that may pass are retried with backoff; the answer of a failed attempt is dropped
   * whole, so a caller never sees a partial one.
   */
  async request(
    base: string,
    def: SandeshDef,
    params: Readonly<Record<string, string | number | boolean>> = {},
  ): Promise<SandeshResponse[]> {
    const url = new URL(base);
    const origin = url.origin;
    const path = `${url.pathname.replace(/\/$/, '')}/Snh_${def.name}?${requestQuery(def, params)}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(origin, path);
      } catch (err) {
        const failure = err instanceof IntrospectError ? err : transportFailure(err, origin, this.timeoutMs);
        if (attempt >= this.retries || !retryable(failure) || this.closed) throw failure;
        await this.sleep(this.backoffMs * 2 ** attempt);
      }
    }
  }

  private async attempt(origin: string, path: string): Promise<SandeshResponse[]> {
    // Every request, page links included, goes only to a compute the directory knows now.
    if (!this.opts.allows(origin))
      throw new IntrospectError('not-allowed', `${origin} is not the introspect of a known compute`);
    if (this.closed) throw new IntrospectError('unreachable', `${origin}: the introspect client is closed`);
    const res = await this.pool(origin).request({ method: 'GET', path, headers: { accept: 'text/xml' } });
    const source = `${origin}${path.split('?')[0]}`;
    if (res.statusCode !== 200) {
      const text = (await res.body.text()).replace(/\0/g, '').trim().slice(0, 200);
      throw new IntrospectError(
        'status',
        `${source} answered ${res.statusCode}${text ? `: ${text.replace(/\s+/g, ' ')}` : ''}`,
        res.statusCode,
      );
    }
    const responses: SandeshResponse[] = [];
    const reader = new SandeshReader(RESPONSE_DEFS, (r) => responses.push(r), source);
    const decoder = new TextDecoder('utf-8');
    try {
      for await (const chunk of res.body) reader.write(decoder.decode(chunk as Buffer, { stream: true }));
      reader.write(decoder.decode());
      reader.end();
    } catch (err) {
      res.body.destroy();
      if (err instanceof SandeshFormatError) throw new IntrospectError('body', err.message);
      throw err;
    }
    return responses;
  }
}
