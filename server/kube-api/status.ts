// Every error the Kubernetes API listener answers, as a `Status` object with Kubernetes' reason
// and code (k8s.io/apimachinery/pkg/api/errors/errors.go), mapped from the cluster's domain
// errors in this one place.

import { RESOURCE_BY_KIND } from '@model/kubernetes/resources.ts';
import {
  AlreadyExists,
  Conflict,
  Expired,
  Forbidden,
  InvalidObject,
  InvalidRequest,
  ObjectNotFound,
} from '../cluster/errors.ts';
import { ManifestError } from '../cluster/manifest.ts';
import { ApplyConflicts, formatFieldPath, printManager } from './managed-fields.ts';
import { PatchError } from './patch.ts';
import { SelectorError } from './selectors.ts';

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[] };
  code: number;
}

/** An error the adapter itself raises, already in Kubernetes terms. */
class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Status['details'],
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);
export const methodNotAllowed = () =>
  new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
export const notFoundPath = () =>
  new ApiError(404, 'NotFound', 'the server could not find the requested resource');
export const notAcceptable = () =>
  new ApiError(
    406,
    'NotAcceptable',
    'the server was unable to respond with a content type that the client supports',
  );
export const unsupportedMediaType = (accepted: readonly string[]) =>
  new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );

export function status(code: number, reason: string, message: string, details?: Status['details']): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

const resourceDetails = (kind: Parameters<typeof RESOURCE_BY_KIND.get>[0], name: string) => {
  const r = RESOURCE_BY_KIND.get(kind)!;
  return { name, ...(r.group ? { group: r.group } : {}), kind: r.plural };
};

/** The Status for any error; undefined for errors that are bugs (answered 500 by the caller). */
export function toStatus(err: unknown): Status | undefined {
  if (err instanceof ApiError) return status(err.code, err.reason, err.message, err.details);
  if (err instanceof ObjectNotFound)
    return status(404, 'NotFound', err.message, resourceDetails(err.kind, err.objectName));
  if (err instanceof AlreadyExists)
    return status(409, 'AlreadyExists', err.message, resourceDetails(err.kind, err.objectName));
  if (err instanceof Conflict)
    return status(409, 'Conflict', err.message, resourceDetails(err.kind, err.objectName));
  if (err instanceof ApplyConflicts)
    return status(409, 'Conflict', err.message, {
      causes: err.conflicts.map((c) => ({
        reason: 'FieldManagerConflict',
        message: `conflict with ${printManager(c)}`,
        field: formatFieldPath(c.path),
      })),
    });
  if (err instanceof InvalidObject) {
    const [kind, group] = splitGroupKind(err.groupKind);
    return status(422, 'Invalid', err.message, {
      name: err.objectName,
      ...(group ? { group } : {}),
      kind,
      causes: err.causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
    });
  }
  if (err instanceof Expired) return status(410, 'Expired', err.message);
  if (err instanceof Forbidden) return status(403, 'Forbidden', err.message);
  if (err instanceof PatchError) return status(422, 'Invalid', err.message);
  if (err instanceof InvalidRequest || err instanceof ManifestError || err instanceof SelectorError)
    return status(400, 'BadRequest', err.message);
  return undefined;
}

function splitGroupKind(groupKind: string): [string, string] {
  const dot = groupKind.indexOf('.');
  return dot < 0 ? [groupKind, ''] : [groupKind.slice(0, dot), groupKind.slice(dot + 1)];
}
