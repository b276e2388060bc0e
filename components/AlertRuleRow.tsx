import { describeCondition, formatInstant, formatMetricValue } from '@/lib/alerts/describe';
import type { AlertRule } from '@/lib/alerts/schema';

const STATE_LABEL = { ok: 'OK', pending: 'Pending', firing: 'Firing' } as const;

/** One rule: its condition, state and value, when it last fired and resolved, and its latest deliveries. */
export function AlertRuleRow({ rule, channelName, onEdit, onRemove }: {
  rule: AlertRule; channelName: string; onEdit?: () => void; onRemove?: () => void;
}) {
  return (
    <li className="alert-rule" data-testid="alert-rule" data-state={rule.state}>
      <div className="alert-rule-head">
        <span className={`alert-state alert-state-${rule.state}`} data-testid="alert-rule-state">{STATE_LABEL[rule.state]}</span>
        <strong data-testid="alert-rule-condition">{describeCondition(rule)}</strong>
        <span className="muted">now {formatMetricValue(rule.metric, rule.value)}{rule.sends !== null ? ` of ${rule.sends} sends` : ''} → {channelName}</span>
        {onEdit ? <button type="button" className="link-button" onClick={onEdit} data-testid="alert-rule-edit">edit</button> : null}
        {onRemove ? <button type="button" className="link-button" onClick={onRemove} data-testid="alert-rule-remove">delete</button> : null}
      </div>
      <div className="muted alert-history">
        {rule.since ? <>since {formatInstant(rule.since)} · </> : null}
        last fired {rule.last_fired_at ? formatInstant(rule.last_fired_at) : 'never'} · last resolved {rule.last_resolved_at ? formatInstant(rule.last_resolved_at) : 'never'}
        {rule.for > 1 || rule.resolve_after > 1 ? ` · fires after ${rule.for}, resolves after ${rule.resolve_after} evaluations` : ''}
      </div>
      {rule.deliveries.length > 0 ? (
        <ul className="alert-deliveries" aria-label="Latest deliveries">
          {rule.deliveries.map((d) => (
            <li key={d.id} data-testid="alert-delivery" data-status={d.status}>
              {d.type.replace('alert.', '')} {formatInstant(d.created_at)}: <span className={d.status === 'failed' ? 'refresh-failed' : undefined}>{d.status}</span>
              {d.attempts > 1 ? ` after ${d.attempts} attempts` : ''}{d.error && d.status !== 'sent' ? ` (${d.error})` : ''}
              {d.status === 'retrying' && d.next_attempt_at ? `, next try ${formatInstant(d.next_attempt_at)}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}
