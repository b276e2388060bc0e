'use client';
import { useEffect, useState } from 'react';
import { RELATIVE_RANGES, rangeProblem } from '@/lib/dashboard/days';
import { INTERVALS, withInterval, withRelativeRange } from '@/lib/dashboard/filters';
import type { DashboardQuery } from '@/lib/dashboard/query';
import type { WorkspacesResponse } from '@/lib/dashboard/response';

interface Props {
  query: DashboardQuery;
  workspaces: WorkspacesResponse['workspaces'];
  onChange: (query: DashboardQuery) => void;
}

/** Workspace, campaign, date range and bucket size: every control a native, labelled, keyboard-reachable one. */
export function FilterBar({ query, workspaces, onChange }: Props) {
  const workspace = workspaces.find((w) => w.workspace_id === query.workspace_id);
  const [from, setFrom] = useState(query.from);
  const [to, setTo] = useState(query.to);
  useEffect(() => {
    setFrom(query.from);
    setTo(query.to);
  }, [query.from, query.to]);
  const customProblem = !from || !to ? 'Pick both dates.' : rangeProblem(from, to);

  return (
    <form className="filters" aria-label="Filters" onSubmit={(event) => {
      event.preventDefault();
      if (!customProblem) onChange({ ...query, from, to, range: null });
    }}>
      <label>
        <span>Workspace</span>
        <select value={query.workspace_id} data-testid="filter-workspace"
          onChange={(event) => onChange({ ...query, workspace_id: event.target.value, campaign: null })}>
          {workspaces.map((w) => <option key={w.workspace_id} value={w.workspace_id}>{w.workspace_id}</option>)}
        </select>
      </label>
      <label>
        <span>Campaign</span>
        <select value={query.campaign ?? ''} data-testid="filter-campaign"
          onChange={(event) => onChange({ ...query, campaign: event.target.value === '' ? null : event.target.value })}>
          <option value="">All campaigns</option>
          {(workspace?.campaigns ?? []).map((c) => <option key={c.campaign_name} value={c.campaign_name}>{c.campaign_name}</option>)}
        </select>
      </label>
      <div className="presets" role="group" aria-label="Date range presets">
        {RELATIVE_RANGES.map((preset) => (
          <button key={preset.id} type="button" aria-pressed={query.range === preset.id} data-testid={`preset-${preset.id}`}
            title={preset.title} onClick={() => onChange(withRelativeRange(query, preset.id, workspace?.time_zone ?? 'UTC'))}>
            {preset.label}
          </button>
        ))}
      </div>
      <div className="presets" role="group" aria-label="Points per">
        {INTERVALS.map((interval) => (
          <button key={interval.id} type="button" aria-pressed={query.interval === interval.id} data-testid={`interval-${interval.id}`}
            title={interval.title} onClick={() => onChange(withInterval(query, interval.id))}>
            {interval.label}
          </button>
        ))}
      </div>
      <div className="custom-range">
        <label><span>From</span><input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} data-testid="filter-from" /></label>
        <label><span>To</span><input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} data-testid="filter-to" /></label>
        <button type="submit" disabled={customProblem !== null || (query.range === null && from === query.from && to === query.to)} title={customProblem ?? undefined}>Apply</button>
      </div>
    </form>
  );
}
