// Evaluating the alert rules right after a refresh, in the same tick: every rule after a refresh that
// ran, only the operators' (stale_views) after one that failed or was skipped. The SQL function does
// the work in one transaction; a failed evaluation is logged and never turns the refresh's answer
// into a failure.
import type { DatabaseStore } from '../db/store';
import { env, isDevelopmentServer, type Env } from '../env';
import { logEvent } from '../log';
import type { DeliveryOptions } from './deliver';
import { evaluationSchema, type Evaluation } from './schema';

export type EvaluationScope = 'all' | 'operators';

export async function evaluateAlerts(store: DatabaseStore, scope: EvaluationScope = 'all', now?: Date): Promise<Evaluation> {
  const result = evaluationSchema.parse(await store.callValue('alerts_evaluate', { p_scope: scope, p_now: now ? now.toISOString() : null }));
  if (result.status === 'evaluated' && result.fired + result.resolved + result.reminded > 0) {
    logEvent('info', 'alerts_evaluated', { ...result });
  }
  return result;
}

/** evaluateAlerts for the refresh's callers: null (and one error line) when it failed. */
export async function evaluateAfterRefresh(store: DatabaseStore, scope: EvaluationScope): Promise<Evaluation | null> {
  try {
    return await evaluateAlerts(store, scope);
  } catch (error) {
    logEvent('error', 'alerts_evaluation_failed', { scope, cause: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

/** How this process delivers: its SITE_URL for links, and whether private addresses are allowed. */
export function deliveryOptions(config: Env = env(), overrides: Partial<DeliveryOptions> = {}): DeliveryOptions {
  return { siteUrl: config.SITE_URL ?? config.NEXT_PUBLIC_SITE_URL, allowPrivate: config.ALERTS_ALLOW_PRIVATE_URLS || isDevelopmentServer(), ...overrides };
}
