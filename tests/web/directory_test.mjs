// The company directory page as its users use it, in headless Chromium: sign in, views, search, sort, paging, a
// detail, exports; hidden and site-scoped people; another tenant's token. Run by tests/web/directory_test.sh.
import { createRequire } from "node:module";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";

const env = process.env;
const require = createRequire(path.join(env.SCIMD_OUT, "node", "package.json"));
const puppeteer = require("puppeteer-core");
const base = env.SCIMD_BASE;
const out = env.SCIMD_OUT;
const DIR = "urn:ietf:params:scim:schemas:extension:8x8:1.1:User";

const browser = await puppeteer.launch({
  executablePath: env.CHROMIUM,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
let failures = 0;
const problems = []; // console errors and CSP violations: a page that breaks its own policy fails

async function step(name, body) {
  const started = Date.now();
  try {
    await body();
    console.log("ok   " + name + " (" + (Date.now() - started) + " ms)");
  } catch (e) {
    failures++;
    console.log("FAIL " + name + ": " + (e && e.stack ? e.stack : e));
  }
}

async function openPage() {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  // The page asks /Me to learn whether the token is bound to a user: an admin's token answers 501, as it should.
  page.on("console", (m) => {
    if (m.type() === "error" && !/status of 501/.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  await page.goto(base + "/directory/", { waitUntil: "load" });
  return page;
}

async function signIn(page, token) {
  await page.type("#token", token);
  const started = Date.now();
  await page.click("#sign-in-form button[type=submit]");
  await page.waitForSelector("#people tbody tr[data-id]", { timeout: 10000 });
  return Date.now() - started;
}

const rows = (page) => page.$$eval("#people tbody tr[data-id]", (trs) => trs.map((tr) => tr.innerText));
const names = (page) => page.$$eval("#people tbody tr[data-id] td:first-child > span:first-child", (s) => s.map((x) => x.textContent));
const count = (page, view) => page.$eval('[data-view="' + view + '"] .count', (e) => e.textContent);
const shot = (page, name) => page.screenshot({ path: path.join(out, "screenshots", name + ".png"), fullPage: false });

async function settled(page) {
  await page.waitForFunction(() => !document.querySelector("#status").textContent.startsWith("Loading"), { timeout: 10000 });
}

async function choose(page, view) {
  await page.click('[data-view="' + view + '"]');
  await page.waitForSelector('[data-view="' + view + '"][aria-selected="true"]');
  await settled(page);
}

const admin = await openPage();

await step("the page is served with a strict Content-Security-Policy and no inline script", async () => {
  const res = await fetch(base + "/directory/");
  const csp = res.headers.get("content-security-policy");
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  const html = await res.text();
  assert.doesNotMatch(html, /<script>[^<]/);
  assert.equal(await admin.$("#sign-in:not([hidden])") !== null, true);
});

await step("an admin signs in with a token kept in sessionStorage, and the first page renders", async () => {
  const ms = await signIn(admin, env.SCIMD_ADMIN_TOKEN);
  console.log("     first page rendered " + ms + " ms after sign-in");
  assert.equal(await admin.evaluate(() => sessionStorage.getItem("scimd-token")), env.SCIMD_ADMIN_TOKEN);
  assert.ok(!admin.url().includes(env.SCIMD_ADMIN_TOKEN));
  assert.equal((await admin.cookies()).length, 0);
  assert.equal((await rows(admin)).length, 50);
  await admin.waitForFunction(() => document.querySelector('[data-view="all"] .count').textContent !== "");
  // Everyone: the seeded people, the hidden one and the London reception (an admin sees all, with markers).
  assert.equal(await count(admin, "all"), "(" + (Number(env.SCIMD_PEOPLE) + 2) + ")");
  await shot(admin, "all");
});

await step("names are sorted by family name, and the sort button reverses them", async () => {
  const first = await admin.$$eval("#people tbody tr[data-id]", (trs) => trs.map((tr) => tr.dataset.id));
  const families = await admin.$$eval("#people tbody tr[data-id] td:first-child > span:first-child", (s) => s.map((x) => x.textContent.split(" ").pop()));
  assert.deepEqual([...families].sort((a, b) => a.localeCompare(b)), families.map((x) => x));
  await admin.click("#sort");
  await settled(admin);
  await admin.waitForFunction((id) => document.querySelector("#people tbody tr[data-id]").dataset.id !== id, {}, first[0]);
  assert.match(await admin.$eval("#sort", (b) => b.getAttribute("aria-label")), /descending/);
  await admin.click("#sort");
  await settled(admin);
});

await step("paging by cursor: scrolling to the end loads the next page", async () => {
  await admin.evaluate(() => document.querySelector("#more").scrollIntoView());
  await admin.waitForFunction(() => document.querySelectorAll("#people tbody tr[data-id]").length >= 100, { timeout: 10000 });
});

await step("an admin sees hidden and site-only people with a marker", async () => {
  const text = (await rows(admin)).join("\n") + (await admin.$$eval(".marker", (m) => m.map((x) => x.textContent).join(" ")));
  await admin.type("#search", "Hidden");
  await admin.waitForFunction(() => document.querySelectorAll("#people tbody tr[data-id]").length === 1, { timeout: 10000 });
  assert.match((await rows(admin))[0], /hidden/);
  await admin.$eval("#search", (s) => { s.value = ""; });
  await admin.type("#search", "Reception");
  await admin.waitForFunction(() => [...document.querySelectorAll("#people tbody tr[data-id]")].some((r) => r.innerText.includes("Reception")), { timeout: 10000 });
  assert.equal((await rows(admin)).length, 1);
  assert.match((await rows(admin))[0], /site only/);
  assert.ok(text.length > 0);
});

await step("search is a server-side filter: by name, e-mail, number and extension", async () => {
  const search = async (q) => {
    await admin.$eval("#search", (s) => { s.value = ""; });
    await admin.type("#search", q);
    await admin.keyboard.press("Enter");
    await settled(admin);
    return rows(admin);
  };
  const byName = await search("Moss");
  assert.ok(byName.length > 0 && byName.every((r) => r.includes("Moss")), byName.join("|"));
  const byMail = await search("cara.lee2@acme");
  assert.equal(byMail.length, 1);
  const byNumber = await search("+14155550105");
  assert.equal(byNumber.length, 1);
  assert.match(byNumber[0], /\+14155550105/);
  const extension = await admin.$eval("#people tbody tr[data-id] td:nth-child(2)", (td) => td.textContent);
  const byExtension = await search(extension);
  assert.ok(byExtension.some((r) => r.includes("+14155550105")));
  await search("");
});

await step("views: departments and sites are grouped, shared lists only contacts, each with a count", async () => {
  await choose(admin, "departments");
  const groups = await admin.$$eval("#people tbody tr.group", (g) => g.map((x) => x.textContent));
  assert.deepEqual(groups, ["Engineering"]); // the first page, sorted by department
  await shot(admin, "departments");
  await choose(admin, "sites");
  assert.ok((await admin.$$eval("#people tbody tr.group", (g) => g.map((x) => x.textContent))).includes("London"));
  await shot(admin, "sites");
  await choose(admin, "shared");
  const shared = await rows(admin);
  assert.ok(shared.length > 0 && shared.every((r) => r.includes("shared")), shared[0]);
  assert.notEqual(await count(admin, "shared"), "");
  await shot(admin, "shared");
  await choose(admin, "all");
});

await step("a detail panel opens from a row, by mouse or keyboard, and Escape closes it", async () => {
  await admin.click("#people tbody tr[data-id]");
  await admin.waitForSelector("#detail:not([hidden])");
  const name = await admin.$eval("#detail-name", (h) => h.textContent);
  assert.ok(name.length > 0);
  await shot(admin, "detail");
  await admin.keyboard.press("Escape");
  await admin.waitForSelector("#detail[hidden]", { hidden: true });
  await admin.focus("#people tbody tr[data-id]");
  await admin.keyboard.press("Enter");
  await admin.waitForSelector("#detail:not([hidden])");
  await admin.keyboard.press("Escape");
});

await step("exports download as vCard (which parses back) and as Outlook and Google CSV", async () => {
  const downloads = path.join(out, "downloads");
  for (const f of fs.readdirSync(downloads)) fs.unlinkSync(path.join(downloads, f));
  const cdp = await admin.createCDPSession();
  await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads });
  const fetchOne = async (format, file) => {
    await admin.select("#export-format", format);
    await admin.click("#export");
    const target = path.join(downloads, file);
    // A large tenant's export takes a while: it streams a page of a thousand people at a time.
    const tries = 100 + Math.ceil(Number(env.SCIMD_PEOPLE) / 100);
    for (let i = 0; i < tries && !fs.existsSync(target); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(fs.existsSync(target), "no " + file);
    await new Promise((r) => setTimeout(r, 200));
    return fs.readFileSync(target, "utf8");
  };
  const vcf = await fetchOne("vcard", "contacts.vcf");
  const cards = vcf.split("\r\nEND:VCARD\r\n").filter((c) => c.trim());
  assert.equal(cards.length, Number(env.SCIMD_PEOPLE) + 2);
  for (const card of cards) {
    const lines = card.replace(/\r\n /g, "").split("\r\n");
    assert.equal(lines[0], "BEGIN:VCARD");
    assert.equal(lines[1], "VERSION:4.0");
    assert.ok(lines.some((l) => l.startsWith("FN:")));
    assert.ok(lines.every((l) => /^[A-Z-]+(;[^:]*)?:/.test(l) || l === "BEGIN:VCARD"), card);
  }
  assert.ok(vcf.includes("TEL;TYPE=work;VALUE=uri:tel:+14155550105"));
  const outlook = await fetchOne("outlook", "contacts-outlook.csv");
  assert.ok(outlook.startsWith("First Name,Last Name,E-mail Address,Business Phone,"));
  const google = await fetchOne("google", "contacts-google.csv");
  assert.ok(google.startsWith("First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value"));
});

await step("a token bound to a user sees the directory as that user: no hidden people, no other site's scoped contact", async () => {
  const viewer = await openPage();
  await signIn(viewer, env.SCIMD_VIEWER_TOKEN);
  await viewer.waitForFunction(() => document.querySelector('[data-view="all"] .count').textContent !== "");
  assert.equal(await count(viewer, "all"), "(" + env.SCIMD_PEOPLE + ")");
  for (const q of ["Hidden", "Reception"]) {
    await viewer.$eval("#search", (s) => { s.value = ""; });
    await viewer.type("#search", q);
    await viewer.keyboard.press("Enter");
    await settled(viewer);
    assert.equal((await rows(viewer)).length, 0, q);
  }
  assert.equal(await viewer.$$eval(".marker", (m) => m.filter((x) => x.textContent !== "shared").length), 0);
  await viewer.close();
});

await step("another tenant's token never shows the first tenant's people", async () => {
  const other = await openPage();
  await signIn(other, env.SCIMD_OTHER_TOKEN);
  const seen = await rows(other);
  assert.equal(seen.length, 1);
  assert.match(seen[0], /Globex/);
  await other.close();
});

await step("at phone width the table reads as cards", async () => {
  await admin.setViewport({ width: 390, height: 844 });
  const hidden = await admin.$eval("#people thead", (t) => getComputedStyle(t).display);
  assert.equal(hidden, "none");
  await shot(admin, "phone");
});

await step("nothing broke the page's policy or threw", async () => {
  assert.deepEqual(problems, []);
});

await browser.close();
if (failures) {
  console.log(failures + " step(s) failed");
  process.exit(1);
}
console.log("every step passed");
