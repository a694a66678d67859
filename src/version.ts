import { readFileSync } from 'node:fs';

// dist/version.js and src/version.ts both sit one level below package.json.
const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export const netfixVersion: string = packageJson.version;
