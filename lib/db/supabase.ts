// supabase-js transport (production on Supabase): each call is one PostgREST RPC,
// POST /rest/v1/rpc/<function>, authenticated with the service role key (server-side only).
import { createClient, type SupabaseClient, type SupabaseClientOptions } from '@supabase/supabase-js';
import { assertFunctionName, StoreUnavailableError, type DatabaseStore, type FunctionArgs } from './store';

export interface SupabaseStoreOptions {
  url: string;
  serviceRoleKey: string;
  /** For tests of the wire contract: the fetch that carries the RPC requests. */
  fetch?: typeof fetch;
}

export type RealtimeTransport = NonNullable<NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport']>;

/** Stands in for a WebSocket class: the store never opens a Realtime connection. */
export class RealtimeUnused {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  constructor() {
    throw new Error('This store does not use Supabase Realtime.');
  }
}

export function createSupabaseStore(options: SupabaseStoreOptions): DatabaseStore {
  const client: SupabaseClient = createClient(options.url, options.serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: options.fetch ? { fetch: options.fetch } : undefined,
    // Only RPC is used. Node 20 has no global WebSocket, which supabase-js checks for at creation.
    realtime: { transport: RealtimeUnused as unknown as RealtimeTransport },
  });

  async function rpc(name: string, args: FunctionArgs): Promise<unknown> {
    assertFunctionName(name);
    let response;
    try {
      response = await client.rpc(name, args);
    } catch (error) {
      throw new StoreUnavailableError('The database is unavailable.', { function: name, cause: String(error) });
    }
    if (response.error) {
      const { code, message, details, hint } = response.error;
      const safe =
        code === '57014' ? 'The database took too long to answer.'
        : code === 'PGRST202' || code === '42883' ? 'The database schema is not up to date (run the migrations).'
        : code === '42501' ? 'The database refused access.'
        : 'The database is unavailable.';
      throw new StoreUnavailableError(safe, {
        function: name,
        code,
        cause: [message, details, hint].filter(Boolean).join(' | '),
      });
    }
    return response.data;
  }

  return {
    kind: 'supabase',
    callValue: (name, args = {}) => rpc(name, args),
    async callRows(name, args = {}) {
      const data = await rpc(name, args);
      // A set-returning function always answers an array. Anything else is a failure to report,
      // never "no rows" (an empty freshness list would read as "nothing is stale").
      if (!Array.isArray(data)) {
        throw new StoreUnavailableError('The database answered in an unexpected format.', {
          function: name,
          cause: `expected an array of rows, got ${data === null ? 'null' : typeof data}`,
        });
      }
      return data;
    },
  };
}
