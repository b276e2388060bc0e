// A workspace's time zone: reading it (members), changing it (admins), and the zones it may take. The
// SQL functions check membership and the name (pg_timezone_names) in the same call as the read or write.
import { z } from 'zod';
import type { Reader } from '../auth/access';
import type { DatabaseStore } from '../db/store';
import { badRequest, HttpError } from '../http/errors';
import { callAs, throwIfRefused } from './read';
import { timeZonesResponseSchema, workspaceTimeZoneSchema, type TimeZonesResponse, type WorkspaceTimeZone } from './response';

export async function readTimeZones(store: DatabaseStore): Promise<TimeZonesResponse> {
  return timeZonesResponseSchema.parse({ time_zones: await store.callValue('dashboard_time_zones') });
}

export async function readWorkspaceTimeZone(store: DatabaseStore, reader: Reader, workspaceId: string): Promise<WorkspaceTimeZone> {
  const value = await callAs(store, reader, 'dashboard_workspace_time_zone', { p_workspace_id: workspaceId });
  throwIfRefused(value);
  return workspaceTimeZoneSchema.parse(value);
}

const unknownZoneSchema = z.object({ error: z.literal('unknown_time_zone'), time_zone: z.string().nullable() });

/** PUT's body: {"time_zone": "<IANA name>"}, nothing else. */
export const timeZoneBodySchema = z.strictObject({
  time_zone: z.string('time_zone must be a string, an IANA name such as America/New_York').min(1, 'time_zone must not be empty').max(100),
});

/**
 * Sets a workspace's zone as `reader`: admins only (a viewer gets 403, a non-member the same 404 as a
 * missing workspace). The next refresh rebuilds the workspace in it; live answers follow at once.
 */
export async function setWorkspaceTimeZone(store: DatabaseStore, reader: Reader, workspaceId: string, timeZone: string): Promise<WorkspaceTimeZone> {
  if (reader.kind === 'open') {
    throw new HttpError(403, 'Changing a time zone from the API needs sign-in (DASHBOARD_AUTH is off); use npm run workspaces -- time-zone <workspace> <zone>.');
  }
  const value = await store.callValue('dashboard_set_time_zone_for_member', { p_user_id: reader.userId, p_workspace_id: workspaceId, p_time_zone: timeZone });
  const unknown = unknownZoneSchema.safeParse(value);
  if (unknown.success) {
    throw badRequest([{ parameter: 'time_zone', message: `unknown time zone "${timeZone.slice(0, 100)}": use an IANA name such as America/New_York or Asia/Kolkata (not an abbreviation like EDT, nor a POSIX string like UTC+5)` }]);
  }
  const refused = z.object({ error: z.enum(['not_found', 'forbidden']) }).safeParse(value);
  if (refused.success && refused.data.error === 'forbidden') throw new HttpError(403, 'Only workspace admins can change its time zone.');
  throwIfRefused(value);
  return workspaceTimeZoneSchema.parse(value);
}
