// The inventory page: browse each kind of record with search and pages; upload a file and read its report.
import { api, el, when } from "./api.js";

const COLUMNS = {
  applications: ["id", "name", "family", "environment", "provider", "language", "systems"],
  systems: ["id", "name", "entries", "clients"],
  clients: ["id", "name"],
  servers: ["id", "hostname", "ipv4_private", "cpu", "memory", "environment", "role", "applications"],
};
const LIMIT = 25;
let kind = "applications";
let offset = 0;
const table = document.getElementById("records");
const search = document.getElementById("inventory-search");

async function draw() {
  const query = new URLSearchParams({ q: search.value.trim(), limit: String(LIMIT), offset: String(offset) });
  const page = await api("GET", `/${kind}?${query}`);
  table.tHead.replaceChildren(el("tr", {}, ...COLUMNS[kind].map((c) => el("th", {}, c))));
  const cell = (value) => (Array.isArray(value) ? value.map((v) => v.id || v).join(", ") : value ?? "");
  table.tBodies[0].replaceChildren(...page.items.map((item) => el("tr", {}, ...COLUMNS[kind].map((c) => el("td", {}, cell(item[c]))))));
  if (!page.items.length) table.tBodies[0].append(el("tr", {}, el("td", { colspan: COLUMNS[kind].length, class: "muted" }, "Nothing here")));
  document.getElementById("page-info").textContent = page.total
    ? `${offset + 1}–${offset + page.items.length} of ${page.total}` : "";
  document.getElementById("prev").disabled = offset === 0;
  document.getElementById("next").disabled = offset + LIMIT >= page.total;
}

for (const tab of document.querySelectorAll("[role=tab]")) {
  tab.addEventListener("click", () => {
    kind = tab.dataset.kind;
    offset = 0;
    for (const other of document.querySelectorAll("[role=tab]")) other.setAttribute("aria-selected", String(other === tab));
    draw();
  });
}
search.addEventListener("input", () => { offset = 0; draw(); });
document.getElementById("prev").addEventListener("click", () => { offset = Math.max(0, offset - LIMIT); draw(); });
document.getElementById("next").addEventListener("click", () => { offset += LIMIT; draw(); });
draw();

document.getElementById("upload").addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = document.getElementById("file").files[0];
  const report = document.getElementById("report");
  if (!file) { report.textContent = "Choose a file first."; return; }
  const yaml = /\.ya?ml$/i.test(file.name);
  const source = document.getElementById("source").value;
  const response = await fetch(source ? `/inventory?from=${source}` : "/inventory", { method: "POST", credentials: "same-origin", body: await file.text(),
    headers: { "Content-Type": yaml ? "application/yaml" : "application/json", Accept: "application/json" } });
  const body = await response.json();
  const line = (d) => el("li", { class: d.level === "error" ? "error" : "warn" }, `${d.level || "warning"}: ${d.field ? d.field + ": " : ""}${d.message}`);
  if (response.ok) {
    const counts = Object.entries(body.created).map(([k, n]) => `${k}: ${n} new, ${body.updated[k]} updated`
      + (body.removed[k] ? `, ${body.removed[k]} removed` : "")).join("; ");
    report.replaceChildren(el("p", { class: "ok" }, `Imported ${file.name}: ${counts}`),
      ...(body.changes ? [changeList(body.changes)] : []), el("ul", {}, ...body.warnings.map(line)));
    draw();
    drawImports();
  } else {
    report.replaceChildren(el("p", { class: "error" }, body.error.message), el("ul", {}, ...body.error.details.map(line)));
  }
});

// What an import changed, one line each: + added, - removed, ~ changed
function changeList(changes) {
  const dep = (d) => `${d.source} → ${d.target}`;
  const items = [
    ...changes.added.map((id) => `+ ${id}`), ...changes.removed.map((id) => `− ${id}`),
    ...changes.changed.map((c) => `~ ${c.id}: ${c.fields.map((f) => f.field).join(", ")}`),
    ...changes.added_dependencies.map((d) => `+ ${dep(d)}`), ...changes.removed_dependencies.map((d) => `− ${dep(d)}`),
    ...changes.changed_dependencies.map((d) => `~ ${dep(d)}`),
  ];
  return el("ul", { class: "changes" }, ...(items.length ? items : ["no changes"]).map((text) => el("li", {}, text)));
}

async function drawImports() {
  const list = document.getElementById("imports");
  const found = await api("GET", "/inventory/imports");
  list.replaceChildren(...(found.items.length ? found.items.map((item) => {
    const c = item.report.counts;
    const summary = `+${c.added} −${c.removed} ~${c.changed} applications, +${c.added_dependencies} −${c.removed_dependencies} dependencies`;
    return el("li", {}, el("details", {}, el("summary", {}, el("b", {}, item.source), ` · ${when(item.created_at)} · ${summary}`),
      changeList(item.report.changes)));
  }) : [el("li", { class: "muted" }, "none yet: upload another tool's file, or run analytics-maestro import --from")]));
}
drawImports();
