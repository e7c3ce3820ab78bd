// The import rules of docs/ARCHITECTURE.md, proved: each forbidden import is planted in a file of a
// scratch tree (one directory per case, each with a copy of .oxlintrc.json, since override globs are
// relative to the config), oxlint runs once over them all, and every case must fail with its rule's
// message. Allowed imports, planted the same way, must pass, so no rule is wider than it says.

import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

const MODEL = 'model/ imports neither web/ nor server/.';
const MODEL_PURE = 'model/ is types, schemas and pure functions shared by the browser and the server.';
const WEB = 'web/ never imports server/: share types and schemas through model/.';
const BROWSER = 'web/ runs in the browser.';
const API = 'web/api is the data layer: it imports no screen, shell or component.';
const COMPONENTS = 'web/components are shared pieces: they import no screen and not the shell.';
const FEATURES =
  'Features do not import each other: share through web/components or web/api, compose screens in web/app/.';
const SHELL = 'Features do not import the shell (web/app/); it imports them.';
const SERVER_WEB = 'server/ never imports web/.';
const HTTP =
  'Domain code imports no HTTP framework or metrics library: HTTP lives in a route adapter, figures go through server/metrics.ts.';
const KERNEL =
  'The server kernel (clock, ids, errors, metrics, ip-pool) imports no layer; every layer may import it.';
const CONFIG_API =
  'config-api imports no other domain folder: the config store knows nothing of Kubernetes or vRouters.';
const CLUSTER = 'cluster imports no other domain folder: the Kubernetes model knows nothing of Contrail.';
const KM_DATAPLANE = 'kube-manager does not import the dataplane.';
const KM_STORE =
  "kube-manager writes Contrail objects through the config store's interface (config-api/store.ts) only.";
const KM_CLUSTER =
  'kube-manager reads Kubernetes only through its KubeClient protocol (kube-client.ts); the composition root wires the client.';
const PERSISTENCE =
  "persistence stores records for whoever opens it: it imports no layer (components hand it their journals' records).";
const VROUTER_CLI_PURE = 'vrouter-cli is pure: it renders records and imports no I/O.';
const VROUTER_CLI =
  'vrouter-cli renders introspect-shaped records from model/ only: it imports no server layer.';
const INTROSPECT = 'introspect serves the dataplane only: it imports no other layer.';
const INTROSPECT_CLIENT =
  'introspect-client reads agents over their protocol: it imports model/ only, never the simulation or the UI server.';
const KUBE_API =
  "kube-api serves the Kubernetes model only (and implements kube-manager's KubeClient port): it imports no other Contrail layer and not the UI server.";
const DP_DOMAINS =
  'dataplane follows the config store only: it imports neither the cluster nor kube-manager.';
const DP_STORE = "dataplane reads the config store's interface (config-api/store.ts) only.";
const NO_UI = 'Domain folders do not import ui-server/: the UI server depends on them, never the reverse.';
const NO_ROOT =
  'Only server/main.ts starts the simulation and only server/simulation.ts wires it; no layer imports either.';
const UI =
  'The UI server reaches the simulation only through its protocols (the config API over HTTP, the change-feed interface), never its code.';
const KEYSTONE =
  'keystone serves identities and tokens only: it imports no other layer (the config API learns of tokens through the composition root).';
const MAIN = "server/main.ts starts listeners; only server/simulation.ts wires the simulation's parts.";

const FEATURE_NAMES = readdirSync(join(root, 'web/features'), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

/** [file the import is planted in, the import, the rule's message] */
const FORBIDDEN: [string, string, string][] = [
  ['model/contrail/planted.ts', '@server/ids.ts', MODEL],
  ['model/api/planted.ts', '../../web/api/client.ts', MODEL],
  ['model/api/planted.ts', 'react', MODEL_PURE],
  ['model/api/planted.ts', 'node:fs', MODEL_PURE],
  ['model/api/planted.ts', 'fastify', MODEL_PURE],
  ['web/app/planted.ts', '@server/ui-server/app.ts', WEB],
  ['web/app/planted.ts', 'node:fs', BROWSER],
  ['web/testing/planted.ts', 'undici', BROWSER],
  ['web/api/planted.ts', '@web/features/dataplane/dataplane-page.tsx', API],
  ['web/api/planted.ts', '@web/components/status-dot.tsx', API],
  ['web/api/planted.ts', '@server/simulation.ts', WEB],
  ['web/components/planted.ts', '@web/features/load-balancers/tree-model.ts', COMPONENTS],
  ['web/components/planted.ts', '@web/app/routes.tsx', COMPONENTS],
  ['web/components/planted.ts', 'prom-client', BROWSER],
  ...FEATURE_NAMES.flatMap((feature): [string, string, string][] => [
    ...FEATURE_NAMES.filter((other) => other !== feature).flatMap((other): [string, string, string][] => [
      [`web/features/${feature}/planted.ts`, `@web/features/${other}/anything.ts`, FEATURES],
      [`web/features/${feature}/planted.ts`, `../${other}/anything.ts`, FEATURES],
    ]),
    [`web/features/${feature}/planted.ts`, '@web/app/live-updates.ts', SHELL],
    [`web/features/${feature}/planted.ts`, '@server/config-api/store.ts', WEB],
    [`web/features/${feature}/planted.ts`, 'node:crypto', BROWSER],
  ]),
  ['server/ui-server/planted.ts', '@web/api/client.ts', SERVER_WEB],
  ['server/simulation.ts', '../web/app/app.tsx', SERVER_WEB],
  ...['clock', 'ids', 'errors', 'metrics', 'ip-pool'].flatMap((kernel): [string, string, string][] => [
    [`server/${kernel}.ts`, '@server/config-api/store.ts', KERNEL],
    [`server/${kernel}.ts`, './ui-server/app.ts', KERNEL],
    [`server/${kernel}.ts`, 'prom-client', HTTP],
    [`server/${kernel}.ts`, './simulation.ts', NO_ROOT],
  ]),
  ['server/config-api/planted.ts', '@server/cluster/cluster.ts', CONFIG_API],
  ['server/config-api/planted.ts', '../dataplane/dataplane.ts', CONFIG_API],
  ['server/config-api/planted.ts', '@server/kube-manager/names.ts', CONFIG_API],
  ['server/config-api/planted.ts', 'fastify', HTTP],
  ['server/config-api/planted.ts', 'prom-client', HTTP],
  ['server/config-api/planted.ts', '@server/ui-server/app.ts', NO_UI],
  ['server/config-api/planted.ts', '../simulation.ts', NO_ROOT],
  ['server/config-api/http.ts', '@server/kube-manager/kube-manager.ts', CONFIG_API],
  ['server/config-api/http.ts', '@server/ui-server/proxy.ts', NO_UI],
  ['server/cluster/planted.ts', '@server/config-api/store.ts', CLUSTER],
  ['server/cluster/planted.ts', '@server/kube-manager/names.ts', CLUSTER],
  ['server/cluster/planted.ts', '../dataplane/dataplane.ts', CLUSTER],
  ['server/cluster/planted.ts', 'node:http', HTTP],
  ['server/cluster/planted.ts', '@server/ui-server/errors.ts', NO_UI],
  ['server/kube-manager/planted.ts', '@server/dataplane/dataplane.ts', KM_DATAPLANE],
  ['server/kube-manager/planted.ts', '@server/config-api/render.ts', KM_STORE],
  ['server/kube-manager/planted.ts', '../config-api/http.ts', KM_STORE],
  ['server/kube-manager/planted.ts', '@server/cluster/manifest.ts', KM_CLUSTER],
  ['server/kube-manager/planted.ts', '@server/cluster/cluster.ts', KM_CLUSTER],
  ['server/kube-manager/planted.ts', '../kube-api/http.ts', KM_CLUSTER],
  ['server/cluster/planted.ts', '../kube-api/http.ts', CLUSTER],
  ['server/vrouter-cli/planted.ts', 'node:fs', VROUTER_CLI_PURE],
  ['server/vrouter-cli/planted.ts', '@server/dataplane/vrouter.ts', VROUTER_CLI],
  ['server/vrouter-cli/planted.ts', '../dataplane/vrouter.ts', VROUTER_CLI],
  ['server/introspect/planted.ts', '@server/config-api/store.ts', INTROSPECT],
  ['server/introspect/planted.ts', '../ui-server/app.ts', INTROSPECT],
  ['server/introspect/planted.ts', '../simulation.ts', NO_ROOT],
  ['server/ui-server/planted.ts', '@server/introspect/server.ts', UI],
  ['server/introspect-client/planted.ts', '@server/dataplane/vrouter.ts', INTROSPECT_CLIENT],
  ['server/introspect-client/planted.ts', '../introspect/sandesh-xml.ts', INTROSPECT_CLIENT],
  ['server/introspect-client/planted.ts', '@server/ui-server/errors.ts', INTROSPECT_CLIENT],
  ['server/persistence/planted.ts', '@server/config-api/store.ts', PERSISTENCE],
  ['server/persistence/planted.ts', '../cluster/cluster.ts', PERSISTENCE],
  ['server/persistence/planted.ts', 'fastify', HTTP],
  ['server/config-api/planted.ts', '@server/persistence/data-dir.ts', CONFIG_API],
  ['server/cluster/planted.ts', '../persistence/data-dir.ts', CLUSTER],
  ['server/ui-server/planted.ts', '@server/persistence/data-dir.ts', UI],
  ['server/kube-api/planted.ts', '@server/config-api/store.ts', KUBE_API],
  ['server/kube-api/planted.ts', '@server/kube-manager/kube-manager.ts', KUBE_API],
  ['server/kube-api/planted.ts', '../dataplane/dataplane.ts', KUBE_API],
  ['server/kube-api/planted.ts', '@server/ui-server/app.ts', KUBE_API],
  ['server/kube-api/planted.ts', '../simulation.ts', NO_ROOT],
  ['server/ui-server/planted.ts', '@server/kube-api/client.ts', UI],
  ['server/kube-manager/planted.ts', 'undici', HTTP],
  ['server/kube-manager/planted.ts', '@server/main.ts', NO_ROOT],
  ['server/dataplane/planted.ts', '@server/cluster/cluster.ts', DP_DOMAINS],
  ['server/dataplane/planted.ts', '@server/kube-manager/names.ts', DP_DOMAINS],
  ['server/dataplane/planted.ts', '@server/config-api/list-query.ts', DP_STORE],
  ['server/dataplane/planted.ts', 'fastify', HTTP],
  ['server/dataplane/planted.ts', '../ui-server/routes/dataplane.ts', NO_UI],
  ['server/ui-server/planted.ts', '@server/config-api/store.ts', UI],
  ['server/ui-server/planted.ts', '../cluster/cluster.ts', UI],
  ['server/ui-server/planted.ts', '@server/kube-manager/kube-manager.ts', UI],
  ['server/ui-server/planted.ts', '@server/simulation.ts', UI],
  ['server/ui-server/routes/planted.ts', '../../dataplane/dataplane.ts', UI],
  ['server/ui-server/routes/dataplane.ts', '../../dataplane/dataplane.ts', UI],
  ['server/ui-server/dataplane-views/planted.ts', '@server/dataplane/flow-processor.ts', UI],
  ['server/ui-server/routes/events.ts', '../../config-api/store.ts', UI],
  // routes/cluster.ts reads the cluster through the Kubernetes API only, routes/dataplane.ts every
  // compute through its agent's introspect (neither is exempt any more).
  ['server/ui-server/routes/cluster.ts', '../../cluster/cluster.ts', UI],
  ['server/ui-server/routes/cluster.ts', '@server/kube-api/http.ts', UI],
  ['server/keystone/planted.ts', '@server/config-api/store.ts', KEYSTONE],
  ['server/keystone/planted.ts', '../ui-server/errors.ts', KEYSTONE],
  ['server/main.ts', './cluster/cluster.ts', MAIN],
  ['server/main.ts', './kube-manager/kube-manager.ts', MAIN],
  ['server/main.ts', './dataplane/dataplane.ts', MAIN],
];

/** Imports each folder may make; planted the same way, they must pass. */
const ALLOWED: [string, string][] = [
  ['model/api/planted.ts', 'zod'],
  ['model/api/planted.ts', '../net/ipv4.ts'],
  ['web/app/planted.ts', '@web/features/dataplane/dataplane-page.tsx'],
  ['web/api/planted.ts', '@model/dataplane/types.ts'],
  ['web/components/planted.ts', '@web/api/client.ts'],
  ...FEATURE_NAMES.flatMap((feature): [string, string][] => [
    [`web/features/${feature}/planted.ts`, `@web/features/${feature}/anything.ts`],
    [`web/features/${feature}/planted.ts`, './anything.ts'],
    [`web/features/${feature}/planted.ts`, '@web/components/status-dot.tsx'],
    [`web/features/${feature}/planted.ts`, '@web/api/client.ts'],
    [`web/features/${feature}/planted.ts`, '@model/dataplane/types.ts'],
  ]),
  ['web/features/load-balancers/planted.test.tsx', '@web/app/query-client.ts'],
  ['server/kube-manager/planted.ts', '@server/config-api/store.ts'],
  ['server/kube-manager/planted.ts', '@server/ip-pool.ts'],
  ['server/kube-api/planted.ts', '@server/cluster/cluster.ts'],
  ['server/kube-api/planted.ts', '../kube-manager/kube-client.ts'],
  ['server/kube-api/planted.ts', 'fastify'],
  ['server/persistence/planted.ts', 'lmdb'],
  ['server/vrouter-cli/planted.ts', '@model/dataplane/vrouter-cli-input.ts'],
  ['server/introspect/planted.ts', '@server/dataplane/dataplane.ts'],
  ['server/introspect/planted.ts', 'node:http'],
  ['server/introspect-client/planted.ts', 'undici'],
  ['server/introspect-client/planted.ts', 'saxes'],
  ['server/introspect-client/planted.ts', '@model/dataplane/sandesh/agent.ts'],
  ['server/ui-server/planted.ts', '@server/introspect-client/agent.ts'],
  ['server/ui-server/planted.ts', '@server/vrouter-cli/nh.ts'],
  ['server/config-api/http-actions.ts', 'fastify'],
  ['server/kube-manager/planted.ts', '@model/dataplane/ecmp-hashing.ts'],
  ['server/kube-manager/planted.ts', '@server/metrics.ts'],
  ['server/kube-manager/planted.test.ts', '@server/dataplane/dataplane.ts'],
  ['server/dataplane/planted.ts', '@server/config-api/store.ts'],
  ['server/dataplane/planted.ts', '@server/errors.ts'],
  ['server/cluster/planted.ts', '@model/kubernetes/types.ts'],
  ['server/config-api/http.ts', 'fastify'],
  ['server/ui-server/planted.ts', '@model/dataplane/types.ts'],
  ['server/ui-server/planted.ts', '@server/errors.ts'],
  ['server/ui-server/planted.ts', 'prom-client'],
  ['server/keystone/planted.ts', 'fastify'],
  ['server/keystone/planted.ts', '@server/clock.ts'],
  ['server/simulation.ts', './kube-manager/kube-manager.ts'],
  ['server/main.ts', './simulation.ts'],
  ['server/main.ts', './config-api/http.ts'],
];

interface Diagnostic {
  code: string;
  help?: string;
  filename: string;
}

const caseDir = (kind: string, i: number) => `${kind}-${i}`;

describe('import boundaries (.oxlintrc.json)', () => {
  let scratch: string;
  const found = new Map<string, Diagnostic[]>();

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'lint-boundaries-'));
    const plant = (dir: string, file: string, specifier: string) => {
      const path = join(scratch, dir, file);
      mkdirSync(dirname(path), { recursive: true });
      copyFileSync(join(root, '.oxlintrc.json'), join(scratch, dir, '.oxlintrc.json'));
      writeFileSync(path, `import '${specifier}';\n`);
    };
    FORBIDDEN.forEach(([file, specifier], i) => plant(caseDir('forbidden', i), file, specifier));
    ALLOWED.forEach(([file, specifier], i) => plant(caseDir('allowed', i), file, specifier));
    let output: string;
    try {
      output = execFileSync(join(root, 'node_modules/.bin/oxlint'), ['--format', 'json', '.'], {
        cwd: scratch,
        encoding: 'utf8',
      });
    } catch (err) {
      // oxlint exits 1 when it reports errors, which is the point here.
      output = (err as { stdout: string }).stdout;
    }
    for (const d of (JSON.parse(output) as { diagnostics: Diagnostic[] }).diagnostics) {
      if (d.code !== 'eslint(no-restricted-imports)') continue;
      const dir = d.filename.split('/')[0]!;
      found.set(dir, [...(found.get(dir) ?? []), d]);
    }
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each(FORBIDDEN.map((c, i) => [...c, i] as const))(
    '%s may not import %s',
    (_file, _specifier, message, i) => {
      expect((found.get(caseDir('forbidden', i)) ?? []).map((d) => d.help)).toEqual([message]);
    },
  );

  it.each(ALLOWED.map((c, i) => [...c, i] as const))('%s may import %s', (_file, _specifier, i) => {
    expect((found.get(caseDir('allowed', i)) ?? []).map((d) => d.help)).toEqual([]);
  });

  it('has an entry for every feature and every server folder', () => {
    const config = readFileSync(join(root, '.oxlintrc.json'), 'utf8');
    for (const feature of FEATURE_NAMES) expect(config).toContain(`"web/features/${feature}/**"`);
    const serverFolders = readdirSync(join(root, 'server'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'testing')
      .map((e) => e.name);
    for (const folder of serverFolders) expect(config, folder).toContain(`"server/${folder}/**"`);
  });
});
