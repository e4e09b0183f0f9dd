// Residents' initiatives publish too (issue 16): a resident reports her initiative on a phone
// without an account, the moderator accepts it in the console and gets a link, the initiator
// opens it and lands on her own partner page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, MOD_KEY, assertNoSideScroll, axe, launch, newPage, shot } from "./lib.mjs";

let browser;
let link;
const stamp = Date.now().toString(36);
const NAME = `Moestuin De Linge ${stamp}`;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("a resident reports her initiative on a phone, without an account", async () => {
  const page = await newPage(browser, { width: 360, height: 800, client: `198.51.100.${(Date.now() % 200) + 30}` });
  await page.goto(BASE + "/");
  await page.getByRole("link", { name: "Meld uw initiatief aan" }).click();
  await page.getByRole("heading", { level: 1, name: "Meld uw initiatief aan" }).waitFor();
  await axe(page, "initiative-form-360");
  await assertNoSideScroll(page);
  await page.getByLabel("Naam van uw initiatief").fill(NAME);
  await page.getByLabel("Wat doet u?").fill("kort");
  await page.getByLabel("In welke wijk of welk dorp?").selectOption("GM0512-lingewijk");
  await page.getByLabel("Uw naam").fill("Fatima");
  await page.getByRole("button", { name: "Meld aan" }).click();
  // too short, and no way to reach her: both said in plain Dutch, what she typed kept
  await page.locator(".error-summary").waitFor();
  assert.match(await page.locator("#ini-wat-fout").innerText(), /Vertel wat u doet/);
  assert.equal(await page.getByLabel("Naam van uw initiatief").inputValue(), NAME);
  await page.getByLabel("Wat doet u?").fill("Elke zaterdag tuinieren we samen achter de flat. Iedereen mag meedoen.");
  await page.getByLabel("E-mailadres").fill("fatima@example.org");
  await page.getByRole("button", { name: "Meld aan" }).click();
  await page.getByRole("heading", { name: "Bedankt voor uw melding" }).waitFor();
  await assertNoSideScroll(page);
  await shot(page, "initiative-thanks-360");
  await page.context().close();
});

test("the moderator accepts it in the console and gets the link", async () => {
  const page = await newPage(browser);
  await page.goto(BASE + "/beheer");
  await page.getByLabel("Uw API-sleutel").fill(MOD_KEY);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await page.locator("#console").waitFor({ state: "visible" });
  const item = page.locator("li.initiative", { hasText: NAME });
  await item.waitFor();
  assert.match(await item.innerText(), /fatima@example\.org/);
  assert.match(await item.innerText(), /Lingewijk/);
  await axe(page, "console-initiatives");
  await item.getByRole("button", { name: "Accepteren en uitnodigen" }).click();
  const input = item.getByLabel("Link voor de initiatiefnemer");
  await input.waitFor();
  link = await input.inputValue();
  assert.match(link, /\/partner\/uitnodiging\/[A-Za-z0-9_-]{40,}$/);
  await item.scrollIntoViewIfNeeded();
  await shot(page, "console-initiative-accepted");
  await page.context().close();
});

test("the initiator opens the link and has her own partner page", async () => {
  const page = await newPage(browser, { width: 360, height: 780 });
  await page.goto(link);
  await page.getByText(NAME).first().waitFor();
  await page.getByLabel("Een naam voor deze sleutel").fill("telefoon Fatima");
  await page.getByText(/Ik ga akkoord/).click();
  await page.getByRole("button", { name: "Sleutel maken" }).click();
  await page.getByRole("link", { name: "Verder naar mijn aanbod" }).click();
  await page.getByRole("heading", { level: 1, name: "Mijn aanbod" }).waitFor();
  assert.match(await page.locator("body").innerText(), new RegExp(NAME));
  await page.context().close();
});
