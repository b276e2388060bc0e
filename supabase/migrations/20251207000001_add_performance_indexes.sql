-- Performance indexes on the raw tables. They serve the raw (rollback/benchmark) dashboard path,
-- the spec's before/after range counts and the producers' own look-ups. Each says which query it serves.

-- Raw dashboard path: one workspace over a date range (summary, timeseries, sequence).
create index if not exists email_events_workspace_ts_idx
  on public.email_events (workspace_id, event_ts);
comment on index public.email_events_workspace_ts_idx is 'raw dashboard: workspace + date range';

-- Raw dashboard path filtered to one campaign.
create index if not exists email_events_workspace_campaign_ts_idx
  on public.email_events (workspace_id, campaign_name, event_ts);
comment on index public.email_events_workspace_campaign_ts_idx is 'raw dashboard: workspace + campaign + date range';

-- The spec's "before" query: COUNT(*) over an event_ts range across all workspaces.
create index if not exists email_events_event_ts_idx
  on public.email_events (event_ts);
comment on index public.email_events_event_ts_idx is 'range counts over all workspaces (spec Testing section)';

-- Contact timelines (a contact's events in order): funnel look-ups and unique-contact checks.
create index if not exists email_events_workspace_contact_ts_idx
  on public.email_events (workspace_id, contact_email, event_ts);
comment on index public.email_events_workspace_contact_ts_idx is 'contact timeline / distinct contacts per workspace';

-- Replies are the scarce, most-read event: a small partial index for reply feeds.
create index if not exists email_events_replies_idx
  on public.email_events (workspace_id, event_ts) where event_type = 'replied';
comment on index public.email_events_replies_idx is 'reply feeds and reply counts per workspace';

-- Sequence-step look-ups (sends of step N of a campaign).
create index if not exists email_events_campaign_step_idx
  on public.email_events (workspace_id, campaign_name, email_number) where email_number is not null;
comment on index public.email_events_campaign_step_idx is 'per-step sequence sends of one campaign';

-- Raw cost path: one workspace over a date range.
create index if not exists llm_usage_workspace_created_idx
  on public.llm_usage (workspace_id, created_at);
comment on index public.llm_usage_workspace_created_idx is 'raw cost: workspace + date range';

-- Raw cost path filtered to one campaign.
create index if not exists llm_usage_workspace_campaign_created_idx
  on public.llm_usage (workspace_id, campaign_name, created_at);
comment on index public.llm_usage_workspace_campaign_created_idx is 'raw cost: workspace + campaign + date range';

-- Cost by provider/model over time across workspaces (billing reconciliation).
create index if not exists llm_usage_provider_model_created_idx
  on public.llm_usage (provider, model, created_at);
comment on index public.llm_usage_provider_model_created_idx is 'cost by provider/model over time';

-- Legacy daily_stats readers: a workspace over a date range.
create index if not exists daily_stats_workspace_day_idx
  on public.daily_stats (workspace_id, day);
comment on index public.daily_stats_workspace_day_idx is 'legacy daily_stats: workspace + date range';

-- Legacy daily_stats readers: one campaign over a date range across workspaces.
create index if not exists daily_stats_campaign_day_idx
  on public.daily_stats (campaign_name, day);
comment on index public.daily_stats_campaign_day_idx is 'legacy daily_stats: campaign + date range';
