// The UI server's JSON client of the configured config API (embedded or a real contrail-api): GETs
// with the server-side token (renewed and retried once when the API answers 401) and a deadline,
// list queries in URL-sized chunks, and every failure as an UpstreamError (502 unreachable or not
// JSON, 504 late, the upstream's 4xx passed on), counted in the metrics.
// Knows nothing of rows or routes.

import { errors as undiciErrors, type Pool } from 'undici';
import type { JsonObject } from '@model/contrail/read.ts';
import type { ConfigApiAuth } from './config-api-auth.ts';
import type { UiInstruments } from './metrics.ts';
import { reasonPhrase, UpstreamError } from './errors.ts';
import { upstreamPool } from './upstream-pool.ts';

export interface ConfigApiClientOptions {
  /** The config API base URL, e.g. `http://127.0.0.1:8082` or a real contrail-api. */
  url: string;
  /** Where the X-Auth-Token comes from (a fixed token or a Keystone session); never the browser. */
  auth?: ConfigApiAuth | undefined;
  /** Deadline for the response headers and for each body chunk, in ms. */
  timeoutMs: number;
  /** Which UI server part calls, for the metrics' `client` label. */
  client: string;
  instruments: Pick<UiInstruments, 'upstreamSeconds' | 'upstreamErrors'>;
}

/**
 * Node's default 16 KiB header limit bounds a request line to ~16k characters; 150 uuids (5.5 kB)
 * per `back_ref_id`/`parent_id`/`obj_uuids` list keeps well under it on any contrail-api front end.
 * A level larger than that is fetched in parallel chunks of the same list query.
 */
const UUIDS_PER_QUERY = 150;

export type ListAnchor = 'back_ref_id' | 'parent_id' | 'obj_uuids';

export class ConfigApiClient {
  readonly origin: string;
  private readonly basePath: string;
  private readonly pool: Pool;

  constructor(private readonly opts: ConfigApiClientOptions) {
    const url = new URL(opts.url);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/$/, '');
    this.pool = upstreamPool(url, opts.timeoutMs, { connections: 16, keepAliveTimeoutMs: 60_000 });
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** `GET <path>` as a JSON object, or an UpstreamError saying what went wrong. */
  async getJson(path: string): Promise<JsonObject> {
    const auth = this.opts.auth;
    let token = auth ? await this.authToken(auth) : undefined;
    let { status, text } = await this.get(path, token);
    // A refused token is renewed and the request retried, once (a second 401 is not retried).
    if (status === 401 && auth && token !== undefined && auth.rejected(token)) {
      token = await this.authToken(auth);
      ({ status, text } = await this.get(path, token));
    }
    const bare = path.split('?')[0];
    if (status >= 400) {
      const passed = status >= 500 ? 502 : status;
      throw this.failed(
        new UpstreamError(
          passed,
          `config API answered ${status} ${reasonPhrase(status)} to GET ${bare}: ${text.trim().slice(0, 500)}`,
          'status',
        ),
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw this.failed(
        new UpstreamError(502, `config API sent a body that is not JSON for GET ${bare}`, 'body'),
      );
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw this.failed(
        new UpstreamError(502, `config API sent a body that is not a JSON object for GET ${bare}`, 'body'),
      );
    return body as JsonObject;
  }

  /** `GET /<type>s?detail=true&…` → the inner objects. */
  async listDetail(type: string, params: Record<string, string>): Promise<JsonObject[]> {
    const query = new URLSearchParams({ detail: 'true', ...params });
    const body = await this.getJson(`/${type}s?${query.toString()}`);
    const entries = body[`${type}s`];
    if (!Array.isArray(entries))
      throw this.failed(
        new UpstreamError(502, `config API list of ${type}s has no "${type}s" array`, 'body'),
      );
    return entries.flatMap((entry) => {
      const inner = (entry as JsonObject | null)?.[type];
      return typeof inner === 'object' && inner !== null ? [inner as JsonObject] : [];
    });
  }

  /**
   * `GET /<type>s?fields=…` → each object's uuid, fq_name and the named fields only: a plain
   * (not detail) list, much smaller than the whole objects.
   */
  async listFields(type: string, fields: readonly string[]): Promise<JsonObject[]> {
    const body = await this.getJson(
      `/${type}s?${new URLSearchParams({ fields: fields.join(',') }).toString()}`,
    );
    const entries = body[`${type}s`];
    if (!Array.isArray(entries))
      throw this.failed(
        new UpstreamError(502, `config API list of ${type}s has no "${type}s" array`, 'body'),
      );
    return entries.filter((e): e is JsonObject => typeof e === 'object' && e !== null && !Array.isArray(e));
  }

  /** One list query over a uuid anchor, in URL-sized chunks run in parallel. */
  async listAnchored(
    type: string,
    anchor: ListAnchor,
    uuids: readonly string[],
    params: Record<string, string> = {},
  ): Promise<JsonObject[]> {
    const unique = [...new Set(uuids)];
    if (unique.length === 0) return [];
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += UUIDS_PER_QUERY)
      chunks.push(unique.slice(i, i + UUIDS_PER_QUERY));
    const pages = await Promise.all(
      chunks.map((chunk) => this.listDetail(type, { ...params, [anchor]: chunk.join(',') })),
    );
    return pages.flat();
  }

  private async authToken(auth: ConfigApiAuth): Promise<string> {
    try {
      return await auth.token();
    } catch (err) {
      if (err instanceof UpstreamError) throw this.failed(err);
      throw err;
    }
  }

  private async get(path: string, token: string | undefined): Promise<{ status: number; text: string }> {
    const started = performance.now();
    try {
      const res = await this.pool.request({
        method: 'GET',
        path: `${this.basePath}${path}`,
        headers: { accept: 'application/json', ...(token !== undefined ? { 'x-auth-token': token } : {}) },
      });
      this.opts.instruments.upstreamSeconds.observe((performance.now() - started) / 1000, {
        client: this.opts.client,
      });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (err) {
      throw this.failed(upstreamFailure(err, this.origin, this.opts.timeoutMs));
    }
  }

  private failed(error: UpstreamError): UpstreamError {
    this.opts.instruments.upstreamErrors.inc({ client: this.opts.client, reason: error.reason });
    return error;
  }
}

/** A transport failure as the browser should read it: 504 past the deadline, 502 otherwise. */
export function upstreamFailure(err: unknown, origin: string, timeoutMs: number): UpstreamError {
  const code = (err as { code?: string }).code ?? '';
  const message = err instanceof Error ? err.message : String(err);
  const timedOut =
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError ||
    /TIMEOUT/i.test(code) ||
    /timeout/i.test(message);
  return timedOut
    ? new UpstreamError(504, `config API ${origin} did not answer in ${timeoutMs} ms`, 'timeout')
    : new UpstreamError(502, `config API ${origin} is unreachable: ${code || message}`, 'unreachable');
}
