// Screenshots of a built site's main pages at phone (375 px) and desktop (1280 px) widths,
// light and dark, for the README: node screenshots.mjs SITE_DIR OUT_DIR.
// The top of each page (one screen high) is captured, as a reader first sees it.

import { createServer } from "node:http";
import { readFileSync, existsSync, statSync, mkdirSync } from "node:fs";
import { join, extname } from "node:path";
import { chromium } from "playwright-core";

const [site, out] = process.argv.slice(2);
if (!site || !out) {
  console.error("usage: node screenshots.mjs SITE_DIR OUT_DIR");
  process.exit(2);
}
const PAGES = {
  home: "",
  incident: process.env.INCIDENT || "postmortems/2023-03-16-checkout-cert-expiry-again/",
  "root-cause": process.env.ROOT_CAUSE || "root-causes/certificate/",
  stats: "stats/",
  search: "search/?q=database",
};
const SIZES = { phone: [375, 740], desktop: [1280, 800] };

const types = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml" };
const server = createServer((req, res) => {
  let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (path.endsWith("/")) path += "index.html";
  const file = join(site, path);
  if (!existsSync(file) || statSync(file).isDirectory()) {
    res.writeHead(404);
    return res.end();
  }
  res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" });
  res.end(readFileSync(file));
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
mkdirSync(out, { recursive: true });
try {
  for (const [size, [width, height]] of Object.entries(SIZES)) {
    for (const scheme of ["light", "dark"]) {
      const page = await browser.newPage({ viewport: { width, height }, colorScheme: scheme });
      for (const [name, path] of Object.entries(PAGES)) {
        await page.goto(base + path, { waitUntil: "load" });
        if (name === "search") await page.waitForSelector("#search-results li a", { timeout: 10000 });
        const file = join(out, `${name}-${size}-${scheme}.png`);
        await page.screenshot({ path: file });
        console.log(file);
      }
      await page.close();
    }
  }
} finally {
  await browser.close();
  server.close();
}
