// The graphs page: filter the list; create a graph by system, client or app with search as you type.
import { api, el, problems } from "./api.js";

const filter = document.getElementById("filter");
filter.addEventListener("input", () => {
  const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
  for (const row of document.querySelectorAll("#graphs tbody tr[data-search]")) {
    row.hidden = !words.every((w) => row.dataset.search.includes(w));
  }
});

// Graphs still running: their badges and messages follow without a reload
async function refresh() {
  const running = [...document.querySelectorAll("#graphs tbody tr[data-id]")]
    .filter((row) => row.dataset.status === "queued" || row.dataset.status === "processing");
  if (!running.length) return;
  try {
    const page = await api("GET", "/graphs?limit=500");
    const byId = new Map(page.items.map((graph) => [graph.id, graph]));
    for (const row of running) {
      const graph = byId.get(row.dataset.id);
      if (!graph) continue;
      row.dataset.status = graph.status;
      const badge = row.querySelector(".badge");
      badge.textContent = graph.status === "processing" ? `${graph.stage || "processing"} ${graph.percent}%` : graph.status;
      badge.className = `badge ${graph.status}`;
      row.querySelector(".message").textContent = graph.message || "";
      row.dataset.search = `${graph.name} ${graph.status} ${graph.type}`.toLowerCase();
    }
  } finally {
    setTimeout(refresh, 1500);
  }
}
setTimeout(refresh, 1500);

const LABEL = { systems: "systems", clients: "clients", apps: "applications" };
const PATH = { systems: "/systems", clients: "/clients", apps: "/applications" };
let kind = "systems";
const chosen = new Map();
const search = document.getElementById("search");
const suggestions = document.getElementById("suggestions");
const chips = document.getElementById("chosen");
const errorBox = document.getElementById("create-error");
// every system of the inventory, without picking them one by one
const allSystems = document.getElementById("all-systems");
const everything = () => kind === "systems" && allSystems.checked;
allSystems.addEventListener("change", () => {
  search.disabled = suggestions.hidden = search.closest("label").hidden = allSystems.checked;
  chosen.clear();
  drawChips();
});

for (const tab of document.querySelectorAll("#new-graph [role=tab]")) {
  tab.addEventListener("click", () => {
    kind = tab.dataset.kind;
    for (const other of document.querySelectorAll("#new-graph [role=tab]")) {
      other.setAttribute("aria-selected", String(other === tab));
    }
    chosen.clear();
    drawChips();
    document.getElementById("all-systems-choice").hidden = kind !== "systems";
    allSystems.checked = false;
    search.disabled = suggestions.hidden = search.closest("label").hidden = false;
    search.placeholder = `Type to search ${LABEL[kind]}`;
    search.value = "";
    suggest();
  });
}

function drawChips() {
  chips.replaceChildren(
    ...[...chosen].map(([id, name]) =>
      el("span", { class: "chip" }, name === id ? id : `${name} (${id})`,
        el("button", { type: "button", class: "link", "aria-label": `Remove ${id}`,
          onclick: () => { chosen.delete(id); drawChips(); } }, "×")),
    ),
  );
}

const ownerSelect = document.getElementById("owner"); // only when the user is in teams
const owner = () => (ownerSelect ? ownerSelect.value : "");
ownerSelect?.addEventListener("change", () => { chosen.clear(); drawChips(); suggest(); });

let asked = 0;
async function suggest() {
  const ticket = ++asked;
  const query = new URLSearchParams({ q: search.value.trim(), limit: "12" });
  if (owner()) query.set("owner", owner());
  const page = await api("GET", `${PATH[kind]}?${query}`);
  if (ticket !== asked) return; // a newer keystroke has asked since
  suggestions.replaceChildren(
    ...page.items.map((item) =>
      el("li", { role: "option", "data-id": item.id,
        onclick: () => { chosen.set(item.id, item.name || item.id); drawChips(); } },
        el("b", {}, item.name || item.id), item.name && item.name !== item.id ? el("span", { class: "muted" }, ` ${item.id}`) : ""),
    ),
  );
  if (!page.items.length) suggestions.append(el("li", { class: "muted" }, "Nothing found"));
}
search.addEventListener("input", suggest);
search.addEventListener("focus", suggest);

document.getElementById("create").addEventListener("submit", async (event) => {
  event.preventDefault();
  errorBox.textContent = "";
  if (!chosen.size && !everything()) {
    errorBox.textContent = `Choose one or more ${LABEL[kind]} first${kind === "systems" ? ", or All systems" : ""}.`;
    return;
  }
  const body = { name: document.getElementById("name").value, type: document.getElementById("type").value };
  if (everything()) body.all_systems = true;
  else body[kind] = [...chosen.keys()];
  try {
    const graph = await api("POST", owner() ? `/graphs?owner=${encodeURIComponent(owner())}` : "/graphs", body);
    location.href = `/app/graphs/${graph.id}`;
  } catch (error) {
    errorBox.textContent = problems(error);
  }
});
