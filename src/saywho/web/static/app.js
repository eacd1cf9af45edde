// saywho: hover tooltips for highlighted attributions. Values are read from data-*
// attributes and written with textContent only, so article text can never become markup.
(function () {
  "use strict";
  const tooltip = document.getElementById("tooltip");
  if (!tooltip) return;
  const fields = [["speaker", "Speaker"], ["cue", "Cue"], ["type", "Type"], ["confidence", "Confidence"]];

  function show(target) {
    const list = document.createElement("dl");
    for (const [key, label] of fields) {
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.textContent = target.dataset[key] || "—";
      list.append(dt, dd);
    }
    tooltip.replaceChildren(list);
    tooltip.hidden = false;
    const box = target.getBoundingClientRect();
    tooltip.style.left = Math.max(4, window.scrollX + box.left) + "px";
    tooltip.style.top = window.scrollY + box.bottom + 6 + "px";
    target.dataset.title = target.getAttribute("title") || "";
    target.removeAttribute("title"); // avoid the native tooltip on top of ours
  }

  function hide(target) {
    tooltip.hidden = true;
    if (target.dataset.title) target.setAttribute("title", target.dataset.title);
  }

  document.addEventListener("mouseover", (event) => {
    const target = event.target.closest && event.target.closest(".att[data-speaker]");
    if (target) show(target);
  });
  document.addEventListener("mouseout", (event) => {
    const target = event.target.closest && event.target.closest(".att[data-speaker]");
    if (target) hide(target);
  });

  // Mark the statement a link pointed at (#a123) in the article text.
  const match = /^#a(\d+)$/.exec(window.location.hash);
  if (match) {
    for (const el of document.querySelectorAll('.att[data-statement="' + match[1] + '"]')) el.classList.add("focused");
  }
})();
