// /login: sign in with Supabase Auth (email + password, or a link by email). Under `npm run dev`, the
// demo user's dev sign-in is offered too. Signed-in visitors go straight to the dashboard.
import { redirect } from 'next/navigation';
import { ErrorBanner } from '@/components/ErrorBanner';
import { LoginForm } from '@/components/LoginForm';
import { authenticate, type Verdict } from '@/lib/auth/access';
import { pageCredentials } from '@/lib/auth/next';
import { devSignInEnabled, sessionProject } from '@/lib/auth/session';
import { safeNext } from '@/lib/auth/redirect';
import { LOGIN_MESSAGES, type LoginMessage } from '@/lib/auth/sign-in';
import { env, siteOrigin, type Env } from '@/lib/env';
import { pageFailure } from '@/lib/http/page-failure';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Sign in · Campaign analytics' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  let config: Env;
  let verdict: Verdict;
  try {
    config = env();
    verdict = await authenticate(await pageCredentials(), config);
  } catch (error) {
    // The API's classes (a misconfigured server: 503's message); redirect() stays outside the try.
    return (
      <main className="page login">
        <h1>Campaign analytics</h1>
        <ErrorBanner message={await pageFailure(error, 'GET /login')} />
      </main>
    );
  }
  if (verdict.kind === 'user' || verdict.kind === 'open') redirect('/');
  const code = typeof params.message === 'string' ? params.message : undefined;
  const message = code && Object.hasOwn(LOGIN_MESSAGES, code) ? LOGIN_MESSAGES[code as LoginMessage] : null;
  const enabled = sessionProject(config) !== null;
  const devSignIn = devSignInEnabled(config);
  const next = safeNext(params.next, siteOrigin(config));
  return (
    <main className="page login">
      <h1>Campaign analytics</h1>
      <p className="muted">Sign in to see your workspaces.</p>
      {message ? <div className={`banner ${code === 'link-sent' || code === 'signed-out' ? 'notice' : 'error'}`} role="status" data-testid="login-message">{message}</div> : null}
      {devSignIn ? (
        <a className="button" href={`/auth/dev-sign-in?${new URLSearchParams({ next })}`} data-testid="dev-sign-in">Sign in as the demo user (npm run dev)</a>
      ) : null}
      {enabled || !devSignIn ? <LoginForm next={next} enabled={enabled} /> : null}
      {!enabled && !devSignIn ? <p className="muted" data-testid="login-not-configured">{LOGIN_MESSAGES['not-configured']}</p> : null}
    </main>
  );
}
