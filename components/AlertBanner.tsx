import { describeCondition, formatInstant, formatMetricValue } from '@/lib/alerts/describe';
import type { AlertRule } from '@/lib/alerts/schema';

/** The workspace's firing alerts, above everything else on the dashboard. */
export function AlertBanner({ rules }: { rules: AlertRule[] }) {
  const firing = rules.filter((rule) => rule.state === 'firing');
  if (firing.length === 0) return null;
  return (
    <div className="banner alert-banner" role="alert" data-testid="alert-banner">
      <div>
        <strong>{firing.length === 1 ? 'An alert is firing' : `${firing.length} alerts are firing`}</strong>
        <ul>
          {firing.map((rule) => (
            <li key={rule.id} data-testid="alert-banner-rule">
              {describeCondition(rule)}: now {formatMetricValue(rule.metric, rule.value)}, since {formatInstant(rule.since)}
            </li>
          ))}
        </ul>
      </div>
      <a className="button" href="#alerts">Alerts</a>
    </div>
  );
}
