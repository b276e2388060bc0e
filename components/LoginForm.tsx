/** The sign-in forms: email + password, or a link by email (plain HTML forms posted to /auth/*). */
export function LoginForm({ next, enabled }: { next: string; enabled: boolean }) {
  return (
    <div className="login-forms">
      <form method="post" action="/auth/sign-in" className="login-form" data-testid="password-form">
        <input type="hidden" name="next" value={next} />
        <label>Email<input type="email" name="email" autoComplete="email" required disabled={!enabled} /></label>
        <label>Password<input type="password" name="password" autoComplete="current-password" required disabled={!enabled} /></label>
        <button type="submit" disabled={!enabled}>Sign in</button>
      </form>
      <form method="post" action="/auth/magic-link" className="login-form" data-testid="magic-link-form">
        <input type="hidden" name="next" value={next} />
        <label>Email<input type="email" name="email" autoComplete="email" required disabled={!enabled} /></label>
        <button type="submit" disabled={!enabled}>Email me a sign-in link</button>
      </form>
    </div>
  );
}
