// How the UI server authenticates to the config API: a fixed token (CONFIG_API_TOKEN), or a
// Keystone v3 session (OS_AUTH_URL, OS_USERNAME, …) that obtains a project-scoped token with the
// password method, renews it before it expires, and again when the config API refuses it. The token
// lives only here and in the X-Auth-Token header of upstream requests: never sent to the browser,
// never put in a URL, never logged (errors name the user and the Keystone URL, not secrets).

import { type Pool, errors as undiciErrors } from 'undici';
import type { Clock } from '../clock.ts';
import { reasonPhrase, UpstreamError } from './errors.ts';
import { upstreamPool } from './upstream-pool.ts';

/** What the config API clients and the proxy need: a token now, and a way to say it was refused. */
export interface ConfigApiAuth {
  /** For GET /api/info: how the server authenticates, without the secret. */
  readonly description: string;
  /** The token to send now; fetched or renewed first when needed. */
  token(): Promise<string>;
  /**
   * The config API answered 401 to `token`: forget it so the next token() renews it. False when
   * there is nothing to renew (a fixed token), so the caller does not retry.
   */
  rejected(token: string): boolean;
}

/** CONFIG_API_TOKEN: sent as is; a 401 cannot be cured by retrying. */
export class FixedToken implements ConfigApiAuth {
  readonly description = 'a fixed token (CONFIG_API_TOKEN), server side';
  constructor(private readonly value: string) {}
  async token(): Promise<string> {
    return this.value;
  }
  rejected(): boolean {
    return false;
  }
}

export interface KeystoneCredentials {
  /** OS_AUTH_URL: `http://keystone:5000/v3` (or without `/v3`, which is then added). */
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  /** OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME (both `Default` when not given). */
  userDomainName: string;
  projectDomainName: string;
}

export interface KeystoneSessionOptions extends KeystoneCredentials {
  clock: Clock;
  /** Deadline of each call to Keystone, in ms. */
  timeoutMs: number;
  /** OS_CACERT's contents, for an https Keystone signed by a private CA. */
  ca?: Buffer | undefined;
}

/**
 * A token is renewed once it has less than this left: keystoneauth1's
 * `BaseIdentityPlugin.MIN_TOKEN_LIFE_SECONDS` (identity/base.py), 120 s.
 */
export const MIN_TOKEN_LIFE_MS = 120_000;

interface Held {
  token: string;
  /** When to renew it (ms since the epoch): MIN_TOKEN_LIFE_MS before expiry, or halfway for short tokens. */
  renewAt: number;
}

/** `http://host:5000/v3` from OS_AUTH_URL, with or without the version; v2.0 is refused. */
export function keystoneV3Url(authUrl: string): string {
  const url = new URL(authUrl);
  const path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith('/v2.0'))
    throw new Error(`OS_AUTH_URL=${authUrl} is a Keystone v2.0 endpoint; the explorer speaks Keystone v3`);
  url.pathname = path.endsWith('/v3') ? path : `${path}/v3`;
  return url.toString().replace(/\/+$/, '');
}

/**
 * A Keystone v3 password session (`POST /v3/auth/tokens`, Keystone api-ref "Password
 * authentication with scoped authorization"): one token at a time, fetched by one request however
 * many callers wait for it.
 */
export class KeystoneSession implements ConfigApiAuth {
  readonly description: string;
  private readonly v3: string;
  private readonly pool: Pool;
  private readonly basePath: string;
  private held: Held | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly opts: KeystoneSessionOptions) {
    this.v3 = keystoneV3Url(opts.authUrl);
    const url = new URL(this.v3);
    this.basePath = url.pathname;
    this.pool = upstreamPool(url, opts.timeoutMs, {
      connections: 2,
      tls: opts.ca ? { ca: opts.ca } : undefined,
    });
    this.description = `keystone v3 token (user ${opts.username}, project ${opts.projectName}, ${this.v3}), server side`;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  token(): Promise<string> {
    if (this.held && this.opts.clock.now() < this.held.renewAt) return Promise.resolve(this.held.token);
    this.pending ??= this.issue().finally(() => (this.pending = undefined));
    return this.pending;
  }

  rejected(token: string): boolean {
    if (this.held?.token === token) this.held = undefined;
    return true;
  }

  private get who(): string {
    return `keystone ${this.v3}`;
  }

  private async issue(): Promise<string> {
    const { username, password, projectName, userDomainName, projectDomainName } = this.opts;
    const body = JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: username, domain: { name: userDomainName }, password } },
        },
        scope: { project: { name: projectName, domain: { name: projectDomainName } } },
      },
    });
    let status: number;
    let subject: string | string[] | undefined;
    let text: string;
    try {
      // nocatalog: the service catalog is not needed, and can be large.
      const res = await this.pool.request({
        method: 'POST',
        path: `${this.basePath}/auth/tokens?nocatalog`,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
      });
      status = res.statusCode;
      subject = res.headers['x-subject-token'];
      text = await res.body.text();
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const timedOut =
        err instanceof undiciErrors.HeadersTimeoutError ||
        err instanceof undiciErrors.BodyTimeoutError ||
        err instanceof undiciErrors.ConnectTimeoutError;
      throw timedOut
        ? new UpstreamError(504, `${this.who} did not answer in ${this.opts.timeoutMs} ms`, 'timeout')
        : new UpstreamError(
            502,
            `${this.who} is unreachable: ${code || (err as Error).message}`,
            'unreachable',
          );
    }
    const scope = `user "${username}" (domain ${userDomainName}) on project "${projectName}" (domain ${projectDomainName})`;
    if (status === 401)
      throw new UpstreamError(
        502,
        `${this.who} refused the credentials of ${scope}: ${keystoneMessage(text) ?? 'Unauthorized'} (check OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME and the domains)`,
        'auth',
      );
    if (status !== 201)
      throw new UpstreamError(
        502,
        `${this.who} answered ${status} ${reasonPhrase(status)} to a token request for ${scope}: ${keystoneMessage(text) ?? text.trim().slice(0, 200)}`,
        'status',
      );
    const token = Array.isArray(subject) ? subject[0] : subject;
    let expiresAt = Number.NaN;
    try {
      expiresAt = Date.parse(
        (JSON.parse(text) as { token?: { expires_at?: string } }).token?.expires_at ?? '',
      );
    } catch {
      // reported below
    }
    if (!token || Number.isNaN(expiresAt))
      throw new UpstreamError(
        502,
        `${this.who} issued a token without ${token ? 'token.expires_at' : 'an X-Subject-Token header'}`,
        'body',
      );
    const now = this.opts.clock.now();
    const life = expiresAt - now;
    this.held = {
      token,
      renewAt: life > 2 * MIN_TOKEN_LIFE_MS ? expiresAt - MIN_TOKEN_LIFE_MS : now + life / 2,
    };
    return token;
  }
}

/** Keystone's error body: `{"error": {"code", "title", "message"}}` (keystone/exception.py). */
function keystoneMessage(text: string): string | undefined {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}
