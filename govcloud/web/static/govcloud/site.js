// govcloud page behaviour. No inline scripts: the Content-Security-Policy forbids them.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-navigate]");
  if (select && select.value) {
    window.location.assign(select.value);
  }
});
