// Domain errors of the embedded cluster, named after the Kubernetes API's `Status` reasons
// (k8s.io/apimachinery/pkg/api/errors/errors.go). Each HTTP adapter maps them in one place.

import type { Kind } from '@model/kubernetes/types.ts';
import { RESOURCE_BY_KIND } from '@model/kubernetes/resources.ts';

export class ClusterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** `{resource}.{group}` or `{resource}` for core, as errors.go's qualifiedResource prints it. */
function qualifiedResource(kind: Kind): string {
  const r = RESOURCE_BY_KIND.get(kind)!;
  return r.group === '' ? r.plural : `${r.plural}.${r.group}`;
}

/** `{Kind}.{group}` or `{Kind}` for core (schema.GroupKind.String). */
function qualifiedKind(kind: Kind): string {
  const r = RESOURCE_BY_KIND.get(kind)!;
  return r.group === '' ? kind : `${kind}.${r.group}`;
}

/** NotFound (404): `pods "web" not found`. */
export class ObjectNotFound extends ClusterError {
  constructor(
    readonly kind: Kind,
    readonly objectName: string,
  ) {
    super(`${qualifiedResource(kind)} "${objectName}" not found`);
  }
}

/** AlreadyExists (409): `pods "web" already exists`. */
export class AlreadyExists extends ClusterError {
  constructor(
    readonly kind: Kind,
    readonly objectName: string,
  ) {
    super(`${qualifiedResource(kind)} "${objectName}" already exists`);
  }
}

/** Conflict (409): a write against a stale resourceVersion (optimistic concurrency). */
export class Conflict extends ClusterError {
  constructor(
    readonly kind: Kind,
    readonly objectName: string,
    detail = 'the object has been modified; please apply your changes to the latest version and try again',
  ) {
    super(`Operation cannot be fulfilled on ${qualifiedResource(kind)} "${objectName}": ${detail}`);
  }
}

/** One field error (k8s.io/apimachinery/pkg/util/validation/field): reason, field path, body. */
export interface FieldError {
  readonly reason:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueDuplicate'
    | 'FieldValueNotSupported'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueNotFound';
  readonly field: string;
  /** `ErrorBody()`: `Required value`, `Invalid value: 70000: must be between 1 and 65535, inclusive`. */
  readonly message: string;
}

/** `field: body` (field.Error.Error). */
const formatFieldError = (e: FieldError) => `${e.field}: ${e.message}`;

/** ToAggregate: one error as is, several as `[a, b]`. */
export function aggregate(errors: readonly FieldError[]): string {
  const texts = errors.map(formatFieldError);
  return texts.length === 1 ? texts[0]! : `[${texts.join(', ')}]`;
}

/** Invalid (422): `Service "web" is invalid: spec.ports[0].port: Invalid value: …` (errors.NewInvalid). */
export class InvalidObject extends ClusterError {
  constructor(
    /** The kind as Kubernetes qualifies it: `Service`, `Deployment.apps`, `Scale.autoscaling`. */
    readonly groupKind: string,
    readonly objectName: string,
    readonly causes: readonly FieldError[],
  ) {
    super(`${groupKind} "${objectName}" is invalid: ${aggregate(causes)}`);
  }

  static of(kind: Kind, name: string, causes: readonly FieldError[]): InvalidObject {
    return new InvalidObject(qualifiedKind(kind), name, causes);
  }
}

/** BadRequest (400): a request the cluster cannot take as it is. */
export class InvalidRequest extends ClusterError {}

/** Forbidden (403), e.g. creating in a namespace that is being deleted. */
export class Forbidden extends ClusterError {}

/** Expired (410): a watch or continue token older than the change history kept. */
export class Expired extends ClusterError {}
