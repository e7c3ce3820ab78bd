// Domain errors any layer may throw. Each listener maps them to HTTP in one place (the UI server's
// error handler, server/ui-server/errors.ts); nothing here knows about HTTP.

export class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input that breaks a schema or a rule: the message says what is wrong and where (400). */
export class InvalidRequest extends DomainError {}

/** The object asked for does not exist (404). */
export class NotFound extends DomainError {}

/** The request contradicts the current state (409). */
export class Conflict extends DomainError {}
