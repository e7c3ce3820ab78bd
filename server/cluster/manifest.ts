// Manifests and object bodies: YAML (aliases bounded) or JSON text into documents, and each
// document checked against the rules the API server applies to the fields we model
// (pkg/apis/core/validation/validation.go, pkg/apis/apps/validation/validation.go), with its
// field paths and messages. Produces typed inputs; storing them is the cluster's job.

import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { isIpv4 } from '@model/net/ipv4.ts';
import { NAMESPACED, type Kind } from '@model/kubernetes/types.ts';
import { RESOURCE_BY_KIND, groupVersion } from '@model/kubernetes/resources.ts';
import { InvalidObject, InvalidRequest, aggregate, type FieldError } from './errors.ts';
import {
  PORT_RANGE_MESSAGE,
  dns1035Label,
  dns1123Label,
  dns1123Subdomain,
  formatBadValue,
  invalidBody,
  isValidPortNum,
  labelValue,
  portName,
  qualifiedName,
} from './validation.ts';

/** A manifest error names the document (0-based index, kind, name) and the field path. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** Aliases a YAML body may expand; yaml's own default, stated so the bound is deliberate. */
const MAX_YAML_ALIASES = 100;

type Reason = FieldError['reason'];
type Check = (value: string) => string[];

function addInvalid(
  ctx: z.RefinementCtx,
  value: unknown,
  messages: readonly string[],
  path: PropertyKey[] = [],
) {
  for (const message of messages)
    ctx.addIssue({
      code: 'custom',
      message: invalidBody(value, message),
      path,
      params: { reason: 'FieldValueInvalid' },
    });
}

function addIssue(ctx: z.RefinementCtx, reason: Reason, message: string, path: PropertyKey[] = []) {
  ctx.addIssue({ code: 'custom', message, path, params: { reason } });
}

const checked = (check: Check) => z.string().superRefine((v, ctx) => addInvalid(ctx, v, check(v)));

const labels = z.record(z.string(), z.string()).superRefine((map, ctx) => {
  for (const [key, value] of Object.entries(map)) {
    addInvalid(ctx, key, qualifiedName(key));
    addInvalid(ctx, value, labelValue(value));
  }
});

const meta = (nameCheck: Check) =>
  z.looseObject({
    name: checked(nameCheck),
    namespace: checked(dns1123Label).optional(),
    labels: labels.optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  });

const port = z
  .number()
  .int()
  .superRefine((v, ctx) => {
    if (!isValidPortNum(v)) addInvalid(ctx, v, [PORT_RANGE_MESSAGE]);
  });
const protocol = z
  .string()
  .default('TCP')
  .superRefine((v, ctx) => {
    if (v !== 'TCP' && v !== 'UDP' && v !== 'SCTP')
      addIssue(
        ctx,
        'FieldValueNotSupported',
        `Unsupported value: ${formatBadValue(v)}: supported values: "SCTP", "TCP", "UDP"`,
      );
  })
  .transform((v) => v as 'TCP' | 'UDP' | 'SCTP');

const containerSchema = z.looseObject({
  name: checked(dns1123Label),
  // Kubernetes requires an image; a manifest without one gets nginx here (docs/kubernetes-api.md).
  image: z.string().default('nginx'),
  ports: z
    .array(z.looseObject({ name: checked(portName).optional(), containerPort: port, protocol }))
    .optional(),
});

const podSpecSchema = z.looseObject({
  containers: z.array(containerSchema).superRefine((v, ctx) => {
    if (v.length === 0) addIssue(ctx, 'FieldValueRequired', 'Required value');
  }),
  nodeName: checked(dns1123Subdomain).optional(),
});

const selectorRequirement = z.looseObject({
  key: checked(qualifiedName),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),

  values: z.array(z.string()).optional(),
});

/** metav1validation.ValidateLabelSelector. */
const labelSelectorSchema = z
  .looseObject({ matchLabels: labels.optional(), matchExpressions: z.array(selectorRequirement).optional() })
  .superRefine((s, ctx) => {
    (s.matchExpressions ?? []).forEach((req, i) => {
      const values = req.values ?? [];
      if ((req.operator === 'In' || req.operator === 'NotIn') && values.length === 0)
        addIssue(
          ctx,
          'FieldValueRequired',
          "Required value: must be specified when `operator` is 'In' or 'NotIn'",
          ['matchExpressions', i, 'values'],
        );
      if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && values.length > 0)
        addIssue(
          ctx,
          'FieldValueForbidden',
          "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ['matchExpressions', i, 'values'],
        );
      for (const value of values)
        addInvalid(ctx, value, labelValue(value), ['matchExpressions', i, 'values']);
    });
  });

const templateSchema = z.looseObject({
  metadata: z
    .looseObject({ labels: labels.default({}), annotations: z.record(z.string(), z.string()).optional() })
    .default({ labels: {} }),
  spec: podSpecSchema,
});

const namespaceSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Namespace'),
  metadata: meta(dns1123Label),
  spec: z.looseObject({}).optional(),
});

const nodeSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Node'),
  metadata: meta(dns1123Subdomain),
  spec: z.looseObject({ podCIDR: z.string().optional(), unschedulable: z.boolean().optional() }).optional(),
  status: z.looseObject({
    addresses: z
      .array(z.looseObject({ type: z.enum(['InternalIP', 'ExternalIP', 'Hostname']), address: z.string() }))
      .superRefine((a, ctx) => {
        // Ours, not Kubernetes': the simulation places pods and vRouters by a node's InternalIP.
        if (!a.some((x) => x.type === 'InternalIP' && isIpv4(x.address)))
          addIssue(ctx, 'FieldValueRequired', 'Required value: a node needs an InternalIP address (IPv4)');
      }),
  }),
});

const podSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Pod'),
  metadata: meta(dns1123Subdomain),
  spec: podSpecSchema,
  status: z
    .looseObject({
      conditions: z
        .array(z.looseObject({ type: z.string(), status: z.enum(['True', 'False', 'Unknown']) }))
        .optional(),
    })
    .optional(),
});

const replicas = z
  .number()
  .int()
  .default(1)
  .superRefine((v, ctx) => {
    if (v < 0) addInvalid(ctx, v, ['must be greater than or equal to 0']);
  });

/** ValidateDeploymentSpec / ValidateReplicaSetSpec: a non-empty selector that matches the template. */
function workloadSpec(kindName: string) {
  return z
    .looseObject({
      replicas,
      selector: labelSelectorSchema,
      template: templateSchema,
    })
    .superRefine((spec, ctx) => {
      const { matchLabels = {}, matchExpressions = [] } = spec.selector;
      if (Object.keys(matchLabels).length === 0 && matchExpressions.length === 0) {
        addInvalid(ctx, spec.selector, [`empty selector is invalid for ${kindName}`], ['selector']);
        return;
      }
      if (!matchesLabelSelector(spec.template.metadata.labels, spec.selector))
        addInvalid(
          ctx,
          spec.template.metadata.labels,
          ['`selector` does not match template `labels`'],
          ['template', 'metadata', 'labels'],
        );
    });
}

const deploymentSchema = z.looseObject({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('Deployment'),
  metadata: meta(dns1123Subdomain),
  spec: workloadSpec('deployment'),
});

const replicaSetSchema = z.looseObject({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('ReplicaSet'),
  metadata: meta(dns1123Subdomain),
  spec: workloadSpec('replicaset'),
});

const servicePortSchema = z.looseObject({
  name: checked(portName).optional(),
  protocol,
  port,
  targetPort: z
    .union([
      z
        .number()
        .int()
        .superRefine((v, ctx) => {
          if (!isValidPortNum(v)) addInvalid(ctx, v, [PORT_RANGE_MESSAGE]);
        }),
      checked(portName),
    ])
    .optional(),
  nodePort: z
    .number()
    .int()
    .superRefine((v, ctx) => {
      if (!isValidPortNum(v)) addInvalid(ctx, v, [PORT_RANGE_MESSAGE]);
    })
    .optional(),
});

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] as const;

const serviceSchema = z
  .looseObject({
    apiVersion: z.literal('v1'),
    kind: z.literal('Service'),
    metadata: meta(dns1035Label),
    spec: z.looseObject({
      type: z
        .string()
        .default('ClusterIP')
        .superRefine((v, ctx) => {
          if (!(SERVICE_TYPES as readonly string[]).includes(v))
            addIssue(
              ctx,
              'FieldValueNotSupported',
              `Unsupported value: ${formatBadValue(v)}: supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`,
            );
        })
        .transform((v) => v as (typeof SERVICE_TYPES)[number]),
      clusterIP: z
        .string()
        .superRefine((v, ctx) => {
          if (v !== 'None' && v !== '' && !isIpv4(v))
            addInvalid(ctx, v, ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
        })
        .optional(),
      clusterIPs: z.array(z.string()).optional(),
      selector: labels.optional(),
      ports: z.array(servicePortSchema).default([]),
      externalName: z.string().optional(),
      externalIPs: z.array(z.string()).optional(),
      loadBalancerIP: z.string().optional(),
    }),
  })
  .superRefine((s, ctx) => {
    const { spec } = s;
    if (spec.type === 'ExternalName') {
      if (!spec.externalName) addIssue(ctx, 'FieldValueRequired', 'Required value', ['spec', 'externalName']);
      return;
    }
    if (spec.ports.length === 0 && spec.clusterIP !== 'None')
      addIssue(ctx, 'FieldValueRequired', 'Required value', ['spec', 'ports']);
    if (spec.clusterIP === 'None' && spec.type !== 'ClusterIP')
      addInvalid(
        ctx,
        'None',
        [`may not be set to 'None' for ${spec.type} services`],
        ['spec', 'clusterIPs', 0],
      );
    spec.externalIPs?.forEach((ip, i) => {
      if (!isIpv4(ip))
        addInvalid(
          ctx,
          ip,
          ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
          ['spec', 'externalIPs', i],
        );
    });
    if (spec.loadBalancerIP !== undefined && !isIpv4(spec.loadBalancerIP))
      addInvalid(ctx, spec.loadBalancerIP, ['must be a valid IP address'], ['spec', 'loadBalancerIP']);
    const names = new Set<string>();
    const keys = new Set<string>();
    spec.ports.forEach((p, i) => {
      if (spec.ports.length > 1 && !p.name)
        addIssue(ctx, 'FieldValueRequired', 'Required value', ['spec', 'ports', i, 'name']);
      if (p.name) {
        if (names.has(p.name))
          addIssue(ctx, 'FieldValueDuplicate', `Duplicate value: ${formatBadValue(p.name)}`, [
            'spec',
            'ports',
            i,
            'name',
          ]);
        names.add(p.name);
      }
      const key = `${p.protocol}/${p.port}`;
      if (keys.has(key))
        addIssue(
          ctx,
          'FieldValueDuplicate',
          `Duplicate value: ${formatBadValue({ port: p.port, protocol: p.protocol })}`,
          ['spec', 'ports', i],
        );
      keys.add(key);
    });
  });

const endpointAddressSchema = z.looseObject({
  ip: z.string().superRefine((v, ctx) => {
    if (!isIpv4(v)) addInvalid(ctx, v, ['must be a valid IP address']);
  }),
  nodeName: z.string().optional(),
  targetRef: z
    .looseObject({ kind: z.literal('Pod'), name: z.string(), namespace: z.string(), uid: z.string() })
    .optional(),
});

const endpointsSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Endpoints'),
  metadata: meta(dns1123Subdomain),
  subsets: z
    .array(
      z.looseObject({
        addresses: z.array(endpointAddressSchema).optional(),
        notReadyAddresses: z.array(endpointAddressSchema).optional(),
        ports: z.array(z.looseObject({ name: checked(portName).optional(), port, protocol })).optional(),
      }),
    )
    .default([]),
});

const SCHEMAS = {
  Namespace: namespaceSchema,
  Node: nodeSchema,
  Pod: podSchema,
  Deployment: deploymentSchema,
  ReplicaSet: replicaSetSchema,
  Service: serviceSchema,
  Endpoints: endpointsSchema,
} as const;

/** Kinds a manifest may create; EndpointSlices and Events are written by the cluster only. */
export type WritableKind = keyof typeof SCHEMAS;
const isWritableKind = (kind: string): kind is WritableKind => Object.hasOwn(SCHEMAS, kind);

export type NamespaceInput = z.output<typeof namespaceSchema>;
export type NodeInput = z.output<typeof nodeSchema>;
export type PodInput = z.output<typeof podSchema>;
export type DeploymentInput = z.output<typeof deploymentSchema>;
export type ReplicaSetInput = z.output<typeof replicaSetSchema>;
export type ServiceInput = z.output<typeof serviceSchema>;
export type EndpointsInput = z.output<typeof endpointsSchema>;
export type ManifestObject =
  NamespaceInput | NodeInput | PodInput | DeploymentInput | ReplicaSetInput | ServiceInput | EndpointsInput;

export interface ManifestDocument {
  /** 0-based position in the manifest, for error messages. */
  readonly index: number;
  readonly object: ManifestObject;
}

/** Where a document is, for messages: `document 2 (Service ns-user-1/web)`. */
export function describeDocument(index: number, kind: unknown, namespace: unknown, name: unknown): string {
  const kindText = typeof kind === 'string' ? kind : 'unknown kind';
  const nameText =
    typeof name === 'string' ? ` ${typeof namespace === 'string' ? `${namespace}/` : ''}${name}` : '';
  return `document ${index} (${kindText}${nameText})`;
}

/** A Kubernetes field path: `spec.ports[0].port`, map keys as `[key]`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path)
    out += typeof part === 'number' ? `[${part}]` : `${out === '' ? '' : '.'}${String(part)}`;
  return out;
}

function toFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const issue of issues) {
    const field = formatPath(issue.path);
    let error: FieldError;
    if (issue.code === 'custom') {
      const reason = ((issue.params as { reason?: Reason } | undefined)?.reason ??
        'FieldValueInvalid') as Reason;
      error = { reason, field, message: issue.message };
    } else if (issue.code === 'invalid_type' && issue.input === undefined)
      error = { reason: 'FieldValueRequired', field, message: 'Required value' };
    else if (issue.code === 'invalid_value')
      // An enum: field.NotSupported, its supported values sorted as the API server prints them.
      error = {
        reason: 'FieldValueNotSupported',
        field,
        message: `Unsupported value: ${formatBadValue(issue.input)}: supported values: ${[...issue.values]
          .map((v) => JSON.stringify(v))
          .sort()
          .join(', ')}`,
      };
    else error = { reason: 'FieldValueInvalid', field, message: invalidBody(issue.input, issue.message) };
    const id = `${error.field}\u0000${error.message}`;
    if (!seen.has(id)) out.push(error);
    seen.add(id);
  }
  return out;
}

/** The kind named by a document, when it is one we serve for writes; otherwise why not. */
function writableKind(record: Record<string, unknown>): WritableKind {
  const kind = record.kind;
  if (typeof kind !== 'string' || !isWritableKind(kind))
    throw new InvalidRequest(
      `kind: must be one of ${Object.keys(SCHEMAS).join(', ')}, not ${JSON.stringify(kind ?? null)}`,
    );
  const expected = groupVersion(RESOURCE_BY_KIND.get(kind)!);
  if (record.apiVersion !== expected)
    throw new InvalidRequest(
      `apiVersion: must be ${expected} for ${kind}, not ${JSON.stringify(record.apiVersion ?? null)}`,
    );
  return kind;
}

/** Checks one object body; throws InvalidObject (field causes) or InvalidRequest (not an object we take). */
export function validateObject(raw: unknown): ManifestObject {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new InvalidRequest('must be an object with apiVersion and kind');
  const record = raw as Record<string, unknown>;
  const kind = writableKind(record);
  const result = SCHEMAS[kind].safeParse(raw, { reportInput: true });
  if (!result.success) {
    const metadata = record.metadata as { name?: unknown } | undefined;
    const name = typeof metadata?.name === 'string' ? metadata.name : '';
    throw InvalidObject.of(kind, name, toFieldErrors(result.error.issues));
  }
  return result.data;
}

/** Validates one parsed document. Throws a ManifestError naming the document and the field. */
export function validateDocument(raw: unknown, index: number): ManifestDocument {
  const record = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const metadata = (
    typeof record.metadata === 'object' && record.metadata !== null ? record.metadata : {}
  ) as Record<string, unknown>;
  const where = describeDocument(index, record.kind, metadata.namespace, metadata.name);
  try {
    const object = validateObject(raw);
    if (!NAMESPACED[object.kind as Kind] && object.metadata.namespace !== undefined)
      throw new ManifestError(`${where}: metadata.namespace: ${object.kind} is not namespaced`);
    return { index, object };
  } catch (err) {
    if (err instanceof InvalidObject) throw new ManifestError(`${where}: ${aggregate(err.causes)}`);
    if (err instanceof InvalidRequest) throw new ManifestError(`${where}: ${err.message}`);
    throw err;
  }
}

/**
 * YAML (JSON is YAML) into plain values, one per document. Aliases are bounded (an alias bomb is
 * refused with the parser's reason) and keys like `__proto__` stay plain data.
 */
export function parseYamlDocuments(text: string): unknown[] {
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  const values: unknown[] = [];
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    if (doc.errors.length > 0)
      throw new ManifestError(`document ${i}: YAML syntax: ${doc.errors[0]!.message}`);
    try {
      values.push(doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }));
    } catch (err) {
      throw new ManifestError(`document ${i}: YAML: ${(err as Error).message}`);
    }
  }
  return values;
}

/** Parses a YAML stream or a JSON array/List into validated documents. */
export function parseManifest(text: string): ManifestDocument[] {
  const raws: unknown[] = [];
  for (const value of parseYamlDocuments(text)) {
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) raws.push(...(value as unknown[]));
    else if (isList(value)) raws.push(...value.items);
    else raws.push(value);
  }
  if (raws.length === 0) throw new ManifestError('manifest contains no documents');
  return raws.map((raw, i) => validateDocument(raw, i));
}

function isList(value: unknown): value is { items: unknown[] } {
  const v = value as Record<string, unknown>;
  return typeof v === 'object' && v !== null && v.kind === 'List' && Array.isArray(v.items);
}

/** Whether labels satisfy a LabelSelector (matchLabels and matchExpressions, ANDed). */
export function matchesLabelSelector(
  labelsOf: Readonly<Record<string, string>> | undefined,
  selector: {
    matchLabels?: Readonly<Record<string, string>> | undefined;
    matchExpressions?:
      readonly { key: string; operator: string; values?: readonly string[] | undefined }[] | undefined;
  },
): boolean {
  const own = labelsOf ?? {};
  for (const key in selector.matchLabels ?? {})
    if (!Object.hasOwn(own, key) || own[key] !== selector.matchLabels![key]) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(own, req.key);
    const value = has ? own[req.key]! : undefined;
    switch (req.operator) {
      case 'In':
        if (!has || !(req.values ?? []).includes(value!)) return false;
        break;
      case 'NotIn':
        if (has && (req.values ?? []).includes(value!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
