// The OpenAPI documents kubectl reads: /openapi/v2 (JSON) and /openapi/v3 (an index of one
// document per group-version), built from schema.ts. Paths carry the query parameters the API
// server declares (kubectl's QueryParamVerifierV3 looks for `fieldValidation` on each PATCH with
// the kind's x-kubernetes-group-version-kind) and every definition its x-kubernetes-* extensions.

import { createHash } from 'node:crypto';
import { API_RESOURCES, groupVersion, type ApiResource } from '@model/kubernetes/resources.ts';
import { DEFINITIONS, DEFINITION_OF_KIND, type Schema } from './schema.ts';
import { SERVER_VERSION } from './version.ts';

type Json = Record<string, unknown>;
type Flavour = 'v2' | 'v3';

function refTo(name: string, flavour: Flavour): string {
  return flavour === 'v2' ? `#/definitions/${name}` : `#/components/schemas/${name}`;
}

function render(schema: Schema, flavour: Flavour): Json {
  if ('ref' in schema) {
    const $ref = refTo(schema.ref, flavour);
    if (flavour === 'v2') return { ...(schema.description ? { description: schema.description } : {}), $ref };
    return {
      allOf: [{ $ref }],
      ...(schema.description ? { description: schema.description } : {}),
      default: {},
    };
  }
  const description = schema.description ? { description: schema.description } : {};
  switch (schema.type) {
    case 'int-or-string':
      return { ...description, type: 'string', format: 'int-or-string' };
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
      return {
        ...description,
        type: schema.type,
        ...(schema.format ? { format: schema.format } : {}),
        ...(schema.enum ? { enum: schema.enum } : {}),
      };
    case 'array':
      return {
        ...description,
        type: 'array',
        items: render(schema.items, flavour),
        ...(schema.listType ? { 'x-kubernetes-list-type': schema.listType } : {}),
        ...(schema.mapKeys ? { 'x-kubernetes-list-map-keys': schema.mapKeys } : {}),
        ...(schema.mergeKey ? { 'x-kubernetes-patch-merge-key': schema.mergeKey } : {}),
        ...(schema.patchStrategy ? { 'x-kubernetes-patch-strategy': schema.patchStrategy } : {}),
      };
    case 'object':
      return {
        ...description,
        type: 'object',
        ...(schema.properties
          ? {
              properties: Object.fromEntries(
                Object.entries(schema.properties).map(([k, v]) => [k, render(v, flavour)]),
              ),
            }
          : {}),
        ...(schema.additionalProperties
          ? { additionalProperties: render(schema.additionalProperties, flavour) }
          : {}),
        ...(schema.required ? { required: schema.required } : {}),
        ...(schema.preserveUnknown ? { 'x-kubernetes-preserve-unknown-fields': true } : {}),
        ...(schema.gvk ? { 'x-kubernetes-group-version-kind': [schema.gvk] } : {}),
      };
  }
}

const query = (name: string, description: string, type = 'string') => ({
  name,
  in: 'query',
  description,
  type,
});
const DRY_RUN = query(
  'dryRun',
  'When present, indicates that modifications should not be persisted. Valid value: All.',
);
const FIELD_MANAGER = query(
  'fieldManager',
  'fieldManager is a name associated with the actor or entity that is making these changes.',
);
const FIELD_VALIDATION = query(
  'fieldValidation',
  'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.',
);
const FORCE = query('force', 'Force is going to "force" Apply requests.', 'boolean');
const LIST_PARAMS = [
  query('labelSelector', 'A selector to restrict the list of returned objects by their labels.'),
  query('fieldSelector', 'A selector to restrict the list of returned objects by their fields.'),
  query('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  query('continue', 'The continue option should be set when retrieving more results from the server.'),
  query(
    'resourceVersion',
    'resourceVersion sets a constraint on what resource versions a request may be served from.',
  ),
  query(
    'watch',
    'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.',
    'boolean',
  ),
  query('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
  query('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
];

function operation(
  r: ApiResource,
  action: string,
  kindName: string,
  parameters: Json[],
  flavour: Flavour,
  responseDefinition: string,
): Json {
  const gvk =
    kindName === 'Scale'
      ? { group: 'autoscaling', version: 'v1', kind: 'Scale' }
      : { group: r.group, version: r.version, kind: kindName };
  const params =
    flavour === 'v2' ? parameters : parameters.map(({ type, ...p }) => ({ ...p, schema: { type } }));
  const schema = { $ref: refTo(responseDefinition, flavour) };
  return {
    operationId: `${action}${kindName}`,
    parameters: params,
    responses:
      flavour === 'v2'
        ? { '200': { description: 'OK', schema } }
        : { '200': { description: 'OK', content: { 'application/json': { schema } } } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...(flavour === 'v2' && action === 'patch'
      ? {
          consumes: [
            'application/json-patch+json',
            'application/merge-patch+json',
            'application/strategic-merge-patch+json',
            'application/apply-patch+yaml',
          ],
        }
      : {}),
  };
}

function resourcePaths(r: ApiResource, flavour: Flavour): Record<string, Json> {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const def = DEFINITION_OF_KIND[r.kind]!;
  const collection = r.namespaced ? `${base}/namespaces/{namespace}/${r.plural}` : `${base}/${r.plural}`;
  const item = `${collection}/{name}`;
  const writes = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];
  const paths: Record<string, Json> = {
    [collection]: {
      get: operation(r, 'list', r.kind, LIST_PARAMS, flavour, def),
      ...(r.readOnly ? {} : { post: operation(r, 'post', r.kind, writes, flavour, def) }),
    },
    [item]: {
      get: operation(r, 'get', r.kind, [], flavour, def),
      ...(r.readOnly
        ? {}
        : {
            put: operation(r, 'put', r.kind, writes, flavour, def),
            patch: operation(r, 'patch', r.kind, [...writes, FORCE], flavour, def),
            delete: operation(r, 'delete', r.kind, [DRY_RUN], flavour, def),
          }),
    },
  };
  if (r.namespaced)
    paths[`${base}/${r.plural}`] = { get: operation(r, 'list', r.kind, LIST_PARAMS, flavour, def) };
  for (const sub of r.subresources) {
    const kindName = sub === 'scale' ? 'Scale' : r.kind;
    const subDef = DEFINITION_OF_KIND[kindName]!;
    paths[`${item}/${sub}`] = {
      get: operation(r, 'get', kindName, [], flavour, subDef),
      put: operation(r, 'put', kindName, writes, flavour, subDef),
      patch: operation(r, 'patch', kindName, [...writes, FORCE], flavour, subDef),
    };
  }
  return paths;
}

function renderDefinitions(flavour: Flavour): Json {
  return Object.fromEntries(Object.entries(DEFINITIONS).map(([name, s]) => [name, render(s, flavour)]));
}

const info = { title: 'Kubernetes', version: SERVER_VERSION.gitVersion };

export function openApiV2(): Json {
  const paths: Record<string, Json> = {};
  for (const r of API_RESOURCES) Object.assign(paths, resourcePaths(r, 'v2'));
  return { swagger: '2.0', info, paths, definitions: renderDefinitions('v2') };
}

const SCHEMA_REF = '#/components/schemas/';

/**
 * The schemas a group-version's paths reach, through `$ref`s at any depth: as kube-openapi builds
 * each group-version's v3 document from its own routes (builder3.BuildOpenAPISpecFromRoutes), a
 * document names only the definitions its operations use. kubectl decodes the whole document
 * once per object it applies (openapi3 root.GVSpec, kubernetes/kubernetes#127095).
 */
function reachableSchemas(paths: Json, schemas: Json): Json {
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) visit(item);
    else if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_REF)) {
          const name = value.slice(SCHEMA_REF.length);
          if (!seen.has(name)) {
            seen.add(name);
            visit(schemas[name]);
          }
        } else visit(value);
      }
  };
  visit(paths);
  return Object.fromEntries(Object.entries(schemas).filter(([name]) => seen.has(name)));
}

/** `api/v1`, `apis/apps/v1`, … → their v3 documents. */
function v3Documents(): Map<string, Json> {
  const docs = new Map<string, Json>();
  const groups = new Map<string, ApiResource[]>();
  for (const r of API_RESOURCES) {
    const key = r.group === '' ? `api/${r.version}` : `apis/${groupVersion(r)}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const schemas = renderDefinitions('v3');
  for (const [key, resources] of groups) {
    const paths: Record<string, Json> = {};
    for (const r of resources) Object.assign(paths, resourcePaths(r, 'v3'));
    docs.set(key, {
      openapi: '3.0.0',
      info,
      paths,
      components: { schemas: reachableSchemas(paths, schemas) },
    });
  }
  return docs;
}

export interface OpenApiV3 {
  readonly index: Json;
  readonly documents: ReadonlyMap<string, { readonly body: string; readonly hash: string }>;
}

/** The v3 index (`/openapi/v3`) and each group-version's document with its content hash. */
export function openApiV3(): OpenApiV3 {
  const documents = new Map<string, { body: string; hash: string }>();
  const paths: Record<string, Json> = {};
  for (const [key, doc] of v3Documents()) {
    const body = JSON.stringify(doc);
    const hash = createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase();
    documents.set(key, { body, hash });
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { index: { paths }, documents };
}
