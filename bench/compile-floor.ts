// floor.ts as plain JavaScript, so the floor starts like netfix (node on compiled files), not
// under tsx, whose loader would add ~0.2 s of CPU and tens of MiB to the floor's numbers. The
// output sits in node_modules/ so that `import 'ssh2'` resolves as it does for the repository.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const source = fileURLToPath(new URL('./floor.ts', import.meta.url));
const outDir = fileURLToPath(new URL('../node_modules/.cache/netfix-bench/', import.meta.url));

/** Returns the path of the compiled floor script. */
export function compileFloor(): string {
  const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: source,
  });
  mkdirSync(outDir, { recursive: true });
  const out = `${outDir}floor.mjs`;
  writeFileSync(out, outputText);
  return out;
}
