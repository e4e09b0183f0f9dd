// What residents ask for (issue 16): a resident who finds nothing says what she misses; the
// moderator sees asked-for next to offered in the console, as a heat map and as lists.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, MOD_KEY, api, assertNoSideScroll, axe, launch, newPage, shot } from "./lib.mjs";

let browser;
// letters only: the kept words of a search leave out every word with a digit
const stamp = Date.now().toString(36).replace(/[0-9]/g, (d) => "abcdefghij"[d]);
const WISH = `Een jeu-de-boulesclub op zaterdag ${stamp}`;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test("a resident who finds nothing says what she misses, without an account", async () => {
  const page = await newPage(browser, { width: 360, height: 800, client: `198.51.100.${(Date.now() % 200) + 20}` });
  // she tries a few times (each search counts, answers from the cache too), then gives up
  for (let i = 0; i < 4; i++) {
    await page.goto(`${BASE}/?area=GM0512-lingewijk&q=${encodeURIComponent("jeu de boules " + stamp)}`);
    await page.locator("#resultaten p.empty").first().waitFor();
  }
  await page.getByRole("link", { name: "Vertel ons wat u mist" }).click();
  await page.getByRole("heading", { name: "Ik mis iets in mijn wijk" }).waitFor();
  // the wijk she searched in is chosen already
  assert.equal(await page.getByLabel("Waar woont u?").inputValue(), "GM0512-lingewijk");
  await axe(page, "wish-form");
  await assertNoSideScroll(page);

  // an empty message is refused next to the field, and nothing is lost of what she chose
  await page.getByRole("button", { name: "Verstuur" }).click();
  await page.locator(".error-summary").waitFor();
  assert.match(await page.locator("#mis-tekst-fout").innerText(), /Schrijf wat u mist/);
  assert.equal(await page.getByLabel("Waar woont u?").inputValue(), "GM0512-lingewijk");
  await axe(page, "wish-form-error");

  await page.getByLabel("Waar gaat het over? (mag leeg blijven)").selectOption("beweging");
  await page.getByLabel("Wat mist u?").fill(WISH);
  await page.getByRole("button", { name: "Verstuur" }).click();
  await page.getByRole("heading", { name: "Bedankt" }).waitFor();
  assert.match(await page.locator("main").innerText(), /Wij wissen uw bericht op \d\d-\d\d-\d{4}/);
  await shot(page, "wish-thanks-360");
  await page.context().close();
});

test("the moderator sees asked-for next to offered, the words that found nothing and the wish", async () => {
  const page = await newPage(browser);
  await page.goto(BASE + "/beheer");
  await page.getByLabel("Uw API-sleutel").fill(MOD_KEY);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await page.locator("#console").waitFor({ state: "visible" });
  await page.getByLabel("Gemeente").first().selectOption("GM0512");
  // the daemon writes its counts every second: ask until the search of the first test shows
  let shown = false;
  for (let i = 0; i < 20 && !shown; i++) {
    await page.getByRole("button", { name: "Toon dekking" }).click();
    await page.locator("#demand-wrap img.heatmap").waitFor();
    shown = (await page.locator("#demand-wrap .demand-words").innerText().catch(() => "")).includes(stamp);
    if (!shown) await page.waitForTimeout(500);
  }
  assert.ok(shown, "the words of the search that found nothing are listed");
  const wrap = page.locator("#demand-wrap");
  assert.match(await wrap.locator(".demand-wishes").innerText(), new RegExp(`Lingewijk, Bewegen en sport.*${stamp}`));
  assert.match(await wrap.innerText(), /Gevraagd, maar geen aanbod/);
  const img = wrap.locator("img.heatmap");
  assert.ok((await img.evaluate((n) => n.naturalWidth)) > 300, "the heat map is drawn");
  assert.match(await img.getAttribute("alt"), /Warmtekaart gevraagd en aanbod/);
  await wrap.scrollIntoViewIfNeeded();
  await axe(page, "console-demand");
  await shot(page, "console-demand");
  await page.context().close();
});

test("the public heat map and open data leave out small counts", async () => {
  const pub = await api("GET", "/api/v1/stats/demand?municipality=GM0512");
  assert.equal(pub.status, 200);
  assert.equal(pub.json.exact, false);
  const words = pub.json.words.map((w) => w.words);
  assert.ok(!words.some((w) => w.includes(stamp)), "a search made once is not published");
  const mine = await api("GET", "/api/v1/stats/demand?municipality=GM0512", { key: MOD_KEY });
  assert.equal(mine.json.exact, true);
  const svg = await api("GET", "/api/v1/stats/demand?municipality=GM0512&format=svg");
  assert.equal(svg.status, 200);
  assert.match(svg.headers.get("content-type"), /image\/svg\+xml/);
  // drawn the way a council member opens it: the picture alone
  const page = await newPage(browser, { width: 900, height: 700 });
  await page.setContent(`<!doctype html><body style="margin:0">${svg.text}</body>`);
  await page.locator("text=Gevraagd / aanbod in Gorinchem").waitFor();
  assert.match(await page.locator("svg").innerHTML(), /Minder dan \d+ wordt niet getoond/);
  await shot(page, "demand-heatmap-public");
  await page.context().close();
});
