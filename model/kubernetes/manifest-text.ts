// Manifest text (a YAML stream, or JSON) → the objects it holds, in order: each document, the items
// of a `List`, the elements of a top-level array; empty documents skipped. YAML aliases are bounded
// (an alias bomb is refused, not expanded) and duplicate keys are errors, as kubectl's decoder has
// them. Pure; what the objects mean is for whoever applies them.

import { Composer, Parser } from 'yaml';

/** Aliases one document may expand: yaml's own default, stated so the bound is deliberate. */
export const MAX_YAML_ALIASES = 100;

/** The text is not a manifest: the message names the document (0-based) and what is wrong. */
export class ManifestTextError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestTextError';
  }
}

export interface ReadOptions {
  /** Called between documents once `sliceMs` passed, so a huge manifest never holds the caller long. */
  yieldNow?: () => Promise<void>;
  sliceMs?: number;
}

/** The objects of a manifest, as parsed values (not yet checked against any schema). */
export async function readManifestObjects(text: string, opts: ReadOptions = {}): Promise<unknown[]> {
  const sliceMs = opts.sliceMs ?? 5;
  let sliceStart = performance.now();
  const objects: unknown[] = [];
  const composer = new Composer({ uniqueKeys: true });
  let index = 0;
  for (const doc of composer.compose(new Parser().parse(text), true)) {
    if (doc.errors.length > 0)
      throw new ManifestTextError(`document ${index}: YAML syntax: ${doc.errors[0]!.message}`);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (err) {
      throw new ManifestTextError(`document ${index}: YAML: ${(err as Error).message}`);
    }
    index++;
    if (Array.isArray(value)) objects.push(...(value as unknown[]));
    else if (isList(value)) objects.push(...value.items);
    else if (value !== null && value !== undefined) objects.push(value);
    if (opts.yieldNow && performance.now() - sliceStart >= sliceMs) {
      await opts.yieldNow();
      sliceStart = performance.now();
    }
  }
  if (objects.length === 0) throw new ManifestTextError('manifest contains no documents');
  return objects;
}

function isList(value: unknown): value is { items: unknown[] } {
  const v = value as Record<string, unknown> | null;
  return typeof v === 'object' && v !== null && v.kind === 'List' && Array.isArray(v.items);
}
