// The diagram viewer: pan and zoom (svg-pan-zoom), fit, reset, fullscreen, isometric or flat; hover an
// application for its tooltip and its links; hover a link for its protocol; click for details;
// impact; find and centre; what changed since an earlier run.

// One viewer in `container`, its toolbar bound once; `load(style, rail)` (re)draws it in a style, with
// its rail of shared infrastructure or every edge a line.
export function viewerIn(container, { onSelect, onLoad } = {}) {
  let current = null;
  const on = (id, action) => document.getElementById(id)?.addEventListener("click", () => current && action(current.zoom));
  on("zoom-in", (zoom) => zoom.zoomIn());
  on("zoom-out", (zoom) => zoom.zoomOut());
  on("fit", (zoom) => { zoom.resize(); zoom.fit(); zoom.center(); });
  on("reset", (zoom) => { zoom.resize(); zoom.reset(); });
  on("fullscreen", () => {
    const target = container.closest(".viewer-card") || container;
    if (document.fullscreenElement) document.exitFullscreen();
    else target.requestFullscreen?.();
  });
  document.addEventListener("fullscreenchange", () => {
    if (current) { current.zoom.resize(); current.zoom.fit(); current.zoom.center(); }
  });
  const styles = [...document.querySelectorAll("[data-style]")];
  const railButton = document.getElementById("rail");
  const state = { style: "iso", rail: true, level: null, expand: [] };
  const handle = {
    get current() { return current; },
    get state() { return { ...state }; },
    // `level`: "systems" for the landscape of the diagram's systems (those in `expand` opened in
    // place to their applications); null for the graph's own
    async load(style = state.style, rail = state.rail, level = state.level, expand = state.expand) {
      const params = new URLSearchParams();
      if (style === "flat") params.set("style", "flat");
      if (!rail) params.set("rail", "false");
      if (level) params.set("level", level);
      if (level === "systems") for (const system of expand) params.append("expand", system);
      const src = container.dataset.src + (params.size ? `?${params}` : "");
      current?.zoom.destroy();
      current = await openViewer(container, src, { onSelect, overview: level === "systems" });
      Object.assign(state, { style, rail, level, expand });
      for (const button of styles) button.setAttribute("aria-pressed", String(button.dataset.style === style));
      if (railButton) {
        // offered where the diagram has a rail, or was drawn without the one it has
        railButton.hidden = rail && !current.svg.querySelector("g.rail");
        railButton.setAttribute("aria-pressed", String(rail));
      }
      window.viewer = current; // for the browser console, and the tests
      onLoad?.(style, current, rail, level);
      return current;
    },
  };
  for (const button of styles) button.addEventListener("click", () => handle.load(button.dataset.style));
  // Keys, as in most viewers: `/` find, `+` `-` zoom, `0` fit, `f` fullscreen (Esc: the page's own)
  document.addEventListener("keydown", (event) => {
    if (!current || event.ctrlKey || event.metaKey || event.altKey || event.target.closest?.("input, select, textarea")) return;
    const press = (id) => { event.preventDefault(); document.getElementById(id)?.click(); };
    if (event.key === "/") { event.preventDefault(); document.getElementById("find")?.focus(); }
    else if (event.key === "+" || event.key === "=") press("zoom-in");
    else if (event.key === "-") press("zoom-out");
    else if (event.key === "0") press("fit");
    else if (event.key === "f") press("fullscreen");
  });
  railButton?.addEventListener("click", () => handle.load(state.style, !state.rail));
  return handle;
}

const SVG = "http://www.w3.org/2000/svg";
const READABLE = 48; // pixels across an application's tile, for its name to be read
const TEXT = 11; // the drawing's text size, in drawing units
const LEGIBLE = 3; // pixels: smaller text is not drawn
const MOST = 160; // pixels across a tile, at most, when a few applications are fitted to the view

// The rows of an application's tooltip, as the drawing keeps them (`tool-<id>`: one tspan a row, its
// class the row's name in Maestro's spelling, its text the value); the first row is the name.
// Shown family first, the place (datacenter) after what runs there; rows not named here keep their order.
const LABELS = { dc: "datacenter", env: "environment", Language: "language", Cluster: "cluster" };
const ORDER = ["name", "family", "env", "provider", "Language", "Cluster", "dc", "servers"];
export function tooltipRows(svg, node) {
  const group = svg.getElementById("tool-" + node.id.slice("node-".length));
  const rank = (row) => (ORDER.includes(row.key) ? ORDER.indexOf(row.key) : ORDER.length);
  return [...(group?.querySelectorAll("tspan") || [])].map((t) => {
    const key = t.getAttribute("class") || "";
    return { key, label: LABELS[key] || key, value: t.textContent };
  }).sort((a, b) => rank(a) - rank(b));
}

// One tooltip for the page, beside the pointer and never over the details panel or off the screen.
function tip() {
  let box = document.getElementById("app-tip");
  if (!box) {
    box = document.createElement("div");
    box.id = "app-tip";
    box.className = "app-tip";
    box.setAttribute("role", "tooltip");
    box.hidden = true;
    document.body.append(box);
  }
  return box;
}

function showTip(rows, event) {
  const box = tip();
  const [title, ...rest] = rows;
  const line = (tag, text, cls) => Object.assign(document.createElement(tag), { textContent: text, className: cls || "" });
  box.replaceChildren(line("strong", title?.value || ""),
    ...rest.map((row) => line("div", `${row.label}: ${row.value}`)));
  box.hidden = false;
  const details = document.getElementById("details");
  const panel = details && !details.hidden ? details.getBoundingClientRect() : null;
  const right = panel && panel.width ? panel.left : window.innerWidth;
  const { width, height } = box.getBoundingClientRect();
  let x = event.clientX + 16, y = event.clientY + 12;
  if (x + width > right - 8) x = Math.max(8, event.clientX - 16 - width);
  if (y + height > window.innerHeight - 8) y = Math.max(8, window.innerHeight - 8 - height);
  box.style.left = `${x}px`;
  box.style.top = `${y}px`;
}

function hideTip() {
  const box = document.getElementById("app-tip");
  if (box) box.hidden = true;
}

async function openViewer(container, src, { onSelect, overview = false } = {}) {
  const response = await fetch(src, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`the diagram did not load (HTTP ${response.status})`);
  hideTip(); // its node is gone with the drawing it was in
  container.innerHTML = await response.text(); // our own renderer's SVG: every name in it is escaped
  const svg = container.querySelector("svg");
  // one image to assistive technology (its names are in the find box and the details panel): a
  // tree of thousands of shapes and names would be built again on every change of the page
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "Architecture diagram");
  legendOutside(svg, container);
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.style.width = "100%";
  svg.style.height = "100%";
  const zoom = window.svgPanZoom(svg, {
    zoomEnabled: true, panEnabled: true, controlIconsEnabled: false, dblClickZoomEnabled: false,
    fit: true, center: true, minZoom: 0.02, maxZoom: 50, zoomScaleSensitivity: 0.25,
  });

  const apps = new Map();
  for (const node of svg.querySelectorAll("g.app[data-app-id]")) apps.set(node.dataset.appId, node);
  const edges = [...svg.querySelectorAll("g.edge")];
  const callers = new Map(); // target -> sources
  const callees = new Map(); // source -> targets
  const add = (map, key, value) => { if (!map.has(key)) map.set(key, []); map.get(key).push(value); };
  for (const edge of edges) {
    add(callers, edge.dataset.target, edge.dataset.source);
    add(callees, edge.dataset.source, edge.dataset.target);
  }
  const captions = new Map(); // application -> its caption, in the isometric style (a layer of its own)
  for (const label of svg.querySelectorAll("g.labels > text[data-for]")) captions.set(label.dataset.for, label);

  function mark(ids, edgeTest) {
    svg.classList.toggle("focus", ids !== null);
    for (const [id, node] of apps) node.classList.toggle("hl", ids !== null && ids.has(id));
    for (const edge of edges) edge.classList.toggle("hl", ids !== null && edgeTest(edge));
  }

  let pinned = null; // a shown impact stays until cleared
  for (const [id, node] of apps) {
    node.addEventListener("mousemove", (event) => showTip(tooltipRows(svg, node), event));
    node.addEventListener("mouseenter", (event) => {
      showTip(tooltipRows(svg, node), event);
      if (pinned) return;
      const near = new Set([id]);
      for (const edge of edges) {
        if (edge.dataset.source === id) near.add(edge.dataset.target);
        if (edge.dataset.target === id) near.add(edge.dataset.source);
      }
      mark(near, (edge) => edge.dataset.source === id || edge.dataset.target === id);
    });
    node.addEventListener("mouseleave", () => {
      hideTip();
      if (!pinned) mark(null);
    });
    node.addEventListener("click", () => onSelect?.(id, node));
    node.style.cursor = "pointer";
  }

  const controls = {
    zoom,
    svg,
    apps,
    impact(id) {
      // everything that depends on `id`, directly or not: walk the links backwards
      const reached = new Set([id]);
      const queue = [id];
      while (queue.length) {
        for (const source of callers.get(queue.shift()) || []) {
          if (!reached.has(source)) { reached.add(source); queue.push(source); }
        }
      }
      pinned = reached;
      mark(reached, (edge) => reached.has(edge.dataset.source) && reached.has(edge.dataset.target));
      return reached;
    },
    clear() { pinned = null; mark(null); },
    // What changed since an earlier run: added and changed applications marked, removed ones drawn as
    // ghosts where that run drew them (`ghosts`: id, name, outline points on this style's page).
    showChanges({ added = [], changed = [], ghosts = [] }) {
      this.clearChanges();
      for (const id of added) apps.get(id)?.classList.add("added");
      for (const { id } of changed) apps.get(id)?.classList.add("changed");
      const layer = document.createElementNS(SVG, "g");
      layer.setAttribute("class", "ghosts");
      for (const ghost of ghosts) {
        const group = document.createElementNS(SVG, "g");
        group.setAttribute("class", "ghost");
        group.dataset.appId = ghost.id;
        const shape = document.createElementNS(SVG, "polygon");
        shape.setAttribute("points", ghost.points.map((p) => p.join(",")).join(" "));
        const title = document.createElementNS(SVG, "title");
        title.textContent = `removed: ${ghost.name}`;
        const xs = ghost.points.map((p) => p[0]), ys = ghost.points.map((p) => p[1]);
        const label = document.createElementNS(SVG, "text");
        label.setAttribute("x", String((Math.min(...xs) + Math.max(...xs)) / 2));
        label.setAttribute("y", String((Math.min(...ys) + Math.max(...ys)) / 2 + 4));
        label.textContent = ghost.name; // text, never markup
        group.append(title, shape, label);
        layer.append(group);
      }
      (svg.querySelector(".svg-pan-zoom_viewport") || svg).append(layer);
    },
    clearChanges() {
      for (const node of apps.values()) node.classList.remove("added", "changed");
      svg.querySelector("g.ghosts")?.remove();
    },
    // Pan to a removed application's ghost, as `centre` does to an application.
    centreGhost(id) {
      const ghost = svg.querySelector(`g.ghosts g.ghost[data-app-id="${CSS.escape(id)}"]`);
      if (!ghost) return false;
      if (zoom.getZoom() < 1) zoom.zoom(1);
      look(zoom, ghost, 0.5);
      return true;
    },
    // Pan to an application and mark it until the next find (or `unmark`); `readable`: zoom in until its tile is
    // READABLE pixels across (never out), whatever the zoom was (after Fit, on a large diagram)
    centre(id, { readable = false } = {}) {
      const node = apps.get(id);
      if (!node) return false;
      const across = node.getBBox().width * zoom.getSizes().realZoom;
      if (readable && across < READABLE) zoom.zoom((zoom.getZoom() * READABLE) / Math.max(across, 0.01));
      else if (zoom.getZoom() < 1) zoom.zoom(1);
      look(zoom, node, 0.5);
      this.unmark();
      node.classList.add("found");
      return true;
    },
    unmark() { for (const other of svg.querySelectorAll("g.app.found")) other.classList.remove("found"); },
    // What is within `hops` links of `id` (0: any number), following links `down` (what it uses),
    // `up` (what uses it) or both ways
    around(id, hops, direction) {
      const reached = new Map([[id, 0]]);
      const queue = [id];
      const ways = [direction !== "up" && callees, direction !== "down" && callers].filter(Boolean);
      while (queue.length) {
        const at = queue.shift();
        const next = reached.get(at) + 1;
        if (hops && next > hops) continue;
        for (const way of ways) for (const other of way.get(at) || []) {
          if (!reached.has(other)) { reached.set(other, next); queue.push(other); }
        }
      }
      return new Set(reached.keys());
    },
    // Keep `ids` (a Set) and dim the rest, their links and captions with them; null keeps everything.
    // A badge of shared infrastructure stays with the application that carries it.
    keep(ids) {
      svg.classList.toggle("filtered", ids !== null);
      const kept = (id) => ids !== null && ids.has(id);
      for (const [id, node] of apps) node.classList.toggle("kept", kept(id));
      for (const [id, label] of captions) label.classList.toggle("kept", kept(id));
      for (const edge of edges) {
        const { source, target } = edge.dataset;
        const badge = edge.classList.contains("shared");
        edge.classList.toggle("kept", badge ? kept(source) || kept(target) : kept(source) && kept(target));
      }
    },
    // Zoom and pan so that the applications `ids` fill the view, their tiles never wider than
    // MOST pixels
    fitTo(ids) {
      // (a caption not drawn, culled or too small, has an empty box)
      const boxes = [...ids].flatMap((id) => [apps.get(id), captions.get(id)]).filter(Boolean).map((n) => n.getBBox())
        .filter((box) => box.width > 0);
      if (!boxes.length) return false;
      const x0 = Math.min(...boxes.map((b) => b.x)), x1 = Math.max(...boxes.map((b) => b.x + b.width));
      const y0 = Math.min(...boxes.map((b) => b.y)), y1 = Math.max(...boxes.map((b) => b.y + b.height));
      const sizes = zoom.getSizes();
      const widest = Math.max(...[...ids].map((id) => apps.get(id)?.getBBox().width || 0));
      const scale = Math.min(0.9 * sizes.width / (x1 - x0), 0.9 * sizes.height / (y1 - y0), MOST / Math.max(widest, 1));
      zoom.zoom((zoom.getZoom() * scale) / sizes.realZoom);
      lookAt(zoom, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, 0.5);
      return true;
    },
  };
  // A large diagram fitted whole shows specks: start instead at a readable size, on the first entry
  // (but an overview, the landscape of the systems, whole)
  const first = svg.querySelector("g.app:has(path.entry)") || svg.querySelector("g.app");
  if (!overview && first && first.getBoundingClientRect().width < READABLE / 4) {
    zoom.zoom((zoom.getZoom() * READABLE) / first.getBoundingClientRect().width);
    look(zoom, first, 0.25);
  }

  const cull = cullOffscreen(svg, zoom, container);
  // Level of detail: text too small to read is not drawn (nor its halo), nor are family symbols,
  // which is most of what a frame of a large diagram costs; they come back once they would be legible
  let pending = false;
  const detail = () => {
    pending = false;
    svg.classList.toggle("far", zoom.getSizes().realZoom * TEXT < LEGIBLE);
    cull?.();
  };
  zoom.setOnUpdatedCTM(() => {
    if (!pending) { pending = true; requestAnimationFrame(detail); }
  });
  detail();

  return controls;
}

// The drawing's legend, taken out of what pans and zooms into a panel of its own in the viewer's
// corner (unfolded with a click): it explains the drawing at every zoom. Its symbols are the
// drawing's own, and so are its styles (an inline SVG's styles are the page's).
function legendOutside(svg, container) {
  container.parentElement.querySelector(".legend-panel")?.remove();
  const drawn = svg.querySelector("g.legend");
  if (!drawn) return;
  const box = drawn.getBBox();
  const panel = document.createElement("details");
  panel.className = "legend-panel";
  panel.open = false; // folded: open, it would cover a corner of the diagram
  const title = document.createElement("summary");
  title.textContent = "Legend";
  const mini = document.createElementNS(SVG, "svg");
  mini.setAttribute("viewBox", `${box.x - 4} ${box.y - 4} ${box.width + 8} ${box.height + 8}`);
  mini.setAttribute("width", String(Math.ceil(box.width + 8)));
  mini.setAttribute("height", String(Math.ceil(box.height + 8)));
  mini.setAttribute("role", "img");
  mini.setAttribute("aria-label", drawn.textContent.trim());
  mini.append(drawn);
  panel.append(title, mini);
  container.after(panel);
}

// Pan so that `node` is at `where` (a fraction of the width and height) of the view. From its box in
// drawing units, through the viewer's own state: the node may be culled, and the view's transform
// reaches the page only at the next frame.
function look(zoom, node, where) {
  lookAt(zoom, node.getBBox(), where);
}

function lookAt(zoom, box, where) {
  const sizes = zoom.getSizes();
  zoom.pan({ x: sizes.width * where - sizes.realZoom * (box.x + box.width / 2),
             y: sizes.height * where - sizes.realZoom * (box.y + box.height / 2) });
}

// Panning a drawing of thousands of applications repaints all of them at every frame. Past a few
// thousand elements, those outside the view (with a margin) are taken out of rendering, found
// through a grid of cells over the drawing, and put back as the view moves (`update`, returned: on
// every change of the view; nothing for a smaller drawing).
const CULL_FROM = 3000;
const CELL = 400; // drawing units

function cullOffscreen(svg, zoom, container) {
  const items = [...svg.querySelectorAll("g.edges > g, g.apps > g, g.labels > *")];
  if (items.length < CULL_FROM) return;
  const cells = new Map();
  const always = [];
  items.forEach((item, index) => {
    const box = item.getBBox();
    const x0 = Math.floor(box.x / CELL), x1 = Math.floor((box.x + box.width) / CELL);
    const y0 = Math.floor(box.y / CELL), y1 = Math.floor((box.y + box.height) / CELL);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > 64) { always.push(index); return; }
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) {
      const key = x + ":" + y;
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(index);
    }
  });
  const viewport = svg.querySelector(".svg-pan-zoom_viewport");
  let shown = new Set(items.keys());
  function update() {
    const frame = container.getBoundingClientRect();
    const toDrawing = viewport.getScreenCTM().inverse();
    const a = new DOMPoint(frame.left - frame.width / 2, frame.top - frame.height / 2).matrixTransform(toDrawing);
    const b = new DOMPoint(frame.right + frame.width / 2, frame.bottom + frame.height / 2).matrixTransform(toDrawing);
    const x0 = Math.floor(Math.min(a.x, b.x) / CELL), x1 = Math.floor(Math.max(a.x, b.x) / CELL);
    const y0 = Math.floor(Math.min(a.y, b.y) / CELL), y1 = Math.floor(Math.max(a.y, b.y) / CELL);
    let visible;
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > cells.size) {
      visible = new Set(items.keys()); // the whole drawing is in view
    } else {
      visible = new Set(always);
      for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) {
        for (const index of cells.get(x + ":" + y) || []) visible.add(index);
      }
    }
    for (const index of shown) if (!visible.has(index)) items[index].style.display = "none";
    for (const index of visible) if (!shown.has(index)) items[index].style.display = "";
    shown = visible;
  }
  return update;
}
