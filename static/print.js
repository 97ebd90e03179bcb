// Every "Imprimer" button (sheets and posters, templates/sheets/; the guest's receipt,
// templates/receipts/): shown only with JavaScript; without it the page says to use the
// browser's own print command.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
document.querySelectorAll("[data-print-hint]").forEach(function (hint) { hint.hidden = true; });
