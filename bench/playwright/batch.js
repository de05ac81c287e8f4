// The Playwright side of the batch benchmark (bench/batch_test.go): the same product pages,
// navigate + read two fields, with one browser context (and one page) per worker, as Playwright's
// docs recommend. The browser is the system Chromium: nothing is downloaded.
//
//   node batch.js --base http://127.0.0.1:PORT --pages 200 --concurrency 4 [--chromium /usr/bin/chromium]
//
// It prints one JSON line: {"pages": 200, "ok": 200, "seconds": 12.3, "pages_per_second": 16.2}.
// The time includes the browser's start and close.
const { chromium } = require('playwright-core');

function arg(name, def) {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}

async function main() {
  const base = arg('base');
  if (!base) throw new Error('--base URL is required');
  const pages = parseInt(arg('pages', '200'), 10);
  const concurrency = parseInt(arg('concurrency', '1'), 10);
  const executablePath = arg('chromium', process.env.SMARTRETRY_BROWSER || '/usr/bin/chromium');

  const t0 = process.hrtime.bigint();
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  let next = 1, ok = 0;
  const worker = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    for (;;) {
      const n = next++;
      if (n > pages) break;
      await page.goto(base + '/product/' + n, { timeout: 30000 });
      const name = (await page.locator('h1.name').textContent()).trim();
      const price = (await page.locator('.price').first().textContent()).trim();
      if (name && price) ok++;
    }
    await context.close();
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await browser.close();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(JSON.stringify({ pages, ok, seconds, pages_per_second: pages / seconds }));
}

main().catch((e) => { console.error(e && e.stack || String(e)); process.exit(1); });
