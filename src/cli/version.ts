import { readFileSync } from 'node:fs';

// Two levels below package.json wherever this module runs: src/cli/version.ts under tsx,
// dist/cli/version.js from tsc, and dist/bundle/netfix.js, the bundle bin/netfix.js loads.
const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export const netfixVersion: string = packageJson.version;
