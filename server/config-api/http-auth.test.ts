// The config API with `auth = keystone`: keystonemiddleware's 401 (body, content type and
// WWW-Authenticate) for any request without a valid token, but `/` and `/documentation`.

import { describe, expect, it } from 'vitest';
import { sequentialIds } from '../ids.ts';
import { ManualClock } from '../clock.ts';
import { createDefaultObjects } from './bootstrap.ts';
import { buildConfigApi } from './http.ts';
import { isWhiteListed } from './http-auth.ts';
import { ConfigStore } from './store.ts';

const VALID = 'valid-token';

function api() {
  const store = new ConfigStore(new ManualClock(), sequentialIds());
  createDefaultObjects(store);
  const checked: string[] = [];
  const app = buildConfigApi({
    store,
    auth: {
      validate: async (token) => {
        checked.push(token);
        return token === VALID;
      },
      wwwAuthenticateUri: 'http://127.0.0.1:5000',
    },
  });
  return { app, checked };
}

describe('config API with keystone auth', () => {
  it('answers keystonemiddleware’s 401 without a valid token', async () => {
    const { app, checked } = api();
    for (const headers of [{}, { 'x-auth-token': 'forged' }, { 'x-auth-token': '  ' }]) {
      const res = await app.inject({ url: '/loadbalancers', headers });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toBe('application/json; charset=UTF-8');
      expect(res.headers['www-authenticate']).toBe('Keystone uri="http://127.0.0.1:5000"');
      expect(res.body).toBe(
        '{"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}}',
      );
    }
    // A write is refused the same way, before anything is read or stored.
    const post = await app.inject({
      method: 'POST',
      url: '/projects',
      payload: { project: { fq_name: ['default-domain', 'p'] } },
    });
    expect(post.statusCode).toBe(401);
    expect(checked).toEqual(['forged']);
  });

  it('serves a request with a valid X-Auth-Token (or X-Storage-Token), stripped as keystonemiddleware does', async () => {
    const { app } = api();
    expect((await app.inject({ url: '/loadbalancers', headers: { 'x-auth-token': VALID } })).statusCode).toBe(
      200,
    );
    expect(
      (await app.inject({ url: '/projects', headers: { 'x-auth-token': ` ${VALID} ` } })).statusCode,
    ).toBe(200);
    expect((await app.inject({ url: '/projects', headers: { 'x-storage-token': VALID } })).statusCode).toBe(
      200,
    );
  });

  it('leaves `/` and `/documentation` open, as contrail-api’s white list does', async () => {
    const { app } = api();
    expect((await app.inject('/')).statusCode).toBe(200);
    expect((await app.inject('/?x=1')).statusCode).toBe(200);
    expect(isWhiteListed('/documentation/index.html')).toBe(true);
    expect(isWhiteListed('/')).toBe(true);
    expect(isWhiteListed('//')).toBe(false);
    expect(isWhiteListed('/projects')).toBe(false);
  });
});
