/**
 * Many rows in one statement, through one JSON parameter read back with SQLite's `json_each`.
 *
 * Why: the events consumer writes a lake row per gateway event and some hooks a row per
 * message. One drizzle statement per row costs a statement build per row in the isolate and a
 * statement per row in D1 (D1 also binds at most 100 parameters to a statement, so a
 * multi-row `VALUES` list holds only a handful of rows). One `json_each` statement carries a
 * whole chunk for one parameter: the rows written are the same, the statements are one.
 *
 * Each row is a JSON array (a tuple), read in SQL with `json_extract(value, '$[i]')`: numbers
 * stay INTEGER/REAL, `null` is NULL, and an object or array comes back as its JSON text, which
 * is what drizzle's `mode: 'json'` columns store. Works on D1 and on libSQL (both SQLite
 * ≥ 3.38). Column and table names come from the drizzle schema, so a rename is a type error.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';

/** A value a tuple may carry: what JSON can encode (objects and arrays become JSON text). */
export type TupleValue = string | number | boolean | null | Record<string, unknown> | readonly unknown[];

/** Rows already serialised: the JSON text of an array of tuples (built once, measured, joined). */
export interface JsonTuples {
  json: string;
}

/** `json_each(?)` over `rows`, each a tuple (or their JSON text). */
export function jsonRows(rows: readonly (readonly TupleValue[])[] | JsonTuples): SQL {
  return sql`json_each(${'json' in rows ? rows.json : JSON.stringify(rows)})`;
}

/** `json_extract(value, '$[i]')`: element `i` of the current `json_each` row. */
export function tupleAt(i: number): SQL {
  return sql.raw(`json_extract(value, '$[${Math.trunc(i)}]')`);
}

/** A column's bare name, quoted (`"source_id"`), for column lists and conflict targets. */
export function columnName(column: SQLiteColumn): SQL {
  return sql`${sql.identifier(column.name)}`;
}

/** `(a, b, c)`: a list of bare column names. */
export function columnList(columns: readonly SQLiteColumn[]): SQL {
  return sql`(${sql.join(columns.map(columnName), sql`, `)})`;
}

/**
 * `INSERT INTO table (columns…) SELECT <tuple values or constants> FROM json_each(?) WHERE true`:
 * one row per tuple. `values[i]` is what goes into `columns[i]`: a tuple position (a number)
 * or a constant SQL expression. Append the conflict clause and `RETURNING` with `sql` after it.
 */
export function insertFromTuples(table: SQLiteTable, columns: readonly SQLiteColumn[], values: readonly (number | SQL)[], rows: readonly (readonly TupleValue[])[] | JsonTuples): SQL {
  if (columns.length !== values.length) throw new Error('insertFromTuples: one value per column');
  const select = sql.join(
    values.map((v) => (typeof v === 'number' ? tupleAt(v) : v)),
    sql`, `,
  );
  // `WHERE true` keeps SQLite from reading a following `ON CONFLICT` as a join constraint.
  return sql`INSERT INTO ${table} ${columnList(columns)} SELECT ${select} FROM ${jsonRows(rows)} WHERE true`;
}

/**
 * `column IN (SELECT value FROM json_each(?))`: membership in a list of any length for one
 * bound parameter, where drizzle's `inArray` binds one per value (and D1 takes 100 a
 * statement). SQLite still probes `column`'s index for each value.
 */
export function inJsonList(column: SQLiteColumn, values: readonly (string | number)[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}
