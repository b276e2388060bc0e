// The credentials of the request a server component renders (pages cannot write cookies; the proxy
// has refreshed the session already).
import 'server-only';
import { cookies, headers } from 'next/headers';
import type { Credentials } from './access';

export async function pageCredentials(): Promise<Credentials> {
  const [requestHeaders, cookieStore] = await Promise.all([headers(), cookies()]);
  return { authorization: requestHeaders.get('authorization'), cookies: { getAll: () => cookieStore.getAll() } };
}
