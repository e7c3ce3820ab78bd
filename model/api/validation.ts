// Schema building blocks for the UI server's edges (bodies, queries, path parameters) and the one
// rule for turning a zod failure into a domain message that names the field and the value:
// `body.port: must be an integer from 1 to 65535 (got 70000)`. Pure; the server wraps the message
// in its InvalidRequest, so model/ stays free of server types.

import { z } from 'zod';
import { isIpv4 } from '../net/ipv4.ts';
import { UUID_PATTERN } from '../contrail/uuid.ts';
import { parseObjectKey } from '../kubernetes/names.ts';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

/** Where the value came from, for messages: `body`, `query`, `path`. */
export type InputPlace = 'body' | 'query' | 'path';

/** A message for the issue at `path`: `is required` when the value is absent, `text` otherwise. */
export const expects = (text: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'is required' : text;

/** An integer in [min, max]. */
export function integer(min: number, max: number) {
  const message = expects(`must be an integer from ${min} to ${max}`);
  return z
    .number({ error: message })
    .int({ error: message })
    .min(min, { error: message })
    .max(max, { error: message });
}

/** An integer in [min, max] written in a query string or a path (decimal digits only). */
export function integerText(min: number, max: number) {
  const message = `must be an integer from ${min} to ${max}`;
  return z
    .string({ error: expects(message) })
    .refine((text) => /^\d{1,10}$/.test(text) && Number(text) >= min && Number(text) <= max, {
      error: message,
    })
    .transform(Number);
}

/** A Contrail uuid (case-insensitive on the way in, lower-case on the way out). */
export const uuid = z
  .string({ error: expects('must be a uuid (8-4-4-4-12 hex digits)') })
  .transform((text) => text.toLowerCase())
  .pipe(z.string().regex(UUID_PATTERN, { error: 'must be a uuid (8-4-4-4-12 hex digits)' }));

/** A strict dotted-quad IPv4 address (no leading zeros), as model/net/ipv4.ts reads them. */
export const ipv4 = z
  .string({ error: expects('must be an IPv4 address') })
  .refine(isIpv4, { error: 'must be an IPv4 address (four decimal octets, no leading zeros)' });

/** `<namespace>/<pod>`, each part a valid Kubernetes name. */
export const podKey = z
  .string({ error: expects('must be "<namespace>/<pod>"') })
  .refine((text) => parseObjectKey(text) !== null, { error: 'must be "<namespace>/<pod>"' });

/** A body or query with only the listed fields: an unknown one is a typo, named in the error. */
export const strictObject = <Shape extends z.ZodRawShape>(shape: Shape, what = 'a JSON object') =>
  z.strictObject(shape, { error: expects(`must be ${what}`) });

/** `body.ports[2].name` (the manifest.ts convention, with the place in front). */
export function formatPath(place: InputPlace, path: readonly PropertyKey[]): string {
  let out: string = place;
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return out;
}

const SHOWN_INPUT_CHARS = 60;

function shown(input: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(input) ?? String(input);
  } catch {
    text = String(input);
  }
  return text.length > SHOWN_INPUT_CHARS ? `${text.slice(0, SHOWN_INPUT_CHARS)}…` : text;
}

type Issue = z.core.$ZodIssue & { input?: unknown };

/** One issue as a domain message: where, what is wrong, and the value that was sent. */
export function describeIssue(place: InputPlace, issue: Issue): string {
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.map((k) => `"${k}"`).join(', ');
    return `${formatPath(place, issue.path)}: unknown field${issue.keys.length > 1 ? 's' : ''} ${names}`;
  }
  const where = formatPath(place, issue.path);
  const message = issue.message.startsWith('Invalid input')
    ? `has the wrong type (${issue.message.replace(/^Invalid input: /, '')})`
    : issue.message;
  // A whole object (the input of a cross-field rule) would only repeat the request; values are shown.
  const input = issue.input;
  const isRecord = typeof input === 'object' && input !== null && !Array.isArray(input);
  return input === undefined || isRecord || message === 'is required'
    ? `${where}: ${message}`
    : `${where}: ${message} (got ${shown(input)})`;
}

/** `schema.safeParse(value)` as a result whose failure is the first issue's domain message. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  place: InputPlace,
): ParseResult<z.output<S>> {
  const result = schema.safeParse(value, { reportInput: true });
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, message: describeIssue(place, result.error.issues[0] as Issue) };
}
