// The drawing in cheap shapes: its tiles, boxes, links and badges, without text or symbols, painted
// once into a bitmap and halves of it, then drawn to scale as the view moves. The viewer shows it
// instead of the drawing when names would be too small to read (a frame of the live drawing of
// thousands of applications takes a tenth of a second, a frame of the sketch a few milliseconds),
// and in the minimap.

const NOT_DRAWN = new Set(["text", "title", "desc", "defs", "style", "marker", "symbol", "script"]);
const NOT_SKETCHED = ".labels, .tooltips, .ghosts, .legend, .conector_h, use.boundaries";
const MOST_PIXELS = 8e6; // the largest bitmap (32 MB)
const LEAST = 128; // pixels across the smallest half
const THINNEST = 1.2; // pixels: a line of the largest bitmap is at least this wide
const CLEAR = (colour) => !colour || colour === "none" || colour.startsWith("url(") || /,\s*0\)$/.test(colour);

// The shapes of `svg`, within `bounds` (drawing units), painted at `scale` pixels a unit at most.
export function sketchOf(svg, bounds, scale) {
  const styles = new Map(); // an element's classes and attributes, and its parent's → what is painted
  const used = new Map(); // a `use`d element's id → its shapes
  const shapes = []; // { path, paint, alpha, dx, dy }

  function paintOf(node, key) {
    let paint = styles.get(key);
    if (!paint) {
      const style = getComputedStyle(node);
      const width = parseFloat(style.strokeWidth) || 1;
      paint = {
        fill: CLEAR(style.fill) ? null : style.fill,
        stroke: CLEAR(style.stroke) ? null : style.stroke,
        width,
        dash: style.strokeDasharray && style.strokeDasharray !== "none" ? style.strokeDasharray.split(/[ ,]+/).map(parseFloat) : null,
        opacity: parseFloat(style.opacity),
        fillOpacity: parseFloat(style.fillOpacity),
        strokeOpacity: parseFloat(style.strokeOpacity),
      };
      styles.set(key, paint);
    }
    return paint;
  }

  // The shapes under `node` (its style's key `parent`), added to `into` at an offset of (dx, dy)
  function walk(node, parent, alpha, dx, dy, into) {
    if (NOT_DRAWN.has(node.localName) || node.matches(NOT_SKETCHED)) return;
    const key = `${parent}>${node.localName}.${node.getAttribute("class") || ""}|${node.getAttribute("fill") || ""}|${node.getAttribute("stroke") || ""}`;
    const paint = paintOf(node, key);
    const seen = alpha * paint.opacity;
    if (!(seen > 0)) return;
    const at = (name) => parseFloat(node.getAttribute(name)) || 0;
    if (node.localName === "g" || node.localName === "a") {
      for (const child of node.children) walk(child, key, seen, dx, dy, into);
      return;
    }
    if (node.localName === "use") {
      const id = (node.getAttribute("href") || node.getAttribute("xlink:href") || "").slice(1);
      if (!used.has(id)) {
        const target = svg.getElementById(id);
        const own = [];
        used.set(id, own);
        if (target && target.localName !== "symbol") walk(target, "#", 1, 0, 0, own);
      }
      for (const shape of used.get(id)) into.push({ ...shape, alpha: shape.alpha * seen, dx: shape.dx + dx + at("x"), dy: shape.dy + dy + at("y") });
      return;
    }
    const path = new Path2D();
    if (node.localName === "path") path.addPath(new Path2D(node.getAttribute("d") || ""));
    else if (node.localName === "rect") path.rect(at("x"), at("y"), at("width"), at("height"));
    else if (node.localName === "circle") path.arc(at("cx"), at("cy"), at("r"), 0, 2 * Math.PI);
    else if (node.localName === "ellipse") path.ellipse(at("cx"), at("cy"), at("rx"), at("ry"), 0, 0, 2 * Math.PI);
    else if (node.localName === "line") { path.moveTo(at("x1"), at("y1")); path.lineTo(at("x2"), at("y2")); }
    else if (node.localName === "polygon" || node.localName === "polyline") {
      const numbers = (node.getAttribute("points") || "").trim().split(/[\s,]+/).map(Number);
      for (let i = 0; i + 1 < numbers.length; i += 2) path[i ? "lineTo" : "moveTo"](numbers[i], numbers[i + 1]);
      if (node.localName === "polygon") path.closePath();
    } else return;
    into.push({ path, paint, alpha: seen, dx, dy });
  }

  const top = svg.querySelector(".svg-pan-zoom_viewport") || svg;
  for (const child of top.children) walk(child, "svg", 1, 0, 0, shapes);

  const first = Math.min(scale, Math.sqrt(MOST_PIXELS / Math.max(bounds.width * bounds.height, 1)));
  const image = bitmap(Math.ceil(bounds.width * first), Math.ceil(bounds.height * first));
  const context = image.getContext("2d");
  context.lineJoin = "round";
  for (const { path, paint, alpha, dx, dy } of shapes) {
    context.setTransform(first, 0, 0, first, (dx - bounds.x) * first, (dy - bounds.y) * first);
    if (paint.fill) {
      context.globalAlpha = alpha * paint.fillOpacity;
      context.fillStyle = paint.fill;
      context.fill(path);
    }
    if (paint.stroke) {
      context.globalAlpha = alpha * paint.strokeOpacity;
      context.strokeStyle = paint.stroke;
      // (a line alone, a link, is kept visible; the outline of a shape stays as fine as it is)
      context.lineWidth = paint.fill ? paint.width : Math.max(paint.width, THINNEST / first);
      context.setLineDash(paint.dash || []);
      context.stroke(path);
    }
  }
  const levels = [{ scale: first, image }];

  for (let last = levels[0]; Math.max(last.image.width, last.image.height) > 2 * LEAST; last = levels[levels.length - 1]) {
    const half = bitmap(Math.ceil(last.image.width / 2), Math.ceil(last.image.height / 2));
    const smaller = half.getContext("2d");
    smaller.drawImage(last.image, 0, 0, half.width, half.height);
    levels.push({ scale: last.scale / 2, image: half });
  }

  // painted now and kept as images, quicker to draw from than canvases
  for (const level of levels) createImageBitmap(level.image).then((image) => { level.image = image; });
  return {
    bounds,
    // Paint each bitmap once into `context` (the first paint from a bitmap costs the most)
    warm(context) { for (const level of levels) this.paint(context, level.scale, { x: 0, y: 0 }); },
    // Paint the sketch into `context` (cleared) as the drawing would be seen at `zoom` pixels a
    // unit, panned by `pan` pixels: from the smallest bitmap that is not blurred at that zoom
    paint(context, zoom, pan) {
      const level = [...levels].reverse().find((l) => l.scale >= zoom) || levels[0];
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, context.canvas.width, context.canvas.height);
      context.setTransform(zoom, 0, 0, zoom, pan.x, pan.y);
      context.imageSmoothingQuality = "low"; // (bilinear: the halves are the mipmaps)
      context.drawImage(level.image, bounds.x, bounds.y, level.image.width / level.scale, level.image.height / level.scale);
    },
  };
}

function bitmap(width, height) {
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(width, 1);
  canvas.height = Math.max(height, 1);
  return canvas;
}
