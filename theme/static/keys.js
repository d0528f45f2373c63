// Keyboard shortcut on every page: "/" moves focus to the search box (the search page's
// own box there, else the header's), unless focus is already in a text field.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  const box = document.getElementById("search-q") || document.querySelector(".site-header input[type=search]");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
