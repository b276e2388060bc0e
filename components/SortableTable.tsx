'use client';
import { useState, type ReactNode } from 'react';

export interface TableColumn<Row> {
  key: string;
  label: string;
  numeric?: boolean;
  /** The value sorted by (null sorts last either way). */
  sortValue: (row: Row) => number | string | null;
  render: (row: Row) => ReactNode;
}

/** Compares two cell values; nulls (no rate without sends) go last whatever the direction. */
function compare(x: number | string | null, y: number | string | null, descending: boolean): number {
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
  return descending ? -order : order;
}

/**
 * A table sortable by any column (a click on a header sorts by it, a second click reverses; numbers
 * sort highest first), scrolling sideways on narrow screens.
 */
export function SortableTable<Row>(props: {
  rows: Row[];
  columns: Array<TableColumn<Row>>;
  rowKey: (row: Row) => string;
  initialSort: { key: string; descending: boolean };
  label: string;
  testId: string;
  /** Columns after the sortable ones (e.g. a share of the total). */
  extra?: { label: string; render: (row: Row) => ReactNode };
}) {
  const { rows, columns, rowKey, label, testId, extra } = props;
  const [sort, setSort] = useState(props.initialSort);
  const column = columns.find((c) => c.key === sort.key) ?? columns[0];
  const sorted = column ? [...rows].sort((a, b) => compare(column.sortValue(a), column.sortValue(b), sort.descending)) : rows;
  return (
    <div className="table-scroll" role="region" aria-label={`${label} (scrolls sideways)`} tabIndex={0}>
      <table className="data-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} className={c.numeric ? 'num' : undefined}
                aria-sort={sort.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                <button type="button" onClick={() => setSort((s) => ({ key: c.key, descending: s.key === c.key ? !s.descending : Boolean(c.numeric) }))}>
                  {c.label}{sort.key === c.key ? (sort.descending ? ' ↓' : ' ↑') : ''}
                </button>
              </th>
            ))}
            {extra ? <th className="num">{extra.label}</th> : null}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => <td key={c.key} className={c.numeric ? 'num' : undefined}>{c.render(row)}</td>)}
              {extra ? <td className="num">{extra.render(row)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
