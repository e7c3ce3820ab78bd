// The embedded Keystone's identities and tokens: one domain (`Default`), one user (`admin`), one
// project (`admin`) with the `admin` role, and the tokens issued to it, each valid until its
// expiry or its revocation. Pure (time injected); no HTTP. Checks compare in constant time.

import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.ts';

/** keystone.conf `[token] expiration` default: one hour. */
export const DEFAULT_TOKEN_LIFETIME_MS = 3_600_000;

/** Keystone's default domain (keystone-manage bootstrap): id `default`, name `Default`. */
export const DEFAULT_DOMAIN = { id: 'default', name: 'Default' } as const;

export interface Named {
  id: string;
  name: string;
}

export interface Token {
  /** The secret itself (X-Subject-Token). */
  id: string;
  user: Named;
  project: Named;
  roles: Named[];
  issuedAt: number;
  expiresAt: number;
  /** Keystone's audit id: names a token in logs without revealing it. */
  auditId: string;
}

export interface IdentityOptions {
  clock: Clock;
  adminPassword: string;
  tokenLifetimeMs?: number;
}

/** A reference to a user, project or domain by id or by name, as a request body gives it. */
export interface Ref {
  id?: string | undefined;
  name?: string | undefined;
}

const keystoneId = () => randomUUID().replace(/-/g, '');
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

export class Identity {
  readonly user: Named = { id: keystoneId(), name: 'admin' };
  readonly project: Named = { id: keystoneId(), name: 'admin' };
  readonly role: Named = { id: keystoneId(), name: 'admin' };
  private readonly passwordDigest: Buffer;
  private readonly lifetimeMs: number;
  private readonly tokens = new Map<string, Token>();

  constructor(private readonly opts: IdentityOptions) {
    this.passwordDigest = digest(opts.adminPassword);
    this.lifetimeMs = opts.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS;
  }

  /** Whether a domain reference names the default domain (by id or by name). */
  static isDefaultDomain(domain: Ref | undefined): boolean {
    return (
      domain?.id === DEFAULT_DOMAIN.id || (domain?.id === undefined && domain?.name === DEFAULT_DOMAIN.name)
    );
  }

  /**
   * A project-scoped token for a user and password, or undefined when any part is wrong. Keystone
   * says no more than "requires authentication" whichever part it was (keystone/exception.py
   * `Unauthorized` is a SecurityError), so neither does this.
   */
  authenticate(
    user: Ref,
    userDomain: Ref | undefined,
    password: string,
    project: Ref,
    projectDomain: Ref | undefined,
  ): Token | undefined {
    const userMatches =
      user.id !== undefined
        ? user.id === this.user.id
        : user.name === this.user.name && Identity.isDefaultDomain(userDomain);
    const projectMatches =
      project.id !== undefined
        ? project.id === this.project.id
        : project.name === this.project.name && Identity.isDefaultDomain(projectDomain);
    const passwordMatches = timingSafeEqual(digest(password), this.passwordDigest);
    if (!userMatches || !passwordMatches || !projectMatches) return undefined;
    this.sweep();
    const issuedAt = this.opts.clock.now();
    const token: Token = {
      id: randomBytes(32).toString('base64url'),
      user: this.user,
      project: this.project,
      roles: [this.role],
      issuedAt,
      expiresAt: issuedAt + this.lifetimeMs,
      auditId: randomBytes(16).toString('base64url').slice(0, 22),
    };
    this.tokens.set(token.id, token);
    return token;
  }

  /** The token when it is known, not expired and not revoked. */
  validate(id: string): Token | undefined {
    const token = this.tokens.get(id);
    if (!token) return undefined;
    if (this.opts.clock.now() >= token.expiresAt) {
      this.tokens.delete(id);
      return undefined;
    }
    return token;
  }

  /** `DELETE /v3/auth/tokens`: the token is invalid from now on. False when it was not valid. */
  revoke(id: string): boolean {
    const known = this.validate(id) !== undefined;
    this.tokens.delete(id);
    return known;
  }

  /** Expired tokens are dropped as new ones are issued, so the map stays as small as the live set. */
  private sweep(): void {
    const now = this.opts.clock.now();
    for (const [id, token] of this.tokens) if (now >= token.expiresAt) this.tokens.delete(id);
  }
}
