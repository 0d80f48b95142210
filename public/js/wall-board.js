// A wall screen fetches its board every 30 seconds (see live-page.js) and says so when what it
// shows is old: it compares the time the page was rendered with the time now, so the warning
// appears even when the server cannot be reached and nothing else on the screen changes.
import { refreshMain } from "/assets/js/live-page.js";

const STALE_AFTER_MS = 2 * 60_000;
const main = () => document.getElementById("maincontent");
const seconds = Number(main()?.dataset.refreshSeconds) || 30;
// The screen's clock may be wrong: measure it against the server's once per page received.
let skewMs = 0;

function measure() {
  const rendered = Date.parse(main()?.dataset.renderedAt ?? "");
  if (!Number.isNaN(rendered)) skewMs = rendered - Date.now();
}

function checkAge() {
  const rendered = Date.parse(main()?.dataset.renderedAt ?? "");
  const banner = document.getElementById("wall-stale");
  if (Number.isNaN(rendered) || !banner) return;
  const ageMs = Date.now() + skewMs - rendered;
  const stale = ageMs >= STALE_AFTER_MS;
  document.documentElement.classList.toggle("app-wall--stale", stale);
  banner.hidden = !stale;
  if (stale) {
    const minutes = Math.floor(ageMs / 60_000);
    const text = `Last updated ${minutes} min ago, check the connection. This may not be the current state of the ward.`;
    if (banner.textContent !== text) banner.textContent = text;
  }
}

measure();
setInterval(async () => {
  if ((await refreshMain()) === "updated") measure();
  checkAge();
}, seconds * 1000);
setInterval(checkAge, 5000);
