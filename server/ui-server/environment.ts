// The UI server's settings from the environment: LOG_LEVEL, UPSTREAM_TIMEOUT_MS, the config API's
// credentials (CONFIG_API_TOKEN, or Keystone's OS_* variables) and KUBE_WRITE, each parsed
// strictly; a bad value is reported once, in one line naming the variable, through `fail`.

import { readFileSync } from 'node:fs';
import type { LevelWithSilent } from 'pino';
import { keystoneV3Url, type KeystoneCredentials } from './config-api-auth.ts';

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
