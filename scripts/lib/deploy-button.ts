// The README's "Deploy with Vercel" button, built from package.json's repository: Vercel clones that
// repository, creates a Supabase project through its Supabase integration (which fills SUPABASE_URL,
// SUPABASE_SERVICE_ROLE_KEY, SUPABASE_ANON_KEY and SUPABASE_JWT_SECRET), and asks for the two refresh
// secrets. It cannot apply the migrations: docs/deploy.md says how. `npm run deploy-button` prints
// it; tests/unit/docs.test.ts keeps the README's copy equal to it.
import fs from 'node:fs';
import path from 'node:path';

/** The variables the button asks for, each explained in one line on Vercel's form. */
export const BUTTON_ENV = ['MATERIALIZED_VIEWS_REFRESH_TOKEN', 'CRON_SECRET'] as const;

export function repositoryUrl(root: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { repository?: { url?: string } | string };
  const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (!url) throw new Error('package.json has no repository: the button clones it');
  return url.replace(/^git\+/, '').replace(/\.git$/, '');
}

export function deployButton(root: string): string {
  const repository = repositoryUrl(root);
  const params = new URLSearchParams({
    'repository-url': repository,
    'project-name': 'campaign-analytics',
    'repository-name': 'campaign-analytics',
    env: BUTTON_ENV.join(','),
    envDescription: 'Two random secrets of at least 32 characters each (node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'hex\'))"): the refresh token for POST /api/admin/refresh-views, and the secret Vercel Cron sends.',
    envLink: `${repository}/blob/main/docs/deploy.md#the-variables`,
    stores: JSON.stringify([{ type: 'integration', integrationSlug: 'supabase', productSlug: 'supabase' }]),
  });
  return `[![Deploy with Vercel](https://vercel.com/button)](https://vercel.com/new/clone?${params.toString()})`;
}
