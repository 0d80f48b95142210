// Fetches this page again and swaps in its main content, so a page that keeps itself current
// never reloads (a failed reload would leave the browser's error page on the screen).
// The request says it is automatic (the ces-auto-refresh header): the server does not count it
// as anyone's activity, so a screen left open still signs out after the idle limit; the next
// refresh then finds the sign-in page and shows it.

/** Resolves to "updated", "signed-out" (the sign-in page is being shown) or "failed". */
export async function refreshMain() {
  let res;
  try {
    res = await fetch(window.location.href, { headers: { "ces-auto-refresh": "1" }, credentials: "same-origin", cache: "no-store" });
  } catch {
    return "failed";
  }
  if (res.redirected && new URL(res.url).pathname === "/sign-in") {
    window.location.assign(res.url);
    return "signed-out";
  }
  // A server error keeps what is shown (the wall screen then says how old it is); any other answer
  // is shown, so a revoked screen link or an unknown ward replaces the board at once.
  if (res.status >= 500) return "failed";
  const doc = new DOMParser().parseFromString(await res.text(), "text/html");
  const fresh = doc.getElementById("maincontent");
  const current = document.getElementById("maincontent");
  if (!fresh || !current) return "failed";
  current.replaceWith(document.adoptNode(fresh));
  document.title = doc.title;
  return "updated";
}
