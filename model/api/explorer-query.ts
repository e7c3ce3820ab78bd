// What GET /api/explorer/* accepts: the grid's paging (contrail-api's page_limit / page_marker) or
// a uuid selection, and the uuid of the level to expand. Types derive from the schemas; pure.

import { z } from 'zod';
import { integerText, strictObject, uuid } from './validation.ts';

/** Largest page a client may ask for; keeps one page's uuid lists within a few URL chunks. */
export const MAX_PAGE_LIMIT = 1000;
/** A marker is an fq_name joined with `:`; contrail-api caps names far below this. */
const MAX_MARKER_CHARS = 2048;

/** `page_limit` + `page_marker`, as contrail-api pages a collection (`"None"` is the first page). */
export const pageQuerySchema = strictObject(
  {
    page_limit: integerText(1, MAX_PAGE_LIMIT).optional(),
    page_marker: z
      .string()
      .min(1, { error: 'must not be empty (omit it, or send "None", for the first page)' })
      .max(MAX_MARKER_CHARS, { error: `must be at most ${MAX_MARKER_CHARS} characters` })
      .optional(),
  },
  'a query string',
);

/** A comma-separated list of uuids, at most one page of them. */
const uuidList = z
  .string()
  .transform((text) => text.split(','))
  .pipe(
    z
      .array(uuid)
      .min(1)
      .max(MAX_PAGE_LIMIT, { error: `must list at most ${MAX_PAGE_LIMIT} uuids` }),
  );

/** GET /api/explorer/loadbalancers: either a page, or the rows of the listed uuids. */
export const loadBalancersQuerySchema = strictObject(
  { ...pageQuerySchema.shape, obj_uuids: uuidList.optional() },
  'a query string',
).refine((q) => q.obj_uuids === undefined || (q.page_limit === undefined && q.page_marker === undefined), {
  error: 'obj_uuids selects rows by uuid and cannot be combined with page_limit or page_marker',
  path: ['obj_uuids'],
});

/** The `:uuid` of the object whose next tree level is asked for. */
export const levelParamsSchema = strictObject({ uuid }, 'a path with a uuid');
