// GOV.UK Frontend's components: the service navigation's Menu button on small screens,
// the error summary taking focus after a refused form, and the rest. A browser that runs
// modules supports GOV.UK Frontend, so the classes its styles expect are set here rather
// than by an inline script, which the Content-Security-Policy refuses.
import { initAll } from "../build/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
