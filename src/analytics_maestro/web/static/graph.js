// One graph: live progress while it runs, then the viewer, its details panel, exports and sharing.
import { api, el, problems, when } from "./api.js";
import { viewerIn } from "./viewer.js";

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

const viewerBox = document.getElementById("viewer");
if (viewerBox) {
  const details = document.getElementById("details");
  let selected = null;
  const handle = viewerIn(viewerBox, {
    onLoad: (style, _viewer, rail) => {
      details.hidden = true;
      resetImpact();
      const asked = `${style === "flat" ? "&style=flat" : ""}${rail ? "" : "&rail=false"}`;
      for (const [id, suffix] of [["export-svg", ".svg"], ["export-png", ".png"]]) {
        document.getElementById(id).href = `/graphs/${graphId}${suffix}?download=1${asked}`;
      }
      names.replaceChildren();
      for (const [id, node] of handle.current.apps) {
        const label = node.querySelector("text.label")?.textContent;
        names.append(el("option", { value: id }, label && label !== id ? label : ""));
      }
    },
    onSelect: async (id, node) => {
      const viewer = handle.current;
      selected = id;
      details.hidden = false;
      document.getElementById("details-name").textContent = id;
      const lines = [...(viewer.svg.getElementById("tool-" + node.id.slice(5))?.querySelectorAll("tspan") || [])]
        .map((t) => t.textContent);
      document.getElementById("details-name").textContent = lines[0] || id;
      const fields = lines.slice(1).filter((l) => !l.startsWith("server"));
      document.getElementById("details-fields").replaceChildren(
        ...fields.map((line) => { const [k, ...v] = line.split(": "); return [el("dt", {}, k), el("dd", {}, v.join(": "))]; }).flat());
      const list = (target, items, render) =>
        document.getElementById(target).replaceChildren(...(items.length ? items.map(render) : [el("li", { class: "muted" }, "none")]));
      const query = `owner=${encodeURIComponent(owner)}`;
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
  const names = document.getElementById("app-names");
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
    api("GET", `/graphs/${graphId}/impact?app=${encodeURIComponent(asked)}`).then((found) => {
      if (!impact.dataset.on || selected !== asked) return;
      const systems = Object.entries(found.systems).map(([system, count]) => `${system} ${count}`).join(", ");
      impactSummary.textContent = `By system: ${systems || "none"}. Entries that reach it: ${found.entries.join(", ") || "none"}.`;
      impactSummary.hidden = false;
    }).catch(() => {});
  });
  const find = document.getElementById("find");
  find.addEventListener("change", () => {
    const apps = [...handle.current.apps.keys()];
    const wanted = find.value.trim().toLowerCase();
    const hit = apps.find((id) => id.toLowerCase() === wanted) || apps.find((id) => id.toLowerCase().includes(wanted));
    find.classList.toggle("invalid", !hit || !handle.current.centre(hit));
  });
  await handle.load("iso");
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
