// Bundles the CLI into one file, dist/bundle/netfix.js, which bin/netfix.js loads: one module to
// read and compile at startup instead of ~450 (dist/ plus zod, yaml, handlebars, yargs, ...).
// `npm run build` runs it after tsc; tsc's dist/ stays for what imports dist/ modules directly.
//
// The bundle sits two levels below the package root, as src/<dir>/*.ts and dist/<dir>/*.js do, so
// the paths the code reads relative to import.meta.url (../../package.json, ../../templates/,
// ../../bin/netfix.js) resolve the same from all three.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const outfile = 'dist/bundle/netfix.js';

/**
 * Left to Node's own resolution at run time: packages with native parts (better-sqlite3; pg's
 * optional pg-native; ssh2's optional sshcrypto.node and cpu-features), which load their .node
 * files relative to their own directory, and are large and mostly loaded lazily anyway.
 * (pg-native and cpu-features are only ever required from inside pg and ssh2.)
 */
const external = ['better-sqlite3', 'pg', 'pg-native', 'ssh2', 'cpu-features'];

/**
 * An external package imported with `import` stays an `import` statement at the top of an ES
 * module bundle, so Node would load pg, better-sqlite3 and ssh2 on every run, even `--version`.
 * Unbundled, each loads only when a command reaches the module that imports it (history's
 * `await import('./postgres.js')`, ...). Importing them through a one-line CommonJS module that
 * requires the package keeps that: esbuild evaluates a bundled module only when its importer is,
 * and the require() runs then, through the banner's createRequire. All three are CommonJS
 * packages (pg's ESM entry only re-exports its CommonJS one), so `require` gives the same objects.
 */
const lazyExternals: Plugin = {
  name: 'lazy-externals',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: new RegExp(`^(${external.join('|')})$`) }, (args) =>
      args.kind === 'require-call'
        ? { path: args.path, external: true }
        : { path: args.path, namespace: 'lazy-external' },
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'lazy-external' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * yargs' ESM shim finds its locale files (translated help and messages, picked from LANG) from its
 * own import.meta.url, which in a bundle is the bundle's. Point it at the installed yargs package
 * instead, found the way Node resolves it from the bundle. (Its other use of that path, the package
 * root it reads package.json from, then stays what it is unbundled too.)
 */
const yargsLocales: Plugin = {
  name: 'yargs-locales',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const from = 'const __dirname = fileURLToPath(import.meta.url);';
      if (!source.includes(from)) {
        return { errors: [{ text: `yargs' ESM shim no longer has "${from}": check its locale lookup` }] };
      }
      // Without an installed yargs, the bundle's own path: messages then stay in English.
      const to = `const __dirname = (() => {
  try {
    return createRequire(import.meta.url).resolve('yargs/package.json').replace(/package\\.json$/, 'lib/platform-shims/esm.mjs');
  } catch {
    return fileURLToPath(import.meta.url);
  }
})();`;
      return { contents: source.replace(from, to), loader: 'js' };
    });
  },
};

const result = await build({
  absWorkingDir: repoRoot,
  entryPoints: ['src/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  plugins: [lazyExternals, yargsLocales],
  // Bundled CommonJS packages (handlebars, yaml, ...) call require() for Node builtins,
  // which an ES module has no binding for.
  banner: {
    js: "import { createRequire as __netfixCreateRequire } from 'node:module';\nconst require = __netfixCreateRequire(import.meta.url);",
  },
  // Not minified: a stack trace names real functions at readable lines of the bundle, and the
  // linked map takes a frame back to src/ (node --enable-source-maps, or a debugger).
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
});

const inputs = Object.keys(result.metafile.inputs).length;
const bytes = result.metafile.outputs[outfile]?.bytes ?? 0;
process.stdout.write(`${outfile}: ${inputs} modules, ${(bytes / 1024).toFixed(0)} KiB\n`);
