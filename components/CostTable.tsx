'use client';
import { useState } from 'react';
import { formatCount, formatRate, formatTokens, formatUsd } from '@/lib/dashboard/format';
import type { CostBreakdownRow } from '@/lib/dashboard/response';

type Column = 'provider' | 'model' | 'call_count' | 'tokens_in' | 'tokens_out' | 'total_cost_usd';
const COLUMNS: Array<{ key: Column; label: string; numeric: boolean }> = [
  { key: 'provider', label: 'Provider', numeric: false },
  { key: 'model', label: 'Model', numeric: false },
  { key: 'call_count', label: 'Calls', numeric: true },
  { key: 'tokens_in', label: 'Tokens in', numeric: true },
  { key: 'tokens_out', label: 'Tokens out', numeric: true },
  { key: 'total_cost_usd', label: 'Cost', numeric: true },
];

/** LLM cost by provider and model, sortable by any column, with each row's share of the total. */
export function CostTable({ rows }: { rows: CostBreakdownRow[] }) {
  const [sort, setSort] = useState<{ key: Column; descending: boolean }>({ key: 'total_cost_usd', descending: true });
  const total = rows.reduce((sum, row) => sum + row.total_cost_usd, 0);
  const sorted = [...rows].sort((a, b) => {
    const x = a[sort.key];
    const y = b[sort.key];
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return sort.descending ? -order : order;
  });
  if (rows.length === 0) return <p className="muted">No LLM usage in this range.</p>;
  return (
    <div className="table-scroll" role="region" aria-label="LLM cost by model (scrolls sideways)" tabIndex={0}>
      <table className="cost-table" data-testid="cost-table">
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <th key={column.key} className={column.numeric ? 'num' : undefined}
                aria-sort={sort.key === column.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                <button type="button" onClick={() => setSort((s) => ({ key: column.key, descending: s.key === column.key ? !s.descending : column.numeric }))}>
                  {column.label}{sort.key === column.key ? (sort.descending ? ' ↓' : ' ↑') : ''}
                </button>
              </th>
            ))}
            <th className="num">Share</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={`${row.provider}/${row.model}`}>
              <td>{row.provider}</td>
              <td>{row.model}</td>
              <td className="num">{formatCount(row.call_count)}</td>
              <td className="num">{formatTokens(row.tokens_in)}</td>
              <td className="num">{formatTokens(row.tokens_out)}</td>
              <td className="num">{formatUsd(row.total_cost_usd)}</td>
              <td className="num">{formatRate(total > 0 ? row.total_cost_usd / total : null)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
