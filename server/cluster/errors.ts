// Domain errors of the embedded cluster; the HTTP adapter maps them to 404 and 400.

export class ClusterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** No such object (404). */
export class ObjectNotFound extends ClusterError {}
/** A request the cluster refuses: bad value, immutable field, missing namespace (400). */
export class InvalidRequest extends ClusterError {}
