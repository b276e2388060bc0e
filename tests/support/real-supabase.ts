// The real Supabase project that tests may use: named by TEST_SUPABASE_URL and
// TEST_SUPABASE_SERVICE_ROLE_KEY only. SUPABASE_URL is the app's variable and may point at
// production in a developer's shell; tests never fall back to it.
export interface TestSupabase {
  url: string;
  serviceRoleKey: string;
}

export function testSupabase(source: Record<string, string | undefined> = process.env): TestSupabase | undefined {
  const url = source.TEST_SUPABASE_URL?.trim();
  const serviceRoleKey = source.TEST_SUPABASE_SERVICE_ROLE_KEY?.trim();
  return url && serviceRoleKey ? { url, serviceRoleKey } : undefined;
}
