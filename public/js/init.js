// Progressive enhancement only: every page works without this script.
import { initAll } from "/vendor/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
