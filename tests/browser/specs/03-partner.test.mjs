// The partners' pages (/partner), without JavaScript as they are made: log in with a key, make a
// weekly activity with an exception date through the form, see a field's error next to it, the keys.
// The pages carry no script at all, so the browser runs with JavaScript on (axe-core needs it).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ARTIFACTS, BASE, PARTNER_KEY, api, assertNoSideScroll, axe, launch, newPage, shot } from "./lib.mjs";

let browser;
const stamp = Date.now().toString(36);
const TITLE = `Taalcafé De Linde ${stamp}`;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// A Tuesday at least ten days from now, and the Tuesday two weeks later, as YYYY-MM-DD.
function tuesdays() {
  const d = new Date(Date.now() + 10 * 86400000);
  d.setUTCDate(d.getUTCDate() + ((2 - d.getUTCDay() + 7) % 7));
  const later = new Date(d.getTime() + 14 * 86400000);
  return [d.toISOString().slice(0, 10), later.toISOString().slice(0, 10)];
}

async function login(page) {
  await page.goto(BASE + "/partner/inloggen");
  await page.getByLabel("Uw sleutel").fill(PARTNER_KEY);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await page.getByRole("heading", { level: 1, name: "Mijn aanbod" }).waitFor();
}

for (const width of [360, 1280]) {
  test(`log in and the overview at ${width} px`, async () => {
    const page = await newPage(browser, { width });
    const res = await page.goto(BASE + "/partner");
    assert.match(page.url(), /\/partner\/inloggen$/, "an anonymous visitor is sent to log in");
    assert.equal(res.status(), 200);
    await axe(page, `partner-login-${width}`);
    await page.getByLabel("Uw sleutel").fill("sk_niet_goed");
    await page.getByRole("button", { name: "Inloggen" }).click();
    await page.getByRole("alert").filter({ hasText: "geen sleutel" }).waitFor();
    await shot(page, `partner-login-${width}`);
    await login(page);
    await axe(page, `partner-home-${width}`);
    await assertNoSideScroll(page);
    await shot(page, `partner-home-${width}`);
    await page.context().close();
  });
}

test("a weekly activity with an exception date through the form", async () => {
  const [start, except] = tuesdays();
  const page = await newPage(browser, { width: 1280 });
  await login(page);
  await page.getByRole("link", { name: "Activiteit", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "Nieuw: een activiteit" }).waitFor();
  await axe(page, "partner-form-activity-1280");
  await shot(page, "partner-form-activity-1280");

  await page.getByLabel("Titel", { exact: true }).fill(TITLE);
  await page.getByLabel("Korte omschrijving", { exact: true }).fill("Elke dinsdag samen Nederlands oefenen.");
  await page.getByRole("group", { name: "Onderwerpen" }).getByLabel("Ontmoeten en eenzaamheid").check();
  await page.getByText("Een ander adres").click();
  await page.getByLabel("Straat", { exact: true }).fill("Kerkstraat");
  await page.getByLabel("Huisnummer", { exact: true }).fill("12");
  await page.getByLabel("Postcode", { exact: true }).fill("42"); // wrong on purpose: the error shows next to the field
  await page.getByLabel("Plaats", { exact: true }).fill("Gorinchem");
  await page.getByLabel("Datum (de eerste keer)").fill(start);
  await page.getByLabel("Begintijd").fill("14:00");
  await page.getByLabel("Eindtijd").fill("15:30");
  await page.getByLabel("Ja, elke week of om de paar weken").check();
  await page.getByRole("group", { name: "Op welke dagen?" }).getByLabel("dinsdag").check();
  const [y, m, d] = except.split("-");
  await page.getByLabel("Niet op (mag leeg)").fill(`${d}-${m}-${y}`);
  await page.getByLabel("Ja, het is gratis").check();
  await page.getByRole("button", { name: "Opslaan" }).click();

  const summary = page.locator(".error-summary");
  await summary.waitFor();
  const link = summary.getByRole("link", { name: /Postcode/ });
  await link.click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "f-address-postcode", "the link goes to the field");
  const postcode = page.getByLabel("Postcode", { exact: true });
  assert.equal(await postcode.getAttribute("aria-invalid"), "true");
  assert.match(await postcode.getAttribute("aria-describedby"), /f-address-postcode-err/);
  assert.match(await page.locator("#f-address-postcode-err").innerText(), /postcode/i);
  assert.equal(await page.getByLabel("Titel", { exact: true }).inputValue(), TITLE, "what was typed stays");
  await axe(page, "partner-form-error-1280");
  await shot(page, "partner-form-error-1280");

  await postcode.fill("4201 AB");
  await page.getByRole("button", { name: "Opslaan" }).click();
  await page.getByRole("status").filter({ hasText: "de gemeente controleert het" }).waitFor();
  const card = page.locator(".pcard", { hasText: TITLE });
  await card.getByText("Wacht op controle").waitFor();
  const href = await card.getByRole("link", { name: /Wijzigen/ }).getAttribute("href");
  const id = href.split("/").pop();
  const got = await api("GET", `/api/v1/activities/${id}`, { key: PARTNER_KEY });
  assert.equal(got.status, 200, got.text);
  assert.equal(got.json.schedule.rrule, "FREQ=WEEKLY;BYDAY=TU");
  assert.deepEqual(got.json.schedule.exdates, [except]);
  assert.equal(got.json.schedule.start, `${start}T14:00`);
  await shot(page, "partner-home-after-save-1280");
  await page.context().close();
});

test("B1 help: Controleer de tekst shows the advice and saves nothing", async () => {
  const page = await newPage(browser, { width: 360 });
  await login(page);
  const card = page.locator(".pcard", { hasText: TITLE });
  await card.getByRole("link", { name: /Wijzigen/ }).click();
  const box = page.locator("#leesbaarheid");
  await box.getByText("Uw tekst is kort").waitFor(); // the summary alone is a few words
  const hard =
    "In het kader van de ondersteuning organiseert de gemeente in samenwerking met diverse maatschappelijke " +
    "organisaties informatiebijeenkomsten over de mogelijkheden van respijtvoorzieningen voor mantelzorgers " +
    "die langdurig en intensief zorgen voor een naaste.";
  await page.getByLabel("Uitgebreide omschrijving (mag leeg)").fill(hard);
  await page.getByRole("button", { name: "Controleer de tekst" }).click();
  await box.getByText(/Lange woorden: .*maatschappelijke/).waitFor();
  await box.getByText(/Deze zin is lang/).waitFor();
  await box.getByText("Dit is een advies. U kunt uw tekst ook zo opslaan.").waitFor();
  assert.equal(await page.getByLabel("Uitgebreide omschrijving (mag leeg)").inputValue(), hard, "the text stays");
  await axe(page, "partner-readability-360");
  await assertNoSideScroll(page);
  await box.screenshot({ path: `${ARTIFACTS}/partner-readability-360.png` });
  const id = page.url().split("/").pop();
  const got = await api("GET", `/api/v1/activities/${id}`, { key: PARTNER_KEY });
  assert.equal(got.json.description ?? null, null, "checking saved nothing");
  await page.context().close();
});

test("the activity form at 360 px", async () => {
  const page = await newPage(browser, { width: 360 });
  await login(page);
  await page.goto(BASE + "/partner/nieuw/activiteit");
  await axe(page, "partner-form-activity-360");
  await assertNoSideScroll(page);
  await shot(page, "partner-form-activity-360");
  for (const kind of ["plek", "vrijwilligerswerk", "mantelzorg"]) {
    await page.goto(`${BASE}/partner/nieuw/${kind}`);
    await axe(page, `partner-form-${kind}-360`);
    await assertNoSideScroll(page);
  }
  await shot(page, "partner-form-mantelzorg-360");
  await page.context().close();
});

test("the keys page", async () => {
  for (const width of [360, 1280]) {
    const page = await newPage(browser, { width });
    await login(page);
    await page.getByRole("link", { name: "Sleutels" }).click();
    await page.getByRole("heading", { level: 1, name: "Sleutels" }).waitFor();
    await axe(page, `partner-keys-${width}`);
    await assertNoSideScroll(page);
    await shot(page, `partner-keys-${width}`);
    await page.context().close();
  }
});
