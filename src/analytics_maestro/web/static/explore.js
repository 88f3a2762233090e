// Exploring a diagram: the landscape of its systems first when it is large, a system opened to its
// applications (breadcrumbs back), filters by system, environment, provider and family, and focus on
// what is within a few hops of one application; all of it in the page's address, to be shared.
import { api, el } from "./api.js";

const FIELDS = ["system", "environment", "provider", "family"];
const KEYS = ["style", "rail", "colour", "level", "expand", ...FIELDS, "focus", "hops", "direction"];

// `handle`: the page's viewer (`viewerIn`); `levels`: the Systems/Applications group, absent where
// the graph has one level; `noun`: what the nodes are ("applications", "servers").
export function explorer(handle, { graphId, levels, noun = "applications" }) {
  const form = document.getElementById("filters");
  const crumbs = document.getElementById("crumbs");
  const count = document.getElementById("filter-count");
  const clear = document.getElementById("filter-clear");
  const focusChip = document.getElementById("focus");
  const hops = document.getElementById("focus-hops");
  const direction = document.getElementById("focus-direction");
  const colourBy = document.getElementById("colour-by");
  const COLOURS = [...colourBy.options].map((option) => option.value); // what tiles' colours can tell
  const selects = Object.fromEntries(FIELDS.map((f) => [f, form.querySelector(`select[data-field="${f}"]`)]));
  const opensOn = levels?.dataset.opensOn || null;
  // the landscape reads better packed flat than as an isometric streak; applications, in Maestro's look
  const styleOf = (level) => (level === "systems" ? "flat" : "iso");
  let facets = null; // {items, values}, asked once
  let names = new Map(); // system id -> name

  // The state, as the address says it (unknown or missing values: the defaults)
  function read() {
    const q = new URLSearchParams(location.search);
    const level = levels && ["systems", "applications"].includes(q.get("level")) ? q.get("level") : opensOn;
    return {
      style: ["iso", "flat"].includes(q.get("style")) ? q.get("style") : styleOf(level),
      rail: q.get("rail") !== "false",
      colour: COLOURS.includes(q.get("colour")) ? q.get("colour") : "provider",
      level,
      expand: level === "systems" ? [...new Set(q.getAll("expand"))] : [],
      filters: Object.fromEntries(FIELDS.map((f) => [f, q.get(f) || ""])),
      focus: q.get("focus") || "",
      hops: /^[0-5]$/.test(q.get("hops") || "") ? q.get("hops") : "2",
      direction: ["both", "up", "down"].includes(q.get("direction")) ? q.get("direction") : "both",
    };
  }
  let state = read();

  function write(push = false) {
    const q = new URLSearchParams(location.search);
    for (const key of KEYS) q.delete(key);
    if (state.style !== styleOf(state.level)) q.set("style", state.style);
    if (!state.rail) q.set("rail", "false");
    if (state.colour !== "provider") q.set("colour", state.colour);
    if (levels && state.level !== opensOn) q.set("level", state.level);
    if (state.level === "systems") for (const system of state.expand) q.append("expand", system);
    else {
      for (const f of FIELDS) if (state.filters[f]) q.set(f, state.filters[f]);
      if (state.focus) { q.set("focus", state.focus); q.set("hops", state.hops); q.set("direction", state.direction); }
    }
    const url = `${location.pathname}${q.size ? `?${q}` : ""}${location.hash}`;
    if (url !== `${location.pathname}${location.search}${location.hash}`) history[push ? "pushState" : "replaceState"](null, "", url);
  }

  async function ensureFacets() {
    if (facets) return facets;
    facets = await api("GET", `/graphs/${graphId}/facets`);
    names = new Map(facets.values.system.map((v) => [v.value, v.name]));
    for (const f of FIELDS) {
      selects[f].replaceChildren(el("option", { value: "" }, "all"),
        ...facets.values[f].map((v) => el("option", { value: v.value }, `${v.name} (${v.count})`)));
      selects[f].closest("label").hidden = facets.values[f].length < 2 && !state.filters[f];
    }
    return facets;
  }

  function drawCrumbs() {
    crumbs.hidden = !levels;
    if (!levels) return;
    for (const button of levels.querySelectorAll("[data-level]")) {
      button.setAttribute("aria-pressed", String(button.dataset.level === state.level));
    }
    if (state.level === "systems") {
      // each opened system: close it, or see it in the whole diagram of applications
      const opened = state.expand.map((system) => el("span", { class: "chip opened", "data-system": system },
        names.get(system) || system,
        el("button", { type: "button", class: "link", title: "Show it in the diagram of every application",
          onclick: () => go({ level: "applications", expand: [], filters: { system }, focus: "" }) }, "applications"),
        el("button", { type: "button", class: "link close-system", "aria-label": `Close ${names.get(system) || system}`,
          onclick: () => go({ expand: state.expand.filter((s) => s !== system) }, { fit: false }) }, "×")));
      crumbs.replaceChildren(el("b", {}, "All systems"), ...opened,
        el("span", { class: "muted" }, state.expand.length ? " · click another system to open it too" : " · click a system to open it"));
      return;
    }
    const system = state.filters.system;
    crumbs.replaceChildren(
      el("a", { href: "#", id: "crumb-systems", onclick: (e) => { e.preventDefault(); go({ level: "systems" }); } }, "All systems"),
      el("span", { class: "sep", "aria-hidden": "true" }, " › "),
      el("b", {}, system ? names.get(system) || system : `all ${noun}`));
  }

  // Apply the filters and the focus to the drawn applications; `fit`: bring what is kept into view
  function apply(fit) {
    const viewer = handle.current;
    drawCrumbs();
    form.hidden = state.level === "systems" || !facets;
    if (viewer && state.level === "systems" && fit && state.expand.length && facets) {
      // the last system opened, in view
      const last = state.expand[state.expand.length - 1];
      viewer.fitTo(new Set(facets.items.filter((item) => viewer.apps.has(item.id) && !viewer.apps.get(item.id).dataset.system
        && item.system[0] === last).map((item) => item.id)));
    }
    if (!viewer || state.level === "systems" || !facets) return;
    for (const f of FIELDS) selects[f].value = state.filters[f];
    const chosen = FIELDS.filter((f) => state.filters[f]);
    let kept = null;
    if (chosen.length) {
      kept = new Set(facets.items.filter((item) => chosen.every((f) =>
        f === "system" ? item.system.includes(state.filters.system) : item[f] === state.filters[f])).map((item) => item.id));
    }
    const focused = state.focus && viewer.apps.has(state.focus);
    focusChip.hidden = !focused;
    if (focused) {
      hops.value = state.hops;
      direction.value = state.direction;
      document.getElementById("focus-name").textContent = viewer.apps.get(state.focus).querySelector("title")?.textContent || state.focus;
      const near = viewer.around(state.focus, Number(state.hops), state.direction);
      kept = kept ? new Set([...near].filter((id) => kept.has(id) || id === state.focus)) : near;
    }
    viewer.keep(kept);
    clear.hidden = kept === null;
    const total = viewer.apps.size;
    count.textContent = kept === null ? "" : `${[...kept].filter((id) => viewer.apps.has(id)).length} of ${total} ${noun}`;
    if (fit && kept !== null) viewer.fitTo(kept);
  }

  // Change the state; a change of level draws the other picture (and is a step back can undo)
  async function go(change, { fit = true } = {}) {
    const before = state;
    state = { ...state, ...change, filters: { ...state.filters, ...(change.filters || {}) } };
    if (state.level !== before.level && before.style === styleOf(before.level)) state.style = styleOf(state.level);
    const moved = state.level !== before.level || state.expand.join() !== before.expand.join();
    write(moved);
    if (moved || drawnOtherwise(before)) {
      await handle.load(asked()); // onLoad calls `loaded`
    } else {
      apply(fit);
    }
  }

  // What the viewer is asked to draw, and whether it is drawn otherwise than it was `before`
  const asked = () => ({ style: state.style, rail: state.rail, colour: state.colour, level: levels ? state.level : null,
                         expand: state.expand });
  const drawnOtherwise = (before) => ["style", "rail", "colour"].some((key) => state[key] !== before[key]);
  colourBy.value = state.colour;
  colourBy.addEventListener("change", () => go({ colour: colourBy.value }));
  for (const f of FIELDS) selects[f].addEventListener("change", () => go({ filters: { [f]: selects[f].value } }));
  hops.addEventListener("change", () => go({ hops: hops.value }));
  direction.addEventListener("change", () => go({ direction: direction.value }));
  document.getElementById("focus-clear").addEventListener("click", () => go({ focus: "" }, { fit: false }));
  clear.addEventListener("click", () => {
    go({ focus: "", filters: Object.fromEntries(FIELDS.map((f) => [f, ""])) }, { fit: false });
    handle.current?.zoom.fit();
    handle.current?.zoom.center();
  });
  for (const button of levels?.querySelectorAll("[data-level]") || []) {
    button.addEventListener("click", () => go({ level: button.dataset.level }));
  }
  window.addEventListener("popstate", async () => {
    const before = state;
    state = read();
    if (state.level !== before.level || state.expand.join() !== before.expand.join() || drawnOtherwise(before)) {
      await handle.load(asked());
    } else apply(true);
  });

  return {
    // The first picture, as the address asks
    start: () => handle.load(asked()),
    // After every load (the style and rail buttons load too)
    async loaded({ style, rail }) {
      state = { ...state, style, rail };
      colourBy.value = state.colour;
      write();
      await ensureFacets();
      apply(true);
    },
    // A click on a node: on a system's box in the landscape, open that system in place; true when
    // the click was taken (an application's opens its details)
    select(id, node) {
      const system = node?.dataset.system;
      if (state.level !== "systems" || !system) return false;
      go({ expand: [...state.expand, system] });
      return true;
    },
    focusOn(id) { go({ focus: id }); },
  };
}
