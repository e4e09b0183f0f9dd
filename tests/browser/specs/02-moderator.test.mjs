// The moderators' console: a partner's new entry waits, a moderator approves it, residents see it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ARTIFACTS, BASE, MOD_KEY, PARTNER_KEY, api, assertNoSideScroll, axe, launch, newPage, shot } from "./lib.mjs";

let browser;
let entryId;
let rejectId;
const stamp = Date.now().toString(36);
const TITLE = `Rolstoelwandeling Lingewijk ${stamp}`;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

function activity(title) {
  return {
    title,
    summary: "Elke donderdag samen wandelen over verharde paden, ook met rolstoel of rollator.",
    description: "We wandelen een uur over vlakke, verharde paden in de Lingewijk. Daarna is er koffie.",
    municipality: "GM0512",
    areas: ["GM0512-lingewijk"],
    themes: ["beweging", "ontmoeten"],
    audiences: ["ouderen", "beperking"],
    cost: { free: true },
    accessibility: { wheelchair: "yes", toilets_wheelchair: "yes" },
    address: { street: "Lingewijkerweg", house_number: "12", postcode: "4205 AB", city: "Gorinchem" },
    location: { lat: 51.8395, lon: 4.9655 },
    schedule: { start: "2026-12-03T10:00", end: "2026-12-03T11:00", rrule: "FREQ=WEEKLY;BYDAY=TH" },
    registration: "none",
    address_visibility: "public",
  };
}

async function login(page) {
  await page.goto(BASE + "/beheer");
  await page.getByLabel("Uw API-sleutel").fill(MOD_KEY);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await page.locator("#console").waitFor({ state: "visible" });
}

test("a partner's new entry is pending and invisible to residents", async () => {
  const created = await api("POST", "/api/v1/activities", { key: PARTNER_KEY, body: activity(TITLE) });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.status, "pending");
  entryId = created.json.id;
  const other = await api("POST", "/api/v1/activities", { key: PARTNER_KEY, body: activity(`Proefactiviteit ${stamp}`) });
  assert.equal(other.status, 201, other.text);
  rejectId = other.json.id;

  const page = await newPage(browser);
  await page.goto(`${BASE}/?q=${encodeURIComponent("rolstoelwandeling " + stamp)}`);
  // First that the page rendered its (empty) result list, then the absence: a page that
  // rendered nothing would also have no cards.
  await page.locator("#resultaten-kop", { hasText: "Geen resultaten" }).waitFor();
  assert.ok(await page.locator("#resultaten p.empty").isVisible(), "the empty-result text is shown");
  assert.equal(await page.locator(".cards > li").count(), 0);
  const res = await page.goto(`${BASE}/aanbod/${entryId}`);
  assert.equal(res.status(), 404);
  await page.context().close();
});

test("the console needs a moderator key", async () => {
  const page = await newPage(browser);
  await page.goto(BASE + "/beheer");
  await axe(page, "console-login");
  await page.getByLabel("Uw API-sleutel").fill(PARTNER_KEY);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await page.locator("#login-status", { hasText: "niet van een moderator" }).waitFor();
  await page.getByLabel("Uw API-sleutel").fill("sk_wrong");
  await page.getByRole("button", { name: "Inloggen" }).click();
  await page.locator("#login-status", { hasText: /klopt niet|sleutel/ }).waitFor();
  assert.ok(await page.locator("#console").isHidden());
  await shot(page, "console-login");
  await page.context().close();
});

// A new page with the moderator logged in, and the queue's item for entry id once it is there.
async function queueItem(id) {
  const page = await newPage(browser);
  await login(page);
  const item = page.locator(`#queue-list li[data-entry="${id}"]`);
  await item.waitFor();
  return { page, item };
}

test("a moderator logs in, reads the diff and approves the entry", async () => {
  const { page, item } = await queueItem(entryId);
  const summary = item.locator("summary", { hasText: "Bekijk de inhoud" });
  if (!(await item.locator("details").evaluate((d) => d.open))) await summary.click();
  await item.locator("table.diff").waitFor();
  const diffText = await item.locator("table.diff").innerText();
  assert.match(diffText, new RegExp(TITLE));
  // The console speaks Dutch: vocabulary labels and field names, never codes or field paths.
  assert.match(diffText, /Rolstoeltoegankelijk/);
  assert.match(diffText, /Kosten: Gratis\tja/);
  assert.match(diffText, /Niet nodig/); // registration: none
  assert.match(diffText, /Openbaar/); // address_visibility: public
  assert.match(diffText, /elke week op donderdag/); // the repeat rule in words
  for (const code of [/\bnone\b/, /\bpublic\b/, /\bwheelchair\b/, /accessibility\./, /\bbeweging\b/, /GM0512/, /\bfree\b/, /FREQ=/, /\byes\b/])
    assert.doesNotMatch(diffText, code);
  // The key stays in this tab only.
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  assert.ok(await page.evaluate(() => sessionStorage.getItem("socialekaart.key")));
  await page.locator("#coverage-wrap table.coverage").waitFor();
  assert.deepEqual(page.jsErrors, []);
  await shot(page, "console-1280");
  await item.screenshot({ path: `${ARTIFACTS}/console-queue-item.png` });
  await page.locator("#dekking").screenshot({ path: `${ARTIFACTS}/console-coverage.png` });
  await axe(page, "console");
  await item.getByRole("button", { name: /^Goedkeuren/ }).click();
  await page.locator("#console-status", { hasText: "Goedgekeurd" }).waitFor();
  // the queue is still rendered (with the other partner entry in it); only ours left it
  await page.locator(`#queue-list li[data-entry="${rejectId}"]`).waitFor();
  await page.locator(`#queue-list li[data-entry="${entryId}"]`).waitFor({ state: "detached" });
  assert.equal(await page.locator(`#queue-list li[data-entry="${entryId}"]`).count(), 0);
  await page.context().close();
});

test("the approved entry appears for residents", async () => {
  const page = await newPage(browser);
  // the same search that found nothing while it was pending (with the filters): by its own
  // words, so it does not depend on how many other walks a reused database holds
  await page.goto(`${BASE}/?q=${encodeURIComponent("rolstoelwandeling " + stamp)}&area=GM0512-lingewijk&access=wheelchair`);
  const card = page.locator(".cards > li", { hasText: TITLE });
  await card.waitFor();
  assert.match(await card.innerText(), /Rolstoeltoegankelijk/);
  await Promise.all([page.waitForURL(/\/aanbod\//), card.getByRole("link").click()]);
  assert.equal(await page.locator("h1").innerText(), TITLE);
  await page.context().close();
});

test("a partner's change waits as a revision; the moderator sees the diff and approves it", async () => {
  const NEW_SUMMARY = `Elke donderdag om 10 uur samen wandelen, ook met rolstoel of rollator (${stamp}).`;
  const current = await api("GET", `/api/v1/activities/${entryId}`, { key: PARTNER_KEY });
  const patched = await api("PATCH", `/api/v1/activities/${entryId}`, {
    key: PARTNER_KEY,
    body: { summary: NEW_SUMMARY },
    ifMatch: current.headers.get("etag"),
  });
  // a partner's edit of a published entry waits as a revision: exactly 202, the published text unchanged
  assert.equal(patched.status, 202, patched.text);
  assert.notEqual(patched.json.summary, NEW_SUMMARY, "the 202 answer shows the published entry");
  // Residents still see the published text.
  const page = await newPage(browser);
  await page.goto(`${BASE}/aanbod/${entryId}`);
  assert.doesNotMatch(await page.locator(".summary").innerText(), new RegExp(stamp));
  await login(page);
  const item = page.locator(`#queue-list li[data-entry="${entryId}"]`);
  await item.waitFor();
  assert.match(await item.locator(".meta").innerText(), /Wijziging van gepubliceerd aanbod/);
  if (!(await item.locator("details").evaluate((d) => d.open))) await item.locator("summary").click();
  const diff = item.locator("table.diff");
  await diff.waitFor();
  const row = diff.locator("tr", { hasText: "Korte tekst" });
  assert.match(await row.innerText(), /weg:/);
  assert.match(await row.innerText(), new RegExp(`nieuw: ${NEW_SUMMARY.slice(0, 20)}`));
  await item.screenshot({ path: `${ARTIFACTS}/console-revision.png` });
  await item.getByRole("button", { name: /^Goedkeuren/ }).click();
  await page.locator("#console-status", { hasText: "Goedgekeurd" }).waitFor();
  await page.goto(`${BASE}/aanbod/${entryId}`);
  assert.match(await page.locator(".summary").innerText(), new RegExp(stamp));
  await page.context().close();
});

test("a moderator rejects with a reason", async () => {
  const { page, item } = await queueItem(rejectId);
  await item.getByRole("button", { name: /^Afwijzen/ }).click();
  await item.locator(".status-msg", { hasText: "Schrijf eerst een reden" }).waitFor();
  await item.getByLabel(/Reden bij afwijzen/).fill("Vul een adres en een tijd in die klopt.");
  await item.getByRole("button", { name: /^Afwijzen/ }).click();
  await page.locator("#console-status", { hasText: "Afgewezen" }).waitFor();
  const seen = await api("GET", `/api/v1/activities/${rejectId}`, { key: PARTNER_KEY });
  assert.equal(seen.json.status, "rejected");
  await page.context().close();
});

test("reports, stale entries and the coverage table with its gaps", async () => {
  const page = await newPage(browser, { width: 360, height: 800 });
  await login(page);
  await page.locator("#report-list li").first().waitFor();
  await page.locator("#stale-table tbody tr").first().waitFor();
  await page.locator("#coverage-municipality").selectOption("GM0512");
  await page.getByRole("button", { name: "Toon dekking" }).click();
  const table = page.locator("#coverage-wrap table.coverage");
  await table.waitFor();
  const gaps = table.locator("td.gap");
  assert.ok((await gaps.count()) > 0, "the demo data has gaps");
  // A gap is marked by text, not by colour alone.
  assert.match(await gaps.first().innerText(), /0/);
  assert.match(await gaps.first().textContent(), /geen aanbod/);
  await assertNoSideScroll(page);
  assert.doesNotMatch(await table.innerText(), /\bbeweging\b|\bontmoeten\b/, "theme labels, not codes");
  await shot(page, "console-360");
  await axe(page, "console-360");
  await page.context().close();
});

test("the coverage table fits at 1280 px", async () => {
  const page = await newPage(browser, { width: 1280, height: 900 });
  await login(page);
  await page.locator("#coverage-municipality").selectOption("GM0512");
  await page.getByRole("button", { name: "Toon dekking" }).click();
  const table = page.locator("#coverage-wrap table.coverage");
  await table.waitFor();
  const { scroll, client } = await page.locator("#coverage-wrap").evaluate((w) => ({ scroll: w.scrollWidth, client: w.clientWidth }));
  assert.ok(scroll <= client + 1, `the coverage table scrolls sideways: ${scroll} > ${client}`);
  await page.locator("#dekking").screenshot({ path: `${ARTIFACTS}/console-coverage-1280.png` });
  await page.context().close();
});

test("a moderator invites a new organisation, sees the link once and withdraws an invitation", async () => {
  const page = await newPage(browser, { width: 1280, height: 900 });
  await login(page);
  const NAME = `Buurthuis De Brug ${stamp}`;
  // without a name the form says what is missing, next to the field
  await page.getByRole("button", { name: "Uitnodiging maken" }).click();
  await page.locator("#invite-name-error", { hasText: "Vul de naam" }).waitFor();
  assert.equal(await page.locator("#invite-name").getAttribute("aria-invalid"), "true");
  await page.getByLabel("Naam van de organisatie").fill(NAME);
  await page.getByLabel("Gemeente van de organisatie").selectOption("GM0512");
  await page.getByLabel("Naam van de contactpersoon").fill("Fatima de Vries");
  await page.getByLabel(/E-mailadres van de contactpersoon/).fill("fatima@example.org");
  await page.getByRole("button", { name: "Uitnodiging maken" }).click();
  await page.locator("#invite-result").waitFor({ state: "visible" });
  const link = await page.locator("#invite-link").inputValue();
  assert.match(link, new RegExp("^" + BASE.replace(/[.]/g, "\\.") + "/partner/uitnodiging/[A-Za-z0-9_-]+$"));
  const row = page.locator("#invitation-table tbody tr", { hasText: NAME });
  await row.waitFor();
  assert.match(await row.innerText(), /Nog niet gebruikt/);
  assert.doesNotMatch(await page.locator("#invitation-table").innerText(), /\bopen\b|\brevoked\b|\baccepted\b/);
  await shot(page, "console-invite-1280");
  await axe(page, "console-invite");
  // the invitation shows up for this organisation's keys too (it is in the list now)
  await row.getByRole("button", { name: /Uitnodiging intrekken/ }).click();
  await page.locator("#invitation-table tbody tr", { hasText: NAME }).filter({ hasText: "Ingetrokken" }).waitFor();
  // the withdrawn link no longer works
  const token = link.split("/").pop();
  const accepted = await api("POST", "/api/v1/invitations/accept", { body: { token } });
  assert.equal(accepted.status, 410, accepted.text);
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});

test("a moderator makes, replaces and revokes an organisation's key", async () => {
  const page = await newPage(browser, { width: 360, height: 800 });
  await login(page);
  const NAME = `Sportclub Arkel ${stamp}`;
  await page.getByLabel("Naam van de organisatie").fill(NAME);
  await page.getByLabel("Gemeente van de organisatie").selectOption("GM0512");
  await page.getByLabel("Naam van de contactpersoon").fill("Jan Jansen");
  await page.getByRole("button", { name: "Uitnodiging maken" }).click();
  await page.locator("#invite-result").waitFor({ state: "visible" });
  // the new organisation is in the key list's choice
  const option = page.locator("#keys-org option", { hasText: NAME });
  await option.waitFor({ state: "attached" });
  await page.locator("#keys-org").selectOption(await option.getAttribute("value"));
  await page.getByRole("button", { name: "Sleutels tonen" }).click();
  await page.locator("#keys-wrap", { hasText: "nog geen sleutel" }).waitFor();
  await page.getByRole("button", { name: "Nieuwe sleutel maken" }).click();
  await page.locator("#keys-new").waitFor({ state: "visible" });
  const key = await page.locator("#keys-new-value").inputValue();
  assert.equal((await api("GET", "/api/v1/me", { key })).status, 200);
  await page.locator("#keys-table tbody tr", { hasText: "Werkt" }).waitFor();
  await page.getByRole("button", { name: /vervangen door een nieuwe/ }).first().click();
  await page.locator("#keys-status", { hasText: "oude sleutel werkt niet meer" }).waitFor();
  const key2 = await page.locator("#keys-new-value").inputValue();
  assert.notEqual(key2, key);
  assert.equal((await api("GET", "/api/v1/me", { key })).status, 401);
  assert.equal((await api("GET", "/api/v1/me", { key: key2 })).status, 200);
  await page.locator("#keys-table tbody tr", { hasText: "Ingetrokken op" }).waitFor();
  await assertNoSideScroll(page);
  await shot(page, "console-keys-360");
  await page.locator("#organisaties").screenshot({ path: `${ARTIFACTS}/console-organisations-360.png` });
  await page.getByRole("button", { name: /^Sleutel .* intrekken$/ }).first().click();
  await page.locator("#keys-status", { hasText: "is ingetrokken" }).waitFor();
  assert.equal((await api("GET", "/api/v1/me", { key: key2 })).status, 401);
  await axe(page, "console-keys-360");
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});
