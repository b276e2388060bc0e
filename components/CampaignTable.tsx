'use client';
import type { MouseEvent } from 'react';
import { formatCount, formatRate, formatUsd } from '@/lib/dashboard/format';
import type { CampaignRow } from '@/lib/dashboard/response';
import { SortableTable, type TableColumn } from './SortableTable';

const count = (key: 'sends' | 'replies' | 'unique_contacts' | 'llm_calls', label: string): TableColumn<CampaignRow> =>
  ({ key, label, numeric: true, sortValue: (r) => r[key], render: (r) => formatCount(r[key]) });
const rate = (key: 'open_rate' | 'click_rate' | 'reply_rate' | 'bounce_rate' | 'opt_out_rate', label: string): TableColumn<CampaignRow> =>
  ({ key, label, numeric: true, sortValue: (r) => r[key], render: (r) => formatRate(r[key]) });

/**
 * Every campaign of the workspace in the range, side by side, sortable by any column. Each name
 * is a link to the page filtered to that campaign (`hrefFor`); a plain click filters in place.
 */
export function CampaignTable({ rows, hrefFor, onSelect }: {
  rows: CampaignRow[];
  hrefFor: (campaign: string) => string;
  onSelect: (campaign: string) => void;
}) {
  if (rows.length === 0) return <p className="muted">No campaign has activity in this range.</p>;
  const follow = (campaign: string) => (event: MouseEvent<HTMLAnchorElement>) => {
    // Modified clicks (new tab, new window) keep the link's own behaviour.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    onSelect(campaign);
  };
  const columns: Array<TableColumn<CampaignRow>> = [
    {
      key: 'campaign_name', label: 'Campaign', sortValue: (r) => r.campaign_name,
      render: (r) => <a href={hrefFor(r.campaign_name)} onClick={follow(r.campaign_name)} data-testid="campaign-link">{r.campaign_name}</a>,
    },
    count('sends', 'Sends'),
    rate('open_rate', 'Open rate'),
    rate('click_rate', 'Click rate'),
    rate('reply_rate', 'Reply rate'),
    rate('bounce_rate', 'Bounce rate'),
    rate('opt_out_rate', 'Opt-out rate'),
    count('unique_contacts', 'Unique contacts'),
    { key: 'total_cost_usd', label: 'LLM cost', numeric: true, sortValue: (r) => r.total_cost_usd, render: (r) => formatUsd(r.total_cost_usd) },
    { key: 'cost_per_reply', label: 'Cost per reply', numeric: true, sortValue: (r) => r.cost_per_reply, render: (r) => formatUsd(r.cost_per_reply) },
  ];
  return (
    <SortableTable rows={rows} columns={columns} rowKey={(r) => r.campaign_name} label="Campaigns side by side" testId="campaign-table"
      initialSort={{ key: 'sends', descending: true }} />
  );
}
