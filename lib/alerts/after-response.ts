// Deliveries after the response: a refresh's caller (Vercel Cron, the page's "Refresh now") gets its
// answer as soon as the refresh and the evaluation are done; the notifications go out afterwards,
// through next/server's after() (on Vercel it keeps the function alive for them, within maxDuration).
import 'server-only';
import { after } from 'next/server';
import type { DatabaseStore } from '../db/store';
import { logEvent } from '../log';
import { deliverDue } from './deliver';
import { deliveryOptions } from './evaluate';

export function deliverAfterResponse(store: DatabaseStore): void {
  const task = () => deliverDue(store, deliveryOptions()).then(
    (summary) => {
      if (summary.attempted + summary.deferred > 0) logEvent('info', 'alerts_delivered', { ...summary });
    },
    (error: unknown) => logEvent('error', 'alerts_delivery_failed', { cause: error instanceof Error ? error.message : String(error) }),
  );
  try {
    after(task);
  } catch {
    // Outside a request (a route handler called in-process by the tests): delivered right away, detached.
    void task();
  }
}
