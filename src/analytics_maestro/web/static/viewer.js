// The diagram viewer: pan and zoom (svg-pan-zoom), fit, reset, fullscreen; hover an application for its
// tooltip and its links; hover a link for its protocol; click for details; impact; find and centre.
export async function openViewer(container, { onSelect } = {}) {
  const response = await fetch(container.dataset.src, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`the diagram did not load (HTTP ${response.status})`);
  container.innerHTML = await response.text(); // our own renderer's SVG: every name in it is escaped
  const svg = container.querySelector("svg");
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
  for (const edge of edges) {
    if (!callers.has(edge.dataset.target)) callers.set(edge.dataset.target, []);
    callers.get(edge.dataset.target).push(edge.dataset.source);
  }
  const tooltipOf = (node) => svg.getElementById("tool-" + node.id.slice("node-".length));

  function mark(ids, edgeTest) {
    svg.classList.toggle("focus", ids !== null);
    for (const [id, node] of apps) node.classList.toggle("hl", ids !== null && ids.has(id));
    for (const edge of edges) edge.classList.toggle("hl", ids !== null && edgeTest(edge));
  }

  let pinned = null; // a shown impact stays until cleared
  for (const [id, node] of apps) {
    node.addEventListener("mouseenter", () => {
      tooltipOf(node)?.setAttribute("visibility", "visible");
      if (pinned) return;
      const near = new Set([id]);
      for (const edge of edges) {
        if (edge.dataset.source === id) near.add(edge.dataset.target);
        if (edge.dataset.target === id) near.add(edge.dataset.source);
      }
      mark(near, (edge) => edge.dataset.source === id || edge.dataset.target === id);
    });
    node.addEventListener("mouseleave", () => {
      tooltipOf(node)?.setAttribute("visibility", "hidden");
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
    centre(id) {
      const node = apps.get(id);
      if (!node) return false;
      if (zoom.getZoom() < 1) zoom.zoom(1);
      const box = node.getBoundingClientRect();
      const frame = container.getBoundingClientRect();
      zoom.panBy({ x: frame.left + frame.width / 2 - (box.left + box.width / 2),
                   y: frame.top + frame.height / 2 - (box.top + box.height / 2) });
      node.classList.add("found");
      setTimeout(() => node.classList.remove("found"), 2000);
      return true;
    },
  };
  const on = (id, action) => document.getElementById(id)?.addEventListener("click", action);
  on("zoom-in", () => zoom.zoomIn());
  on("zoom-out", () => zoom.zoomOut());
  on("fit", () => { zoom.resize(); zoom.fit(); zoom.center(); });
  on("reset", () => { zoom.resize(); zoom.reset(); });
  on("fullscreen", () => {
    const target = container.closest(".viewer-card") || container;
    if (document.fullscreenElement) document.exitFullscreen();
    else target.requestFullscreen?.();
  });
  document.addEventListener("fullscreenchange", () => { zoom.resize(); zoom.fit(); zoom.center(); });
  window.viewer = controls; // for the browser console, and the tests
  return controls;
}
