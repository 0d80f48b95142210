// The ward board reloads itself every minute so a screen on the ward stays current.
// Progressive enhancement: without script the board is simply reloaded by hand. The nurse can
// turn the reload off (WCAG 2.2.1, timing adjustable); the choice is kept on this computer.
const box = document.getElementById("auto-refresh");
const wrapper = document.getElementById("auto-refresh-control");
const seconds = Number(wrapper?.dataset.seconds) || 60;
if (box && wrapper) {
  wrapper.hidden = false;
  box.checked = localStorage.getItem("ward-board-auto-refresh") !== "off";
  box.addEventListener("change", () => localStorage.setItem("ward-board-auto-refresh", box.checked ? "on" : "off"));
  setInterval(() => {
    const busy = document.activeElement && document.activeElement.matches("select, input:not(#auto-refresh), textarea");
    if (box.checked && !busy) window.location.reload();
  }, seconds * 1000);
}
