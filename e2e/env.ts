// The ports playwright.config.ts chose for this run (it sets them in the environment), and the
// credentials of the run's server: it runs with CONFIG_API_AUTH=keystone, so a direct config API
// call needs a Keystone token in X-Auth-Token, as against a real contrail-api.
export const E2E_CONFIG_API = `http://127.0.0.1:${process.env.E2E_CONFIG_API_PORT}`;
const E2E_KEYSTONE = `http://127.0.0.1:${process.env.E2E_KEYSTONE_PORT}`;
const PASSWORD = process.env.E2E_KEYSTONE_PASSWORD!;

let token: Promise<string> | undefined;

/** A project-scoped token of the embedded Keystone's admin user (one per worker). */
async function issueToken(): Promise<string> {
  const domain = { name: 'Default' };
  const res = await fetch(`${E2E_KEYSTONE}/v3/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name: 'admin', domain, password: PASSWORD } },
        },
        scope: { project: { name: 'admin', domain } },
      },
    }),
  });
  const subject = res.headers.get('x-subject-token');
  if (res.status !== 201 || !subject) throw new Error(`Keystone answered ${res.status}: ${await res.text()}`);
  return subject;
}

/** Headers for a direct config API request. */
export async function configApiHeaders(): Promise<Record<string, string>> {
  token ??= issueToken();
  return { 'x-auth-token': await token };
}
