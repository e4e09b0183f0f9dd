// Shared helpers of the browser specs: the browser, axe-core, screenshots, the API.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import axePkg from "@axe-core/playwright";

const AxeBuilder = axePkg.default ?? axePkg.AxeBuilder ?? axePkg;

export const BASE = process.env.SK_BASE_URL ?? "http://127.0.0.1:8080";
export const MOD_KEY = process.env.SK_MOD_KEY;
export const PARTNER_KEY = process.env.SK_PARTNER_KEY;
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", "artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

// Debian's chromium, headless; never a downloaded browser.
export function launch() {
  return chromium.launch({
    executablePath: process.env.SK_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=nl-NL"],
  });
}

// A 1x1 grey PNG standing in for every map tile (the test machine may be offline).
const TILE = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mPs6PhfDwAFWQKT4pVrVQAAAABJRU5ErkJggg==",
  "base64"
);

// client: a made-up client address (the daemon runs with trust_proxy), so the per-client report limit
// of the moderation API does not depend on earlier runs against the same database.
export async function newPage(browser, { width = 1280, height = 900, js = true, tiles = "ok", client } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    javaScriptEnabled: js,
    locale: "nl-NL",
    acceptDownloads: true,
    extraHTTPHeaders: client ? { "X-Forwarded-For": client } : {},
  });
  await context.route("https://service.pdok.nl/**", (route) =>
    tiles === "ok" ? route.fulfill({ status: 200, contentType: "image/png", body: TILE }) : route.abort()
  );
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(String(err)));
  page.on("console", (msg) => {
    if (msg.type() === "error" && !/pdok|Failed to load resource/.test(msg.text())) errors.push(msg.text());
  });
  page.jsErrors = errors;
  return page;
}

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// axe-core with the WCAG 2.1 A/AA rules: no serious or critical violation allowed.
export async function axe(page, name) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  writeFileSync(join(ARTIFACTS, `axe-${name}.json`), JSON.stringify(result.violations, null, 2));
  const bad = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  assert.deepEqual(bad, [], `axe violations on ${name}`);
}

export async function api(method, path, { key, body, ifMatch } = {}) {
  const headers = { Accept: "application/json" };
  if (ifMatch) headers["If-Match"] = ifMatch;
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers["Content-Type"] = method === "PATCH" ? "application/merge-patch+json" : "application/json";
  const res = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, json, text, headers: res.headers };
}

// The page must not scroll sideways (WCAG 1.4.10 reflow at 320-360 px).
export async function assertNoSideScroll(page) {
  const { sw, cw, wide } = await page.evaluate(() => {
    const cw = document.documentElement.clientWidth;
    // The innermost elements that reach past the right edge: they say what to fix.
    const wide = [...document.body.querySelectorAll("*")]
      .filter((el) => el.getBoundingClientRect().right > cw + 1)
      .filter((el) => ![...el.children].some((ch) => ch.getBoundingClientRect().right > cw + 1))
      .slice(0, 3)
      .map((el) => {
        const id = el.id ? `#${el.id}` : "";
        const cls = el.classList.length ? `.${[...el.classList].join(".")}` : "";
        return `${el.tagName.toLowerCase()}${id}${cls} (${Math.round(el.getBoundingClientRect().right)} px: ` +
          `${(el.textContent || "").trim().slice(0, 40)})`;
      });
    return { sw: document.documentElement.scrollWidth, cw, wide };
  });
  assert.ok(sw <= cw + 1, `page scrolls sideways: ${sw} > ${cw} at ${page.url()}; too wide: ${wide.join("; ")}`);
}
