// The UI server's settings from the environment: LOG_LEVEL, UPSTREAM_TIMEOUT_MS, the config API's
// credentials (CONFIG_API_TOKEN, or Keystone's OS_* variables), KUBE_WRITE and where the agents'
// introspect is (VROUTER_INTROSPECT, introspect SSL), each parsed strictly; a bad value is reported
// once, in one line naming the variable, through `fail`.

import { readFileSync } from 'node:fs';
import type { LevelWithSilent } from 'pino';
import { keystoneV3Url, type KeystoneCredentials } from './config-api-auth.ts';
import { parseIntrospectOverride } from './dataplane-views/computes.ts';

/** pino's levels (fastify's logger); `silent` turns logging off. */
export const LOG_LEVELS = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
] as const satisfies readonly LevelWithSilent[];
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_LOG_LEVEL: LogLevel = 'info';
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000;
const MAX_UPSTREAM_TIMEOUT_MS = 600_000;

export interface UiServerEnvironment {
  logLevel: LogLevel;
  upstreamTimeoutMs: number;
}

/** `LOG_LEVEL` (default info) and `UPSTREAM_TIMEOUT_MS` (default 30000) from `env`. */
export function uiServerEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  fail: (message: string) => never,
): UiServerEnvironment {
  const level = env.LOG_LEVEL || DEFAULT_LOG_LEVEL;
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    fail(`LOG_LEVEL=${level} is not a log level (one of ${LOG_LEVELS.join(', ')})`);
  const timeoutText = env.UPSTREAM_TIMEOUT_MS;
  let upstreamTimeoutMs = DEFAULT_UPSTREAM_TIMEOUT_MS;
  if (timeoutText !== undefined && timeoutText !== '') {
    upstreamTimeoutMs = /^\d+$/.test(timeoutText) ? Number(timeoutText) : NaN;
    if (!(upstreamTimeoutMs >= 1 && upstreamTimeoutMs <= MAX_UPSTREAM_TIMEOUT_MS))
      fail(
        `UPSTREAM_TIMEOUT_MS=${timeoutText} is not a timeout in milliseconds (1-${MAX_UPSTREAM_TIMEOUT_MS})`,
      );
  }
  return { logLevel: level as LogLevel, upstreamTimeoutMs };
}

/** Contrail's own defaults (contrail-sandesh library/cpp/sandesh_options.cc, `[SANDESH]`). */
export const SANDESH_SSL_DEFAULTS = {
  SANDESH_CA_CERT: '/etc/contrail/ssl/certs/ca-cert.pem',
  SANDESH_CERTFILE: '/etc/contrail/ssl/certs/server.pem',
  SANDESH_KEYFILE: '/etc/contrail/ssl/private/server-privkey.pem',
} as const;

export interface IntrospectEnvironment {
  /** VROUTER_INTROSPECT: compute name → introspect base URL. */
  override?: ReadonlyMap<string, string>;
  /** Introspect SSL, when INTROSPECT_SSL_ENABLE is true: the CA, our certificate and key. */
  tls?: { ca: Buffer; cert: Buffer; key: Buffer };
}

/**
 * Where the agents' introspect is, beyond the config API's virtual-routers: `VROUTER_INTROSPECT`
 * (`<compute>=<url>,…`), and introspect SSL named after Contrail's sandesh settings
 * (`introspect_ssl_enable`, `sandesh_ca_cert`, `sandesh_certfile`, `sandesh_keyfile`):
 * INTROSPECT_SSL_ENABLE=true, SANDESH_CA_CERT, SANDESH_CERTFILE, SANDESH_KEYFILE (Contrail's
 * default paths when unset). A file that cannot be read is reported in one line.
 */
export function introspectEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  fail: (message: string) => never,
  read: (path: string) => Buffer = (path) => readFileSync(path),
): IntrospectEnvironment {
  const out: IntrospectEnvironment = {};
  const override = env.VROUTER_INTROSPECT;
  if (override) {
    try {
      out.override = parseIntrospectOverride(override);
    } catch (err) {
      fail(`VROUTER_INTROSPECT: ${(err as Error).message}`);
    }
  }
  const ssl = (env.INTROSPECT_SSL_ENABLE ?? '').toLowerCase();
  if (ssl !== '' && ssl !== 'true' && ssl !== 'false')
    fail(`INTROSPECT_SSL_ENABLE=${env.INTROSPECT_SSL_ENABLE} is not true or false`);
  if (ssl === 'true') {
    const file = (name: keyof typeof SANDESH_SSL_DEFAULTS): Buffer => {
      const path = env[name] || SANDESH_SSL_DEFAULTS[name];
      try {
        return read(path);
      } catch (err) {
        return fail(
          `${name}=${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
      }
    };
    out.tls = { ca: file('SANDESH_CA_CERT'), cert: file('SANDESH_CERTFILE'), key: file('SANDESH_KEYFILE') };
  }
  return out;
}

/** How the UI server authenticates to the config API, from the environment. */
export interface ConfigApiAuthEnvironment {
  /** CONFIG_API_TOKEN. */
  configApiToken?: string;
  /** OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_*_DOMAIN_NAME, OS_CACERT. */
  keystone?: KeystoneCredentials & { ca?: Buffer | undefined };
}

/**
 * The variables the OpenStack clients read (python-openstackclient's `OS_*`): with OS_AUTH_URL,
 * the user, password and project are required and the domains default to `Default`. Or
 * CONFIG_API_TOKEN, a token obtained elsewhere; not both.
 */
export function configApiAuthEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  fail: (message: string) => never,
): ConfigApiAuthEnvironment {
  const value = (name: string) => (env[name] === '' ? undefined : env[name]);
  const authUrl = value('OS_AUTH_URL');
  const token = value('CONFIG_API_TOKEN');
  if (!authUrl) return token ? { configApiToken: token } : {};
  if (token) fail('set OS_AUTH_URL (Keystone) or CONFIG_API_TOKEN, not both');
  try {
    const url = new URL(authUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    keystoneV3Url(authUrl);
  } catch (err) {
    fail(
      /v2\.0/.test(authUrl)
        ? (err as Error).message
        : `OS_AUTH_URL=${authUrl} is not an http:// or https:// URL of a Keystone`,
    );
  }
  const required = (name: string): string => {
    const v = value(name);
    if (v === undefined)
      fail(`OS_AUTH_URL is set but ${name} is not: the explorer needs it to get a Keystone token`);
    return v;
  };
  const caFile = value('OS_CACERT');
  let ca: Buffer | undefined;
  if (caFile)
    try {
      ca = readFileSync(caFile);
    } catch (err) {
      fail(
        `OS_CACERT=${caFile} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
  return {
    keystone: {
      authUrl,
      username: required('OS_USERNAME'),
      password: required('OS_PASSWORD'),
      projectName: required('OS_PROJECT_NAME'),
      userDomainName: value('OS_USER_DOMAIN_NAME') ?? 'Default',
      projectDomainName: value('OS_PROJECT_DOMAIN_NAME') ?? 'Default',
      ...(ca ? { ca } : {}),
    },
  };
}

/** KUBE_WRITE=1: let the explorer scale, apply and delete on a real cluster (off by default). */
export function kubeWriteEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  fail: (message: string) => never,
): boolean {
  const text = env.KUBE_WRITE ?? '';
  if (text === '' || text === '0' || text === 'false') return false;
  if (text === '1' || text === 'true') return true;
  return fail(
    `KUBE_WRITE=${text} is not 1 or 0 (1 lets the explorer scale, apply and delete on a real cluster)`,
  );
}
