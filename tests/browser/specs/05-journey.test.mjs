// The whole journey of issue 15, as its users make it, in one browser:
// a moderator invites a buurthuis in the console → the partner opens the link on a phone, gets a key
// and publishes a weekly activity (with an exception date and registration) and a vacancy → the
// moderator approves both → a resident finds both, signs up for the activity and offers help →
// the partner sees both responses and the places left go down.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, MOD_KEY, api, assertNoSideScroll, axe, launch, newPage, shot } from "./lib.mjs";

let browser;
const stamp = Date.now().toString(36);
const ORG = `Buurthuis De Wielewaal ${stamp}`;
const ACTIVITY = `Samen koken in de Wielewaal ${stamp}`;
const VACANCY = `Gastvrouw of gastheer koffieochtend ${stamp}`;
const RESIDENT = `Anna Bakker ${stamp}`;
const HELPER = `Piet Smit ${stamp}`;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// A Wednesday about two weeks ahead, and the one two weeks after it (the exception).
function wednesdays() {
  const d = new Date(Date.now() + 10 * 86400000);
  d.setUTCDate(d.getUTCDate() + ((3 - d.getUTCDay() + 7) % 7));
  const later = new Date(d.getTime() + 14 * 86400000);
  return [d.toISOString().slice(0, 10), later.toISOString().slice(0, 10)];
}

async function consoleLogin(page) {
  await page.goto(BASE + "/beheer");
  await page.getByLabel("Uw API-sleutel").fill(MOD_KEY);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await page.locator("#console").waitFor({ state: "visible" });
}

let link;
let activityId;
let vacancyId;
const partner = {}; // the partner's page (a phone), kept open: its session cookie is the login

test("a moderator invites a buurthuis in the console", async () => {
  const page = await newPage(browser, { width: 1280 });
  await consoleLogin(page);
  await page.getByLabel("Naam van de organisatie").fill(ORG);
  await page.getByLabel("Gemeente van de organisatie").selectOption("GM0512");
  await page.getByLabel("Naam van de contactpersoon").fill("Fatima el Amrani");
  await page.getByRole("button", { name: "Uitnodiging maken" }).click();
  await page.locator("#invite-result").waitFor({ state: "visible" });
  link = await page.locator("#invite-link").inputValue();
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/partner\/uitnodiging\/[A-Za-z0-9_-]{40,}$/);
  await page.context().close();
});

test("the partner opens the link on a phone, gets a key and publishes an activity and a vacancy", async () => {
  const [start, except] = wednesdays();
  const page = await newPage(browser, { width: 360, height: 780 });
  partner.page = page;
  await page.goto(link);
  await page.getByText(ORG).first().waitFor();
  await page.getByLabel("Een naam voor deze sleutel").fill("telefoon Fatima");
  await page.getByText(/Ik ga akkoord/).click();
  await page.getByRole("button", { name: "Sleutel maken" }).click();
  const key = await page.locator("#f-newkey").inputValue();
  assert.match(key, /^sk_[0-9a-f]{32}_/);
  await axe(page, "journey-new-key-360");
  await page.getByRole("link", { name: "Verder naar mijn aanbod" }).click();
  await page.getByRole("heading", { level: 1, name: "Mijn aanbod" }).waitFor();

  // a weekly activity with an exception date; people sign up, 3 places
  await page.getByRole("link", { name: "Activiteit", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "Nieuw: een activiteit" }).waitFor();
  await page.getByLabel("Titel", { exact: true }).fill(ACTIVITY);
  await page.getByLabel("Korte omschrijving", { exact: true }).fill("Elke woensdag koken we samen en eten we samen.");
  await page.getByRole("group", { name: "Onderwerpen" }).getByLabel("Ontmoeten en eenzaamheid").check();
  await page.getByText("Een ander adres").click();
  await page.getByLabel("Straat", { exact: true }).fill("Wielewaalstraat");
  await page.getByLabel("Huisnummer", { exact: true }).fill("2");
  await page.getByLabel("Postcode", { exact: true }).fill("4206 BE");
  await page.getByLabel("Plaats", { exact: true }).fill("Gorinchem");
  await page.getByLabel("Datum (de eerste keer)").fill(start);
  await page.getByLabel("Begintijd").fill("17:00");
  await page.getByLabel("Eindtijd").fill("19:30");
  await page.getByLabel("Ja, elke week of om de paar weken").check();
  await page.getByRole("group", { name: "Op welke dagen?" }).getByLabel("woensdag").check();
  const [y, m, d] = except.split("-");
  await page.getByLabel("Niet op (mag leeg)").fill(`${d}-${m}-${y}`);
  await page.getByLabel("Ja, het is gratis").check();
  await page.getByLabel("Moeten mensen zich aanmelden?").selectOption("required");
  await page.getByLabel("Aantal plaatsen (mag leeg)").fill("3");
  await page.getByLabel("Plaatsen nog vrij (mag leeg)").fill("3");
  await page.getByRole("button", { name: "Opslaan" }).click();
  await page.getByRole("status").filter({ hasText: "de gemeente controleert het" }).waitFor();
  const card = page.locator(".pcard", { hasText: ACTIVITY });
  await card.getByText("Wacht op controle").waitFor();
  activityId = (await card.getByRole("link", { name: /Wijzigen/ }).getAttribute("href")).split("/").pop();

  // a vacancy
  await page.getByRole("link", { name: "Vrijwilligerswerk", exact: true }).click();
  await page.getByLabel("Titel", { exact: true }).fill(VACANCY);
  await page.getByLabel("Korte omschrijving", { exact: true }).fill("Schenkt u koffie op dinsdagochtend in het buurthuis?");
  await page.getByRole("group", { name: "Onderwerpen" }).getByLabel("Ontmoeten en eenzaamheid").check();
  await page.getByLabel("Uren per week (mag leeg)").fill("3");
  await page.getByLabel("Wat vraagt het? (mag leeg)").fill("gastvrijheid\nkoffie zetten");
  await page.getByRole("button", { name: "Opslaan" }).click();
  await page.getByRole("status").filter({ hasText: "de gemeente controleert het" }).waitFor();
  const vcard = page.locator(".pcard", { hasText: VACANCY });
  await vcard.getByText("Wacht op controle").waitFor();
  vacancyId = (await vcard.getByRole("link", { name: /Wijzigen/ }).getAttribute("href")).split("/").pop();
  await assertNoSideScroll(page);
  await shot(page, "journey-partner-home-360");

  // what the form made, through the API
  const got = await api("GET", `/api/v1/activities/${activityId}`, { key: MOD_KEY });
  assert.equal(got.status, 200, got.text);
  assert.match(got.json.schedule.rrule, /FREQ=WEEKLY/);
  assert.match(got.json.schedule.rrule, /BYDAY=WE/);
  assert.deepEqual(got.json.schedule.exdates, [except]);
  assert.equal(got.json.registration, "required");
  assert.equal(got.json.places_left, 3);
});

test("the moderator approves both in the console", async () => {
  const page = await newPage(browser, { width: 1280 });
  await consoleLogin(page);
  for (const id of [activityId, vacancyId]) {
    const item = page.locator(`#queue-list li[data-entry="${id}"]`);
    await item.waitFor();
    await item.getByRole("button", { name: /^Goedkeuren/ }).click();
    await page.locator(`#queue-list li[data-entry="${id}"]`).waitFor({ state: "detached" });
  }
  await page.context().close();
});

test("a resident finds both, signs up for the activity and offers help", async () => {
  const page = await newPage(browser, { width: 360, height: 780, client: `198.51.100.${(Date.now() % 200) + 20}` });
  await page.goto(`${BASE}/?q=${encodeURIComponent(stamp)}`);
  await page.locator(".cards > li", { hasText: ACTIVITY }).waitFor();
  await page.locator(".cards > li", { hasText: VACANCY }).waitFor();

  await page.goto(`${BASE}/aanbod/${activityId}`);
  await page.getByText(/Nog 3 plaatsen vrij/).first().waitFor();
  await page.getByLabel(/^Uw naam/).fill(RESIDENT);
  await page.getByLabel(/^Hoe kunnen zij u bereiken/).fill("anna@example.org");
  await page.getByText(/dagen wissen wij uw gegevens/).first().waitFor(); // the privacy notice says for how long
  await shot(page, "journey-resident-signup-360");
  await axe(page, "journey-resident-signup-360");
  await page.getByRole("button", { name: "Meld mij aan" }).click();
  await page.getByText(/Bedankt/).first().waitFor();
  await page.goto(`${BASE}/aanbod/${activityId}`);
  await page.getByText(/Nog 2 plaatsen vrij/).first().waitFor();

  await page.goto(`${BASE}/aanbod/${vacancyId}`);
  await page.getByLabel(/^Uw naam/).fill(HELPER);
  await page.getByLabel(/^Hoe kunnen zij u bereiken/).fill("06 12345678");
  await page.getByRole("button", { name: "Verstuur", exact: true }).click();
  await page.getByText(/Bedankt/).first().waitFor();
  await page.context().close();

  const left = await api("GET", `/api/v1/activities/${activityId}`);
  assert.equal(left.json.places_left, 2);
});

test("the partner sees both responses on their page", async () => {
  const page = partner.page;
  await page.goto(BASE + "/partner");
  await page.getByText(RESIDENT).first().waitFor();
  await page.getByText(HELPER).first().waitFor();
  await assertNoSideScroll(page);
  await axe(page, "journey-partner-responses-360");
  await shot(page, "journey-partner-responses-360");
  // never in the open data
  const feed = await api("GET", `/api/v1/search?q=${encodeURIComponent(stamp)}`);
  assert.doesNotMatch(feed.text, new RegExp(RESIDENT));
  await page.context().close();
});
