// A minimal Keystone v3 listener (KEYSTONE_PORT) for the embedded simulation with
// CONFIG_API_AUTH=keystone: version discovery, and `/v3/auth/tokens` — POST (password method,
// project scope) → 201 with X-Subject-Token and the token body; GET (and HEAD, fastify's from GET)
// validates a token; DELETE revokes one. Request and response shapes follow Keystone's API reference
// (api-ref/source/v3/authenticate-v3.inc and its samples); errors are Keystone's
// `{"error": {"code", "title", "message"}}` with keystone/exception.py's messages. Never logs a
// token or a password.

import { STATUS_CODES } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import { DEFAULT_DOMAIN, Identity, type Named, type Token } from './tokens.ts';

export interface KeystoneOptions {
  clock: Clock;
  /** The `admin` user's password (KEYSTONE_ADMIN_PASSWORD). */
  adminPassword: string;
  tokenLifetimeMs?: number;
}

export interface Keystone {
  readonly app: FastifyInstance;
  /** For the config API's auth hook: whether a token is valid now. */
  isValid(token: string): boolean;
}

/** Keystone's own request limit is larger; an auth request is a few hundred bytes. */
const BODY_LIMIT = 64 * 1024;

/** keystone/exception.py: `Unauthorized.message_format`. */
const UNAUTHORIZED = 'The request you have made requires authentication.';

/** keystone/exception.py `ValidationError`: "Expecting to find %(attribute)s in %(target)s. …". */
const expecting = (attribute: string, target: string) =>
  `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`;

class KeystoneError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const ref = z.looseObject({ id: z.string().optional(), name: z.string().optional() });
const authSchema = z.looseObject({
  auth: z.looseObject({
    identity: z.looseObject({
      methods: z.array(z.string()),
      password: z
        .looseObject({
          user: z.looseObject({
            id: z.string().optional(),
            name: z.string().optional(),
            domain: ref.optional(),
            password: z.string(),
          }),
        })
        .optional(),
    }),
    scope: z
      .union([
        z.literal('unscoped'),
        z.looseObject({
          project: z
            .looseObject({ id: z.string().optional(), name: z.string().optional(), domain: ref.optional() })
            .optional(),
        }),
      ])
      .optional(),
  }),
});

/** Keystone's timestamps: ISO 8601 with microseconds (`2015-11-07T02:58:43.578887Z`). */
const isoMicros = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

const base = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

function headerOf(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

/** The v3 version document (api-ref samples/admin/identity-version-response.json). */
const version = (req: FastifyRequest) => ({
  id: 'v3.14',
  status: 'stable',
  updated: '2020-04-07T00:00:00Z',
  links: [{ rel: 'self', href: `${base(req)}/v3/` }],
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
});

export function buildKeystone(opts: KeystoneOptions): Keystone {
  const identity = new Identity({
    clock: opts.clock,
    adminPassword: opts.adminPassword,
    ...(opts.tokenLifetimeMs !== undefined ? { tokenLifetimeMs: opts.tokenLifetimeMs } : {}),
  });
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });

  app.setErrorHandler((error: Error & { statusCode?: number }, req, reply) => {
    const code =
      error instanceof KeystoneError
        ? error.code
        : error.statusCode && error.statusCode < 500
          ? error.statusCode
          : 500;
    const message =
      error instanceof KeystoneError
        ? error.message
        : code === 400
          ? 'The server could not comply with the request since it is either malformed or otherwise incorrect.'
          : code < 500
            ? error.message
            : 'An unexpected error prevented the server from fulfilling your request.';
    // keystone/server/flask/application.py: a 401 tells the client where to authenticate.
    if (code === 401) reply.header('www-authenticate', `Keystone uri="${base(req)}"`);
    return reply
      .code(code)
      .type('application/json')
      .send({ error: { code, title: STATUS_CODES[code] ?? 'Error', message } });
  });

  /** The caller's own token (X-Auth-Token), for the validate and revoke calls. */
  const caller = (req: FastifyRequest): Token => {
    const id = headerOf(req, 'x-auth-token');
    const token = id ? identity.validate(id) : undefined;
    if (!token) throw new KeystoneError(401, UNAUTHORIZED);
    return token;
  };
  const subject = (req: FastifyRequest): Token => {
    const id = headerOf(req, 'x-subject-token');
    if (!id) throw new KeystoneError(400, expecting('X-Subject-Token', 'the request headers'));
    const token = identity.validate(id);
    // keystone/exception.py `TokenNotFound`; the id is the caller's own input.
    if (!token) throw new KeystoneError(404, `Could not find token: ${id}.`);
    return token;
  };

  const domain = { id: DEFAULT_DOMAIN.id, name: DEFAULT_DOMAIN.name };
  const withDomain = (n: Named) => ({ domain, id: n.id, name: n.name });
  const tokenBody = (req: FastifyRequest, token: Token) => {
    const catalog =
      'nocatalog' in (req.query as Record<string, unknown>)
        ? {}
        : {
            catalog: [
              {
                endpoints: ['public', 'internal', 'admin'].map((iface) => ({
                  id: `${iface}-identity`,
                  interface: iface,
                  region: 'RegionOne',
                  region_id: 'RegionOne',
                  url: `${base(req)}/v3`,
                })),
                id: 'identity',
                name: 'keystone',
                type: 'identity',
              },
            ],
          };
    return {
      token: {
        methods: ['password'],
        user: { ...withDomain(token.user), password_expires_at: null },
        audit_ids: [token.auditId],
        expires_at: isoMicros(token.expiresAt),
        issued_at: isoMicros(token.issuedAt),
        project: withDomain(token.project),
        is_domain: false,
        roles: token.roles.map((r) => ({ id: r.id, name: r.name })),
        ...catalog,
      },
    };
  };

  // Version discovery (keystoneauth asks `/` when OS_AUTH_URL has no version): 300 and the list.
  app.get('/', async (req, reply) => reply.code(300).send({ versions: { values: [version(req)] } }));
  app.get('/v3', async (req) => ({ version: version(req) }));
  app.get('/v3/', async (req) => ({ version: version(req) }));

  app.post('/v3/auth/tokens', async (req: FastifyRequest, reply: FastifyReply) => {
    const parsed = authSchema.safeParse(req.body);
    if (!parsed.success) {
      const path = parsed.error.issues[0]!.path;
      const attribute = String(path.at(-1) ?? 'auth');
      const target = path.length > 1 ? String(path.at(-2)) : 'the request body';
      throw new KeystoneError(400, expecting(attribute, target));
    }
    const { identity: given, scope } = parsed.data.auth;
    if (!given.methods.includes('password') || !given.password)
      throw new KeystoneError(401, 'Attempted to authenticate with an unsupported method.');
    const user = given.password.user;
    if (user.id === undefined && user.name === undefined)
      throw new KeystoneError(400, expecting('id or name', 'user'));
    const project = scope && scope !== 'unscoped' ? scope.project : undefined;
    // Only project-scoped tokens are issued: the config API needs a project (and its admin role).
    if (!project) throw new KeystoneError(400, expecting('project', 'scope'));
    const token = identity.authenticate(user, user.domain, user.password, project, project.domain);
    if (!token) throw new KeystoneError(401, UNAUTHORIZED);
    return reply
      .code(201)
      .header('x-subject-token', token.id)
      .header('vary', 'X-Auth-Token')
      .send(tokenBody(req, token));
  });

  app.get('/v3/auth/tokens', async (req, reply) => {
    caller(req);
    const token = subject(req);
    return reply
      .header('x-subject-token', token.id)
      .header('vary', 'X-Auth-Token')
      .send(tokenBody(req, token));
  });
  app.delete('/v3/auth/tokens', async (req, reply) => {
    caller(req);
    const id = headerOf(req, 'x-subject-token');
    if (!id) throw new KeystoneError(400, expecting('X-Subject-Token', 'the request headers'));
    if (!identity.revoke(id)) throw new KeystoneError(404, `Could not find token: ${id}.`);
    return reply.code(204).send();
  });

  return { app, isValid: (token: string) => identity.validate(token) !== undefined };
}
