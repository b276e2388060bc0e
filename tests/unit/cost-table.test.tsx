// @vitest-environment jsdom
// The cost table sorts by any column and shows each model's share; the fetcher turns failures
// into errors that carry the status and the server's own message.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CostTable } from '../../components/CostTable';
import { ApiError, fetchJson } from '../../lib/swr/fetcher';
import { isCampaignsResponse, isDashboardResponse, isWorkspacesResponse } from '../../lib/swr/guards';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const rows = [
  { provider: 'openai', model: 'gpt-4.1', total_cost_usd: 30, tokens_in: 1_500_000, tokens_out: 200_000, call_count: 40 },
  { provider: 'anthropic', model: 'claude-sonnet-4', total_cost_usd: 60, tokens_in: 900_000, tokens_out: 100_000, call_count: 25 },
  { provider: 'google', model: 'gemini-2.0-flash', total_cost_usd: 10, tokens_in: 400_000, tokens_out: 50_000, call_count: 120 },
];
const models = () => within(screen.getByTestId('cost-table')).getAllByRole('row').slice(1).map((row) => row.children[1]?.textContent);

describe('CostTable', () => {
  it('starts with the costliest model, shows shares and tokens for people, and sorts on click', () => {
    render(<CostTable rows={rows} />);
    expect(models()).toEqual(['claude-sonnet-4', 'gpt-4.1', 'gemini-2.0-flash']);
    const first = within(screen.getByTestId('cost-table')).getAllByRole('row')[1];
    expect(first?.textContent).toContain('$60.00');
    expect(first?.textContent).toContain('60.0\u00a0%');
    expect(first?.textContent).toContain('900K');

    fireEvent.click(screen.getByRole('button', { name: /Calls/ }));
    expect(models()).toEqual(['gemini-2.0-flash', 'gpt-4.1', 'claude-sonnet-4']);
    expect(screen.getByRole('columnheader', { name: /Calls/ }).getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(screen.getByRole('button', { name: /Calls/ }));
    expect(models()).toEqual(['claude-sonnet-4', 'gpt-4.1', 'gemini-2.0-flash']);
    fireEvent.click(screen.getByRole('button', { name: /Model/ }));
    expect(models()).toEqual(['claude-sonnet-4', 'gemini-2.0-flash', 'gpt-4.1']);
  });

  it('says so when there was no LLM usage', () => {
    render(<CostTable rows={[]} />);
    expect(screen.getByText('No LLM usage in this range.')).toBeTruthy();
  });
});

describe('fetchJson', () => {
  const hasSends = (value: unknown): value is { sends: number } => typeof value === 'object' && value !== null && typeof (value as { sends?: unknown }).sends === 'number';
  const respond = (status: number, body: unknown) =>
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(body), { status })));

  it('returns the parsed body', async () => {
    respond(200, { sends: 3 });
    await expect(fetchJson('/x', hasSends)).resolves.toEqual({ sends: 3 });
  });

  it('throws the status and the server\'s message on failure', async () => {
    respond(400, { error: 'Invalid from: from must be a date', issues: [] });
    const error = await fetchJson('/x', hasSends).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, message: 'Invalid from: from must be a date' });
  });

  it('refuses an answer that breaks the contract', async () => {
    respond(200, { sends: 'many' });
    await expect(fetchJson('/x', hasSends)).rejects.toMatchObject({ status: 200, message: expect.stringMatching(/unexpected format/) });
  });
});

describe('the browser\'s shape checks (the server validated the whole answer with zod)', () => {
  const aggregate = {
    workspace_id: 'w', from: '2025-01-01', to: '2025-01-07', interval: 'day', summary: {}, timeseries: [], sequence: [], cost_breakdown: [], freshness: [],
  };
  it('accept the answers the hooks draw', () => {
    expect(isDashboardResponse(aggregate)).toBe(true);
    expect(isCampaignsResponse({ workspace_id: 'w', from: 'a', to: 'b', campaigns: [], unattributed: {}, freshness: [] })).toBe(true);
    expect(isWorkspacesResponse({ workspaces: [] })).toBe(true);
  });
  it('refuse anything else: an error body, a missing list, a list where an object belongs', () => {
    expect(isDashboardResponse({ error: 'Internal error.' })).toBe(false);
    expect(isDashboardResponse({ ...aggregate, timeseries: undefined })).toBe(false);
    expect(isDashboardResponse({ ...aggregate, summary: [] })).toBe(false);
    expect(isDashboardResponse(null)).toBe(false);
    expect(isCampaignsResponse({ ...aggregate })).toBe(false);
    expect(isWorkspacesResponse([])).toBe(false);
  });
});
