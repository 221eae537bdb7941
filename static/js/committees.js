// Tick or untick every application of the list (the secretary's "select all").
document.addEventListener("change", (event) => {
  if (event.target.id !== "tick-all") return;
  document.querySelectorAll("input.tick").forEach((box) => { box.checked = event.target.checked; });
});
