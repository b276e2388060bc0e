// 404: an address that does not exist, or a workspace the reader may not see (the page's notFound();
// like the API, it does not say which of the two).
export default function NotFound() {
  return (
    <main className="page">
      <h1>Campaign analytics</h1>
      <div className="banner error" role="alert" data-testid="not-found">
        <span>No such page, or a workspace you are not a member of.</span>
        <a className="button" href="/">Your dashboard</a>
      </div>
    </main>
  );
}
