// The diagram viewer: pan and zoom (svg-pan-zoom), fit, reset, fullscreen, isometric or flat; hover an
// application for its tooltip and its links; hover a link for its protocol; click for details;
// impact; find and centre; what changed since an earlier run; far out, a sketch of cheap shapes; a minimap.
import { filenameOf } from "./api.js";
import { sketchOf } from "./sketch.js";

// One viewer in `container`, its toolbar bound once; `load({ style, rail, level, expand, colour })`
// (re)draws it as asked (what is not said, as before): in a style, with its rail of shared
// infrastructure or every edge a line, at a level, its tiles coloured by provider, system or environment.
export function viewerIn(container, { onSelect, onLoad } = {}) {
  let current = null;
  const on = (id, action) => document.getElementById(id)?.addEventListener("click", () => current && action(current.zoom));
  on("zoom-in", (zoom) => zoom.zoomIn());
  on("zoom-out", (zoom) => zoom.zoomOut());
  on("fit", (zoom) => { current.resize(); zoom.fit(); zoom.center(); });
  on("reset", (zoom) => { current.resize(); zoom.reset(); });
  on("fullscreen", () => {
    const target = container.closest(".viewer-card") || container;
    if (document.fullscreenElement) document.exitFullscreen();
    else target.requestFullscreen?.();
  });
  document.addEventListener("fullscreenchange", () => {
    if (current) { current.resize(); current.zoom.fit(); current.zoom.center(); }
  });
  window.addEventListener("resize", () => current?.resize());
  const styles = [...document.querySelectorAll("[data-style]")];
  const railButton = document.getElementById("rail");
  const state = { style: "iso", rail: true, level: null, expand: [], colour: "provider" };
  const handle = {
    get current() { return current; },
    get state() { return { ...state }; },
    // `level`: "systems" for the landscape of the diagram's systems (those in `expand` opened in
    // place to their applications); null for the graph's own
    async load(asked = {}) {
      const { style, rail, level, expand, colour } = { ...state, ...asked };
      const params = new URLSearchParams();
      if (style === "flat") params.set("style", "flat");
      if (!rail) params.set("rail", "false");
      if (level) params.set("level", level);
      if (level === "systems") for (const system of expand) params.append("expand", system);
      if (colour !== "provider") params.set("colour", colour);
      // the landscape packed to the viewer's shape, so that fitted its names are as large as they can be
      if (level === "systems" && container.clientHeight > 0) {
        const shape = Math.min(3, Math.max(1 / 3, container.clientWidth / container.clientHeight));
        params.set("aspect", shape.toFixed(1));
      }
      const src = container.dataset.src + (params.size ? `?${params}` : "");
      current?.destroy();
      // what takes longer than a moment says so: a wait for the server past BUSY_AFTER, or a drawing
      // large enough to take that long to lay out (the page cannot paint meanwhile: it is said first)
      const saying = () => container.setAttribute("aria-busy", "true");
      const busy = setTimeout(saying, BUSY_AFTER);
      const heavy = () => { saying(); return new Promise((done) => requestAnimationFrame(() => setTimeout(done))); };
      try {
        current = await openViewer(container, src, { onSelect, heavy, overview: level === "systems" });
      } finally {
        clearTimeout(busy);
        container.removeAttribute("aria-busy");
      }
      Object.assign(state, { style, rail, level, expand, colour });
      for (const button of styles) button.setAttribute("aria-pressed", String(button.dataset.style === style));
      if (railButton) {
        // offered where the diagram has a rail, or was drawn without the one it has
        railButton.hidden = rail && !current.svg.querySelector("g.rail");
        railButton.setAttribute("aria-pressed", String(rail));
      }
      window.viewer = current; // for the browser console, and the tests
      onLoad?.(current, { ...state }, params);
      return current;
    },
  };
  for (const button of styles) button.addEventListener("click", () => handle.load({ style: button.dataset.style }));
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
  railButton?.addEventListener("click", () => handle.load({ rail: !state.rail }));
  return handle;
}

const SVG = "http://www.w3.org/2000/svg";
const BUSY_AFTER = 300; // ms
const HEAVY = 400_000; // characters of drawing: about what takes BUSY_AFTER to lay out
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
  const id = "tool-" + node.id.slice("node-".length);
  // (the viewer keeps them out of the page: `openViewer`)
  svg.tips ??= new Map([...(svg.tooltips?.children || [])].map((group) => [group.id, group]));
  const group = svg.tips.get(id) || svg.getElementById(id);
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

async function openViewer(container, src, { onSelect, heavy, overview = false } = {}) {
  const response = await fetch(src, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`the diagram did not load (HTTP ${response.status})`);
  const markup = await response.text();
  // the name the server gives the drawing, for what the page saves of it (its PNG)
  const filename = filenameOf(response);
  if (markup.length > HEAVY) await heavy?.();
  hideTip(); // its node is gone with the drawing it was in
  // Made ready out of the document (an inert template), then put in once: laying out the text of a
  // large drawing takes seconds, and it is laid out once, as it will be seen
  const holder = document.createElement("template");
  holder.innerHTML = markup; // our own renderer's SVG: every name in it is escaped
  const svg = holder.content.querySelector("svg");
  container.replaceChildren();
  // one image to assistive technology (its names are in the find box and the details panel): a
  // tree of thousands of shapes and names would be built again on every change of the page
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "Architecture diagram");
  legendOutside(svg, container);
  // the tooltips' hidden text, a third of a large drawing's elements, is read, never shown: kept
  // out of the page, it is not laid out (`tooltipRows` reads it there)
  svg.tooltips = svg.querySelector("g.tooltips");
  svg.tooltips?.remove();
  const { x, y, width, height } = svg.viewBox.baseVal; // the whole drawing, in its own units
  const bounds = { x, y, width, height };
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.style.width = "100%";
  svg.style.height = "100%";
  // what pans and zooms: all but the definitions (svg-pan-zoom would otherwise move it all in the page);
  // it takes the view the pan-zoom keeps (`gestures`), whose own group stays empty
  const viewport = document.createElementNS(SVG, "g");
  viewport.setAttribute("class", "svg-pan-zoom_viewport");
  viewport.append(...[...svg.childNodes].filter((node) => node.localName !== "defs"));
  const state = document.createElementNS(SVG, "g");
  state.setAttribute("class", "pan-zoom-state");
  // Its transform is never written: a change to any element of the drawing, even one not drawn,
  // lays the whole drawing out again (8 ms a frame for 10,000 applications). The pan-zoom keeps its
  // state in itself; `gestures` gives it to the drawing.
  state.setAttributeNS = () => {};
  Object.defineProperty(state, "style", { value: {} });
  svg.append(viewport, state);
  const sheet = document.createElement("div"); // what a gesture moves as a whole
  sheet.className = "sheet";
  sheet.append(svg);
  container.append(sheet);
  // Where each link, application and caption is, in drawing units, read once while all are drawn:
  // later, off-screen ones are culled and far out the drawing gives way to its sketch
  const items = [...svg.querySelectorAll("g.edges > g, g.apps > g, g.labels > *")];
  const boxes = new Map([...items, ...svg.querySelectorAll("g.app[data-app-id]")].map((item) => [item, item.getBBox()]));
  const motion = gestures(svg, viewport, sheet);
  const zoom = window.svgPanZoom(svg, {
    zoomEnabled: true, panEnabled: true, controlIconsEnabled: false, dblClickZoomEnabled: false,
    fit: true, center: true, minZoom: 0.02, maxZoom: 50, zoomScaleSensitivity: 0.25,
    viewportSelector: ".pan-zoom-state", onUpdatedCTM: motion.follow,
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

  // Marking: the applications `ids` and the links that pass `edgeTest` stand over a veil that dims
  // the rest, moved there (in their order: links, tiles, captions), a placeholder where each was.
  // Dimming every other element instead would restyle the whole drawing (a tenth of a second and
  // more for 3,000 applications) at every application the pointer enters or leaves.
  const marks = document.createElementNS(SVG, "g");
  marks.setAttribute("class", "marks");
  const veil = document.createElementNS(SVG, "rect");
  veil.setAttribute("class", "veil");
  for (const [key, value] of Object.entries(bounds)) veil.setAttribute(key, String(value));
  let raised = []; // [element, its placeholder]
  function mark(ids, edgeTest) {
    for (const [element, place] of raised) { place.replaceWith(element); element.classList.remove("hl"); }
    raised = [];
    marks.remove();
    svg.classList.toggle("focus", ids !== null);
    if (ids === null) return;
    const up = edges.filter(edgeTest);
    for (const [id, node] of apps) if (ids.has(id)) up.push(node);
    for (const element of up) element.classList.add("hl");
    for (const [id, label] of captions) if (ids.has(id)) up.push(label);
    for (const element of up) {
      const place = document.createComment("");
      element.replaceWith(place);
      raised.push([element, place]);
    }
    marks.replaceChildren(veil, ...up);
    viewport.append(marks);
  }

  let pinned = null; // a shown impact stays until cleared
  let marked = () => {}; // (once the sketch is there: it is painted again)
  // The application the pointer is on, marked with its neighbours: found from what the pointer is
  // over, not by entering and leaving each application (marking moves them in the drawing). Not
  // while a button is held: the drawing is being dragged.
  let hovered = null;
  const leave = () => {
    if (hovered === null) return;
    hovered = null;
    hideTip();
    if (!pinned) mark(null);
  };
  svg.addEventListener("mouseover", (event) => {
    const node = event.target.closest?.("g.app[data-app-id]") ?? null;
    if (node === hovered) return;
    leave();
    if (node === null || event.buttons) return;
    hovered = node;
    showTip(tooltipRows(svg, node), event);
    if (pinned) return;
    const id = node.dataset.appId, near = new Set([id]);
    for (const edge of edges) {
      if (edge.dataset.source === id) near.add(edge.dataset.target);
      if (edge.dataset.target === id) near.add(edge.dataset.source);
    }
    mark(near, (edge) => edge.dataset.source === id || edge.dataset.target === id);
  });
  svg.addEventListener("mouseleave", leave);
  for (const [id, node] of apps) {
    node.addEventListener("mousemove", (event) => { if (!event.buttons) showTip(tooltipRows(svg, node), event); });
    node.addEventListener("click", () => onSelect?.(id, node));
    node.style.cursor = "pointer";
  }

  let picture = null; // its PNG, once made
  const controls = {
    zoom,
    svg,
    apps,
    filename,
    // The drawing as shown (its level, style, colours and opened systems), whole, as PNG: made here
    // from the SVG the page has, by the browser's own renderer, at most `maxSide` pixels on its
    // longer side; null if the browser cannot (a canvas refused)
    async png(maxSide) {
      picture ||= pngOf(markup, bounds, maxSide).catch(() => null);
      const made = await picture;
      if (!made) picture = null;
      return made;
    },
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
      marked();
      return reached;
    },
    clear() {
      if (pinned === null) return;
      pinned = null;
      mark(null);
      marked();
    },
    // What changed since an earlier run: added and changed applications marked, removed ones drawn as
    // ghosts where that run drew them (`ghosts`: id, name, outline points on this style's page).
    showChanges({ added = [], changed = [], ghosts = [] }) {
      this.clearChanges();
      marked();
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
      const shown = svg.querySelectorAll("g.app.added, g.app.changed, g.ghosts");
      if (!shown.length) return;
      for (const node of shown) node.classList.remove("added", "changed");
      svg.querySelector("g.ghosts")?.remove();
      marked();
    },
    // Pan to a removed application's ghost, as `centre` does to an application.
    centreGhost(id) {
      const ghost = svg.querySelector(`g.ghosts g.ghost[data-app-id="${CSS.escape(id)}"]`);
      if (!ghost) return false;
      if (zoom.getZoom() < 1) zoom.zoom(1);
      lookAt(zoom, ghost.getBBox(), 0.5);
      return true;
    },
    // Pan to an application and mark it until the next find (or `unmark`); `readable`: zoom in until its tile is
    // READABLE pixels across (never out), whatever the zoom was (after Fit, on a large diagram)
    centre(id, { readable = false } = {}) {
      const node = apps.get(id);
      if (!node) return false;
      const across = boxes.get(node).width * zoom.getSizes().realZoom;
      if (readable && across < READABLE) zoom.zoom((zoom.getZoom() * READABLE) / Math.max(across, 0.01));
      else if (zoom.getZoom() < 1) zoom.zoom(1);
      lookAt(zoom, boxes.get(node), 0.5);
      this.unmark();
      node.classList.add("found");
      return true;
    },
    // Where application `id` is, in drawing units (whether it is drawn now or not)
    box(id) { return apps.has(id) ? boxes.get(apps.get(id)) : null; },
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
      if (ids === null && !svg.classList.contains("filtered")) return;
      marked();
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
      const kept = [...ids].flatMap((id) => [apps.get(id), captions.get(id)]).filter(Boolean).map((n) => boxes.get(n))
        .filter((box) => box.width > 0);
      if (!kept.length) return false;
      const x0 = Math.min(...kept.map((b) => b.x)), x1 = Math.max(...kept.map((b) => b.x + b.width));
      const y0 = Math.min(...kept.map((b) => b.y)), y1 = Math.max(...kept.map((b) => b.y + b.height));
      const sizes = zoom.getSizes();
      const widest = Math.max(...[...ids].map((id) => (apps.has(id) ? boxes.get(apps.get(id)).width : 0)));
      const scale = Math.min(0.9 * sizes.width / (x1 - x0), 0.9 * sizes.height / (y1 - y0), MOST / Math.max(widest, 1));
      zoom.zoom((zoom.getZoom() * scale) / sizes.realZoom);
      lookAt(zoom, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, 0.5);
      return true;
    },
  };
  // A large diagram fitted whole shows specks: start instead at a readable size, on the first entry
  // (but an overview, the landscape of the systems, whole)
  const first = svg.querySelector("g.app:has(path.entry)") || svg.querySelector("g.app");
  if (!overview && first && boxes.get(first).width * zoom.getSizes().realZoom < READABLE / 4) {
    zoom.zoom((zoom.getZoom() * READABLE) / (boxes.get(first).width * zoom.getSizes().realZoom));
    lookAt(zoom, boxes.get(first), 0.25);
  }

  const cull = cullOffscreen(items, boxes, zoom);
  // the smallest size of the systems' names on their cards, if the drawing has any
  const sizes = [...svg.querySelectorAll("text.system")].map((t) => Number(t.getAttribute("font-size")));
  const cards = sizes.length ? Math.min(...sizes) : 0;
  // Level of detail: text too small to read is not drawn (nor its halo), nor are family symbols,
  // which is most of what a frame of a large diagram costs; they come back once they would be
  // legible. Further out still, the sketch is shown instead of the drawing.
  const far = farOut(svg, container, zoom, bounds, {
    apps, boxes, onSelect, onReady: () => redraw(),
    hovering: () => pinned === null && svg.classList.contains("focus"), rest: () => mark(null),
  });
  const map = minimap(container, zoom, bounds, far);
  motion.moved = () => map.update(); // (the minimap's rectangle follows the picture)
  let pending = false, gone = false;
  const detail = () => {
    pending = false;
    if (gone) return; // (a frame asked for before the drawing was replaced)
    const away = zoom.getSizes().realZoom * TEXT < LEGIBLE;
    // the systems' names on their cards (the landscape) are larger: legible further out
    const names = away && cards > 0 && zoom.getSizes().realZoom * cards >= LEGIBLE;
    svg.classList.toggle("far", away);
    svg.classList.toggle("names", names);
    if (!far.show(away && !names && items.length >= CULL_FROM)) cull?.(); // (a smaller drawing is quick to paint)
    far.settle();
    map.update();
  };
  const redraw = () => {
    if (!pending) { pending = true; requestAnimationFrame(detail); }
  };
  motion.settled = redraw;
  motion.atOnce = () => svg.classList.contains("sketched"); // (the sketch is painted at every frame)
  zoom.setOnUpdatedCTM(motion.follow);
  detail();
  // what marks applications (impact, filters, changes) is seen in the sketch once painted again
  marked = () => { far.stale(); redraw(); };
  // (the viewer's size, as the page now has it: the pan-zoom's, then the sketch's canvas)
  controls.resize = () => { motion.settle(); zoom.resize(); far.resize(); redraw(); };
  controls.destroy = () => { gone = true; motion.stop(); far.stop(); map.remove(); zoom.destroy(); };
  return controls;
}

async function pngOf(markup, { width, height }, maxSide) {
  const scale = Math.min(1, maxSide / Math.max(width, height, 1));
  const url = URL.createObjectURL(new Blob([markup], { type: "image/svg+xml" }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = Object.assign(document.createElement("canvas"),
      { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) });
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff"; // on white, as the server's
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise((done) => canvas.toBlob(done, "image/png"));
  } finally {
    URL.revokeObjectURL(url);
  }
}

// Far out, the drawing is replaced by its sketch (`sketch.js`), painted in a canvas under the
// drawing's own element (which keeps the pointer: dragging and zooming work as before; a hover or a
// click finds the application under the pointer from its box). The sketch is made when the page is
// idle after loading, and again after anything marks the drawing.
const whenIdle = window.requestIdleCallback || ((task) => setTimeout(task, 200));

function farOut(svg, container, zoom, bounds, { apps, boxes, onSelect, onReady, hovering, rest }) {
  const canvas = document.createElement("canvas");
  canvas.className = "sketch";
  canvas.setAttribute("aria-hidden", "true");
  container.prepend(canvas);
  const context = canvas.getContext("2d");
  let sketch = null, shown = false, idle = null, stopped = false;
  const ratio = () => window.devicePixelRatio || 1;
  // (a hover's marks are not the drawing's: gone before it is sketched, and never waited for)
  const make = () => {
    if (!sketch && hovering()) rest();
    sketch ??= sketchOf(svg, bounds, (ratio() * LEGIBLE) / TEXT);
    return sketch;
  };
  const later = () => {
    if (idle !== null || sketch) return;
    idle = whenIdle(() => {
      idle = null;
      if (stopped) return;
      if (hovering()) { later(); return; }
      make().warm(context); // (a first paint costs more than the next ones: not when it is waited for)
      onReady();
    }, { timeout: 3000 });
  };
  const size = () => {
    const { width: wide, height: high } = zoom.getSizes();
    const width = Math.round(wide * ratio()), height = Math.round(high * ratio());
    if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
  };
  const paint = () => {
    const { realZoom } = zoom.getSizes(), pan = zoom.getPan();
    make().paint(context, realZoom * ratio(), { x: pan.x * ratio(), y: pan.y * ratio() });
  };
  const under = (event) => {
    const frame = svg.getBoundingClientRect(), { realZoom } = zoom.getSizes(), pan = zoom.getPan();
    const x = (event.clientX - frame.left - pan.x) / realZoom, y = (event.clientY - frame.top - pan.y) / realZoom;
    const slack = 3 / realZoom; // a tile a few pixels across is hard to hit
    let best = null, nearest = Infinity; // (boxes overlap: the one whose middle is nearest)
    for (const [id, node] of apps) {
      const box = boxes.get(node);
      if (x < box.x - slack || x > box.x + box.width + slack || y < box.y - slack || y > box.y + box.height + slack) continue;
      const away = Math.hypot(x - box.x - box.width / 2, y - box.y - box.height / 2);
      if (away < nearest) { best = id; nearest = away; }
    }
    return best;
  };
  let down = null;
  svg.addEventListener("pointerdown", (event) => { down = { x: event.clientX, y: event.clientY }; });
  svg.addEventListener("mousemove", (event) => {
    if (!shown) return;
    const id = under(event);
    svg.style.cursor = id ? "pointer" : "";
    if (id) showTip(tooltipRows(svg, apps.get(id)), event);
    else hideTip();
  });
  svg.addEventListener("click", (event) => {
    const still = down && Math.hypot(event.clientX - down.x, event.clientY - down.y) < STILL;
    const id = shown && still ? under(event) : null;
    if (id) onSelect?.(id, apps.get(id));
  });
  size();
  later();
  return {
    get sketch() { return sketch; },
    // Show the sketch (`away`: names too small to read) or the drawing; true when the sketch is shown
    show(away) {
      if (away) { paint(); shown = true; } else if (shown) { shown = false; hideTip(); svg.style.cursor = ""; }
      return shown;
    },
    // (after the drawing's culling has run: what comes back into view is then only what is seen)
    // (hidden, not undisplayed: a canvas out of the layout costs a restyle of the page at its first paint)
    settle() { svg.classList.toggle("sketched", shown); canvas.style.visibility = shown ? "" : "hidden"; },
    stale() { sketch = null; if (!shown) later(); },
    resize() { size(); },
    stop() { stopped = true; },
  };
}

// A small picture of the whole drawing in the viewer's corner, with the view's rectangle on it:
// shown while the view holds only part of the drawing; a click or a drag there moves the view.
const MAP_WIDE = 200, MAP_HIGH = 140; // pixels, at most

function minimap(container, zoom, bounds, far) {
  container.parentElement.querySelector(".minimap")?.remove();
  const scale = Math.min(MAP_WIDE / bounds.width, MAP_HIGH / bounds.height);
  const canvas = document.createElement("canvas");
  canvas.className = "minimap";
  canvas.title = "The whole diagram: click or drag to move the view";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "Minimap of the whole diagram");
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(bounds.width * scale * ratio);
  canvas.height = Math.round(bounds.height * scale * ratio);
  canvas.style.width = `${Math.round(bounds.width * scale)}px`;
  canvas.style.height = `${Math.round(bounds.height * scale)}px`;
  canvas.hidden = true;
  container.after(canvas);
  const context = canvas.getContext("2d");
  const moveTo = (event) => {
    const frame = canvas.getBoundingClientRect();
    const x = bounds.x + (event.clientX - frame.left) / scale, y = bounds.y + (event.clientY - frame.top) / scale;
    const sizes = zoom.getSizes();
    zoom.pan({ x: sizes.width / 2 - x * sizes.realZoom, y: sizes.height / 2 - y * sizes.realZoom });
  };
  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    moveTo(event);
    const drag = (e) => moveTo(e);
    canvas.addEventListener("pointermove", drag);
    canvas.addEventListener("pointerup", () => canvas.removeEventListener("pointermove", drag), { once: true });
  });
  return {
    remove() { canvas.remove(); },
    update() {
      // (fitted, the view holds the drawing's shapes, not quite the margins around them)
      const seen = viewOf(zoom), mx = 0.05 * bounds.width, my = 0.05 * bounds.height;
      const whole = seen.x <= bounds.x + mx && seen.y <= bounds.y + my
        && seen.x + seen.width >= bounds.x + bounds.width - mx && seen.y + seen.height >= bounds.y + bounds.height - my;
      canvas.hidden = whole;
      if (whole) return;
      if (!far.sketch) { context.clearRect(0, 0, canvas.width, canvas.height); return; } // until it is made
      far.sketch.paint(context, scale * ratio, { x: -bounds.x * scale * ratio, y: -bounds.y * scale * ratio });
      context.setTransform(scale * ratio, 0, 0, scale * ratio, -bounds.x * scale * ratio, -bounds.y * scale * ratio);
      context.lineWidth = 2 / (scale * ratio);
      context.strokeStyle = "#e76f51";
      // (within the map: a view wider than the drawing still shows its sides)
      const x0 = Math.max(seen.x, bounds.x), y0 = Math.max(seen.y, bounds.y);
      const x1 = Math.min(seen.x + seen.width, bounds.x + bounds.width), y1 = Math.min(seen.y + seen.height, bounds.y + bounds.height);
      const inset = context.lineWidth / 2;
      context.strokeRect(x0 + inset, y0 + inset, Math.max(x1 - x0 - 2 * inset, 0), Math.max(y1 - y0 - 2 * inset, 0));
    },
  };
}

// The drawing's legend, taken out of what pans and zooms into a panel of its own in the viewer's
// corner (unfolded with a click): it explains the drawing at every zoom. Its symbols are the
// drawing's own, and so are its styles (an inline SVG's styles are the page's).
function legendOutside(svg, container) {
  document.querySelector(".legend-panel")?.remove();
  const drawn = svg.querySelector("g.legend");
  if (!drawn) return;
  const panel = document.createElement("details");
  panel.className = "legend-panel";
  panel.open = true; // (to measure it)
  const title = document.createElement("summary");
  title.textContent = "Legend";
  const mini = document.createElementNS(SVG, "svg");
  mini.append(drawn);
  panel.append(title, mini);
  // in the bar above the drawing where there is one (nothing covers the drawing until asked), else over its corner
  const bar = document.getElementById("explore");
  if (bar) bar.append(panel);
  else container.after(panel);
  // measured in the panel, apart from the drawing, whose symbols it uses: those by their place
  const boxes = [...drawn.children].map((shape) => (shape.localName === "use"
    ? ["x", "y", "width", "height"].reduce((box, name) => ({ ...box, [name]: parseFloat(shape.getAttribute(name)) || 0 }), {})
    : shape.getBBox()));
  const box = { x: Math.min(...boxes.map((b) => b.x)), y: Math.min(...boxes.map((b) => b.y)) };
  box.width = Math.max(...boxes.map((b) => b.x + b.width)) - box.x;
  box.height = Math.max(...boxes.map((b) => b.y + b.height)) - box.y;
  panel.open = false; // folded: open, it would cover a corner of the diagram
  mini.setAttribute("viewBox", `${box.x - 4} ${box.y - 4} ${box.width + 8} ${box.height + 8}`);
  mini.setAttribute("width", String(Math.ceil(box.width + 8)));
  mini.setAttribute("height", String(Math.ceil(box.height + 8)));
  mini.setAttribute("role", "img");
  mini.setAttribute("aria-label", drawn.textContent.trim());
}

// A view moved by the pointer or the wheel is first moved as a picture: the drawing as last painted,
// transformed as a whole by the compositor (the CSS transform of `sheet`, the element around the
// SVG: on the SVG's own, a change would lay the drawing out again), which costs a frame
// nothing however large the drawing; once the gesture rests (REST), the drawing itself takes the
// view's transform and is painted again, its level of detail and culling brought up to date
// (`settled`). A view moved otherwise (Fit, Find, the buttons), or while far out the sketch stands
// for the drawing, is drawn at once. Meanwhile the pan-zoom measures the wheel's point from the
// page as it was, not from the moved picture.
const REST = 150; // ms
const STILL = 4; // pixels a click may move

function gestures(svg, drawing, sheet) {
  let drawn = null, asked = null, moving = false, rest = null, base = null;
  const screenCTM = svg.getScreenCTM.bind(svg);
  svg.getScreenCTM = () => base ?? screenCTM();
  const settle = () => {
    clearTimeout(rest);
    rest = null;
    moving = false;
    base = null;
    sheet.style.transform = "";
    if (asked && asked !== drawn) {
      drawing.setAttribute("transform", `matrix(${asked.a},${asked.b},${asked.c},${asked.d},${asked.e},${asked.f})`);
      drawn = asked;
    }
    handle.settled?.();
  };
  const start = () => {
    if (!moving) { base = screenCTM(); moving = true; }
    clearTimeout(rest);
    rest = setTimeout(settle, REST);
  };
  const started = (event) => { if (event.type === "wheel" || event.buttons) start(); };
  svg.addEventListener("wheel", started, { capture: true, passive: true });
  let down = null;
  svg.addEventListener("pointerdown", (event) => { down = { x: event.clientX, y: event.clientY }; started(event); },
    { capture: true });
  // (a drag holds the pointer once it has moved a few pixels: what it passes over is then neither
  // hit-tested nor hovered; a click, which hardly moves, still reaches what it is on)
  svg.addEventListener("pointermove", (event) => {
    if (!event.buttons) return;
    const dragged = down && Math.hypot(event.clientX - down.x, event.clientY - down.y) >= STILL;
    if (dragged && event.isPrimary && !svg.hasPointerCapture?.(event.pointerId)) svg.setPointerCapture?.(event.pointerId);
    start();
  }, { capture: true, passive: true });
  const handle = {
    settled: null, // what runs once the drawing has its view
    atOnce: null, // whether to draw the view at once all the same (what is shown is cheap to paint)
    moved: null, // what follows the picture as it moves
    settle,
    // the pan-zoom's new transform: shown at once as a picture while a gesture goes on, else drawn
    follow(ctm) {
      asked = ctm;
      if (!moving || drawn === null || handle.atOnce?.()) { settle(); return; }
      const s = ctm.a / drawn.a;
      sheet.style.transform = `matrix(${s},0,0,${s},${ctm.e - s * drawn.e},${ctm.f - s * drawn.f})`;
      handle.moved?.();
    },
    stop() { clearTimeout(rest); },
  };
  return handle;
}

// Pan so that `box` (drawing units) is at `where` (a fraction of the width and height) of the view,
// through the viewer's own state: the view's transform reaches the page only at the next frame.
// What the view shows, in drawing units (from the viewer's own state: nothing is laid out for it)
function viewOf(zoom) {
  const sizes = zoom.getSizes(), pan = zoom.getPan();
  return { x: -pan.x / sizes.realZoom, y: -pan.y / sizes.realZoom, width: sizes.width / sizes.realZoom, height: sizes.height / sizes.realZoom };
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

function cullOffscreen(items, boxes, zoom) {
  if (items.length < CULL_FROM) return;
  const cells = new Map();
  const always = [];
  items.forEach((item, index) => {
    const box = boxes.get(item);
    const x0 = Math.floor(box.x / CELL), x1 = Math.floor((box.x + box.width) / CELL);
    const y0 = Math.floor(box.y / CELL), y1 = Math.floor((box.y + box.height) / CELL);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > 64) { always.push(index); return; }
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) {
      const key = x + ":" + y;
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(index);
    }
  });
  let shown = new Set(items.keys());
  function update() {
    // the view and half of it around each side
    const seen = viewOf(zoom);
    const x0 = Math.floor((seen.x - seen.width / 2) / CELL), x1 = Math.floor((seen.x + 1.5 * seen.width) / CELL);
    const y0 = Math.floor((seen.y - seen.height / 2) / CELL), y1 = Math.floor((seen.y + 1.5 * seen.height) / CELL);
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
