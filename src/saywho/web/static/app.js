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

// Fix a speaker: known speakers suggested as the user types (names written with
// textContent only). Picking one fills the form's hidden speaker_id; typing again clears it.
(function () {
  "use strict";
  for (const input of document.querySelectorAll("input[data-suggest]")) suggestInto(input);

  function suggestInto(input) {
    const form = input.form;
    const list = document.getElementById(input.getAttribute("aria-controls"));
    const chosen = form.elements.namedItem("speaker_id");
    let timer = 0;
    let asked = 0;

    function choose(speaker) {
      input.value = speaker.name;
      chosen.value = String(speaker.id);
      list.hidden = true;
      list.replaceChildren();
    }

    function render(speakers) {
      const items = speakers.map((speaker) => {
        const item = document.createElement("li");
        item.setAttribute("role", "option");
        item.dataset.speakerId = String(speaker.id);
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = speaker.name;
        const detail = document.createElement("span");
        detail.className = "muted";
        detail.textContent = " " + speaker.kind + ", " + speaker.articles + (speaker.articles === 1 ? " article" : " articles");
        button.append(detail);
        button.addEventListener("click", () => choose(speaker));
        item.append(button);
        return item;
      });
      list.replaceChildren(...items);
      list.hidden = items.length === 0;
    }

    async function ask(text) {
      const mine = ++asked;
      const response = await fetch(input.dataset.suggest + "?limit=8&q=" + encodeURIComponent(text), {
        headers: { Accept: "application/json" },
      });
      if (!response.ok || mine !== asked) return; // a later keystroke's answer wins
      render(await response.json());
    }

    input.addEventListener("input", () => {
      chosen.value = "";
      clearTimeout(timer);
      const text = input.value.trim();
      if (!text) {
        asked++; // an answer still on its way is for text that is gone
        render([]);
        return;
      }
      timer = setTimeout(() => ask(text).catch(() => render([])), 150);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") render([]);
    });
  }
})();
