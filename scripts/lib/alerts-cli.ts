// The alerts CLI's reading and printing: a workspace's (or every workspace's) channels and rules, and
// what a refused change means for the exit code (2: the input was refused; 1: no such id, in use).
import { z } from 'zod';
import { describeCondition, formatMetricValue } from '../../lib/alerts/describe';
import { alertsResponseSchema, type AlertsResponse } from '../../lib/alerts/schema';
import type { DatabaseStore } from '../../lib/db/store';
import { UsageError } from './usage-error';

const refusalSchema = z.object({ error: z.enum(['missing', 'in_use', 'invalid']), message: z.string().optional(), rules: z.number().optional() });

/** Throws for a refused change: UsageError (exit 2) for input the database refuses, Error (exit 1) otherwise. */
export function refusalOf(value: unknown): void {
  const refused = refusalSchema.safeParse(value);
  if (!refused.success) return;
  if (refused.data.error === 'invalid') throw new UsageError(`refused: ${refused.data.message ?? 'invalid'}`);
  if (refused.data.error === 'in_use') throw new Error(`the channel is used by ${refused.data.rules} rule(s): remove them first`);
  throw new Error('no rule or channel has that id');
}

/** One workspace's list ('' for the operators'), or every workspace with a channel. */
export async function readList(store: DatabaseStore, workspace: string | undefined): Promise<AlertsResponse[]> {
  const ids = workspace === undefined ? z.array(z.string()).parse(await store.callValue('alerts_workspaces')) : [workspace];
  const lists: AlertsResponse[] = [];
  for (const id of ids) lists.push(alertsResponseSchema.parse(await store.callValue('alerts_list', { p_workspace_id: id, p_with_urls: true })));
  return lists;
}

export function printList(lists: AlertsResponse[]): void {
  if (lists.length === 0) console.log('No alert channels yet (npm run alerts -- channel add …).');
  for (const list of lists) {
    console.log(`${list.workspace_id ?? 'operators'}:`);
    for (const channel of list.channels) {
      const disabled = channel.disabled_at ? `  DISABLED: ${channel.disabled_reason}` : '';
      console.log(`  channel ${channel.id}  ${channel.kind.padEnd(7)}  ${channel.url_hint ?? ''}${disabled}`);
    }
    for (const rule of list.rules) {
      const last = rule.deliveries[0];
      console.log(`  rule    ${rule.id}  ${rule.state.padEnd(7)}  ${describeCondition(rule)}; now ${formatMetricValue(rule.metric, rule.value)}`
        + `${rule.since ? ` since ${rule.since}` : ''} → ${rule.channel_id}${last ? `; last delivery ${last.type} ${last.status}` : ''}`);
    }
  }
}
