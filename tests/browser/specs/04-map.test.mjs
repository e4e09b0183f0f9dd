// The map of results on the search page: the same results as the list, clustered, a marker opens the entry.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, assertNoSideScroll, axe, launch, newPage, shot } from "./lib.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// The ids of the list's cards that carry a point, and of every card.
async function listIds(page) {
  return page.evaluate(() => ({
    withPoint: [...document.querySelectorAll(".cards > li[data-lat] h3 a")].map((a) => a.getAttribute("href")),
    all: [...document.querySelectorAll(".cards > li h3 a")].map((a) => a.getAttribute("href")),
  }));
}

// Every marker and cluster on the map: the ids of single markers' entries and the sum of the clusters.
async function mapCount(page) {
  return page.evaluate(() => {
    const clusters = [...document.querySelectorAll("#resultaten-kaart .marker-cluster")];
    return {
      pins: document.querySelectorAll("#resultaten-kaart .result-pin").length,
      clusters: clusters.length,
      inClusters: clusters.reduce((s, c) => s + Number(c.textContent.trim() || 0), 0),
    };
  });
}

test("without JavaScript the list is all there is", async () => {
  const page = await newPage(browser, { js: false });
  await page.goto(`${BASE}/?kind=place`);
  await page.locator(".cards > li").first().waitFor();
  assert.equal(await page.locator(".view-toggle").count(), 0);
  assert.equal(await page.locator("#resultaten-kaart").count(), 0);
  // the points are in the page, for the script
  assert.ok((await page.locator(".cards > li[data-lat]").count()) > 0);
  await page.context().close();
});

test("Lijst | Kaart: the map shows the list's results, clustered, and a marker opens the entry", async () => {
  const page = await newPage(browser, { width: 1280, height: 900 });
  await page.goto(`${BASE}/?kind=place&limit=100`);
  const toggle = page.getByRole("group", { name: "Bekijk de resultaten als" });
  await toggle.waitFor();
  assert.equal(await toggle.getByRole("button", { name: "Lijst" }).getAttribute("aria-pressed"), "true");
  const ids = await listIds(page);
  assert.ok(ids.withPoint.length >= 3, "the demo data has places with a point");
  await toggle.getByRole("button", { name: "Kaart" }).click();
  await page.locator("#resultaten-kaart .leaflet-marker-icon").first().waitFor();
  assert.equal(await toggle.getByRole("button", { name: "Kaart" }).getAttribute("aria-pressed"), "true");
  assert.ok(await page.locator(".cards").isHidden(), "the map replaces the list");
  // Each listed point is on the map exactly once: as a pin or inside a cluster.
  await page.waitForTimeout(400); // clustering animation
  const count = await mapCount(page);
  assert.equal(count.pins + count.inClusters, ids.withPoint.length, JSON.stringify(count));
  assert.ok(count.clusters >= 1, "nearby places are clustered at this zoom");
  await shot(page, "search-map-1280");
  await axe(page, "search-map");
  // A cluster opens up when clicked; then a single marker's popup links to its entry.
  await page.locator("#resultaten-kaart .marker-cluster").first().click();
  const pin = page.locator("#resultaten-kaart .result-pin").first();
  await pin.waitFor();
  await page.waitForTimeout(400);
  await pin.click();
  const link = page.locator("#resultaten-kaart .leaflet-popup-content a");
  await link.waitFor();
  const href = await link.getAttribute("href");
  assert.ok(ids.withPoint.includes(href), `the popup links to a listed entry: ${href}`);
  await Promise.all([page.waitForURL(/\/aanbod\//), link.click()]);
  assert.equal(new URL(page.url()).pathname, href);
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});

test("a filter changes the map with the list; without tiles the markers still show", async () => {
  const page = await newPage(browser, { width: 360, height: 800, tiles: "fail" });
  await page.goto(`${BASE}/?kind=place&limit=100`);
  await page.getByRole("button", { name: "Kaart" }).click();
  await page.locator("#resultaten-kaart .leaflet-marker-icon").first().waitFor();
  await page.waitForTimeout(1000);
  assert.ok(await page.locator("#resultaten-kaart .leaflet-marker-icon").first().isVisible(), "markers without tiles");
  assert.match(await page.locator("#resultaten-kaart").getAttribute("class"), /map-notiles/);
  await assertNoSideScroll(page);
  await shot(page, "search-map-360-no-tiles");
  // the view stays the map when the search changes (results come from the same server page)
  await page.goto(`${BASE}/?kind=place&access=wheelchair&limit=100`);
  const ids = await listIds(page);
  await page.getByRole("button", { name: "Kaart" }).click();
  await page.locator("#resultaten-kaart .leaflet-marker-icon").first().waitFor();
  await page.waitForTimeout(400);
  const count = await mapCount(page);
  assert.equal(count.pins + count.inClusters, ids.withPoint.length);
  await page.context().close();
});
