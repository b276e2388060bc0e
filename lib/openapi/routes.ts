// Every route of the HTTP API (every route.ts under app/api), as the OpenAPI document describes it:
// its parameters, body and answers are the zod schemas the route itself parses and answers with, so
// the document (lib/openapi/document.ts) is generated, never written. tests/unit/openapi.test.ts
// checks this list against the route files, and tests/integration/openapi-contract.test.ts real
// answers against the document.
import { z } from 'zod';
import { memberRefreshAnswerSchema, workspaceQuerySchema } from '../admin/member-refresh';
import { freshnessReportSchema, operatorRefreshAnswerSchema } from '../admin/refresh-service';
import { idParamsSchema } from '../alerts/http';
import {
  alertsResponseSchema, channelCreatedSchema, channelInputSchema, channelSchema, channelTestResponseSchema, deliverySchema, deliverySummarySchema,
  evaluationSchema, ruleInputSchema, ruleResponseSchema, ruleSchema,
} from '../alerts/schema';
import { campaignsQuerySchema, dashboardQuerySchema } from '../dashboard/query';
import {
  campaignsResponseSchema, dashboardResponseSchema, freshnessRowSchema, summarySchema, timeZonesResponseSchema, workspaceTimeZoneSchema, workspacesResponseSchema,
} from '../dashboard/response';
import { timeZoneBodySchema } from '../dashboard/time-zones';
import { errorBodySchema } from '../http/errors';
import { freshnessQuerySchema, refreshBusySchema } from '../http/refresh';
import { viewAgeSchema, viewFreshnessSchema } from '../admin/views';
import { openApiDocumentSchema } from './document-schema';

/** A schema published under components.schemas with this name. */
export interface Component {
  name: string;
  schema: z.ZodType;
}

const component = (name: string, schema: z.ZodType): Component => ({ name, schema });

/**
 * The answers' schemas that get a name (the others are inlined where they are used). A schema nested
 * in another one that has a name here is referenced, not repeated.
 */
export const OUTPUT = {
  error: component('Error', errorBodySchema),
  dashboard: component('DashboardResponse', dashboardResponseSchema),
  summary: component('Summary', summarySchema),
  answerFreshness: component('AnswerFreshness', freshnessRowSchema),
  campaigns: component('CampaignsResponse', campaignsResponseSchema),
  workspaces: component('WorkspacesResponse', workspacesResponseSchema),
  workspaceTimeZone: component('WorkspaceTimeZone', workspaceTimeZoneSchema),
  timeZones: component('TimeZonesResponse', timeZonesResponseSchema),
  alerts: component('AlertsResponse', alertsResponseSchema),
  rule: component('AlertRule', ruleSchema),
  channel: component('AlertChannel', channelSchema),
  delivery: component('AlertDelivery', deliverySchema),
  ruleResponse: component('AlertRuleResponse', ruleResponseSchema),
  channelCreated: component('AlertChannelCreated', channelCreatedSchema),
  channelTest: component('AlertChannelTestResponse', channelTestResponseSchema),
  deliverySummary: component('DeliverySummary', deliverySummarySchema),
  memberRefresh: component('MemberRefreshAnswer', memberRefreshAnswerSchema),
  operatorRefresh: component('OperatorRefreshAnswer', operatorRefreshAnswerSchema),
  evaluation: component('AlertsEvaluation', evaluationSchema),
  refreshBusy: component('RefreshBusy', refreshBusySchema),
  freshnessReport: component('FreshnessReport', freshnessReportSchema),
  viewAge: component('ViewAge', viewAgeSchema),
  viewFreshness: component('ViewFreshness', viewFreshnessSchema),
  // GET /api/admin/refresh-views answers either, depending on the credentials (see its description).
  refreshViewsGet: component('RefreshViewsGetAnswer', z.union([freshnessReportSchema, operatorRefreshAnswerSchema])),
  refreshViewsUnavailable: component('RefreshViewsUnavailable', z.union([errorBodySchema, freshnessReportSchema])),
  openApi: component('OpenApiDocument', openApiDocumentSchema),
} as const;

/** Request bodies: described as the routes accept them (zod's input side). */
export const INPUT = {
  timeZone: component('TimeZoneInput', timeZoneBodySchema),
  rule: component('AlertRuleInput', ruleInputSchema),
  channel: component('AlertChannelInput', channelInputSchema),
} as const;

export type SecurityScheme = 'accessToken' | 'sessionCookie' | 'refreshToken' | 'cronSecret';
export type ResponseHeader = 'ETag' | 'Cache-Control' | 'Retry-After' | 'WWW-Authenticate';

export interface ApiResponse {
  description: string;
  /** The JSON body; none for 204 and 304. */
  body?: Component;
  headers?: ResponseHeader[];
}

export interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'delete';
  /** As OpenAPI writes it: /api/dashboard/alerts/rules/{id} for app/api/dashboard/alerts/rules/[id]. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** Alternatives, any one of which is enough; [] for a public route. */
  security: Array<Partial<Record<SecurityScheme, []>>>;
  query?: z.ZodObject;
  params?: z.ZodObject;
  /** The route answers If-None-Match with a 304 when its ETag still matches. */
  conditional?: true;
  body?: Component;
  responses: Record<number, ApiResponse>;
}

const MEMBER = [{ accessToken: [] }, { sessionCookie: [] }] satisfies ApiRoute['security'];
const OPERATOR = [{ refreshToken: [] }, { cronSecret: [] }] satisfies ApiRoute['security'];

const fail = (description: string, headers: ResponseHeader[] = []): ApiResponse => ({ description, body: OUTPUT.error, headers });
const BAD_REQUEST = (what: string) => fail(`${what}: \`issues\` names each bad parameter or field ({parameter, message}). Never a 500 for bad input.`);
const UNAUTHORIZED = fail('Signed out, an invalid or expired access token, or (where the server requires it) a session without multi-factor authentication.',
  ['WWW-Authenticate', 'Cache-Control']);
const NOT_FOUND = fail('No such workspace, or the caller is not a member of it: the same answer for both.');
const NOT_FOUND_ITEM = fail('No such workspace, or the caller is not a member of it; or no such rule or channel in it.');
const CROSS_SITE_OR_NOT_ADMIN = (what: string) =>
  fail(`The caller is a viewer (${what} is for the workspace's admins), the request came from another site (cookie sessions only), or the server runs without sign-in.`, ['Cache-Control']);
const UNAVAILABLE = fail('The database cannot answer or is out of step with the app (`schema` names the missing migration and the command), '
  + 'sign-in cannot be checked right now, or the server is misconfigured. Retry-After says when to ask again where waiting helps.', ['Retry-After']);
/** What every change of alerts may answer besides its own: signed out, not an admin (or cross-site), the database. */
const ALERT_WRITE = { 401: UNAUTHORIZED, 403: CROSS_SITE_OR_NOT_ADMIN('changing alerts'), 503: UNAVAILABLE } as const;

const dashboardAnswer = (body: Component, what: string): Record<number, ApiResponse> => ({
  200: { description: what, body, headers: ['ETag', 'Cache-Control'] },
  304: { description: 'The answer the client holds (If-None-Match) is still current: no body.', headers: ['ETag', 'Cache-Control'] },
  400: BAD_REQUEST('An unknown, repeated or malformed parameter, from after to, a span over 366 days, or a missing workspace_id'),
  401: UNAUTHORIZED,
  403: fail('source=raw asked by a viewer (raw reads are for workspace admins); `issues` names source.'),
  404: NOT_FOUND,
  503: UNAVAILABLE,
});

export const API_ROUTES: ApiRoute[] = [
  {
    method: 'get', path: '/api/dashboard/aggregate', operationId: 'getDashboard', tag: 'Dashboard',
    summary: 'The dashboard of one workspace over a range of its local days',
    description: 'Totals, rates, a zero-filled timeseries, sequence steps, LLM cost and the views\' freshness, computed in Postgres. '
      + 'Days are local to the workspace\'s time zone (time_zone). Default range: the 30 days ending today there.',
    security: MEMBER, query: dashboardQuerySchema, conditional: true,
    responses: dashboardAnswer(OUTPUT.dashboard, 'The dashboard. Extra fields may be added; none is renamed or removed.'),
  },
  {
    method: 'get', path: '/api/dashboard/campaigns', operationId: 'getCampaigns', tag: 'Dashboard',
    summary: 'Every campaign with activity in the range, side by side',
    description: 'Takes the aggregate\'s parameters but interval and compare, with the same errors, access rules and caching.',
    security: MEMBER, query: campaignsQuerySchema, conditional: true,
    responses: dashboardAnswer(OUTPUT.campaigns, 'The campaigns, by sends (highest first), then by name.'),
  },
  {
    method: 'get', path: '/api/dashboard/workspaces', operationId: 'listWorkspaces', tag: 'Dashboard',
    summary: 'The caller\'s workspaces, with their campaigns, days of data, time zone and role',
    description: 'Takes no parameters: any query parameter is a 400.',
    security: MEMBER, conditional: true,
    responses: {
      200: { description: 'The workspaces the caller is a member of (every workspace without sign-in).', body: OUTPUT.workspaces, headers: ['ETag', 'Cache-Control'] },
      304: { description: 'The list the client holds (If-None-Match) is still current: no body.', headers: ['ETag', 'Cache-Control'] },
      400: BAD_REQUEST('A query parameter (this endpoint takes none)'),
      401: UNAUTHORIZED,
      503: UNAVAILABLE,
    },
  },
  {
    method: 'get', path: '/api/dashboard/time-zone', operationId: 'getWorkspaceTimeZone', tag: 'Time zones',
    summary: 'A workspace\'s time zone, and the zone its views are cut in until the next refresh',
    security: MEMBER, query: workspaceQuerySchema,
    responses: {
      200: { description: 'The workspace\'s zone.', body: OUTPUT.workspaceTimeZone, headers: ['Cache-Control'] },
      400: BAD_REQUEST('A missing or repeated workspace_id, or another parameter'),
      401: UNAUTHORIZED,
      404: NOT_FOUND,
      503: UNAVAILABLE,
    },
  },
  {
    method: 'put', path: '/api/dashboard/time-zone', operationId: 'setWorkspaceTimeZone', tag: 'Time zones',
    summary: 'Changes a workspace\'s time zone (admins)',
    description: 'The next refresh rebuilds that workspace\'s days in the new zone; live answers follow at once.',
    security: MEMBER, query: workspaceQuerySchema, body: INPUT.timeZone,
    responses: {
      200: { description: 'The workspace\'s zone after the change (rebuild_pending until the next refresh).', body: OUTPUT.workspaceTimeZone, headers: ['Cache-Control'] },
      400: BAD_REQUEST('A bad workspace_id, a body that is not JSON, or an unknown zone (an IANA name such as America/New_York, not an abbreviation)'),
      401: UNAUTHORIZED,
      403: CROSS_SITE_OR_NOT_ADMIN('changing the zone'),
      404: NOT_FOUND,
      503: UNAVAILABLE,
    },
  },
  {
    method: 'get', path: '/api/dashboard/time-zones', operationId: 'listTimeZones', tag: 'Time zones',
    summary: 'Every IANA zone a workspace may take, with its offset from UTC now',
    description: 'Takes no parameters: any query parameter is a 400. Browsers may keep the answer an hour.',
    security: MEMBER,
    responses: {
      200: { description: 'The zones.', body: OUTPUT.timeZones, headers: ['Cache-Control'] },
      400: BAD_REQUEST('A query parameter (this endpoint takes none)'),
      401: UNAUTHORIZED,
      503: UNAVAILABLE,
    },
  },
  {
    method: 'post', path: '/api/dashboard/refresh', operationId: 'refreshAsWorkspaceAdmin', tag: 'Refresh',
    summary: 'The page\'s "Refresh now": refreshes the views (admins of the workspace)',
    description: 'Runs the same refresh as the cron and answers with this workspace\'s freshness only, never what the refresh did over other workspaces.',
    security: MEMBER, query: workspaceQuerySchema,
    responses: {
      200: { description: 'The views are current.', body: OUTPUT.memberRefresh, headers: ['Cache-Control'] },
      400: BAD_REQUEST('A missing or repeated workspace_id, or another parameter'),
      401: UNAUTHORIZED,
      403: CROSS_SITE_OR_NOT_ADMIN('refreshing'),
      404: NOT_FOUND,
      409: { description: 'Another refresh is running; nothing was done. Retry after Retry-After seconds.', body: OUTPUT.refreshBusy, headers: ['Retry-After', 'Cache-Control'] },
      503: UNAVAILABLE,
    },
  },
  {
    method: 'get', path: '/api/dashboard/alerts', operationId: 'listAlerts', tag: 'Alerts',
    summary: 'A workspace\'s alert rules (state, latest deliveries) and channels',
    description: 'For its members; viewers get no channel URL hint. The whole URL and the signing secret are never sent back.',
    security: MEMBER, query: workspaceQuerySchema,
    responses: {
      200: { description: 'The rules and channels, and the caller\'s role.', body: OUTPUT.alerts, headers: ['Cache-Control'] },
      400: BAD_REQUEST('A missing or repeated workspace_id, or another parameter'),
      401: UNAUTHORIZED,
      404: NOT_FOUND,
      503: UNAVAILABLE,
    },
  },
  {
    method: 'post', path: '/api/dashboard/alerts/rules', operationId: 'addAlertRule', tag: 'Alerts',
    summary: 'Adds an alert rule (admins)',
    description: 'llm_cost takes a period (and optionally a campaign or provider); bounce_rate, opt_out_rate and reply_rate a window (rates are fractions: 0.05 is 5 %). '
      + 'stale_views is the operators\' rule, made with the CLI.',
    security: MEMBER, query: workspaceQuerySchema, body: INPUT.rule,
    responses: {
      201: { description: 'The rule.', body: OUTPUT.ruleResponse, headers: ['Cache-Control'] },
      400: BAD_REQUEST('A bad workspace_id, a body that is not JSON, or a bad field of the rule'),
      ...ALERT_WRITE,
      404: NOT_FOUND_ITEM,
    },
  },
  {
    method: 'put', path: '/api/dashboard/alerts/rules/{id}', operationId: 'changeAlertRule', tag: 'Alerts',
    summary: 'Replaces an alert rule with a whole new one (admins); its state is kept',
    security: MEMBER, query: workspaceQuerySchema, params: idParamsSchema, body: INPUT.rule,
    responses: {
      200: { description: 'The rule as changed.', body: OUTPUT.ruleResponse, headers: ['Cache-Control'] },
      400: BAD_REQUEST('A bad workspace_id, a body that is not JSON, or a bad field of the rule'),
      ...ALERT_WRITE,
      404: NOT_FOUND_ITEM,
    },
  },
  {
    method: 'delete', path: '/api/dashboard/alerts/rules/{id}', operationId: 'removeAlertRule', tag: 'Alerts',
    summary: 'Removes an alert rule (admins)',
    security: MEMBER, query: workspaceQuerySchema, params: idParamsSchema,
    responses: {
      204: { description: 'Removed.', headers: ['Cache-Control'] },
      400: BAD_REQUEST('A missing or repeated workspace_id, or another parameter'),
      ...ALERT_WRITE,
      404: NOT_FOUND_ITEM,
    },
  },
  {
    method: 'post', path: '/api/dashboard/alerts/channels', operationId: 'addAlertChannel', tag: 'Alerts',
    summary: 'Adds a notification channel: a webhook (signed per Standard Webhooks) or a Slack incoming webhook (admins)',
    description: 'A URL that resolves to a private or loopback address is refused (400) unless the server allows it.',
    security: MEMBER, query: workspaceQuerySchema, body: INPUT.channel,
    responses: {
      201: { description: 'The channel and, for a webhook, its signing secret (whsec_…), shown this once.', body: OUTPUT.channelCreated, headers: ['Cache-Control'] },
      400: BAD_REQUEST('A bad workspace_id, a body that is not JSON, a bad field, or a URL that is refused'),
      ...ALERT_WRITE,
      404: NOT_FOUND,
    },
  },
  {
    method: 'delete', path: '/api/dashboard/alerts/channels/{id}', operationId: 'removeAlertChannel', tag: 'Alerts',
    summary: 'Removes a channel no rule uses, with its delivery history (admins)',
    security: MEMBER, query: workspaceQuerySchema, params: idParamsSchema,
    responses: {
      204: { description: 'Removed.', headers: ['Cache-Control'] },
      400: BAD_REQUEST('A missing or repeated workspace_id, or another parameter'),
      ...ALERT_WRITE,
      404: NOT_FOUND_ITEM,
      409: fail('Rules use this channel: remove them or move them to another channel first.'),
    },
  },
  {
    method: 'post', path: '/api/dashboard/alerts/channels/{id}/enable', operationId: 'enableAlertChannel', tag: 'Alerts',
    summary: 'Turns a channel disabled by a 410 or by repeated failures back on (admins)',
    security: MEMBER, query: workspaceQuerySchema, params: idParamsSchema,
    responses: {
      204: { description: 'Enabled; its failure count reset.', headers: ['Cache-Control'] },
      400: BAD_REQUEST('A missing or repeated workspace_id, or another parameter'),
      ...ALERT_WRITE,
      404: NOT_FOUND_ITEM,
    },
  },
  {
    method: 'post', path: '/api/dashboard/alerts/channels/{id}/test', operationId: 'testAlertChannel', tag: 'Alerts',
    summary: 'Sends a test notification through the outbox now (at most 10 s) (admins)',
    description: 'delivery.sent is 1 when the receiver took it; a failure is retried like any notification.',
    security: MEMBER, query: workspaceQuerySchema, params: idParamsSchema,
    responses: {
      200: { description: 'What happened to the test notification.', body: OUTPUT.channelTest, headers: ['Cache-Control'] },
      400: BAD_REQUEST('A missing or repeated workspace_id, or another parameter'),
      ...ALERT_WRITE,
      404: NOT_FOUND_ITEM,
    },
  },
  {
    method: 'get', path: '/api/admin/refresh-views', operationId: 'getRefreshViews', tag: 'Refresh',
    summary: 'Freshness of the views (anyone); with the cron\'s or the operator\'s credentials, a refresh (Vercel Cron calls this)',
    description: 'Without credentials: each view\'s age and whether it is stale (no workspace\'s activity shows); with ?fail_if_stale=1 a stale report is a 503, '
      + 'for uptime monitors. With Authorization: Bearer <CRON_SECRET> (Vercel Cron) or x-refresh-token: refreshes like POST. '
      + 'Wrong credentials, or Vercel Cron without any, are refused, never downgraded to a freshness read.',
    security: [{}, ...OPERATOR], query: freshnessQuerySchema,
    responses: {
      200: { description: 'The freshness report (no credentials), or what the refresh did (credentials).', body: OUTPUT.refreshViewsGet, headers: ['Cache-Control'] },
      400: BAD_REQUEST('fail_if_stale is not 1, true, 0 or false'),
      401: fail('Credentials that do not match (no hint which).', ['WWW-Authenticate', 'Cache-Control']),
      409: { description: 'Another refresh is running; nothing was done.', body: OUTPUT.refreshBusy, headers: ['Retry-After', 'Cache-Control'] },
      503: { description: 'With fail_if_stale=1: the freshness report when a view is stale. Otherwise an error: refreshing is not configured on the server '
        + '(the variable to set is named), or the database cannot answer.', body: OUTPUT.refreshViewsUnavailable, headers: ['Retry-After', 'Cache-Control'] },
    },
  },
  {
    method: 'post', path: '/api/admin/refresh-views', operationId: 'refreshViews', tag: 'Refresh',
    summary: 'Refreshes the views now (operators: x-refresh-token, or Bearer CRON_SECRET)',
    description: 'Applies what was written since the last refresh in one transaction, then evaluates the alerts; their notifications go out after the answer.',
    security: OPERATOR,
    responses: {
      200: { description: 'What the refresh did over every workspace, the alerts\' evaluation and the views\' freshness.', body: OUTPUT.operatorRefresh, headers: ['Cache-Control'] },
      401: fail('Missing or wrong credentials (no hint which).', ['WWW-Authenticate', 'Cache-Control']),
      409: { description: 'Another refresh is running; nothing was done.', body: OUTPUT.refreshBusy, headers: ['Retry-After', 'Cache-Control'] },
      503: fail('Refreshing is not configured on the server (the variable to set is named), or the database cannot answer.', ['Retry-After', 'Cache-Control']),
    },
  },
  {
    method: 'get', path: '/api/openapi.json', operationId: 'getOpenApiDocument', tag: 'Meta',
    summary: 'This document',
    description: 'Public: it describes the API and holds no secret or server setting.',
    security: [],
    responses: { 200: { description: 'The OpenAPI 3.1 document of this API.', body: OUTPUT.openApi, headers: ['Cache-Control'] } },
  },
];
