'use client';
// "Show as table": the numbers behind a chart as a plain table, for screen readers, keyboards and
// anyone who wants the figures. Built when opened, so a year of buckets costs nothing until then.
import { useState } from 'react';

export interface ChartTableProps {
  caption: string;
  columns: string[];
  /** One row per bucket: its label first, then one cell per further column. */
  rows: () => Array<{ key: string; cells: string[] }>;
}

export function ChartTable({ caption, columns, rows }: ChartTableProps) {
  const [open, setOpen] = useState(false);
  return (
    <details className="chart-table" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>Show as table</summary>
      {open ? (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
          <table className="data-table">
            <caption className="visually-hidden">{caption}</caption>
            <thead>
              <tr>{columns.map((column, i) => <th key={column} scope="col" className={i > 0 ? 'num' : undefined}>{column}</th>)}</tr>
            </thead>
            <tbody>
              {rows().map((row) => (
                <tr key={row.key}>
                  {row.cells.map((cell, i) => (i === 0
                    ? <th key={i} scope="row">{cell}</th>
                    : <td key={i} className="num">{cell}</td>))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </details>
  );
}
