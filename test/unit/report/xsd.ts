// JUnit files are checked against test/fixtures/reports/junit.xsd (the Jenkins JUnit schema's
// elements) with xmllint, as CI would read them. scripts/ensure-host-deps.sh installs xmllint.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const junitXsd = new URL('../../fixtures/reports/junit.xsd', import.meta.url).pathname;

/** xmllint's complaints, or [] when the file is valid. */
export function junitSchemaErrors(xmlOrPath: string, isPath = false): string[] {
  let path = xmlOrPath;
  if (!isPath) {
    path = join(mkdtempSync(join(tmpdir(), 'netfix-junit-')), 'report.xml');
    writeFileSync(path, xmlOrPath);
  }
  try {
    execFileSync('xmllint', ['--noout', '--schema', junitXsd, path], { stdio: 'pipe' });
    return [];
  } catch (error) {
    const failed = error as { code?: string; stderr?: Buffer };
    if (failed.code === 'ENOENT') throw new Error('xmllint is missing: run scripts/ensure-host-deps.sh');
    return (failed.stderr?.toString() ?? String(error)).split('\n').filter(Boolean);
  }
}
