// Osprey's dashboard script: live filtering of the device list, confirmation before
// removing, the custom range's date inputs, and Cacti-style zoom (drag across a graph to
// open that time range). The pages work without it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Live filter: hide the rows whose text does not contain what is typed.
  for (const input of document.querySelectorAll("input[data-live-filter]")) {
    const table = document.getElementById(input.dataset.liveFilter);
    if (!table) continue;
    input.addEventListener("input", () => {
      const needle = input.value.trim().toLowerCase();
      for (const row of table.tBodies[0].rows) {
        row.hidden = needle !== "" && !(row.dataset.search || "").includes(needle);
      }
    });
  }

  // Confirmation before a destructive form is sent.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }

  // The custom range: local date-time inputs feed the start/end Unix seconds.
  const pad = (n) => String(n).padStart(2, "0");
  const local = (seconds) => {
    const d = new Date(seconds * 1000);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  };
  for (const input of document.querySelectorAll("input[data-epoch-for]")) {
    const hidden = input.form.querySelector(`input[name="${input.dataset.epochFor}"]`);
    if (hidden.value) input.value = local(Number(hidden.value));
    input.addEventListener("change", () => {
      const t = new Date(input.value).getTime();
      hidden.value = Number.isFinite(t) ? String(Math.floor(t / 1000)) : "";
    });
  }
  for (const form of document.querySelectorAll("form.custom-range")) {
    form.addEventListener("submit", () => {
      for (const hidden of form.querySelectorAll("input[type=hidden]")) hidden.disabled = hidden.value === "";
    });
  }

  // Zoom: the plot area spans data-left..data-right of the image's width (fractions).
  for (const zoom of document.querySelectorAll(".zoom")) {
    const img = zoom.querySelector("img");
    const box = zoom.querySelector(".selection");
    const start = Number(zoom.dataset.start), end = Number(zoom.dataset.end);
    const left = Number(zoom.dataset.left || 0), right = Number(zoom.dataset.right || 1);
    let from = null;
    const x = (event) => Math.min(Math.max(event.clientX - img.getBoundingClientRect().left, 0), img.clientWidth);
    const time = (px) => {
      const f = (px / img.clientWidth - left) / (right - left);
      return Math.round(start + Math.min(Math.max(f, 0), 1) * (end - start));
    };
    zoom.addEventListener("mousedown", (event) => {
      from = x(event);
      box.style.left = `${from}px`;
      box.style.width = "0px";
      box.hidden = false;
      event.preventDefault();
    });
    window.addEventListener("mousemove", (event) => {
      if (from === null) return;
      const to = x(event);
      box.style.left = `${Math.min(from, to)}px`;
      box.style.width = `${Math.abs(to - from)}px`;
    });
    window.addEventListener("mouseup", (event) => {
      if (from === null) return;
      const to = x(event);
      box.hidden = true;
      const [a, b] = [time(Math.min(from, to)), time(Math.max(from, to))];
      from = null;
      if (b - a >= 60) window.location = `${zoom.dataset.href}?start=${a}&end=${b}`;
    });
  }
});
