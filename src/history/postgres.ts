import pg from 'pg';
import { numberPlaceholders, type SqlDb, type SqlValue } from './db.js';
import { redactUrl } from './postgres-url.js';

export async function openPostgres(url: string): Promise<SqlDb> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  return {
    dialect: 'postgres',
    location: redactUrl(url),
    async exec(sql) {
      await client.query(sql);
    },
    async run(sql, params: readonly SqlValue[] = []) {
      await client.query(numberPlaceholders(sql), [...params]);
    },
    async all<Row>(sql: string, params: readonly SqlValue[] = []) {
      return (await client.query(numberPlaceholders(sql), [...params])).rows as Row[];
    },
    async transaction(work) {
      await client.query('BEGIN');
      try {
        const result = await work();
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    },
    async close() {
      await client.end();
    },
  };
}
