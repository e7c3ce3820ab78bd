// Keystone authentication on the config API, as contrail-api runs with `auth = keystone`: every
// request but the white-listed ones (`^/documentation`, `^/$`: api_server.py `_WHITE_LIST_URI`,
// let through by vnc_auth_keystone.py `AuthPreKeystone`) needs a valid token in X-Auth-Token (or
// X-Storage-Token), else keystonemiddleware's auth_token answers 401 with its JSON body and a
// `WWW-Authenticate: Keystone uri="…"` header (keystonemiddleware/auth_token/__init__.py
// `AuthProtocol.process_request`). Whether a token is valid is asked of the Keystone the
// composition root names; this module knows no Keystone itself.

import type { FastifyInstance } from 'fastify';

export interface KeystoneAuthOptions {
  /** Whether `token` is valid now (the embedded Keystone's token store, or a call to a Keystone). */
  validate(token: string): boolean | Promise<boolean>;
  /** keystonemiddleware's `www_authenticate_uri`: where a client gets a token. */
  wwwAuthenticateUri: string;
}

/** api_server.py `_WHITE_LIST_URI`, matched on the path as `re.match` does (anchored at the start). */
const WHITE_LIST = /^\/documentation|^\/$/;

/** keystonemiddleware's rejection body, byte for byte. */
const REJECTION = JSON.stringify({
  error: {
    code: 401,
    title: 'Unauthorized',
    message: 'The request you have made requires authentication.',
  },
});

export function isWhiteListed(path: string): boolean {
  return WHITE_LIST.test(path);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  // keystonemiddleware strips the token (bug 1689468).
  return text?.trim() || undefined;
}

export function registerKeystoneAuth(app: FastifyInstance, opts: KeystoneAuthOptions): void {
  app.addHook('onRequest', async (req, reply) => {
    const path = req.url.split('?')[0]!;
    if (isWhiteListed(path)) return;
    const token = headerValue(req.headers['x-auth-token']) ?? headerValue(req.headers['x-storage-token']);
    if (token !== undefined && (await opts.validate(token))) return;
    return reply
      .code(401)
      .header('www-authenticate', `Keystone uri="${opts.wwwAuthenticateUri}"`)
      .type('application/json; charset=UTF-8')
      .send(REJECTION);
  });
}
