// Domain errors of the config store. Messages are the texts the Contrail API server sends; the
// HTTP adapter maps each class to its status code in one place (http.ts).

import { pyRepr } from './python-format.ts';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Unknown uuid, fq_name or type (404). */
export class NotFound extends ConfigError {}
/** fq_name or uuid already taken, or a delete that would orphan children or refs (409). */
export class Conflict extends ConfigError {}
/** Malformed body, uuid, filter, query parameter or a missing parent (400). */
export class Invalid extends ConfigError {}
/** If-Match did not match the object's current ETag (412). */
export class PreconditionFailed extends ConfigError {}

/**
 * 409 for a delete blocked by children or back-refs. contrail-api lists full hrefs, which need
 * the request's Host: the store keeps the paths and the HTTP layer prefixes its base URL.
 */
export class DependentsExist extends Conflict {
  constructor(
    readonly prefix: 'Delete when children still present: ' | 'Delete when resource still referred: ',
    readonly hrefPaths: readonly string[],
  ) {
    super(prefix + pyRepr(hrefPaths));
  }

  messageWithBase(baseUrl: string): string {
    return this.prefix + pyRepr(this.hrefPaths.map((path) => baseUrl + path));
  }
}

/** A write the API server reserves for itself, e.g. setting a virtual network's id (403). */
export class Forbidden extends ConfigError {}
