// Live character counter for text areas that declare data-counter; the page works without it.
document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
  var output = document.getElementById(area.dataset.counter);
  var max = parseInt(area.dataset.max, 10);  // no maxlength: it would cut a pasted text
  if (!output || !max) { return; }
  var template = output.dataset.template || "{n} / {max}";
  function update() {
    output.textContent = template.replace("{n}", area.value.length).replace("{max}", max);
  }
  area.addEventListener("input", update);
  update();
});
