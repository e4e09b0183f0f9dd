// The residents' page, as a resident uses it: search, filter, detail, calendar, report, print.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ARTIFACTS, BASE, MOD_KEY, api, assertNoSideScroll, axe, launch, newPage, shot } from "./lib.mjs";
import { join } from "node:path";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const HAARWIJK = "GM0512-haarwijk";

test("security headers and static assets", async () => {
  const page = await api("GET", "/");
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type"), /^text\/html; charset=utf-8/);
  const csp = page.headers.get("content-security-policy");
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self';/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(page.headers.get("x-content-type-options"), "nosniff");
  assert.ok(page.headers.get("referrer-policy"));
  for (const [path, type] of [
    ["/static/site.css", /^text\/css/],
    ["/static/app.js", /^text\/javascript/],
    ["/static/leaflet.js", /^text\/javascript/],
    ["/static/favicon.svg", /^image\/svg\+xml/],
  ]) {
    const res = await fetch(BASE + path);
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get("content-type"), type, path);
    const etag = res.headers.get("etag");
    assert.ok(etag, `${path} has an ETag`);
    const again = await fetch(BASE + path, { headers: { "If-None-Match": etag } });
    assert.equal(again.status, 304, `${path} revalidates`);
  }
  assert.equal((await fetch(BASE + "/static/nothing.js")).status, 404);
});

test("without JavaScript: the server renders the search with its filters", async () => {
  const page = await newPage(browser, { js: false });
  await page.goto(`${BASE}/?q=wandelen&area=${HAARWIJK}&access=wheelchair`);
  assert.equal(await page.locator("html").getAttribute("lang"), "nl");
  assert.equal(await page.locator("#f-q").inputValue(), "wandelen");
  assert.equal(await page.locator("#f-area").inputValue(), HAARWIJK);
  assert.ok(await page.getByLabel(/Toegankelijk met rolstoel/).isChecked());
  const cards = page.locator(".cards > li");
  assert.ok((await cards.count()) >= 1, "at least one result");
  for (const text of await cards.allInnerTexts()) assert.match(text, /Rolstoeltoegankelijk/);
  // A plain form submit (GET) keeps working without script.
  await page.locator("#f-q").fill("koffie");
  await page.locator("#f-area").selectOption("");
  await page.getByLabel(/Toegankelijk met rolstoel/).uncheck();
  await Promise.all([page.waitForURL(/q=koffie/), page.getByRole("button", { name: "Zoeken" }).click()]);
  assert.ok((await page.locator(".cards > li").count()) >= 1);
  await shot(page, "search-nojs-1280");
  await page.context().close();
});

test("search 'wandelen' in a wijk with the wheelchair filter, and share the link", async () => {
  const page = await newPage(browser);
  await page.goto(BASE + "/");
  await axe(page, "search-start");
  await page.locator("#f-q").fill("wandelen");
  await page.locator("#f-q").press("Enter");
  await page.waitForURL(/q=wandelen/);
  await page.locator("#f-area").selectOption(HAARWIJK);
  await page.waitForURL(new RegExp(`area=${HAARWIJK}`));
  await page.getByLabel(/Toegankelijk met rolstoel/).check();
  await page.waitForURL(/access=wheelchair/);
  await page.waitForFunction(() => !document.body.classList.contains("is-loading"));
  const cards = page.locator(".cards > li");
  const n = await cards.count();
  assert.ok(n >= 1, "results for wandelen + Haarwijk + rolstoel");
  const texts = await cards.allInnerTexts();
  for (const text of texts) assert.match(text, /Rolstoeltoegankelijk/);
  assert.ok(!texts.some((t) => /Wandelgroep Haarwijk/.test(t)), "the walking group is not wheelchair accessible");
  // Facet counts are shown next to the choices.
  assert.match(await page.locator("#f-area option:checked").innerText(), /\(\d+\)/);
  // Page updated without a reload: the status line announced the new count.
  assert.match(await page.locator("#zoek-status").innerText(), /resulta/);
  assert.deepEqual(page.jsErrors, []);
  await shot(page, "search-1280");
  await axe(page, "search-results");

  // The URL holds the search: opening it elsewhere shows the same.
  const shared = page.url();
  const other = await newPage(browser, { width: 360, height: 800 });
  await other.goto(shared);
  assert.equal(await other.locator(".cards > li").count(), n);
  await assertNoSideScroll(other);
  await shot(other, "search-360");
  await axe(other, "search-360");
  await other.context().close();
  await page.context().close();
});

async function openWalkingGroup(page) {
  // In its wijk: other suites leave entries that also match "wandelen" in the shared database,
  // and equal scores are ordered by id, so a town-wide search may show the demo entry on page 2.
  await page.goto(`${BASE}/?q=wandelen&area=${HAARWIJK}`);
  await Promise.all([page.waitForURL(/\/aanbod\//), page.getByRole("link", { name: "Wandelgroep Haarwijk", exact: true }).first().click()]);
  assert.equal(await page.locator("h1").innerText(), "Wandelgroep Haarwijk");
}

test("read a detail with its map, and add it to the calendar", async () => {
  const page = await newPage(browser);
  await openWalkingGroup(page);
  const body = await page.locator("main").innerText();
  assert.match(body, /Wanneer/);
  assert.match(body, /Elke dinsdag/);
  assert.match(body, /De volgende keren/);
  assert.match(body, /Haarwijkplein 2/);
  await page.locator("#kaart.leaflet-container").waitFor();
  await page.locator("#kaart .leaflet-tile-loaded").first().waitFor();
  const link = page.getByRole("link", { name: "Zet in mijn agenda" });
  const href = await link.getAttribute("href");
  const ics = await page.request.get(new URL(href, BASE).toString());
  assert.equal(ics.status(), 200);
  assert.match(ics.headers()["content-type"], /text\/calendar/);
  const text = await ics.text();
  assert.match(text, /BEGIN:VCALENDAR/);
  assert.match(text, /Wandelgroep Haarwijk/);
  // Following the link as a user does downloads the file.
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  assert.match(download.suggestedFilename(), /\.ics$/);
  assert.deepEqual(page.jsErrors, []);
  await shot(page, "detail-1280");
  await axe(page, "detail");
  await page.setViewportSize({ width: 360, height: 800 });
  await assertNoSideScroll(page);
  await shot(page, "detail-360");
  await page.context().close();
});

test("the map falls back to the address when tiles cannot load", async () => {
  const page = await newPage(browser, { tiles: "fail" });
  await openWalkingGroup(page);
  await page.locator("#kaart", { hasText: "De kaart kan nu niet laden" }).waitFor({ timeout: 15000 });
  assert.match(await page.locator(".address").innerText(), /Haarwijkplein 2, 4206 CC Gorinchem/);
  await shot(page, "detail-no-tiles");
  await page.context().close();
});

test("report a fault", async () => {
  const client = `2001:db8::${Math.floor(Math.random() * 0xffff).toString(16)}:${Date.now().toString(16).slice(-4)}`;
  const page = await newPage(browser, { client });
  await openWalkingGroup(page);
  const id = page.url().split("/aanbod/")[1];
  await page.getByLabel("Het adres klopt niet").check();
  await page.getByLabel(/Uitleg/).fill("De wandeling start nu bij de kerk, niet bij het buurthuis.");
  await page.getByRole("button", { name: "Verstuur melding" }).click();
  await page.locator(".report-status", { hasText: "Bedankt" }).waitFor();
  await shot(page, "detail-reported");
  const queue = await api("GET", "/api/v1/moderation/queue?type=report", { key: MOD_KEY });
  assert.equal(queue.status, 200);
  assert.ok(
    queue.json.items.some((it) => it.entry_id === id && /kerk/.test(it.report?.message ?? "")),
    "the report is in the moderation queue"
  );
  await page.context().close();
});

test("print the result list on A4", async () => {
  const page = await newPage(browser);
  await page.goto(`${BASE}/?q=koffie`);
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("form.search").evaluate((f) => getComputedStyle(f).display), "none");
  assert.ok((await page.locator(".cards > li").count()) >= 1);
  await page.pdf({ path: join(ARTIFACTS, "list-print.pdf"), format: "A4", printBackground: false });
  await shot(page, "search-print");
  await page.context().close();
});

test("unknown pages and bad searches get a Dutch HTML page, not JSON", async () => {
  const page = await newPage(browser);
  let res = await page.goto(`${BASE}/aanbod/00000000-0000-4000-8000-000000000000`);
  assert.equal(res.status(), 404);
  assert.match(await page.locator("h1").innerText(), /Niet gevonden/);
  res = await page.goto(`${BASE}/?from=gisteren`);
  assert.equal(res.status(), 400);
  assert.match(await page.locator(".notice").innerText(), /lukt niet/);
  await page.context().close();
});
