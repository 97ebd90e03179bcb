// The guest's receipt: the button to copy the code, shown only where scripts run (without
// them, the page says how to keep the code by hand). Its print button is print.js's.
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      button.textContent = button.dataset.done;
    });
  });
});
