// pmkb serve: reloads the page when the site is rebuilt and shows a build's errors over
// the page until they are fixed. Injected into every HTML page served by `pmkb serve`,
// never into a built site.
(() => {
  const events = new EventSource("/__pmkb/events");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("problems", (event) => show(JSON.parse(event.data)));

  function show(problems) {
    let overlay = document.getElementById("pmkb-overlay");
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "pmkb-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,20,20,.94);color:#f5f5f5;font:14px/1.5 ui-monospace,monospace";
      document.body.appendChild(overlay);
    }
    overlay.replaceChildren();
    const heading = document.createElement("h2");
    heading.textContent = "pmkb: the last change broke the build (the previous site is shown)";
    heading.style.cssText = "color:#ff8a80;font-size:1.1rem;margin:0 0 1rem";
    const list = document.createElement("pre");
    list.textContent = problems.join("\n\n");
    list.style.cssText = "white-space:pre-wrap;margin:0";
    overlay.append(heading, list);
  }
})();
