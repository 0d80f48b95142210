// Copy buttons on the referral pack. Progressive enhancement: each button is hidden until this
// script shows it (and only where the browser lets a page write to the clipboard); without script
// the values are plain text to select and copy.
const status = document.getElementById("copy-status");
if (navigator.clipboard) {
  for (const button of document.querySelectorAll("[data-copy]")) {
    const value = document.getElementById(button.dataset.copy);
    if (!value) continue;
    const label = button.textContent.replace(/^Copy\s*/, "");
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(value.textContent.trim());
        if (status) status.textContent = `Copied: ${label}`;
        button.firstChild.textContent = "Copied";
        setTimeout(() => (button.firstChild.textContent = "Copy"), 2000);
      } catch {
        if (status) status.textContent = `Could not copy ${label}: select the text and copy it`;
      }
    });
  }
}
