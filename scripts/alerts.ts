// npm run alerts: the operators' alerts CLI, exactly as ARCHITECTURE.md's "Alerts CLI" specifies.
import { parseArgs } from 'node:util';
import { deliverDue } from '../lib/alerts/deliver';
import { deliveryOptions, evaluateAlerts } from '../lib/alerts/evaluate';
import { checkDestination, DestinationRefused } from '../lib/alerts/destination';
import { newSigningSecret } from '../lib/alerts/manage';
import { ALERT_METRICS, channelInputSchema, DEFAULT_STALE_SECONDS, ruleInputSchema, type RuleInput } from '../lib/alerts/schema';
import { parseEnv } from '../lib/env';
import { printList, readList, refusalOf } from './lib/alerts-cli';
import { runCommand, UsageError, withDatabaseStore } from './lib/cli';

const HELP = `Usage:
  npm run alerts -- channel add (<workspace>|--operators) (webhook|slack) <url> [--json]
        → the channel's id, and for a webhook its signing secret (whsec_…), shown once
  npm run alerts -- rule add (<workspace>|--operators) <metric> (--above|--below) <value> --channel <id>
        [--window 24h|7d] [--period day|month] [--min-sends N] [--campaign C] [--provider P]
        [--for N] [--resolve-after M] [--repeat-every SECONDS] [--json]
        metrics: llm_cost (USD, with --period), bounce_rate | opt_out_rate | reply_rate (fractions, 0.05 = 5 %,
        with --window), stale_views (--operators; seconds, default ${DEFAULT_STALE_SECONDS})
  npm run alerts -- evaluate           evaluates every rule now and delivers what is due (what the cron does after each refresh)
  npm run alerts -- list [<workspace>|--operators] [--json]
  npm run alerts -- remove <id>        a rule, or a channel no rule uses

Rules fire after --for N breaching evaluations in a row (default 1) and resolve after --resolve-after M
fine ones (default 1); rate rules stay quiet under --min-sends (default 100). Windows and periods are
local days of the workspace's time zone (docs/alerts.md). Uses DATABASE_URL, or the embedded dev database.
Exit codes: 0 done, 2 usage error or a rule/channel refused, 1 failed (e.g. no such id).`;

const OPTIONS = {
  operators: { type: 'boolean' }, json: { type: 'boolean' }, above: { type: 'string' }, below: { type: 'string' },
  channel: { type: 'string' }, window: { type: 'string' }, period: { type: 'string' }, 'min-sends': { type: 'string' },
  campaign: { type: 'string' }, provider: { type: 'string' }, for: { type: 'string' }, 'resolve-after': { type: 'string' },
  'repeat-every': { type: 'string' }, help: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parse>['values'];

function parse() {
  try {
    return parseArgs({ allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const whole = (name: string, value: string | undefined) => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number (got "${value}")`);
  return Number(value);
};

/** The workspace a command names: a positional, or --operators (the reserved key ''). */
function target(values: Values, positional: string | undefined): string {
  if (values.operators && positional !== undefined) throw new UsageError('give a workspace or --operators, not both');
  if (values.operators) return '';
  if (!positional) throw new UsageError('a workspace (or --operators) is required');
  return positional;
}

function ruleFrom(values: Values, metric: string | undefined, operators: boolean): RuleInput {
  if (!metric || !(ALERT_METRICS as readonly string[]).includes(metric)) throw new UsageError(`the metric must be one of ${ALERT_METRICS.join(', ')}`);
  if ((metric === 'stale_views') !== operators) {
    throw new UsageError(metric === 'stale_views' ? 'stale_views is the operators\' rule: use --operators' : `${metric} belongs to a workspace, not --operators`);
  }
  if (values.above !== undefined && values.below !== undefined) throw new UsageError('give --above or --below, not both');
  const raw = values.above ?? values.below ?? (metric === 'stale_views' ? String(DEFAULT_STALE_SECONDS) : undefined);
  if (raw === undefined) throw new UsageError('--above <value> or --below <value> is required');
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new UsageError(`the threshold must be a number (got "${raw}")`);
  if (!values.channel) throw new UsageError('--channel <id> is required (npm run alerts -- channel add … prints it)');
  const parsed = ruleInputSchema.safeParse({
    metric, direction: values.below !== undefined ? 'below' : 'above', threshold: Number(raw), channel_id: values.channel,
    window: values.window, period: values.period, min_sends: whole('min-sends', values['min-sends']), campaign: values.campaign,
    provider: values.provider, for: whole('for', values.for), resolve_after: whole('resolve-after', values['resolve-after']),
    repeat_every_seconds: whole('repeat-every', values['repeat-every']),
  });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => `${String(issue.path[0] ?? 'rule')}: ${issue.message}`).join('; '));
  return parsed.data;
}

runCommand('alerts', HELP, async () => {
  const { values, positionals } = parse();
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const [command, ...rest] = positionals;
  const [sub, ...args] = rest;
  const out = (json: unknown, text: string) => console.log(values.json ? JSON.stringify(json) : text);
  return withDatabaseStore({ requireMigrations: true }, async (store, database) => {
    const config = parseEnv({ ...process.env, DATABASE_URL: database.url });
    const change = async (workspace: string | null, action: string, id: string | null, body: Record<string, unknown> = {}) => {
      const value = await store.callValue('alerts_change', { p_workspace_id: workspace, p_action: action, p_target: id, p_body: JSON.stringify(body) });
      refusalOf(value);
      return value as Record<string, unknown>;
    };
    if (command === 'channel' && sub === 'add') {
      const [kind, url, ...extra] = values.operators ? args : args.slice(1);
      const workspace = target(values, values.operators ? undefined : args[0]);
      if (!url || extra.length > 0) throw new UsageError('channel add takes (<workspace>|--operators) (webhook|slack) <url>');
      const input = channelInputSchema.safeParse({ kind, url });
      if (!input.success) throw new UsageError(input.error.issues.map((issue) => issue.message).join('; '));
      try {
        await checkDestination(input.data.url, { allowPrivate: deliveryOptions(config).allowPrivate });
      } catch (error) {
        if (error instanceof DestinationRefused) throw new UsageError(`the URL is refused: ${error.message}`);
        throw error;
      }
      const secret = input.data.kind === 'webhook' ? newSigningSecret() : null;
      const { channel } = (await change(workspace, 'channel_add', null, { ...input.data, secret })) as { channel: { id: string; url_hint: string } };
      out({ id: channel.id, secret }, `Channel ${channel.id} (${input.data.kind} → ${channel.url_hint}) added to ${workspace || 'the operators'}.`
        + (secret ? `\nSigning secret (shown once; give it to the receiver): ${secret}` : ''));
      return 0;
    }
    if (command === 'rule' && sub === 'add') {
      const workspace = target(values, values.operators ? undefined : args[0]);
      const metric = values.operators ? args[0] : args[1];
      if (args.length !== (values.operators ? 1 : 2)) throw new UsageError('rule add takes (<workspace>|--operators) <metric> and options');
      const { rule } = (await change(workspace, 'rule_add', null, ruleFrom(values, metric, values.operators ?? false))) as { rule: { id: string } };
      out({ id: rule.id }, `Rule ${rule.id} added to ${workspace || 'the operators'}.`);
      return 0;
    }
    if (command === 'evaluate' && rest.length === 0) {
      const evaluation = await evaluateAlerts(store, 'all');
      const delivered = await deliverDue(store, deliveryOptions(config));
      out({ evaluation, delivered }, evaluation.status === 'skipped' ? `Evaluation skipped: ${evaluation.reason}.`
        : `Evaluated ${evaluation.evaluated} rule(s): ${evaluation.fired} fired, ${evaluation.resolved} resolved, ${evaluation.reminded} reminded; `
          + `delivered ${delivered.sent} of ${delivered.attempted} (${delivered.retrying} to retry, ${delivered.failed} failed, ${delivered.deferred} deferred).`);
      return 0;
    }
    if (command === 'list' && rest.length <= 1) {
      const lists = await readList(store, values.operators ? '' : rest[0]);
      if (values.json) console.log(JSON.stringify(rest[0] !== undefined || values.operators ? lists[0] : { workspaces: lists }));
      else printList(lists);
      return 0;
    }
    if (command === 'remove' && rest.length === 1) {
      const removed = (await change(null, 'remove', rest[0] ?? null)) as { removed: string; id: string };
      out(removed, `Removed ${removed.removed} ${removed.id}.`);
      return 0;
    }
    throw new UsageError(command ? `unknown command "${positionals.join(' ')}"` : 'a command is required');
  });
});
