// Managing a workspace's alerts as a reader of the API: members read its rules and channels (viewers
// without channel URLs), admins change them. The SQL functions check the membership in the same call
// as the read or write (a non-member gets the same 404 as a missing workspace, a viewer a 403). A new
// webhook channel's signing secret is made here and shown once.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Reader } from '../auth/access';
import type { DatabaseStore } from '../db/store';
import { callAs, throwIfRefused } from '../dashboard/read';
import { badRequest, HttpError } from '../http/errors';
import { deliverDue, type DeliveryOptions } from './deliver';
import { checkDestination, DestinationRefused } from './destination';
import {
  alertsResponseSchema, channelCreatedSchema, channelSchema, channelTestResponseSchema, ruleResponseSchema,
  type AlertsResponse, type ChannelCreated, type ChannelInput, type ChannelTestResponse, type RuleInput, type RuleResponse,
} from './schema';

export type AlertAction = 'rule_add' | 'rule_update' | 'rule_remove' | 'channel_add' | 'channel_remove' | 'channel_enable' | 'channel_test';

/** A Standard Webhooks signing secret: whsec_ and 24 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export async function readAlerts(store: DatabaseStore, reader: Reader, workspaceId: string): Promise<AlertsResponse> {
  const value = await callAs(store, reader, 'alerts_list', reader.kind === 'open' ? { p_workspace_id: workspaceId, p_with_urls: true } : { p_workspace_id: workspaceId });
  throwIfRefused(value);
  return alertsResponseSchema.parse(value);
}

const refusalSchema = z.object({ error: z.enum(['not_found', 'forbidden', 'missing', 'in_use', 'invalid']), message: z.string().optional(), rules: z.number().optional() });

/** One change as `reader` (admins only); the SQL function's answer, or the HTTP error its refusal means. */
async function change(store: DatabaseStore, reader: Reader, workspaceId: string, action: AlertAction, target: string | null, body: Record<string, unknown> = {}): Promise<unknown> {
  if (reader.kind === 'open') {
    throw new HttpError(403, 'Changing alerts from the API needs sign-in (DASHBOARD_AUTH is off); use npm run alerts.');
  }
  const value = await store.callValue('alerts_change_for_member', {
    p_user_id: reader.userId, p_workspace_id: workspaceId, p_action: action, p_target: target, p_body: JSON.stringify(body),
  });
  const refused = refusalSchema.safeParse(value);
  if (!refused.success) return value;
  switch (refused.data.error) {
    case 'forbidden':
      throw new HttpError(403, 'Only workspace admins can change its alerts.');
    case 'missing':
      throw new HttpError(404, 'No such rule or channel in this workspace.');
    case 'in_use':
      throw new HttpError(409, `This channel is used by ${refused.data.rules ?? 'some'} rule(s): remove or move them first.`);
    case 'invalid':
      throw badRequest([{ parameter: 'body', message: refused.data.message ?? 'the rule or channel is not valid' }]);
    default:
      throwIfRefused(value);
      return value;
  }
}

/** Adds a rule, or with ruleId changes it: the answer of the rules routes. */
export async function saveRule(store: DatabaseStore, reader: Reader, workspaceId: string, rule: RuleInput, ruleId: string | null = null): Promise<RuleResponse> {
  if (rule.metric === 'stale_views') throw badRequest([{ parameter: 'metric', message: 'stale_views is the operators\' rule: npm run alerts -- rule add --operators stale_views …' }]);
  const value = await change(store, reader, workspaceId, ruleId ? 'rule_update' : 'rule_add', ruleId, rule);
  return ruleResponseSchema.parse(value);
}

export async function removeRule(store: DatabaseStore, reader: Reader, workspaceId: string, ruleId: string): Promise<void> {
  await change(store, reader, workspaceId, 'rule_remove', ruleId);
}

/** Checks where it would send, makes its signing secret (webhooks), and returns the secret once. */
export async function addChannel(store: DatabaseStore, reader: Reader, workspaceId: string, input: ChannelInput, allowPrivate: boolean): Promise<ChannelCreated> {
  await assertDestination(input.url, allowPrivate);
  const secret = input.kind === 'webhook' ? newSigningSecret() : null;
  const value = await change(store, reader, workspaceId, 'channel_add', null, { ...input, secret });
  return channelCreatedSchema.parse({ channel: z.object({ channel: channelSchema }).parse(value).channel, secret });
}

export async function assertDestination(url: string, allowPrivate: boolean): Promise<void> {
  try {
    await checkDestination(url, { allowPrivate });
  } catch (error) {
    if (error instanceof DestinationRefused) throw badRequest([{ parameter: 'url', message: error.message }]);
    throw error;
  }
}

export async function removeChannel(store: DatabaseStore, reader: Reader, workspaceId: string, channelId: string): Promise<void> {
  await change(store, reader, workspaceId, 'channel_remove', channelId);
}

export async function enableChannel(store: DatabaseStore, reader: Reader, workspaceId: string, channelId: string): Promise<void> {
  await change(store, reader, workspaceId, 'channel_enable', channelId);
}

/** A test notification through the outbox, sent now: what happened to it. */
export async function testChannel(store: DatabaseStore, reader: Reader, workspaceId: string, channelId: string, options: DeliveryOptions): Promise<ChannelTestResponse> {
  const value = await change(store, reader, workspaceId, 'channel_test', channelId);
  const queued = z.object({ outbox_id: z.number().int(), workspace_id: z.string() }).parse(value);
  return channelTestResponseSchema.parse({ delivery: await deliverDue(store, { ...options, only: { workspaceId: queued.workspace_id, id: queued.outbox_id } }) });
}
