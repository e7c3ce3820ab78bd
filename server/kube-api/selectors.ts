// Label and field selectors as list and watch requests carry them
// (k8s.io/apimachinery/pkg/labels/selector.go and fields/selector.go syntax), parsed into
// predicates over objects. Unknown field labels are refused as the API server refuses them.

import type { Kind, KubeObject } from '@model/kubernetes/types.ts';

export class SelectorError extends Error {}

type Requirement =
  { key: string; op: 'in' | 'notin'; values: Set<string> } | { key: string; op: 'exists' | '!' };

export type ObjectPredicate = (o: KubeObject) => boolean;

const KEY = /^([a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new SelectorError(`unable to parse requirement: invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (!VALUE.test(value) || value.length > 63)
    throw new SelectorError(`unable to parse requirement: invalid label value: "${value}"`);
  return value;
}

export function parseLabelSelector(text: string | undefined): ObjectPredicate {
  if (text === undefined || text.trim() === '') return () => true;
  const requirements: Requirement[] = [];
  for (const term of splitTerms(text)) {
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term)))
      requirements.push({
        key: checkKey(m[1]!),
        op: m[2] as 'in' | 'notin',
        values: new Set(m[3]!.split(',').map((v) => checkValue(v.trim()))),
      });
    else if ((m = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term)))
      requirements.push({
        key: checkKey(m[1]!),
        op: m[2] === '!=' ? 'notin' : 'in',
        values: new Set([checkValue(m[3]!)]),
      });
    else if ((m = /^!\s*(\S+)$/.exec(term))) requirements.push({ key: checkKey(m[1]!), op: '!' });
    else if (/^\S+$/.test(term)) requirements.push({ key: checkKey(term), op: 'exists' });
    else
      throw new SelectorError(
        `unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`,
      );
  }
  return (o) => {
    const labels = o.metadata.labels ?? {};
    for (const r of requirements) {
      const has = Object.hasOwn(labels, r.key);
      if (r.op === 'exists' && !has) return false;
      if (r.op === '!' && has) return false;
      if (r.op === 'in' && (!has || !r.values.has(labels[r.key]!))) return false;
      if (r.op === 'notin' && has && r.values.has(labels[r.key]!)) return false;
    }
    return true;
  };
}

type Getter = (o: KubeObject) => string;

/** The field labels each kind can be selected by (pkg/registry/<group>/<kind>/strategy.go ToSelectableFields). */
function fieldGetter(kind: Kind, field: string): Getter | undefined {
  if (field === 'metadata.name') return (o) => o.metadata.name;
  if (field === 'metadata.namespace') return (o) => o.metadata.namespace ?? '';
  const pick = (fields: Record<string, Getter>) => (Object.hasOwn(fields, field) ? fields[field] : undefined);
  switch (kind) {
    case 'Pod':
      return pick({
        'spec.nodeName': (o) => (o.kind === 'Pod' ? (o.spec.nodeName ?? '') : ''),
        'status.phase': (o) => (o.kind === 'Pod' ? o.status.phase : ''),
        'status.podIP': (o) => (o.kind === 'Pod' ? (o.status.podIP ?? '') : ''),
      });
    case 'Event':
      return pick({
        'involvedObject.kind': (o) => (o.kind === 'Event' ? o.involvedObject.kind : ''),
        'involvedObject.name': (o) => (o.kind === 'Event' ? o.involvedObject.name : ''),
        'involvedObject.namespace': (o) => (o.kind === 'Event' ? (o.involvedObject.namespace ?? '') : ''),
        'involvedObject.uid': (o) => (o.kind === 'Event' ? o.involvedObject.uid : ''),
        'involvedObject.apiVersion': (o) => (o.kind === 'Event' ? o.involvedObject.apiVersion : ''),
        reason: (o) => (o.kind === 'Event' ? o.reason : ''),
        type: (o) => (o.kind === 'Event' ? o.type : ''),
        source: (o) => (o.kind === 'Event' ? o.source.component : ''),
      });
    case 'Service':
      return pick({
        'spec.clusterIP': (o) => (o.kind === 'Service' ? (o.spec.clusterIP ?? '') : ''),
        'spec.type': (o) => (o.kind === 'Service' ? o.spec.type : ''),
      });
    case 'Node':
      return pick({
        'spec.unschedulable': (o) => (o.kind === 'Node' ? String(o.spec.unschedulable ?? false) : ''),
      });
    case 'Namespace':
      return pick({ 'status.phase': (o) => (o.kind === 'Namespace' ? o.status.phase : '') });
    default:
      return undefined;
  }
}

/** A field selector for objects of one kind; refuses a field label the kind does not have. */
export function parseFieldSelector(text: string | undefined, kind: Kind): ObjectPredicate {
  if (text === undefined || text.trim() === '') return () => true;
  const terms = splitTerms(text).map((term) => {
    const m = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    const field = m[1]!;
    const get = fieldGetter(kind, field);
    if (!get) throw new SelectorError(`field label not supported: ${field}`);
    return { get, negate: m[2] === '!=', value: m[3]!.trim() };
  });
  return (o) => terms.every((t) => (t.get(o) === t.value) !== t.negate);
}
