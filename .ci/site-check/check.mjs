// Checks built pmkb sites as their readers meet them, with third-party tools:
//   - the Nu HTML Checker (vnu.jar) over every HTML page: 0 errors;
//   - axe-core in headless Chromium on the main pages (home, the longest incident, the
//     biggest root cause and measure, search with a query, stats, action items), light
//     and dark, 320 and 1280 px wide: 0 violations of any impact;
//   - at 320 px no page scrolls sideways, and at 375 px no chart text draws under 11 px;
//   - every page stays under 200 KB of gzipped HTML and 3,000 DOM nodes (the largest
//     pages of each kind are measured in the browser).
// Usage: node check.mjs SITE_DIR… (each a built site); exit code 1 on any failure.

import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, extname, relative, dirname } from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const MAX_GZIP_BYTES = 200 * 1024;
const MAX_NODES = 3000;
const MIN_CHART_TEXT_PX = 11;
const CHROMIUM_FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run",
];

const sites = process.argv.slice(2);
if (!sites.length) {
  console.error("usage: node check.mjs SITE_DIR…");
  process.exit(2);
}
let failures = 0;
const fail = (message) => {
  failures++;
  console.log(`FAIL ${message}`);
};

function htmlFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...htmlFiles(path));
    else if (name.endsWith(".html")) out.push(path);
  }
  return out;
}

/** The Nu HTML Checker over every page of the sites, errors only, in two Java processes
 *  (CI machines have two cores). */
async function nu(dirs) {
  const jar = join(here, "node_modules/vnu-jar/build/dist/vnu.jar");
  const started = Date.now();
  const files = dirs.flatMap(htmlFiles);
  const halves = [files.filter((_, i) => i % 2 === 0), files.filter((_, i) => i % 2 === 1)].filter((h) => h.length);
  const outputs = await Promise.all(
    halves.map(
      (half) =>
        new Promise((resolve, reject) => {
          const child = spawn("java", ["-Xss4m", "-jar", jar, "--errors-only", "--format", "json", ...half]);
          let stderr = "";
          child.stderr.on("data", (chunk) => (stderr += chunk));
          child.on("error", reject);
          child.on("close", () => resolve(stderr));
        }),
    ),
  );
  const messages = outputs.flatMap((out) => JSON.parse(out || '{"messages":[]}').messages);
  const errors = messages.filter((m) => m.type === "error" || m.subType === "fatal");
  console.log(`vnu: ${errors.length} errors in ${files.length} pages (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const seen = new Map();
  for (const e of errors) {
    if (!seen.has(e.message)) seen.set(e.message, []);
    seen.get(e.message).push(e);
  }
  for (const [message, found] of seen) {
    fail(`vnu: ${message} (${found.length}×, e.g. ${found[0].url.replace(/^file:/, "")}:${found[0].lastLine})`);
  }
}

function serve(root) {
  const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml", ".xml": "application/xml" };
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path.endsWith("/")) path += "index.html";
    const file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** The page of a folder with the largest index.html (the most rows, the longest text). */
function largest(root, folder) {
  const dir = join(root, folder);
  if (!existsSync(dir)) return null;
  let best = null;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name, "index.html");
    if (!existsSync(file)) continue;
    const size = statSync(file).size;
    if (!best || size > best.size) best = { size, path: `${folder}/${name}/` };
  }
  return best && best.path;
}

async function browserChecks(root) {
  const server = await serve(root);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: CHROMIUM_FLAGS });
  const axeSource = readFileSync(join(here, "node_modules/axe-core/axe.min.js"), "utf8");
  const main = [
    "",
    largest(root, "postmortems"),
    largest(root, "root-causes"),
    largest(root, "measures"),
    "search/?q=database",
    "stats/",
    "action-items/",
  ].filter((p) => p !== null);
  // Every kind of page for the layout checks, including later pages of long lists.
  const layout = [...main, "root-causes/", "measures/", "by-duration/page/2/", "action-items/page/2/", "404.html"].filter(
    (p) => existsSync(join(root, p.split("?")[0] || "index.html")),
  );
  try {
    for (const scheme of ["light", "dark"]) {
      for (const width of [320, 1280]) {
        const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: scheme });
        for (const path of main) {
          await page.goto(base + path, { waitUntil: "load" });
          if (path.startsWith("search/")) await page.waitForSelector("#search-results li a", { timeout: 10000 }).catch(() => fail(`${root} ${path}: no search results shown`));
          await page.addScriptTag({ content: axeSource });
          const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, target: v.nodes[0].target.join(" ") })));
          for (const v of violations) fail(`axe ${scheme} ${width}px /${path}: ${v.impact} ${v.id} (${v.help}) ×${v.nodes}, e.g. ${v.target}`);
          console.log(`axe ${scheme} ${width}px /${path}: ${violations.length} violations`);
        }
        await page.close();
      }
    }
    const narrow = await browser.newPage({ viewport: { width: 320, height: 800 } });
    for (const path of layout) {
      await narrow.goto(base + path, { waitUntil: "load" });
      const wide = await narrow.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (wide > 0) {
        const culprit = await narrow.evaluate(() => {
          const over = [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5);
          const leaf = over.find((e) => ![...e.children].some((c) => over.includes(c))) || over[0];
          return leaf ? `${leaf.tagName.toLowerCase()}.${leaf.className} "${(leaf.textContent || "").slice(0, 40)}"` : "?";
        });
        fail(`320px /${path}: scrolls sideways by ${wide}px (${culprit})`);
      }
    }
    console.log(`320px: ${layout.length} pages checked for sideways scrolling`);
    const phone = await browser.newPage({ viewport: { width: 375, height: 800 } });
    let texts = 0;
    for (const path of ["stats/", largest(root, "root-causes"), largest(root, "postmortems")].filter(Boolean)) {
      await phone.goto(base + path, { waitUntil: "load" });
      const small = await phone.evaluate((min) => {
        const out = [];
        let count = 0;
        for (const t of document.querySelectorAll("svg text")) {
          if (!t.getClientRects().length) continue; // not displayed (the other drawing)
          count++;
          const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
          if (px < min) out.push(`${t.textContent} at ${px.toFixed(1)}px`);
        }
        return { count, out };
      }, MIN_CHART_TEXT_PX);
      texts += small.count;
      for (const s of small.out.slice(0, 3)) fail(`375px /${path}: chart text ${s}`);
    }
    console.log(`375px: ${texts} chart texts checked`);
    // Size: every page's gzipped HTML; DOM nodes of the largest page of each kind.
    const files = htmlFiles(root);
    const sizes = files.map((f) => ({ path: relative(root, f), gz: gzipSync(readFileSync(f)).length }));
    sizes.sort((a, b) => b.gz - a.gz);
    for (const s of sizes.filter((s) => s.gz > MAX_GZIP_BYTES)) fail(`${s.path}: ${s.gz} bytes gzipped`);
    const kinds = new Map();
    for (const s of sizes) {
      const kind = s.path.split("/")[0].replace(/\.html$/, "");
      if (!kinds.has(kind)) kinds.set(kind, s);
    }
    const report = [];
    for (const [kind, s] of kinds) {
      await phone.goto(base + s.path.replace(/index\.html$/, ""), { waitUntil: "load" });
      const nodes = await phone.evaluate(() => document.getElementsByTagName("*").length);
      if (nodes > MAX_NODES) fail(`${s.path}: ${nodes} DOM nodes`);
      report.push(`${kind || "home"}: ${s.path} ${(s.gz / 1024).toFixed(1)} KiB gz, ${nodes} nodes`);
    }
    console.log(`largest pages (${files.length} pages):\n  ${report.join("\n  ")}`);
  } finally {
    await browser.close();
    server.close();
  }
}

const only = process.env.SITE_CHECK_ONLY || "nu,browser";
if (only.includes("nu")) await nu(sites);
if (only.includes("browser")) for (const site of sites) await browserChecks(site);
console.log(failures ? `site check: ${failures} failures` : "site check passed");
process.exit(failures ? 1 : 0);
