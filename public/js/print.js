// A print button for sheets meant for paper. Progressive enhancement: the button is hidden until
// this script shows it; without script the browser's own print command does the same.
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
