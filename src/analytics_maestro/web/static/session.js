import { api } from "./api.js";

document.getElementById("logout")?.addEventListener("click", async () => {
  await api("POST", "/logout");
  location.href = "/app/graphs";
});
for (const cell of document.querySelectorAll("[data-time]")) {
  const seconds = Number(cell.dataset.time);
  if (seconds) cell.textContent = new Date(seconds * 1000).toLocaleString();
}
