/**
 * What tells a reader that the workspace changed, in SQL any SQL store runs: the
 * newest row of each table a pipeline appends to, the latest session end and batch
 * update, and the calls without an answer (an answer taken back). Each is a lookup on
 * a primary key or a partial index, or a scan of a table as small as `sessions`, so
 * polling it every second costs nothing next to a page.
 */
export const changeSignatureSql = `
  SELECT (SELECT max(id) FROM sessions), (SELECT max(ended_at) FROM sessions), (SELECT max(id) FROM calls),
    (SELECT max(id) FROM responses), (SELECT max(id) FROM failures), (SELECT max(updated_at) FROM batches),
    (SELECT count(*) FROM calls WHERE response_id IS NULL)`;

/** The row of `changeSignatureSql` as one short text. */
export function changeSignatureOf(row: readonly unknown[]): string {
  return row.map((value) => (value === null || value === undefined ? "" : String(value))).join(":");
}
