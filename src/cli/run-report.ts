import { readFileSync } from 'node:fs';
import { RUN_RESULT_SCHEMA_VERSION, runResultSchema } from '../engine/index.js';
import { exitCodes, InputError, type InputProblem } from '../errors.js';
import { prepareReportFiles, type ReportFile, reportFormatOf, writeReportFiles } from '../report/index.js';
import type { ReportArgs } from './report.js';

/** Re-renders a saved run: reads the JSON, checks it against the run-result schema, writes one report. */
export async function runReport(argv: ReportArgs): Promise<number> {
  const format = argv.format ?? (argv.output ? reportFormatOf(argv.output) : undefined);
  const problem = (file: string, message: string): InputProblem => ({
    file,
    line: 0,
    col: 0,
    field: '',
    message,
  });
  if (!format || format === 'jsonl')
    throw new InputError([
      problem(
        '--format',
        'name the format with --format html|md|xml|json, or give --output with one of those extensions',
      ),
    ]);
  const result = readRunResult(argv.file);
  // The same preparation as `apply --report`; the format is chosen already, whatever --output is named.
  const { files, problems } = prepareReportFiles({
    paths: [`report.${format}`],
    templatePaths: argv['report-template'],
    failOnChange: argv['fail-on-change'],
  });
  if (problems.length > 0) throw new InputError(problems.map(({ flag, message }) => problem(flag, message)));
  const file: ReportFile | undefined = files[0];
  if (!file?.render) throw new Error('no renderer for a report format that has one');
  if (!argv.output) {
    process.stdout.write(file.render(result));
    return exitCodes.ok;
  }
  const failures = await writeReportFiles([{ ...file, path: argv.output }], result);
  if (failures.length > 0) throw new InputError(failures.map((message) => problem('--output', message)));
  process.stderr.write(`report written to ${argv.output}\n`);
  return exitCodes.ok;
}

function readRunResult(path: string) {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InputError([
      {
        file: path,
        line: 0,
        col: 0,
        field: '',
        message: `not a JSON run result: ${(error as Error).message}`,
      },
    ]);
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== RUN_RESULT_SCHEMA_VERSION)
    throw new InputError([
      {
        file: path,
        line: 0,
        col: 0,
        field: 'schemaVersion',
        message: `is ${JSON.stringify(version)}: this netfix reads run results of schema version ${RUN_RESULT_SCHEMA_VERSION} (--report FILE.json)`,
      },
    ]);
  const parsed = runResultSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new InputError(
    parsed.error.issues.slice(0, 20).map((issue) => ({
      file: path,
      line: 0,
      col: 0,
      field: issue.path.join('.'),
      message: issue.message,
    })),
  );
}
