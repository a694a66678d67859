// The little SQL netfix needs, over SQLite and PostgreSQL alike. Statements are written once with
// `?` placeholders; the PostgreSQL side numbers them.

export type SqlValue = string | number | null;
export type Dialect = 'sqlite' | 'postgres';

export interface SqlDb {
  readonly dialect: Dialect;
  /** Where it is, for messages: a file path, or a URL without its password. */
  readonly location: string;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  transaction<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `?` to `$1, $2, …`. netfix's statements carry no `?` inside string literals. */
export function numberPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

// Both engines cap parameters per statement (SQLite 32766, PostgreSQL 65535).
const MAX_PARAMS = 30000;

/** Multi-row INSERTs, so 500 hosts cost a few round trips to PostgreSQL, not thousands. */
export async function insertRows(
  db: SqlDb,
  table: string,
  columns: readonly string[],
  rows: readonly SqlValue[][],
): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    await db.run(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => tuple).join(', ')}`,
      chunk.flat(),
    );
  }
}
