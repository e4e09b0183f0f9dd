// Campaigns (issue 16): the moderator makes "Burendag" in the console, puts an activity in it
// and takes it out again; a resident finds the campaign on the front page and opens its page on
// a phone.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, MOD_KEY, api, assertNoSideScroll, axe, launch, newPage, shot } from "./lib.mjs";

let browser;
const stamp = Date.now().toString(36);
const CODE = `burendag-${stamp}`;
const TITLE = `Straatfeest ${stamp}`;
const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

before(async () => {
  browser = await launch();
  // an activity of Gorinchem ten days ahead, made by the moderator (published at once)
  const org = (await api("POST", "/api/v1/organisations", { key: MOD_KEY, body: { name: `Buurtvereniging ${stamp}`, municipality: "GM0512" } })).json;
  const made = await api("POST", "/api/v1/activities", {
    key: MOD_KEY,
    body: {
      organisation_id: org.id, title: TITLE, summary: "Samen eten op straat, met muziek.", municipality: "GM0512",
      areas: ["GM0512-west"], online: false,
      address: { street: "Stationsweg", house_number: "3", postcode: "4205 AA", city: "Gorinchem" },
      schedule: { start: `${day(10)}T16:00`, end: `${day(10)}T20:00` },
    },
  });
  assert.equal(made.status, 201, made.text);
});
after(async () => {
  await browser?.close();
});

test("the moderator makes a campaign and curates it in the console", async () => {
  const page = await newPage(browser);
  await page.goto(BASE + "/beheer");
  await page.getByLabel("Uw API-sleutel").fill(MOD_KEY);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await page.locator("#console").waitFor({ state: "visible" });
  const form = page.locator("#campaign-form");
  await form.getByLabel("Naam").fill("Burendag");
  await form.getByLabel("Code in het webadres").fill(CODE);
  await form.getByLabel("Gemeente").selectOption("GM0512");
  await form.getByLabel("Eerste dag").fill(day(-1));
  await form.getByLabel("Laatste dag").fill(day(20));
  await form.getByLabel("Korte uitleg voor inwoners (mag leeg)").fill("Op Burendag doen buren samen iets leuks.");
  await page.getByRole("button", { name: "Campagne opslaan" }).click();
  await page.locator("#campaign-status", { hasText: "Opgeslagen" }).waitFor();
  const item = page.locator("li.campaign").filter({ has: page.locator(`a[href="/campagnes/${CODE}"]`) });
  await item.waitFor();
  await item.locator("summary").click();
  await item.getByText("Nog geen aanbod in deze campagne.").waitFor();
  await item.getByLabel("Aanbod zoeken om toe te voegen").fill(TITLE);
  await item.getByRole("button", { name: "Zoeken" }).click();
  await item.locator(".campaign-found li", { hasText: TITLE }).getByRole("button", { name: "Zet erin" }).click();
  await item.locator(".campaign-entries li", { hasText: TITLE }).waitFor();
  await axe(page, "console-campaigns");
  await shot(page, "console-campaigns");
  // out and in again: both said, and the list follows
  await item.locator(".campaign-entries li", { hasText: TITLE }).getByRole("button", { name: "Haal eruit" }).click();
  await item.getByText(`Eruit gehaald: ${TITLE}.`).waitFor();
  await item.locator(".campaign-found li", { hasText: TITLE }).getByRole("button", { name: "Zet erin" }).click();
  await item.locator(".campaign-entries li", { hasText: TITLE }).waitFor();
  await page.context().close();
});

test("a resident opens the campaign's page from the front page, on a phone", async () => {
  const page = await newPage(browser, { width: 360, height: 800 });
  await page.goto(BASE + "/");
  await page.locator("p.campaigns-now").getByRole("link", { name: "Burendag" }).first().waitFor();
  await page.goto(BASE + `/campagnes/${CODE}`);
  await page.getByRole("heading", { level: 1, name: "Burendag" }).waitFor();
  assert.match(await page.locator("main").innerText(), /tot en met/);
  await page.getByRole("link", { name: TITLE }).waitFor();
  await axe(page, "campaign-page-360");
  await assertNoSideScroll(page);
  await shot(page, "campaign-page-360");
  await page.context().close();
});
