// Delivering the outbox: after the evaluation has committed, the due notifications are leased, sent
// one by one with a bounded timeout each and a bounded time for the whole tick, and each attempt is
// recorded (sent, retried later with backoff, 429 after its Retry-After, 410 or 5 failures in a row
// disabling the channel). A notification not sent now stays in the outbox for the next tick: nothing
// is lost when a receiver is down, and nothing is sent twice at once (the lease).
import type { DatabaseStore } from '../db/store';
import { logEvent } from '../log';
import { checkDestination, DestinationRefused } from './destination';
import { retryAfterSeconds, slackRequest, webhookRequest } from './messages';
import { claimedSchema, type ClaimedDelivery, type DeliverySummary } from './schema';
import { z } from 'zod';

export type { DeliverySummary } from './schema';

export interface DeliveryOptions {
  siteUrl?: string;
  allowPrivate: boolean;
  /** The whole tick's time for deliveries (default 10 s): a slow receiver never holds a refresh. */
  budgetMs?: number;
  /** One request's time (default 5 s). */
  timeoutMs?: number;
  /** Only this notification (a test notification sent at once). */
  only?: { workspaceId: string; id: number };
}

export type Outcome = 'sent' | 'failed' | 'rate_limited' | 'gone';
export interface Attempt { outcome: Outcome; httpStatus?: number; error?: string; retryAfter?: number }

const BATCH = 10;
const recordSchema = z.object({ status: z.string(), channel_disabled: z.string().nullable().optional() });

/** One POST; never throws. Errors name the cause (timeout, refused, HTTP status), never the URL. */
export async function attemptDelivery(delivery: ClaimedDelivery, options: DeliveryOptions): Promise<Attempt> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  try {
    await checkDestination(delivery.channel.url, { allowPrivate: options.allowPrivate });
    const request = delivery.channel.kind === 'webhook' ? webhookRequest(delivery, options.siteUrl) : slackRequest(delivery, options.siteUrl);
    // No redirects: a receiver must not bounce the request to an address the check above refused.
    const response = await fetch(request.url, {
      method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel().catch(() => {});
    const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
    if (response.status >= 200 && response.status < 300) return { outcome: 'sent', httpStatus: response.status };
    if (response.status === 410) return { outcome: 'gone', httpStatus: 410, error: 'HTTP 410 Gone' };
    if (response.status === 429) return { outcome: 'rate_limited', httpStatus: 429, error: 'HTTP 429 Too Many Requests', retryAfter };
    return { outcome: 'failed', httpStatus: response.status, error: `HTTP ${response.status}`, retryAfter };
  } catch (error) {
    if (error instanceof DestinationRefused) return { outcome: 'failed', error: `refused: ${error.message}` };
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') return { outcome: 'failed', error: `no answer within ${timeoutMs / 1000} s` };
    const cause = (error as { cause?: { code?: unknown; errors?: Array<{ code?: unknown }> } }).cause;
    const code = cause?.code ?? cause?.errors?.[0]?.code;
    return { outcome: 'failed', error: `network error${typeof code === 'string' ? ` (${code})` : ''}` };
  }
}

/** Sends what is due now, within the tick's budget. */
export async function deliverDue(store: DatabaseStore, options: DeliveryOptions): Promise<DeliverySummary> {
  const budgetMs = options.budgetMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const deadline = Date.now() + budgetMs;
  const summary: DeliverySummary = { attempted: 0, sent: 0, retrying: 0, failed: 0, deferred: 0 };
  // A channel disabled during this tick: the rest of its batch was marked failed with it, never sent.
  const disabled = new Set<string>();
  while (Date.now() < deadline) {
    const claimed = z.array(claimedSchema).parse(await store.callValue('alerts_claim_deliveries', {
      p_limit: BATCH,
      // Long enough for the whole batch, so no other deliverer takes a row while this one sends it.
      p_lease_seconds: Math.ceil((BATCH * timeoutMs + budgetMs) / 1000),
      p_workspace_id: options.only?.workspaceId ?? null,
      p_id: options.only?.id ?? null,
    }));
    if (claimed.length === 0) break;
    for (const delivery of claimed) {
      if (disabled.has(delivery.channel.id)) continue;
      if (Date.now() >= deadline) {
        await store.callValue('alerts_record_delivery', { p_workspace_id: delivery.workspace_id, p_id: delivery.id, p_outcome: 'deferred' });
        summary.deferred++;
        continue;
      }
      const attempt = await attemptDelivery(delivery, { ...options, timeoutMs });
      const recorded = recordSchema.parse(await store.callValue('alerts_record_delivery', {
        p_workspace_id: delivery.workspace_id, p_id: delivery.id, p_outcome: attempt.outcome,
        p_http_status: attempt.httpStatus ?? null, p_error: attempt.error ?? null, p_retry_after_seconds: attempt.retryAfter ?? null,
      }));
      summary.attempted++;
      if (recorded.channel_disabled) disabled.add(delivery.channel.id);
      if (recorded.status === 'sent') summary.sent++;
      else if (recorded.status === 'pending') summary.retrying++;
      else summary.failed++;
      logEvent(attempt.outcome === 'sent' ? 'info' : 'warn', 'alert_delivery', {
        message_id: delivery.message_id, type: delivery.event_type, workspace_id: delivery.workspace_id || null, channel_id: delivery.channel.id,
        kind: delivery.channel.kind, outcome: attempt.outcome, http_status: attempt.httpStatus ?? null, error: attempt.error ?? null,
        attempt: delivery.attempts + 1, status: recorded.status, ...(recorded.channel_disabled ? { channel_disabled: recorded.channel_disabled } : {}),
      });
    }
    if (options.only) break;
  }
  return summary;
}
