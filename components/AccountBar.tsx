/** Who is signed in, with a sign-out button; in open mode (DASHBOARD_AUTH=off), a warning instead. */
export function AccountBar({ email, open }: { email: string | null; open: boolean }) {
  if (open) {
    return (
      <div className="banner notice account-bar" role="status" data-testid="open-mode-banner">
        Open dashboard: sign-in is off (DASHBOARD_AUTH=off), so anyone who can reach this server sees every workspace.
      </div>
    );
  }
  return (
    <div className="account-bar" data-testid="account">
      <span className="muted">Signed in{email ? <> as <strong>{email}</strong></> : null}</span>
      <form method="post" action="/auth/sign-out">
        <button type="submit" data-testid="sign-out">Sign out</button>
      </form>
    </div>
  );
}
