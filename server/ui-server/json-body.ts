// JSON request bodies on the UI server: size and nesting-depth limits checked on the raw text before
// it is parsed, so a hostile body is refused with a 400 naming the limit and never reaches a route.
// Parsing itself is fastify's (prototype poisoning refused). A route may raise its limits with
// `config: { jsonLimits: {...} }`.

import type { FastifyInstance } from 'fastify';
import { InvalidRequest } from '../errors.ts';

export interface JsonLimits {
  /** UTF-8 bytes of the body text. */
  readonly maxBytes: number;
  /** Objects and arrays nested inside each other, the outermost counting as 1. */
  readonly maxDepth: number;
}

/** Every UI route takes a small command (a trace, a scale); a manifest route raises maxBytes. */
export const DEFAULT_JSON_LIMITS: JsonLimits = { maxBytes: 64 * 1024, maxDepth: 32 };

declare module 'fastify' {
  interface FastifyContextConfig {
    jsonLimits?: Partial<JsonLimits>;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** The first limit `text` breaks, as a message naming it, or null. One pass; strings may hold brackets. */
export function jsonLimitProblem(text: string, limits: JsonLimits): string | null {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes)
    return `the JSON body is ${bytes} bytes; this route takes at most ${limits.maxBytes} bytes`;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limits.maxDepth) return `the JSON body nests deeper than ${limits.maxDepth} levels`;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return null;
}

/** Why fastify's parser refused `text` (it says only "not valid JSON"), for the 400. */
export function jsonFailure(text: string): string {
  if (text.trim() === '') return 'the body is empty but its content-type is application/json';
  try {
    JSON.parse(text);
  } catch (err) {
    return `the body is not valid JSON: ${(err as Error).message}`;
  }
  return 'the JSON body has a "__proto__" or "constructor.prototype" key, which is refused';
}

/** Replaces fastify's JSON parser with one that checks the route's limits first. */
export function registerJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    const problem = jsonLimitProblem(text, {
      ...DEFAULT_JSON_LIMITS,
      ...request.routeOptions.config.jsonLimits,
    });
    if (problem) {
      done(new InvalidRequest(problem), undefined);
      return;
    }
    parseJson(request, text, (err, value) => {
      if (err) done(new InvalidRequest(jsonFailure(text)), undefined);
      else done(null, value);
    });
  });
}
