import { describe, expect, it } from 'vitest';
import {
  configApiAuthEnvironment,
  introspectEnvironment,
  kubeWriteEnvironment,
  SANDESH_SSL_DEFAULTS,
  uiServerEnvironment,
} from './environment.ts';

const fail = (message: string): never => {
  throw new Error(message);
};

describe('uiServerEnvironment', () => {
  it('defaults to info logs and a 30 s upstream deadline', () => {
    expect(uiServerEnvironment({}, fail)).toEqual({ logLevel: 'info', upstreamTimeoutMs: 30_000 });
    expect(uiServerEnvironment({ LOG_LEVEL: '', UPSTREAM_TIMEOUT_MS: '' }, fail)).toEqual({
      logLevel: 'info',
      upstreamTimeoutMs: 30_000,
    });
  });

  it('reads LOG_LEVEL and UPSTREAM_TIMEOUT_MS', () => {
    expect(uiServerEnvironment({ LOG_LEVEL: 'silent', UPSTREAM_TIMEOUT_MS: '2500' }, fail)).toEqual({
      logLevel: 'silent',
      upstreamTimeoutMs: 2500,
    });
  });

  it.each([
    [
      { LOG_LEVEL: 'verbose' },
      'LOG_LEVEL=verbose is not a log level (one of fatal, error, warn, info, debug, trace, silent)',
    ],
    [{ UPSTREAM_TIMEOUT_MS: '5s' }, 'UPSTREAM_TIMEOUT_MS=5s is not a timeout in milliseconds (1-600000)'],
    [{ UPSTREAM_TIMEOUT_MS: '0' }, 'UPSTREAM_TIMEOUT_MS=0 is not a timeout in milliseconds (1-600000)'],
    [
      { UPSTREAM_TIMEOUT_MS: '600001' },
      'UPSTREAM_TIMEOUT_MS=600001 is not a timeout in milliseconds (1-600000)',
    ],
  ])('refuses %j in one line naming the variable', (env, message) => {
    expect(() => uiServerEnvironment(env, fail)).toThrow(message);
  });
});

describe('configApiAuthEnvironment', () => {
  const os = {
    OS_AUTH_URL: 'http://keystone:5000/v3',
    OS_USERNAME: 'admin',
    OS_PASSWORD: 'pw',
    OS_PROJECT_NAME: 'admin',
  };

  it('reads the OS_* variables, the domains defaulting to Default, or CONFIG_API_TOKEN', () => {
    expect(configApiAuthEnvironment(os, fail)).toEqual({
      keystone: {
        authUrl: 'http://keystone:5000/v3',
        username: 'admin',
        password: 'pw',
        projectName: 'admin',
        userDomainName: 'Default',
        projectDomainName: 'Default',
      },
    });
    expect(
      configApiAuthEnvironment({ ...os, OS_USER_DOMAIN_NAME: 'ops', OS_PROJECT_DOMAIN_NAME: 'cloud' }, fail)
        .keystone,
    ).toMatchObject({ userDomainName: 'ops', projectDomainName: 'cloud' });
    expect(configApiAuthEnvironment({ CONFIG_API_TOKEN: 't' }, fail)).toEqual({ configApiToken: 't' });
    expect(configApiAuthEnvironment({}, fail)).toEqual({});
  });

  it.each([
    [
      { ...os, OS_PASSWORD: '' },
      'OS_AUTH_URL is set but OS_PASSWORD is not: the explorer needs it to get a Keystone token',
    ],
    [
      { ...os, OS_PROJECT_NAME: undefined },
      'OS_AUTH_URL is set but OS_PROJECT_NAME is not: the explorer needs it to get a Keystone token',
    ],
    [{ ...os, CONFIG_API_TOKEN: 't' }, 'set OS_AUTH_URL (Keystone) or CONFIG_API_TOKEN, not both'],
    [
      { ...os, OS_AUTH_URL: 'keystone:5000' },
      'OS_AUTH_URL=keystone:5000 is not an http:// or https:// URL of a Keystone',
    ],
    [
      { ...os, OS_AUTH_URL: 'http://ks:5000/v2.0' },
      'OS_AUTH_URL=http://ks:5000/v2.0 is a Keystone v2.0 endpoint; the explorer speaks Keystone v3',
    ],
    [{ ...os, OS_CACERT: '/nonexistent/ca.pem' }, 'OS_CACERT=/nonexistent/ca.pem cannot be read: ENOENT'],
  ])('refuses %j in one line naming the variable', (env, message) => {
    expect(() => configApiAuthEnvironment(env, fail)).toThrow(message);
  });
});

describe('kubeWriteEnvironment', () => {
  it('is off unless KUBE_WRITE is 1 or true', () => {
    expect(kubeWriteEnvironment({}, fail)).toBe(false);
    expect(kubeWriteEnvironment({ KUBE_WRITE: '0' }, fail)).toBe(false);
    expect(kubeWriteEnvironment({ KUBE_WRITE: '1' }, fail)).toBe(true);
    expect(kubeWriteEnvironment({ KUBE_WRITE: 'true' }, fail)).toBe(true);
    expect(() => kubeWriteEnvironment({ KUBE_WRITE: 'yes' }, fail)).toThrow(
      'KUBE_WRITE=yes is not 1 or 0 (1 lets the explorer scale, apply and delete on a real cluster)',
    );
  });
});

describe('introspectEnvironment', () => {
  const files: Record<string, string> = {
    '/pki/ca.pem': 'CA',
    '/pki/me.pem': 'CERT',
    '/pki/me.key': 'KEY',
    [SANDESH_SSL_DEFAULTS.SANDESH_CA_CERT]: 'DEFAULT-CA',
    [SANDESH_SSL_DEFAULTS.SANDESH_CERTFILE]: 'DEFAULT-CERT',
    [SANDESH_SSL_DEFAULTS.SANDESH_KEYFILE]: 'DEFAULT-KEY',
  };
  const read = (path: string): Buffer => {
    if (!(path in files)) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    return Buffer.from(files[path]!);
  };

  it('is empty without the variables, and reads VROUTER_INTROSPECT by compute name', () => {
    expect(introspectEnvironment({}, fail, read)).toEqual({});
    const { override } = introspectEnvironment(
      { VROUTER_INTROSPECT: 'k8s-node1=http://10.0.0.21:8085/, k8s-node2=https://127.0.0.1:18085' },
      fail,
      read,
    );
    expect([...override!]).toEqual([
      ['k8s-node1', 'http://10.0.0.21:8085'],
      ['k8s-node2', 'https://127.0.0.1:18085'],
    ]);
  });

  it('reads the introspect SSL files, Contrail’s paths when unset', () => {
    const tls = (env: Record<string, string>) => {
      const got = introspectEnvironment({ INTROSPECT_SSL_ENABLE: 'true', ...env }, fail, read).tls!;
      return [got.ca, got.cert, got.key].map(String);
    };
    expect(tls({})).toEqual(['DEFAULT-CA', 'DEFAULT-CERT', 'DEFAULT-KEY']);
    expect(
      tls({
        SANDESH_CA_CERT: '/pki/ca.pem',
        SANDESH_CERTFILE: '/pki/me.pem',
        SANDESH_KEYFILE: '/pki/me.key',
      }),
    ).toEqual(['CA', 'CERT', 'KEY']);
    expect(introspectEnvironment({ INTROSPECT_SSL_ENABLE: 'false' }, fail, read)).toEqual({});
  });

  it.each([
    [
      { VROUTER_INTROSPECT: 'k8s-node1' },
      'VROUTER_INTROSPECT: "k8s-node1" is not <compute>=<http(s)://host:port>',
    ],
    [
      { VROUTER_INTROSPECT: 'a=http://x:1,b=ftp://y' },
      'VROUTER_INTROSPECT: "b=ftp://y" is not <compute>=<http(s)://host:port>',
    ],
    [{ INTROSPECT_SSL_ENABLE: 'yes' }, 'INTROSPECT_SSL_ENABLE=yes is not true or false'],
    [
      { INTROSPECT_SSL_ENABLE: 'true', SANDESH_CA_CERT: '/nope.pem' },
      'SANDESH_CA_CERT=/nope.pem cannot be read: ENOENT',
    ],
  ])('%o fails in one line', (env, message) => {
    expect(() => introspectEnvironment(env, fail, read)).toThrow(message);
  });
});
