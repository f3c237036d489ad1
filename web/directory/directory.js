// The company directory: reads this server's SCIM API with a token the user pastes once (kept in sessionStorage).
"use strict";

const DIR = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";
const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const API = "/scim/v2";
const PAGE = 50;

const views = {
  all: { filter: null, sortBy: "name.familyName", group: null },
  departments: { filter: ENT + ":department pr", sortBy: ENT + ":department", group: (u) => (u[ENT] || {}).department },
  sites: { filter: null, sortBy: DIR + ":site", group: (u) => (u[DIR] || {}).site },
  shared: { filter: DIR + ':profileType eq "contact"', sortBy: "name.familyName", group: null },
};

const state = { view: "all", query: "", descending: false, cursor: null, loading: false, admin: false, lastGroup: null };
const $ = (id) => document.getElementById(id);
let generation = 0; // a newer listing makes older answers stale
let moreObserver = null; // loads the next page when "Show more" scrolls into view

function token() { return sessionStorage.getItem("scimd-token") || ""; }

async function api(path, options = {}) {
  const headers = Object.assign({ Authorization: "Bearer " + token(), Accept: "application/scim+json" }, options.headers || {});
  const res = await fetch(API + path, Object.assign({}, options, { headers }));
  return res;
}

async function json(path) {
  const res = await api(path);
  if (!res.ok) {
    let detail = res.status + " " + res.statusText;
    try { detail = (await res.json()).detail || detail; } catch (e) { /* not JSON */ }
    throw new Error(detail);
  }
  return res.json();
}

function quoted(text) { return '"' + text.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"'; }

// The filter of the current view and search, as SCIM filter text (the server binds its values as parameters).
function currentFilter(view = state.view) {
  const parts = [];
  if (!state.admin) parts.push(DIR + ":displayInDirectory eq true");
  if (views[view].filter) parts.push(views[view].filter);
  const q = state.query.trim();
  if (q) {
    const v = quoted(q);
    parts.push("(displayName co " + v + " or name.familyName sw " + v + " or name.givenName sw " + v +
      " or emails.value co " + v + " or " + DIR + ":didNumbers co " + v + " or " + DIR + ":extensionNumber eq " + v + ")");
  }
  return parts.join(" and ");
}

function listPath(extra) {
  const params = new URLSearchParams();
  const filter = currentFilter();
  if (filter) params.set("filter", filter);
  params.set("sortBy", views[state.view].sortBy);
  params.set("sortOrder", state.descending ? "descending" : "ascending");
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return "/Users?" + params.toString();
}

function text(tag, content, attrs = {}) {
  const el = document.createElement(tag);
  if (content !== undefined && content !== null) el.textContent = content;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function nameOf(u) {
  const n = u.name || {};
  if (n.familyName || n.givenName) return [n.givenName, n.familyName].filter(Boolean).join(" ");
  return u.displayName || u.userName;
}

function emailOf(u) {
  const emails = u.emails || [];
  const work = emails.find((e) => e.type === "work") || emails.find((e) => e.primary) || emails[0];
  return work ? work.value : "";
}

function numbersCell(u) {
  const td = text("td", null, { "data-label": "Number" });
  for (const n of (u[DIR] || {}).didNumbers || []) {
    const a = text("a", n, { href: "tel:" + n });
    td.append(a, " ");
  }
  return td;
}

function row(u) {
  const d = u[DIR] || {};
  const tr = text("tr", null, { tabindex: "0", "data-id": u.id });
  const name = text("td", null, { "data-label": "Name" });
  name.append(text("span", nameOf(u)));
  if (state.admin && d.displayInDirectory === false) name.append(text("span", "hidden", { class: "marker", title: "Not listed in the directory" }));
  if (state.admin && d.directoryScope === "SITE") name.append(text("span", "site only", { class: "marker", title: "Shown only at its site" }));
  if (d.profileType === "contact") name.append(text("span", "shared", { class: "marker", title: "Shared contact" }));
  const email = text("td", null, { "data-label": "E-mail" });
  if (emailOf(u)) email.append(text("a", emailOf(u), { href: "mailto:" + emailOf(u) }));
  tr.append(name, text("td", d.extensionNumber || "", { "data-label": "Extension" }), numbersCell(u), email,
    text("td", u.title || "", { "data-label": "Title" }), text("td", (u[ENT] || {}).department || "", { "data-label": "Department" }),
    text("td", d.site || "", { "data-label": "Site" }));
  tr.addEventListener("click", () => showDetail(u));
  tr.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); showDetail(u); } });
  return tr;
}

function showDetail(u) {
  const d = u[DIR] || {};
  $("detail-name").textContent = nameOf(u);
  const dl = $("detail-fields");
  dl.replaceChildren();
  const add = (label, value) => { if (value) dl.append(text("dt", label), text("dd", value)); };
  add("E-mail", emailOf(u));
  add("Extension", d.extensionNumber);
  add("Numbers", (d.didNumbers || []).join(", "));
  add("Mobile", ((u.phoneNumbers || []).find((p) => p.type === "mobile") || {}).value);
  add("Title", u.title);
  add("Department", (u[ENT] || {}).department);
  add("Site", d.site);
  add("Type", d.profileType === "contact" ? "Shared contact" : "User");
  add("Phones", (d.devices || []).map((p) => (p.model ? p.model + " " : "") + (p.macAddress || "")).join(", "));
  $("detail").hidden = false;
  $("detail").focus();
}

async function loadPage(reset) {
  const mine = reset ? ++generation : generation;
  if (reset) { state.cursor = ""; state.lastGroup = null; $("people").tBodies[0].replaceChildren(); }
  if (!reset && (state.cursor === null || state.loading)) return; // a reset supersedes a load in flight
  state.loading = true;
  $("status").textContent = "Loading…";
  try {
    const page = await json(listPath({ count: String(PAGE), cursor: state.cursor }));
    if (mine !== generation) return;
    const body = $("people").tBodies[0];
    const group = views[state.view].group;
    for (const u of page.Resources || []) {
      if (group) {
        const g = group(u) || "—";
        if (g !== state.lastGroup) {
          const tr = text("tr", null, { class: "group" });
          tr.append(text("th", g, { colspan: "7", scope: "colgroup" }));
          body.append(tr);
          state.lastGroup = g;
        }
      }
      body.append(row(u));
    }
    state.cursor = page.nextCursor || null;
    $("more").hidden = state.cursor === null;
    $("status").textContent = body.querySelectorAll("tr[data-id]").length + " shown" + (state.cursor === null ? "" : ", more below");
  } catch (e) {
    if (mine === generation) $("status").textContent = "Could not load the directory: " + e.message;
  } finally {
    if (mine === generation) state.loading = false;
  }
  // Observing afresh reports whether "Show more" is in view now: a short page fills the screen without a scroll.
  if (moreObserver && mine === generation && state.cursor !== null) {
    moreObserver.unobserve($("more"));
    moreObserver.observe($("more"));
  }
}

async function loadCounts() {
  for (const view of Object.keys(views)) {
    const params = new URLSearchParams({ count: "0" });
    const filter = currentFilter(view);
    if (filter) params.set("filter", filter);
    const badge = document.querySelector('[data-view="' + view + '"] .count');
    try {
      badge.textContent = "(" + (await json("/Users?" + params.toString())).totalResults + ")";
    } catch (e) {
      badge.textContent = "";
    }
  }
}

function selectView(view) {
  state.view = view;
  for (const b of document.querySelectorAll("[data-view]")) b.setAttribute("aria-selected", String(b.dataset.view === view));
  loadPage(true);
}

function updateSortButton() {
  const what = state.view === "departments" ? "department" : state.view === "sites" ? "site" : "family name";
  $("sort").textContent = (state.view === "all" || state.view === "shared" ? "Name" : what[0].toUpperCase() + what.slice(1)) + (state.descending ? " ↓" : " ↑");
  $("sort").setAttribute("aria-label", "Sort by " + what + ", " + (state.descending ? "descending" : "ascending"));
}

async function download() {
  const format = $("export-format").value;
  const params = new URLSearchParams({ format });
  const filter = currentFilter();
  if (filter) params.set("filter", filter);
  $("status").textContent = "Preparing the export…";
  const res = await api("/Users/.export?" + params.toString());
  if (!res.ok) { $("status").textContent = "The export failed: " + res.status; return; }
  const blob = await res.blob();
  const name = (/filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") || "") || [])[1] || "contacts";
  const a = text("a", null, { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  $("status").textContent = "Exported " + name;
}

async function signIn(value) {
  sessionStorage.setItem("scimd-token", value);
  const me = await api("/Me");
  if (me.status === 401) {
    sessionStorage.removeItem("scimd-token");
    throw new Error("This token is not accepted.");
  }
  state.admin = !me.ok; // a token bound to a user sees what that user may see; others are admins' tokens
  await json("/Users?count=0");
  showDirectory();
}

function showDirectory() {
  $("sign-in").hidden = true;
  $("directory").hidden = false;
  $("sign-out").hidden = false;
  updateSortButton();
  loadCounts();
  loadPage(true);
}

document.addEventListener("DOMContentLoaded", () => {
  $("sign-in-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("sign-in-error").textContent = "";
    try {
      await signIn($("token").value.trim());
      $("token").value = "";
    } catch (err) {
      $("sign-in-error").textContent = err.message;
    }
  });
  $("sign-out").addEventListener("click", () => { sessionStorage.removeItem("scimd-token"); location.reload(); });
  for (const b of document.querySelectorAll("[data-view]")) b.addEventListener("click", () => { selectView(b.dataset.view); updateSortButton(); });
  let typing;
  $("search").addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => { state.query = $("search").value; loadCounts(); loadPage(true); }, 250);
  });
  $("search-form").addEventListener("submit", (e) => { e.preventDefault(); state.query = $("search").value; loadCounts(); loadPage(true); });
  $("sort").addEventListener("click", () => { state.descending = !state.descending; updateSortButton(); loadPage(true); });
  $("more").addEventListener("click", () => loadPage(false));
  $("export").addEventListener("click", download);
  $("detail-close").addEventListener("click", () => { $("detail").hidden = true; });
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") $("detail").hidden = true; });
  moreObserver = new IntersectionObserver((entries) => { if (entries.some((x) => x.isIntersecting)) loadPage(false); });
  moreObserver.observe($("more"));
  if (token()) {
    signIn(token()).catch(() => { $("sign-in").hidden = false; });
  }
});
