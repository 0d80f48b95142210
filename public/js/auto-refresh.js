// A page that keeps itself current (the ward board, /due) fetches itself every minute (see
// live-page.js). Progressive enhancement: without script the page is refreshed by hand. The user
// can turn the refresh off (WCAG 2.2.1, timing adjustable); the choice is kept on this computer.
import { refreshMain } from "/assets/js/live-page.js";

const KEY = "ward-board-auto-refresh";
const control = () => document.getElementById("auto-refresh-control");
const box = () => document.getElementById("auto-refresh");

/** Shows the switch (it is hidden without script) with this computer's choice; again after each swap. */
function bind() {
  const wrapper = control();
  const input = box();
  if (!wrapper || !input) return;
  wrapper.hidden = false;
  input.checked = localStorage.getItem(KEY) !== "off";
  input.addEventListener("change", () => localStorage.setItem(KEY, input.checked ? "on" : "off"));
}

bind();
const seconds = Number(control()?.dataset.seconds) || 60;
setInterval(async () => {
  const input = box();
  // Never swap the page under someone using it: a field or link with focus waits for the next turn.
  const focused = document.activeElement;
  const busy = focused && focused !== document.body && focused !== input && document.getElementById("maincontent")?.contains(focused);
  if (!input?.checked || busy) return;
  if ((await refreshMain()) === "updated") bind();
}, seconds * 1000);
