// People: a team's members and their roles (team and site admins change them); users (site admins).
import { api, el, problems } from "./api.js";

const page = document.getElementById("people");
const ROLES = { 1: "1 read", 3: "3 write", 7: "7 admin" };
const teamInput = document.getElementById("team");
const teamError = document.getElementById("team-error");

async function drawMembers() {
  const team = teamInput.value.trim();
  const body = document.querySelector("#members tbody");
  teamError.textContent = "";
  if (!team) { body.replaceChildren(); return; }
  try {
    const members = await api("GET", `/teams/${encodeURIComponent(team)}/members`);
    body.replaceChildren(...members.items.map((m) => el("tr", { "data-user": m.user },
      el("td", {}, m.user), el("td", {}, ROLES[m.role] || m.role),
      el("td", {}, el("button", { class: "remove", onclick: () => change(() => api("DELETE",
        `/teams/${encodeURIComponent(team)}/members/${encodeURIComponent(m.user)}`)) }, "Remove")))));
  } catch (error) {
    body.replaceChildren();
    teamError.textContent = error.status === 404 ? `No team "${team}" that you can see.` : problems(error);
  }
}

async function change(action) {
  try { await action(); } catch (error) { teamError.textContent = problems(error); return; }
  drawMembers();
}

document.getElementById("open-team").addEventListener("click", drawMembers);
document.getElementById("add-member").addEventListener("submit", (event) => {
  event.preventDefault();
  const team = encodeURIComponent(teamInput.value.trim());
  const user = encodeURIComponent(document.getElementById("member-user").value.trim());
  const role = Number(document.getElementById("member-role").value);
  change(() => api("PUT", `/teams/${team}/members/${user}`, { role }));
});
drawMembers();

if (page.dataset.admin) {
  const userError = document.getElementById("user-error");
  const showLink = (url) => {
    document.getElementById("login-link").hidden = false;
    document.getElementById("login-url").value = url;
  };
  async function drawUsers() {
    const users = await api("GET", "/users");
    document.querySelector("#users tbody").replaceChildren(...users.items.map((u) => el("tr", { "data-user": u.id },
      el("td", {}, u.name === u.id ? u.id : `${u.name} (${u.id})`, u.admin ? el("span", { class: "badge" }, "admin") : ""),
      el("td", {},
        el("button", { class: "link-button", onclick: async () => showLink((await api("POST", `/users/${encodeURIComponent(u.id)}/login-link`)).login_url) }, "Login link"),
        u.id === page.dataset.me ? "" : el("button", { class: "delete", onclick: async () => {
          if (!confirm(`Delete ${u.id}? Their records stay.`)) return;
          await api("DELETE", `/users/${encodeURIComponent(u.id)}`);
          drawUsers();
        } }, "Delete")))));
  }
  document.getElementById("new-user").addEventListener("submit", async (event) => {
    event.preventDefault();
    userError.textContent = "";
    try {
      const user = await api("POST", "/users", { id: document.getElementById("user-id").value.trim(),
        name: document.getElementById("user-name").value.trim(), admin: document.getElementById("user-admin").checked });
      showLink(user.login_url);
      event.target.reset();
      drawUsers();
    } catch (error) {
      userError.textContent = problems(error);
    }
  });
  drawUsers();
}
