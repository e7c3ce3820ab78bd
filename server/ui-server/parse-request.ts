// The UI routes' one way to read input: a model/api schema's safeParse, and on failure the domain
// InvalidRequest (400) whose message names the field, the rule and the value. Used by every route.

import type { z } from 'zod';
import { parseInput, type InputPlace } from '@model/api/validation.ts';
import { InvalidRequest } from '../errors.ts';

export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, place: InputPlace): z.output<S> {
  const result = parseInput(schema, value, place);
  if (!result.ok) throw new InvalidRequest(result.message);
  return result.value;
}
