'use client';
import { formatCount, formatRate, formatTokens, formatUsd } from '@/lib/dashboard/format';
import type { CostBreakdownRow } from '@/lib/dashboard/response';
import { SortableTable, type TableColumn } from './SortableTable';

const COLUMNS: Array<TableColumn<CostBreakdownRow>> = [
  { key: 'provider', label: 'Provider', sortValue: (r) => r.provider, render: (r) => r.provider },
  { key: 'model', label: 'Model', sortValue: (r) => r.model, render: (r) => r.model },
  { key: 'call_count', label: 'Calls', numeric: true, sortValue: (r) => r.call_count, render: (r) => formatCount(r.call_count) },
  { key: 'tokens_in', label: 'Tokens in', numeric: true, sortValue: (r) => r.tokens_in, render: (r) => formatTokens(r.tokens_in) },
  { key: 'tokens_out', label: 'Tokens out', numeric: true, sortValue: (r) => r.tokens_out, render: (r) => formatTokens(r.tokens_out) },
  { key: 'total_cost_usd', label: 'Cost', numeric: true, sortValue: (r) => r.total_cost_usd, render: (r) => formatUsd(r.total_cost_usd) },
];

/** LLM cost by provider and model, sortable by any column, with each row's share of the total. */
export function CostTable({ rows }: { rows: CostBreakdownRow[] }) {
  if (rows.length === 0) return <p className="muted">No LLM usage in this range.</p>;
  const total = rows.reduce((sum, row) => sum + row.total_cost_usd, 0);
  return (
    <SortableTable rows={rows} columns={COLUMNS} rowKey={(r) => `${r.provider}/${r.model}`} label="LLM cost by model" testId="cost-table"
      initialSort={{ key: 'total_cost_usd', descending: true }}
      extra={{ label: 'Share', render: (r) => formatRate(total > 0 ? r.total_cost_usd / total : null) }} />
  );
}
