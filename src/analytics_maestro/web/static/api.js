// The API as the pages use it: same origin, the session cookie, JSON in and out, errors as exceptions.
export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message || `HTTP ${status}`);
    this.status = status;
    this.details = error?.details || [];
  }
}

export async function api(method, path, body) {
  const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data?.error);
  return data;
}

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

export function when(seconds) {
  return seconds ? new Date(seconds * 1000).toLocaleString() : "";
}

export function problems(error) {
  const lines = error.details.map((d) => `${d.field ? d.field + ": " : ""}${d.message}`);
  return [error.message, ...lines].join("\n");
}

// The name the server gives what it sends (its Content-Disposition), or undefined
export function filenameOf(response) {
  return /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "")?.[1];
}
