import { readFileSync } from 'node:fs';
import { type Document, LineCounter, parseDocument } from 'yaml';
import type { InputProblem } from '../errors.js';
import { findUnquotedTemplates } from './unquoted-template.js';

/** One parsed YAML file, kept whole so that any value can be traced back to its line and column. */
export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

/**
 * Parses with the YAML 1.1 schema because Ansible reads its files with PyYAML (YAML 1.1): there
 * `become: yes` is a boolean, and an existing inventory or playbook must mean the same here.
 * Never throws: syntax errors come back as problems next to whatever part of the file parsed.
 */
export function parseYamlSource(
  file: string,
  text: string,
): { source: YamlSource; problems: InputProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    lineCounter,
    prettyErrors: false,
    // Collection keys (an unquoted `{{ x }}` parses as one) would otherwise print a process warning.
    logLevel: 'error',
  });
  const problems = [...doc.errors, ...doc.warnings].map((error): InputProblem => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    return { file, line, col, field: '', message: `YAML: ${error.message}` };
  });
  const source = { file, doc, lineCounter };
  return { source, problems: [...problems, ...findUnquotedTemplates(source)] };
}

/** Reads and parses a file; an unreadable file is a problem at line 0 (no position to give). */
export function readYamlSource(file: string): { source?: YamlSource; problems: InputProblem[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    return { problems: [{ file, line: 0, col: 0, field: '', message: `cannot read: ${reason}` }] };
  }
  return parseYamlSource(file, text);
}
