// A "Select all" box for a table of checkboxes. Without JavaScript the box stays hidden
// and each line is ticked on its own.
for (const all of document.querySelectorAll("input[data-select-all]")) {
  const form = all.form;
  const boxes = () => [...form.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`)];
  const show = () => {
    const ticked = boxes().filter((box) => box.checked).length;
    all.checked = ticked > 0 && ticked === boxes().length;
    all.indeterminate = ticked > 0 && ticked < boxes().length;
  };
  all.addEventListener("change", () => {
    for (const box of boxes()) box.checked = all.checked;
    show();
  });
  form.addEventListener("change", (event) => {
    if (event.target !== all) show();
  });
  all.closest("[hidden]")?.removeAttribute("hidden");
  show();
}
