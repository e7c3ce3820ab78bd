// Domain errors of the config store. Messages are the exact texts the Contrail API server sends;
// the HTTP adapter maps each class to its status code in one place.

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
/** Malformed body, uuid, filter or a missing parent (400). */
export class Invalid extends ConfigError {}
/** If-Match did not match the object's current ETag (412). */
export class PreconditionFailed extends ConfigError {}
