// Manifest parsing: multi-document YAML or JSON of the supported kinds, validated field by field.
// Produces input documents only; applying them to the cluster is cluster.ts's job.

import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

/** A manifest error names the document (0-based index, kind, name) and the field path. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IANA_PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const dnsLabel = z
  .string()
  .max(63)
  .regex(DNS_LABEL, 'must be a DNS-1123 label (lower-case alphanumerics and "-")');
const dnsSubdomain = z
  .string()
  .max(253)
  .regex(DNS_SUBDOMAIN, 'must be a DNS-1123 subdomain (lower-case alphanumerics, "-" and ".")');
const ipv4 = z.string().regex(IPV4, 'must be an IPv4 address');
const portNumber = z.number().int().min(1).max(65535);
const portName = z
  .string()
  .max(15)
  .regex(IANA_PORT_NAME, 'must be a port name (lower-case alphanumerics and "-", at most 15)');
const protocol = z.enum(['TCP', 'UDP', 'SCTP']).default('TCP');
const stringMap = z.record(z.string(), z.string());

const meta = (nameSchema: z.ZodString) =>
  z.object({
    name: nameSchema,
    namespace: dnsLabel.optional(),
    labels: stringMap.optional(),
    annotations: stringMap.optional(),
  });

const containerSchema = z.object({
  name: dnsLabel,
  image: z.string().default('nginx'),
  ports: z.array(z.object({ name: portName.optional(), containerPort: portNumber, protocol })).optional(),
});

const podSpecSchema = z.object({
  containers: z.array(containerSchema).min(1, 'a pod needs at least one container'),
  nodeName: dnsSubdomain.optional(),
});

const namespaceSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Namespace'),
  metadata: meta(dnsLabel),
});

const nodeSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Node'),
  metadata: meta(dnsSubdomain),
  spec: z.object({ podCIDR: z.string().optional(), unschedulable: z.boolean().optional() }).optional(),
  status: z.object({
    addresses: z
      .array(z.object({ type: z.enum(['InternalIP', 'ExternalIP', 'Hostname']), address: z.string() }))
      .refine((a) => a.some((x) => x.type === 'InternalIP' && IPV4.test(x.address)), {
        message: 'a node needs an InternalIP address (IPv4)',
      }),
  }),
});

const podSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Pod'),
  metadata: meta(dnsSubdomain),
  spec: podSpecSchema,
  status: z
    .object({
      conditions: z.array(z.object({ type: z.string(), status: z.enum(['True', 'False']) })).optional(),
    })
    .optional(),
});

const deploymentSchema = z
  .object({
    apiVersion: z.literal('apps/v1'),
    kind: z.literal('Deployment'),
    metadata: meta(dnsLabel),
    spec: z.object({
      replicas: z.number().int().min(0).max(10_000).default(1),
      selector: z.object({
        matchLabels: stringMap.refine((m) => Object.keys(m).length > 0, 'must not be empty'),
      }),
      template: z.object({
        metadata: z.object({ labels: stringMap }),
        spec: podSpecSchema,
      }),
    }),
  })
  .superRefine((d, ctx) => {
    for (const [key, value] of Object.entries(d.spec.selector.matchLabels))
      if (d.spec.template.metadata.labels[key] !== value)
        ctx.addIssue({
          code: 'custom',
          path: ['spec', 'template', 'metadata', 'labels'],
          message: `selector does not match template labels (${key}=${value} missing)`,
        });
  });

const servicePortSchema = z.object({
  name: portName.optional(),
  protocol,
  port: portNumber,
  targetPort: z.union([portNumber, portName]).optional(),
  nodePort: z.number().int().min(30000).max(32767).optional(),
});

const serviceSchema = z
  .object({
    apiVersion: z.literal('v1'),
    kind: z.literal('Service'),
    metadata: meta(dnsLabel),
    spec: z.object({
      type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']).default('ClusterIP'),
      clusterIP: z.union([z.literal('None'), z.literal(''), ipv4]).optional(),
      selector: stringMap.optional(),
      ports: z.array(servicePortSchema).default([]),
      externalName: z.string().optional(),
      externalIPs: z.array(ipv4).optional(),
      loadBalancerIP: ipv4.optional(),
    }),
  })
  .superRefine((s, ctx) => {
    const { spec } = s;
    if (spec.type === 'ExternalName') {
      if (!spec.externalName)
        ctx.addIssue({
          code: 'custom',
          path: ['spec', 'externalName'],
          message: 'required for type ExternalName',
        });
      return;
    }
    if (spec.ports.length === 0 && spec.clusterIP !== 'None')
      ctx.addIssue({ code: 'custom', path: ['spec', 'ports'], message: 'at least one port is required' });
    if (spec.clusterIP === 'None' && spec.type !== 'ClusterIP')
      ctx.addIssue({
        code: 'custom',
        path: ['spec', 'clusterIP'],
        message: `"None" (headless) is only valid for type ClusterIP, not ${spec.type}`,
      });
    const names = new Set<string>();
    const keys = new Set<string>();
    spec.ports.forEach((p, i) => {
      if (spec.ports.length > 1 && !p.name)
        ctx.addIssue({
          code: 'custom',
          path: ['spec', 'ports', i, 'name'],
          message: 'required when a Service has more than one port',
        });
      if (p.name) {
        if (names.has(p.name))
          ctx.addIssue({
            code: 'custom',
            path: ['spec', 'ports', i, 'name'],
            message: `duplicate port name ${p.name}`,
          });
        names.add(p.name);
      }
      const key = `${p.protocol}/${p.port}`;
      if (keys.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['spec', 'ports', i, 'port'],
          message: `duplicate port ${key}`,
        });
      keys.add(key);
    });
  });

const endpointAddressSchema = z.object({
  ip: ipv4,
  nodeName: z.string().optional(),
  targetRef: z
    .object({ kind: z.literal('Pod'), name: z.string(), namespace: z.string(), uid: z.string() })
    .optional(),
});

const endpointsSchema = z.object({
  apiVersion: z.literal('v1'),
  kind: z.literal('Endpoints'),
  metadata: meta(dnsLabel),
  subsets: z
    .array(
      z.object({
        addresses: z.array(endpointAddressSchema).optional(),
        notReadyAddresses: z.array(endpointAddressSchema).optional(),
        ports: z.array(z.object({ name: portName.optional(), port: portNumber, protocol })).optional(),
      }),
    )
    .default([]),
});

const SCHEMAS = {
  Namespace: namespaceSchema,
  Node: nodeSchema,
  Pod: podSchema,
  Deployment: deploymentSchema,
  Service: serviceSchema,
  Endpoints: endpointsSchema,
} as const;

const API_VERSIONS: Record<keyof typeof SCHEMAS, string> = {
  Namespace: 'v1',
  Node: 'v1',
  Pod: 'v1',
  Deployment: 'apps/v1',
  Service: 'v1',
  Endpoints: 'v1',
};

export type NamespaceInput = z.output<typeof namespaceSchema>;
export type NodeInput = z.output<typeof nodeSchema>;
export type PodInput = z.output<typeof podSchema>;
export type DeploymentInput = z.output<typeof deploymentSchema>;
export type ServiceInput = z.output<typeof serviceSchema>;
export type EndpointsInput = z.output<typeof endpointsSchema>;
export type ManifestObject =
  NamespaceInput | NodeInput | PodInput | DeploymentInput | ServiceInput | EndpointsInput;

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

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path)
    out += typeof part === 'number' ? `[${part}]` : `${out === '' ? '' : '.'}${String(part)}`;
  return out === '' ? '(document)' : out;
}

/** Validates one parsed document. Throws a ManifestError naming the document and the field. */
export function validateDocument(raw: unknown, index: number): ManifestDocument {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new ManifestError(`document ${index}: must be an object with apiVersion and kind`);
  const record = raw as Record<string, unknown>;
  const metadata = (
    typeof record.metadata === 'object' && record.metadata !== null ? record.metadata : {}
  ) as Record<string, unknown>;
  const where = describeDocument(index, record.kind, metadata.namespace, metadata.name);
  const kind = record.kind;
  if (typeof kind !== 'string' || !(kind in SCHEMAS))
    throw new ManifestError(
      `${where}: kind: must be one of ${Object.keys(SCHEMAS).join(', ')}, not ${JSON.stringify(kind ?? null)}`,
    );
  const typedKind = kind as keyof typeof SCHEMAS;
  if (record.apiVersion !== API_VERSIONS[typedKind])
    throw new ManifestError(
      `${where}: apiVersion: must be ${API_VERSIONS[typedKind]} for ${kind}, not ${JSON.stringify(record.apiVersion ?? null)}`,
    );
  const result = SCHEMAS[typedKind].safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ManifestError(`${where}: ${formatPath(issue.path)}: ${issue.message}`);
  }
  return { index, object: result.data };
}

/** Parses a YAML stream (JSON is YAML) or a JSON array/List into validated documents. */
export function parseManifest(text: string): ManifestDocument[] {
  const docs = parseAllDocuments(text);
  const raws: unknown[] = [];
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    if (doc.errors.length > 0)
      throw new ManifestError(`document ${i}: YAML syntax: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
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
