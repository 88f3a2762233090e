// One graph: live progress while it runs, then the viewer, its details panel, exports and sharing.
import { api, el, filenameOf, problems, when } from "./api.js";
import { explorer } from "./explore.js";
import { tooltipRows, viewerIn } from "./viewer.js";

const page = document.getElementById("graph-page");
const graphId = page.dataset.graph;
const owner = page.dataset.owner;
const ENDED = ["finished", "warning", "error"];

function follow() {
  const stream = new EventSource(`/graphs/${graphId}/events`);
  const show = (event) => {
    const state = JSON.parse(event.data);
    const badge = document.getElementById("status");
    badge.textContent = state.status;
    badge.className = `badge ${state.status}`;
    document.getElementById("progress-bar").style.width = `${state.percent}%`;
    document.getElementById("stage").textContent = state.stage || state.status;
    document.getElementById("message").textContent = state.message || "";
    return state;
  };
  stream.addEventListener("progress", show);
  stream.addEventListener("end", (event) => {
    show(event);
    stream.close();
    setTimeout(() => location.reload(), 300); // the page draws statistics and the diagram
  });
}
if (!ENDED.includes(page.dataset.status)) follow();

document.getElementById("rerun").addEventListener("click", async () => {
  await api("POST", `/graphs/${graphId}/run`);
  location.reload();
});

// Rename in place; delete after asking
const nameText = document.getElementById("graph-name");
const renameForm = document.getElementById("rename-form");
const renameInput = document.getElementById("rename-input");
const graphError = document.getElementById("graph-error");
const renaming = (on) => { renameForm.hidden = !on; nameText.parentElement.hidden = on; if (on) renameInput.select(); };
document.getElementById("rename").addEventListener("click", () => renaming(true));
document.getElementById("rename-cancel").addEventListener("click", () => renaming(false));
renameInput.addEventListener("keydown", (event) => { if (event.key === "Escape") renaming(false); });
renameForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  graphError.textContent = "";
  try {
    const graph = await api("PATCH", `/graphs/${graphId}`, { name: renameInput.value.trim() });
    nameText.textContent = graph.name || graph.id;
    document.title = `${graph.name || graph.id} · Analytics Maestro`;
    renaming(false);
  } catch (error) {
    graphError.textContent = problems(error);
  }
});
document.getElementById("delete").addEventListener("click", async () => {
  if (!confirm(`Delete "${nameText.textContent}", its diagrams and its public links? This cannot be undone.`)) return;
  try {
    await api("DELETE", `/graphs/${graphId}`);
    location.href = "/app/graphs";
  } catch (error) {
    graphError.textContent = problems(error);
  }
});

// Exports are saved as what is shown: the PNG made in the page from the drawing it has (the
// browser's renderer is several times quicker than the server's), else, like the others, fetched.
// A large diagram's export takes seconds: the link says so meanwhile (past a moment), and says what
// went wrong if it did.
let handle = null;
async function exported(link, label) {
  const drawn = link.id === "export-png" && handle?.current;
  const made = drawn && await drawn.png(Number(link.dataset.maxSide));
  if (made) return { blob: made, name: (drawn.filename || "diagram.svg").replace(/\.svg$/, ".png") };
  const response = await fetch(link.href, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${label}: ${(await response.json().catch(() => ({}))).message || `HTTP ${response.status}`}`);
  const name = filenameOf(response) || label;
  return { blob: await response.blob(), name };
}

for (const link of document.querySelectorAll("#export-svg, #export-png, #export-layout")) {
  link.addEventListener("click", async (event) => {
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    const label = link.textContent;
    const busy = setTimeout(() => { link.setAttribute("aria-busy", "true"); link.textContent = `${label}…`; }, 300);
    graphError.textContent = "";
    try {
      const { blob, name } = await exported(link, label);
      const url = URL.createObjectURL(blob);
      const save = Object.assign(document.createElement("a"), { href: url, download: name });
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (error) {
      graphError.textContent = error.message;
    } finally {
      clearTimeout(busy);
      link.removeAttribute("aria-busy");
      link.textContent = label;
    }
  });
}

const viewerBox = document.getElementById("viewer");
if (viewerBox) {
  const details = document.getElementById("details");
  let selected = null;
  handle = viewerIn(viewerBox, {
    onLoad: async (_viewer, { style, rail, level }, params) => {
      details.hidden = true;
      resetImpact();
      if (changesShown && level === "systems") hideChanges(); // the changes are of applications
      else if (changesShown) showChanges(style, rail);
      changesButton.disabled = level === "systems";
      // the exports are what is shown, but for the systems opened in place
      const asked = new URLSearchParams([["download", "1"], ...[...params].filter(([key]) => key !== "expand")]);
      for (const [id, suffix] of [["export-svg", ".svg"], ["export-png", ".png"]]) {
        document.getElementById(id).href = `/graphs/${graphId}${suffix}?${asked}`;
      }
      await explore.loaded(handle.state);
    },
    onSelect: async (id, node) => {
      if (explore.select(id, node)) return;
      const viewer = handle.current;
      selected = id;
      details.hidden = false;
      document.getElementById("details-name").textContent = id;
      const [title, ...rows] = tooltipRows(viewer.svg, node);
      document.getElementById("details-name").textContent = title?.value || id;
      document.getElementById("details-fields").replaceChildren(
        ...rows.filter((row) => row.key !== "servers").map((row) => [el("dt", {}, row.label), el("dd", {}, row.value)]).flat());
      const list = (target, items, render) =>
        document.getElementById(target).replaceChildren(...(items.length ? items.map(render) : [el("li", { class: "muted" }, "none")]));
      const query = `owner=${encodeURIComponent(owner)}`;
      if (page.dataset.type === "infra") {
        // the nodes are servers: their links are the drawing's own, their applications in the tooltip
        const ends = (from, to) => [...new Set([...viewer.svg.querySelectorAll("g.edge")]
          .filter((e) => e.dataset[from] === id).map((e) => e.dataset[to]))].sort();
        const item = (other) => el("li", {}, el("a", { href: "#", onclick: (e) => { e.preventDefault(); viewer.centre(other); } }, other));
        list("details-deps", ends("source", "target"), item);
        list("details-users", ends("target", "source"), item);
        const hosts = rows.find((row) => row.key === "hosts")?.value.split(", ") || [];
        list("details-servers", hosts, (h) => el("li", {}, h));
        return;
      }
      try {
        const links = await api("GET", `/applications/${encodeURIComponent(id)}/dependencies?${query}`);
        const item = (d) => el("li", {}, el("a", { href: "#", onclick: (e) => { e.preventDefault(); viewer.centre(d.id); } }, d.name || d.id),
          d.endpoint ? el("span", { class: "muted" }, ` ${d.endpoint}`) : "", d.found === false ? el("span", { class: "warn" }, " missing") : "");
        list("details-deps", links.dependencies, item);
        list("details-users", links.dependents, item);
        const servers = await api("GET", `/servers?${query}&application=${encodeURIComponent(id)}&limit=100`);
        list("details-servers", servers.items, (s) => el("li", {}, s.hostname || s.id,
          el("span", { class: "muted" }, ` ${[s.ipv4_private, s.cpu && `${s.cpu} cpu`, s.memory && `${s.memory} GB`, s.os?.dist || s.os?.base].filter(Boolean).join(" · ")}`)));
      } catch (error) {
        list("details-deps", [], () => null);
        document.getElementById("details-deps").replaceChildren(el("li", { class: "error" }, error.message));
      }
    },
  });
  const impact = document.getElementById("impact");
  const impactSummary = document.getElementById("impact-summary");
  function resetImpact() {
    delete impact.dataset.on;
    impact.textContent = "Show impact";
    impactSummary.hidden = true;
  }
  document.getElementById("details-close").addEventListener("click", () => {
    details.hidden = true;
    handle.current.clear();
    resetImpact();
  });
  impact.addEventListener("click", () => {
    if (impact.dataset.on) { handle.current.clear(); resetImpact(); return; }
    const reached = handle.current.impact(selected);
    impact.dataset.on = "1";
    impact.textContent = `Clear impact (${reached.size - 1} depend on it)`;
    // by system, with the entries that reach it, from the graph's own run
    const asked = selected;
    // in the infrastructure view the nodes are servers: what each runs, and what depends on that
    const what = page.dataset.type === "infra" ? "server" : "app";
    api("GET", `/graphs/${graphId}/impact?${what}=${encodeURIComponent(asked)}`).then((found) => {
      if (!impact.dataset.on || selected !== asked) return;
      const counted = (counts) => Object.entries(counts).map(([name, count]) => `${name} ${count}`).join(", ") || "none";
      impactSummary.textContent = `By system: ${counted(found.systems)}. By client: ${counted(found.clients)}. `
        + `Entries that reach it: ${found.entries.join(", ") || "none"}.`;
      impactSummary.hidden = false;
    }).catch(() => {});
  });
  // What changed since the run before: offered when there was one, with its counts
  const changesButton = document.getElementById("changes");
  const changesPanel = document.getElementById("changes-panel");
  let changesShown = false;
  const changesOf = {}; // per style
  async function fetchChanges(style) {
    changesOf[style] ??= await api("GET", `/graphs/${graphId}/diff?style=${style}`);
    return changesOf[style];
  }
  const counted = (c) => [["applications", c.added, c.removed, c.changed],
    ["dependencies", c.added_dependencies, c.removed_dependencies, c.changed_dependencies]]
    .map(([noun, ...k]) => [k.map((n, i) => (n ? `${"+−~"[i]}${n}` : "")).filter(Boolean).join(" "), noun])
    .filter(([figures]) => figures).map(([figures, noun]) => `${figures} ${noun}`).join(", ") || "no changes";
  async function showChanges(style, rail) {
    const found = await fetchChanges(style);
    const viewer = handle.current;
    // the ghosts stand where the run before drew them, with its rail: not on the drawing without it
    viewer.showChanges({ ...found, ghosts: rail ? found.ghosts : [] });
    document.getElementById("changes-title").textContent = `Changes since run ${found.from}`;
    document.getElementById("changes-summary").textContent = counted(found.counts);
    const item = (sign, text, onclick) => el("li", {}, el("span", { class: { "+": "plus", "−": "minus", "~": "tilde" }[sign] }, sign + " "),
      onclick ? el("a", { href: "#", onclick: (e) => { e.preventDefault(); onclick(); } }, text) : text);
    const section = (title, items) => (items.length ? [el("h4", {}, title), el("ul", {}, ...items)] : []);
    const shown = (v) => (Array.isArray(v) ? v.join(", ") || "none" : v ?? "none");
    const dep = (d) => `${d.source} → ${d.target}${d.endpoints?.filter(Boolean).length ? ` (${d.endpoints.filter(Boolean).join(", ")})` : ""}`;
    document.getElementById("changes-lists").replaceChildren(
      ...section("Added", found.added.map((id) => item("+", id, () => viewer.centre(id)))),
      ...section("Removed", found.removed.map((id) => item("−", id, rail ? () => viewer.centreGhost(id) : null))),
      ...section("Changed", found.changed.map((c) => item("~", `${c.id}: ${c.fields.map((f) => `${f.field} ${shown(f.old)} → ${shown(f.new)}`).join("; ")}`, () => viewer.centre(c.id)))),
      ...section("Dependencies added", found.added_dependencies.map((d) => item("+", dep(d)))),
      ...section("Dependencies removed", found.removed_dependencies.map((d) => item("−", dep(d)))),
      ...section("Endpoints changed", found.changed_dependencies.map((d) => item("~", `${d.source} → ${d.target}: ${shown(d.old)} → ${shown(d.new)}`))),
    );
    changesPanel.hidden = false;
  }
  function hideChanges() {
    changesShown = false;
    changesButton.setAttribute("aria-pressed", "false");
    changesPanel.hidden = true;
    handle.current?.clearChanges();
  }
  changesButton.addEventListener("click", async () => {
    if (changesShown) { hideChanges(); return; }
    changesShown = true;
    changesButton.setAttribute("aria-pressed", "true");
    const { style, rail } = handle.state;
    await showChanges(style, rail);
  });
  document.getElementById("changes-close").addEventListener("click", hideChanges);
  // Esc closes what is open over the diagram: the details (and their impact), the changes
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.target.closest?.("input, select, textarea")) return;
    if (!details.hidden) document.getElementById("details-close").click();
    else if (changesShown) hideChanges();
  });
  fetchChanges("iso").then((found) => {
    if (found.from === null) return;
    changesButton.hidden = false;
    changesButton.textContent = `Changes (${counted(found.counts)})`;
  }).catch(() => {});
  // Find: suggestions from the diagram as you type (name, id, family, system, host, address);
  // Enter or a click zooms to the match at a readable size and marks it
  const find = document.getElementById("find");
  const found = document.getElementById("find-suggestions");
  const findStatus = document.getElementById("find-status");
  const WHY = { ipv4_private: "IP", ipv4_public: "public IP", hosts: "runs" };
  let matches = [], asking = 0;
  const go = (match) => {
    found.hidden = true;
    find.value = match.name;
    const shown = handle.current.centre(match.id, { readable: true });
    find.classList.toggle("invalid", !shown);
    findStatus.textContent = shown ? "" : `${match.name} is not drawn in this view`;
  };
  async function suggestFound() {
    const ticket = ++asking;
    const text = find.value.trim();
    if (!text) {
      found.hidden = true; findStatus.textContent = ""; find.classList.remove("invalid");
      handle.current?.unmark();
      return;
    }
    const page = await api("GET", `/graphs/${graphId}/find?q=${encodeURIComponent(text)}&limit=12`);
    if (ticket !== asking) return; // a newer keystroke has asked since
    matches = page.items;
    find.classList.toggle("invalid", !matches.length);
    findStatus.textContent = matches.length ? "" : `No application matches “${text}”`;
    found.replaceChildren(...matches.map((match, k) => el("li", {
      role: "option", "data-id": match.id, "aria-selected": String(k === 0),
      onmousedown: (event) => { event.preventDefault(); go(match); },
    }, el("b", {}, match.name), ["name", "id"].includes(match.field) ? "" :
      el("span", { class: "muted" }, ` ${WHY[match.field] || match.field}: ${match.value}`))));
    found.hidden = !matches.length;
  }
  // its own form: the browser's form filling then reads this form only, not the whole page (with a
  // large diagram, every name in it) at the first keystroke
  document.getElementById("finder").addEventListener("submit", (event) => event.preventDefault());
  find.addEventListener("input", suggestFound);
  find.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); if (matches.length) go(matches[0]); else suggestFound(); }
    else if (event.key === "Escape") { found.hidden = true; handle.current?.unmark(); }
  });
  find.addEventListener("blur", () => { found.hidden = true; });
  const explore = explorer(handle, { graphId, levels: document.getElementById("levels"),
                                     noun: page.dataset.type === "infra" ? "servers" : "applications" });
  document.getElementById("focus-here").addEventListener("click", () => explore.focusOn(selected));
  await explore.start();
}

const share = document.getElementById("share");
if (share) {
  const tbody = share.querySelector("#links tbody");
  async function drawLinks() {
    const links = await api("GET", `/graphs/${graphId}/links`);
    tbody.replaceChildren(...links.items.map((link) => el("tr", { "data-link": link.id },
      el("td", {}, when(link.created_at)), el("td", {}, link.expires_at ? when(link.expires_at) : "never"),
      el("td", {}, el("span", { class: `badge ${link.active ? "finished" : "error"}` }, link.active ? "active" : link.revoked_at ? "revoked" : "expired")),
      el("td", {}, link.active ? el("button", { class: "revoke", onclick: async () => { await api("DELETE", `/graphs/${graphId}/links/${link.id}`); drawLinks(); } }, "Revoke") : ""))));
  }
  document.getElementById("create-link").addEventListener("click", async () => {
    const expires = document.getElementById("expires").value;
    try {
      const link = await api("POST", `/graphs/${graphId}/links`, expires ? { expires_in: Number(expires) } : {});
      document.getElementById("new-link").hidden = false;
      document.getElementById("link-url").value = link.url;
      document.getElementById("embed").value = `<iframe src="${link.url}" width="100%" height="600" style="border:0" title="Diagram"></iframe>`;
      drawLinks();
    } catch (error) {
      alert(problems(error));
    }
  });
  const copy = (id) => async () => { const input = document.getElementById(id); input.select(); await navigator.clipboard?.writeText(input.value).catch(() => {}); };
  document.getElementById("copy-link").addEventListener("click", copy("link-url"));
  document.getElementById("copy-embed").addEventListener("click", copy("embed"));
  drawLinks();
}
