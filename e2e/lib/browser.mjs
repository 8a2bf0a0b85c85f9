// How the browser tests start Chromium: Debian's binary ($CHROMIUM), headless, without the
// sandbox (CI runs as root). With `webgl`, WebGL is rendered on the CPU (SwiftShader) so the
// vector base map draws as users see it; without, the pages fall back to road lines.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Command-line switches for a test browser. */
export function chromiumArgs({ webgl = false } = {}) {
  const gpu = webgl ? ['--enable-unsafe-swiftshader', '--use-angle=swiftshader'] : ['--disable-gpu'];
  return ['--headless', '--no-sandbox', ...gpu, '--no-first-run', '--disable-background-networking'];
}

/** A headless test browser (see `chromiumArgs`). */
export function launchBrowser(options = {}) {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: chromiumArgs(options), timeout: 60_000 });
}
