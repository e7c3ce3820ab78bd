// Loads a scenario manifest from a file into a cluster: the seed's by default, or another one.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AppliedObject, Cluster } from './cluster.ts';
import { ManifestError } from './manifest.ts';

export const SEED_SCENARIO_FILE = fileURLToPath(new URL('./scenarios/seed.yaml', import.meta.url));

export function loadScenario(cluster: Cluster, file: string = SEED_SCENARIO_FILE): AppliedObject[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ManifestError(`cannot read scenario ${file}: ${(err as Error).message}`);
  }
  try {
    return cluster.applyManifest(text);
  } catch (err) {
    if (err instanceof Error) throw new ManifestError(`scenario ${file}: ${err.message}`);
    throw err;
  }
}
