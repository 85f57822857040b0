import { initAll } from "./build/govuk-frontend.min.js";

initAll();

// "Print this page" links: no inline script (the Content-Security-Policy forbids it).
for (const link of document.querySelectorAll("[data-print-page]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    window.print();
  });
}
