// The alerts' part of a refresh tick for the command-line callers (npm run refresh, the dev launcher's
// periodic refresh), which wait for their deliveries: evaluate (every rule after a refresh, the
// operators' stale_views after one that failed or was skipped), then deliver what is due.
import type { DatabaseStore } from '../db/store';
import { logEvent } from '../log';
import { deliverDue, type DeliveryOptions, type DeliverySummary } from './deliver';
import { evaluateAfterRefresh } from './evaluate';
import type { Evaluation } from './schema';

export interface AlertsTick { evaluation: Evaluation | null; delivered: DeliverySummary | null }

export async function alertsTick(store: DatabaseStore, refreshed: boolean, options: DeliveryOptions): Promise<AlertsTick> {
  const evaluation = await evaluateAfterRefresh(store, refreshed ? 'all' : 'operators');
  let delivered: DeliverySummary | null = null;
  try {
    delivered = await deliverDue(store, options);
  } catch (error) {
    logEvent('error', 'alerts_delivery_failed', { cause: error instanceof Error ? error.message : String(error) });
  }
  return { evaluation, delivered };
}

/** One line for a terminal: what the tick's alerts did. */
export function describeTick(tick: AlertsTick): string {
  const { evaluation, delivered } = tick;
  const evaluated = evaluation === null ? 'evaluation failed (see the log line)'
    : evaluation.status === 'skipped' ? `evaluation skipped (${evaluation.reason})`
    : `${evaluation.evaluated} rule(s) evaluated (${evaluation.scope}): ${evaluation.fired} fired, ${evaluation.resolved} resolved`;
  const sent = delivered === null ? 'delivery failed' : `${delivered.sent} of ${delivered.attempted} notification(s) delivered`
    + (delivered.retrying + delivered.deferred > 0 ? `, ${delivered.retrying + delivered.deferred} left for the next tick` : '');
  return `alerts: ${evaluated}; ${sent}`;
}
