// The embedded Keystone v3 as its API reference has it: a project-scoped token for the admin user's
// password (201, X-Subject-Token, the token body with its expiry), Keystone's 401 for anything
// wrong, validation and revocation of tokens, expiry by the clock.

import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { buildKeystone, type Keystone } from './http.ts';

const PASSWORD = 'contrail123';
const UNAUTHORIZED = {
  error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
};

const open: Keystone[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((k) => k.app.close()));
});

function keystone(clock = new ManualClock(Date.UTC(2026, 0, 1, 12))) {
  const ks = buildKeystone({ clock, adminPassword: PASSWORD, tokenLifetimeMs: 3_600_000 });
  open.push(ks);
  return { ks, clock };
}

/** The request body of the api-ref's "Password authentication with scoped authorization". */
function auth(
  password = PASSWORD,
  project: Record<string, unknown> = { name: 'admin', domain: { name: 'Default' } },
) {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: 'admin', domain: { name: 'Default' }, password } },
      },
      scope: { project },
    },
  };
}

async function issue(ks: Keystone, body: unknown = auth(), query = '') {
  return ks.app.inject({ method: 'POST', url: `/v3/auth/tokens${query}`, payload: body as object });
}

describe('embedded Keystone v3', () => {
  it('issues a project-scoped token: 201, X-Subject-Token, and the token body with its expiry', async () => {
    const { ks } = keystone();
    const res = await issue(ks);
    expect(res.statusCode).toBe(201);
    const token = res.headers['x-subject-token'] as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body).not.toContain(token);
    const body = res.json().token;
    expect(body).toMatchObject({
      methods: ['password'],
      expires_at: '2026-01-01T13:00:00.000000Z',
      issued_at: '2026-01-01T12:00:00.000000Z',
      is_domain: false,
      user: { name: 'admin', domain: { id: 'default', name: 'Default' }, password_expires_at: null },
      project: { name: 'admin', domain: { id: 'default', name: 'Default' } },
      roles: [{ name: 'admin' }],
    });
    expect(body.user.id).toMatch(/^[0-9a-f]{32}$/);
    expect(body.audit_ids).toHaveLength(1);
    expect(body.catalog[0]).toMatchObject({ type: 'identity', name: 'keystone' });
    expect(ks.isValid(token)).toBe(true);
    // nocatalog leaves the catalog out (api-ref `nocatalog`).
    expect((await issue(ks, auth(), '?nocatalog')).json().token.catalog).toBeUndefined();
    // By ids as well as by names.
    const ids = auth(PASSWORD, { id: body.project.id });
    ids.auth.identity.password.user = { id: body.user.id, password: PASSWORD } as never;
    expect((await issue(ks, ids)).statusCode).toBe(201);
  });

  it("answers Keystone's 401 for a wrong password, user, project or domain, saying no more", async () => {
    const { ks } = keystone();
    const wrong = [
      auth('wrong'),
      auth(PASSWORD, { name: 'demo', domain: { name: 'Default' } }),
      auth(PASSWORD, { name: 'admin', domain: { name: 'other' } }),
      {
        ...auth(),
        auth: {
          ...auth().auth,
          identity: {
            methods: ['password'],
            password: { user: { name: 'root', domain: { id: 'default' }, password: PASSWORD } },
          },
        },
      },
    ];
    for (const body of wrong) {
      const res = await issue(ks, body);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(UNAUTHORIZED);
      expect(res.headers['www-authenticate']).toBe('Keystone uri="http://localhost:80"');
      expect(res.headers['x-subject-token']).toBeUndefined();
    }
  });

  it('answers 400 with ValidationError wording for a malformed request', async () => {
    const { ks } = keystone();
    const res = await issue(ks, { auth: { scope: {} } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe(
      'Expecting to find identity in auth. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
    );
    const unscoped = await issue(ks, { auth: { identity: auth().auth.identity } });
    expect(unscoped.statusCode).toBe(400);
    expect(unscoped.json().error.message).toMatch(/^Expecting to find project in scope\./);
  });

  it('validates, expires and revokes tokens (GET and DELETE /v3/auth/tokens)', async () => {
    const { ks, clock } = keystone();
    const admin = (await issue(ks)).headers['x-subject-token'] as string;
    const other = (await issue(ks)).headers['x-subject-token'] as string;
    const validate = (subject: string, caller = admin) =>
      ks.app.inject({
        url: '/v3/auth/tokens',
        headers: { 'x-auth-token': caller, 'x-subject-token': subject },
      });
    const ok = await validate(other);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['x-subject-token']).toBe(other);
    expect(ok.json().token.expires_at).toBe('2026-01-01T13:00:00.000000Z');
    expect((await validate(other, 'nope')).statusCode).toBe(401);
    const head = await ks.app.inject({
      method: 'HEAD',
      url: '/v3/auth/tokens',
      headers: { 'x-auth-token': admin, 'x-subject-token': other },
    });
    expect(head.statusCode).toBe(200);

    const revoke = await ks.app.inject({
      method: 'DELETE',
      url: '/v3/auth/tokens',
      headers: { 'x-auth-token': admin, 'x-subject-token': other },
    });
    expect(revoke.statusCode).toBe(204);
    expect(ks.isValid(other)).toBe(false);
    const gone = await validate(other);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toEqual({
      error: { code: 404, title: 'Not Found', message: `Could not find token: ${other}.` },
    });

    clock.advance(3_600_000 - 1);
    expect(ks.isValid(admin)).toBe(true);
    clock.advance(1);
    expect(ks.isValid(admin)).toBe(false);
  });

  it('serves version discovery for clients given an OS_AUTH_URL without /v3', async () => {
    const { ks } = keystone();
    const root = await ks.app.inject('/');
    expect(root.statusCode).toBe(300);
    expect(root.json().versions.values[0]).toMatchObject({ id: 'v3.14', status: 'stable' });
    expect((await ks.app.inject('/v3')).json().version.links[0].href).toBe('http://localhost:80/v3/');
  });
});
