// The HTTP request of one notification. Webhooks: the payload as JSON, signed per Standard Webhooks
// (webhook-id = the outbox row's message id, the same on every retry; webhook-timestamp; webhook-
// signature v1,<base64 HMAC-SHA256> by the `standardwebhooks` package). Slack: {text, blocks}.
import { Webhook } from 'standardwebhooks';
import { describeNotification } from './describe';
import type { ClaimedDelivery } from './schema';

export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The dashboard filtered to what the notification is about: absolute with SITE_URL, else a path. */
export function dashboardUrl(path: string, siteUrl: string | undefined): string {
  return siteUrl ? new URL(path, siteUrl).toString() : path;
}

export function webhookRequest(delivery: ClaimedDelivery, siteUrl: string | undefined, now: Date = new Date()): OutgoingRequest {
  const secret = delivery.channel.secret;
  if (!secret) throw new Error('a webhook channel without its signing secret');
  const body = JSON.stringify({
    ...delivery.payload,
    dashboard_url: dashboardUrl(delivery.payload.dashboard_path, siteUrl),
    summary: describeNotification(delivery.payload),
  });
  const signature = new Webhook(secret).sign(delivery.message_id, now, body);
  return {
    url: delivery.channel.url,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'campaign-analytics-alerts/1',
      'webhook-id': delivery.message_id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    },
    body,
  };
}

/** Slack's mrkdwn needs &, < and > escaped in text. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackRequest(delivery: ClaimedDelivery, siteUrl: string | undefined): OutgoingRequest {
  const text = describeNotification(delivery.payload);
  const link = siteUrl ? dashboardUrl(delivery.payload.dashboard_path, siteUrl) : null;
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: slackEscape(text) } }];
  if (link) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${link}|Open the dashboard>` }] });
  return {
    url: delivery.channel.url,
    headers: { 'content-type': 'application/json', 'user-agent': 'campaign-analytics-alerts/1' },
    body: JSON.stringify({ text, blocks }),
  };
}

/** Retry-After in seconds (delta-seconds or an HTTP date), capped at a day; undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const seconds = /^\s*\d+\s*$/.test(header) ? Number(header) : (Date.parse(header) - now) / 1000;
  if (!Number.isFinite(seconds)) return undefined;
  return Math.min(86_400, Math.max(0, Math.ceil(seconds)));
}
