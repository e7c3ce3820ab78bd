#!/usr/bin/env node
// Builds a server entry (server/main.ts, or a bench that runs the server's code) into one ES
// module under node_modules/.cache, rebuilding only when a source is newer, so a start loads one
// prebuilt file instead of compiling ~200 TypeScript modules through tsx's loader (a fresh
// `npm start` came up 0.5–1.4 s sooner here). Packages stay external; each module's
// `import.meta.url` stays its source file's, so paths next to the sources (scenarios, dist/)
// resolve as under tsx. Used by start.mjs; as a command, `node scripts/server-bundle.mjs
// <entry.ts>` prints the bundle's path.

import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = join(root, 'node_modules', '.cache', 'contrail-lb-explorer');
/** What a server bundle is built from: every change here makes it stale. */
const inputs = ['server', 'model', 'bench', 'tsconfig.json', 'package-lock.json'];

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** The source's own URL in place of `import.meta.url` (esbuild would give the bundle's). */
const sourceImportMetaUrl = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const text = await readFile(path, 'utf8');
      const url = JSON.stringify(pathToFileURL(path).href);
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/** The bundle of `entry` (relative to the project root), built first if missing or stale. */
export async function serverBundle(entry) {
  const outfile = join(cacheDir, `${basename(entry, '.ts')}.mjs`);
  const stale =
    !existsSync(outfile) ||
    Math.max(
      ...inputs
        .map((p) => join(root, p))
        .filter(existsSync)
        .map(newestMtime),
    ) > statSync(outfile).mtimeMs;
  if (!stale) return outfile;
  const { outputFiles } = await build({
    entryPoints: [join(root, entry)],
    outfile,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    tsconfig: join(root, 'tsconfig.json'),
    plugins: [sourceImportMetaUrl],
    logLevel: 'warning',
  });
  mkdirSync(cacheDir, { recursive: true });
  // Written aside and renamed, so a process starting meanwhile never loads half a file. The
  // source map first: the module names it.
  for (const file of [...outputFiles].sort((a) => (a.path.endsWith('.map') ? -1 : 1))) {
    const temporary = `${file.path}.${process.pid}`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const entry = process.argv[2];
  if (!entry) {
    process.stderr.write('usage: node scripts/server-bundle.mjs <entry.ts>\n');
    process.exit(2);
  }
  process.stdout.write(`${await serverBundle(entry)}\n`);
}
