// The browser half of bench/browser_bench.py: open JupyterLab (with the Saturn panel) in headless
// Chromium and measure, in the page, what a user of the panel waits for. Run by browser_bench.py:
//
//   node bench/browser_bench.mjs CONFIG.json      # prints one JSON object (the figures) on stdout
//
// CONFIG.json: {"labUrl": "http://127.0.0.1:PORT/lab?token=...", "filterText": "7",
//               "timeoutMs": 120000, "quietMs": 3000, "chromium": "/usr/bin/chromium"}
// Progress lines go to stderr. Every wait has a time limit; the browser is closed on every exit
// path (and on SIGTERM/SIGINT, by Playwright's own handlers).
//
// Selectors (the panel's documented hooks and accessible names; see bench/README.md):
//   sidebar tab   .jp-SideBar.jp-mod-left [role="tab"][data-id="saturn-panel"]
//                 (fallback: [role="tab"][title="Saturn Cloud and JupyterHub servers"])
//   panel         #saturn-panel (aria-label "Saturn Panel")
//   hub rows      #saturn-panel-hub .jp-SaturnPanel-row[data-key][data-status]
//   filter        role searchbox / input named "Filter servers" (aria-label)
//   start button  in a row: .jp-SaturnPanel-action.jp-mod-start (fallback: role button named "Start ...")
import { createRequire } from 'module';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(
  path.join(here, '..', 'ui-tests', 'package.json')
);
const { chromium } = require('playwright-core');

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf-8'));
const TIMEOUT = config.timeoutMs ?? 120000;
const QUIET = config.quietMs ?? 3000;
const FILTER_TEXT = config.filterText ?? '7';
const REPEAT = config.repeat ?? 3;
const SHORT_QUIET = 1000;
const SETTLE = 1500; // a list that did not change for this long has settled
const t0 = Date.now();

function log(text) {
  process.stderr.write(
    `[browser +${((Date.now() - t0) / 1000).toFixed(1)} s] ${text}\n`
  );
}

const PANEL_TAB =
  '.jp-SideBar.jp-mod-left [role="tab"][data-id="saturn-panel"], ' +
  '.jp-SideBar.jp-mod-left [role="tab"][title="Saturn Cloud and JupyterHub servers"]';

/**
 * Runs in the page before any of Lab's scripts: long tasks (buffered from the start), the time
 * the first `snapshot` event of `saturn-panel/events` was fully received, and the helpers the
 * measurements below use. Kept small: it must not cost what it measures.
 */
function initScript() {
  const bench = {
    longtasks: [],
    snapshotAt: null,
    eventsOpenedAt: null,
    firstPanelRequestAt: null,
    lastLongTaskEnd: 0
  };
  window.__bench = bench;
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) {
        bench.longtasks.push({ start: e.startTime, duration: e.duration });
        bench.lastLongTaskEnd = Math.max(
          bench.lastLongTaskEnd,
          e.startTime + e.duration
        );
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) {
    bench.longtaskError = String(e);
  }
  // The panel reads its event stream with fetch: watch a copy of the body for the end of the
  // first snapshot event (its blank line), then stop reading the copy.
  const originalFetch = window.fetch;
  window.fetch = async function (input, init) {
    const response = await originalFetch.call(this, input, init);
    const url =
      typeof input === 'string' ? input : (input?.url ?? String(input));
    if (bench.firstPanelRequestAt === null && /saturn-panel\//.test(url)) {
      bench.firstPanelRequestAt = performance.now();
    }
    if (
      bench.snapshotAt !== null ||
      !/saturn-panel\/events/.test(url) ||
      !response.body
    ) {
      return response;
    }
    bench.eventsOpenedAt = bench.eventsOpenedAt ?? performance.now();
    const [mine, copy] = response.body.tee();
    (async () => {
      const reader = copy.getReader();
      const decoder = new TextDecoder();
      let tail = '';
      let seen = false;
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            return;
          }
          let text = tail + decoder.decode(value, { stream: true });
          if (!seen) {
            const i = text.indexOf('event: snapshot');
            if (i >= 0) {
              seen = true;
              text = text.slice(i + 15);
            }
          }
          if (seen && text.indexOf('\n\n') >= 0) {
            if (bench.snapshotAt === null) {
              bench.snapshotAt = performance.now();
            }
            await reader.cancel();
            return;
          }
          tail = text.slice(-20);
        }
      } catch (e) {
        // the copy may be cancelled with the stream; nothing to measure then
      }
    })();
    return new Response(mine, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers
    });
  };

  /** The longest task and the total long-task time overlapping [from, to]. */
  bench.tasksBetween = (from, to) => {
    const inside = bench.longtasks.filter(
      t => t.start < to && t.start + t.duration > from
    );
    return {
      longest: inside.reduce((m, t) => Math.max(m, t.duration), 0),
      total: inside.reduce((s, t) => s + t.duration, 0),
      count: inside.length
    };
  };

  /** Resolves after the next frame was produced (rAF, then a task after it). */
  bench.afterNextFrame = () =>
    new Promise(resolve => {
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(null);
      });
    });

  /** Elements in the page, shadow roots included (and without them). */
  bench.countNodes = () => {
    let withShadow = 0;
    const walk = root => {
      for (const el of root.querySelectorAll('*')) {
        withShadow++;
        if (el.shadowRoot) {
          walk(el.shadowRoot);
        }
      }
    };
    walk(document);
    return {
      elements: withShadow,
      lightElements: document.getElementsByTagName('*').length,
      panelElements:
        document.getElementById('saturn-panel')?.querySelectorAll('*').length ??
        0
    };
  };

  /** The hub section's rows, cheaply: a live collection. */
  bench.rowSignature = () => {
    const section = document.getElementById('saturn-panel-hub');
    if (!section) {
      return 'none';
    }
    bench._rows = bench._rows ?? new WeakMap();
    let rows = bench._rows.get(section);
    if (!rows) {
      rows = section.getElementsByClassName('jp-SaturnPanel-row');
      bench._rows.set(section, rows);
    }
    const first = rows.length ? rows[0].getAttribute('data-key') : '';
    const last = rows.length
      ? rows[rows.length - 1].getAttribute('data-key')
      : '';
    return `${rows.length}|${first}|${last}`;
  };
}

/** Poll `fn` in the page until it returns a truthy value (or fail after `timeout` ms). */
async function waitInPage(page, fn, arg, timeout, what) {
  try {
    const handle = await page.waitForFunction(fn, arg, {
      timeout,
      polling: 100
    });
    return await handle.jsonValue();
  } catch (e) {
    throw new Error(
      `timed out after ${timeout} ms waiting for ${what}: ${e.message.split('\n')[0]}`
    );
  }
}

/**
 * Wait until the page had no long task for `ms` (default QUIET) and `ms` passed since `since`
 * (page time; default: now). Returns the page time it became quiet.
 */
async function waitQuiet(page, what, ms = QUIET, since = null) {
  const from = since ?? (await page.evaluate(() => performance.now()));
  return waitInPage(
    page,
    ({ ms, from }) => {
      const b = window.__bench;
      const now = performance.now();
      return now - Math.max(b.lastLongTaskEnd, from) >= ms ? now : null;
    },
    { ms, from },
    TIMEOUT,
    `${what} (no long task for ${ms} ms)`
  );
}

/** The median of numbers. */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median of each numeric field over repetitions, the worst (max) of each, and every sample. */
function summarize(samples) {
  const out = { samples };
  for (const key of Object.keys(samples[0])) {
    if (typeof samples[0][key] === 'number') {
      out[key] = median(samples.map(s => s[key]));
      out[`${key}Max`] = Math.max(...samples.map(s => s[key]));
    } else {
      out[key] = samples[0][key];
    }
  }
  return out;
}

/**
 * Arm a measurement of "the hub list changed after this input, and the frame showing it was
 * produced": the time of the input event (`pointerdown`/`keydown`, its timeStamp), the first
 * frame after the hub section's rows changed (count, first or last key), and the frame after
 * the last change once nothing changed for `settleMs`.
 */
async function armListChange(page, inputEvent, settleMs) {
  await page.evaluate(
    ({ inputEvent, settleMs }) => {
      const b = window.__bench;
      const m = {
        inputAt: null,
        firstAt: null,
        firstSeen: false,
        lastChangeAt: null,
        lastFrameAt: null,
        changes: 0,
        settled: false,
        before: b.rowSignature(),
        after: null
      };
      b.listChange = m;
      const onInput = e => {
        if (m.inputAt === null) {
          m.inputAt = e.timeStamp;
        }
      };
      document.addEventListener(inputEvent, onInput, {
        capture: true,
        once: true
      });
      let signature = m.before;
      let timer = null;
      const observer = new MutationObserver(() => {
        if (m.inputAt === null) {
          return;
        }
        const now = b.rowSignature();
        if (now === signature) {
          return;
        }
        signature = now;
        m.after = now;
        m.changes++;
        const n = m.changes;
        if (!m.firstSeen) {
          m.firstSeen = true;
          b.afterNextFrame().then(t => (m.firstAt = t));
        }
        b.afterNextFrame().then(t => {
          if (n === m.changes) {
            m.lastFrameAt = t;
          }
        });
        clearTimeout(timer);
        timer = setTimeout(() => {
          observer.disconnect();
          m.settled = true;
        }, settleMs);
      });
      observer.observe(
        document.getElementById('saturn-panel') ?? document.body,
        {
          childList: true,
          subtree: true
        }
      );
      m.stop = () => observer.disconnect();
    },
    { inputEvent, settleMs }
  );
}

async function collectListChange(page, what) {
  await waitInPage(
    page,
    () => {
      const m = window.__bench.listChange;
      return m.settled && m.firstAt !== null && m.lastFrameAt !== null;
    },
    null,
    TIMEOUT,
    what
  );
  return page.evaluate(() => {
    const b = window.__bench;
    const m = b.listChange;
    const tasks = b.tasksBetween(m.inputAt, m.lastFrameAt);
    return {
      firstMs: m.firstAt - m.inputAt,
      settledMs: m.lastFrameAt - m.inputAt,
      listChanges: m.changes,
      longestTaskMs: tasks.longest,
      longTaskTotalMs: tasks.total,
      longTaskCount: tasks.count,
      rowsBefore: m.before,
      rowsAfter: m.after
    };
  });
}

async function filterInput(page) {
  const byRole = page.getByRole('searchbox', { name: 'Filter servers' });
  if ((await byRole.count()) > 0) {
    return {
      locator: byRole.first(),
      selector: 'role=searchbox[name="Filter servers"]'
    };
  }
  return {
    locator: page
      .locator('#saturn-panel input[aria-label="Filter servers"]')
      .first(),
    selector: '#saturn-panel input[aria-label="Filter servers"]'
  };
}

async function startButton(rowLocator) {
  const byClass = rowLocator.locator('.jp-SaturnPanel-action.jp-mod-start');
  if ((await byClass.count()) > 0) {
    return {
      locator: byClass.first(),
      selector: '.jp-SaturnPanel-action.jp-mod-start'
    };
  }
  return {
    locator: rowLocator.getByRole('button', { name: /^Start\b/ }).first(),
    selector: 'role=button[name=/^Start/]'
  };
}

/**
 * (a) One page load with the panel closed, until the first snapshot and a quiet main thread.
 */
async function measureLoad(page) {
  log(`opening ${config.labUrl.replace(/token=[^&]+/, 'token=...')}`);
  await page.goto(config.labUrl, {
    waitUntil: 'domcontentloaded',
    timeout: TIMEOUT
  });
  await waitInPage(
    page,
    () =>
      window.jupyterapp ? window.jupyterapp.restored.then(() => true) : false,
    null,
    TIMEOUT,
    'window.jupyterapp.restored'
  );
  const restoredAt = await page.evaluate(() => performance.now());
  await waitInPage(
    page,
    () => window.__bench.snapshotAt !== null,
    null,
    TIMEOUT,
    "the panel's first snapshot"
  );
  const snapshotAt = await page.evaluate(() => window.__bench.snapshotAt);
  const quietAt = await waitQuiet(page, 'page load', QUIET, snapshotAt);
  const load = await page.evaluate(
    ({ restoredAt, quietAt }) => {
      const b = window.__bench;
      const tasks = b.tasksBetween(0, quietAt);
      const panel = b.tasksBetween(b.eventsOpenedAt, quietAt);
      return {
        // From the events stream's opening (the snapshot and everything it causes) to idle.
        panelLongestTaskMs: panel.longest,
        panelLongTaskTotalMs: panel.total,
        panelLongTaskCount: panel.count,
        // The whole load, JupyterLab's own start included.
        longestTaskMs: tasks.longest,
        longTaskTotalMs: tasks.total,
        longTaskCount: tasks.count,
        firstPanelRequestMs: b.firstPanelRequestAt,
        restoredMs: restoredAt,
        eventsOpenedMs: b.eventsOpenedAt,
        snapshotMs: b.snapshotAt,
        quietMs: quietAt,
        longtaskError: b.longtaskError ?? null,
        longtasks: b.longtasks.filter(t => t.start < quietAt),
        panelVisibleAtLoad: !!document
          .getElementById('saturn-panel')
          ?.checkVisibility?.(),
        nodesPanelClosed: b.countNodes()
      };
    },
    { restoredAt, quietAt }
  );
  log(
    `load: longest task ${load.panelLongestTaskMs.toFixed(0)} ms after the events stream opened ` +
      `(${load.longestTaskMs.toFixed(0)} ms in the whole load), snapshot at ${load.snapshotMs?.toFixed(0)} ms`
  );
  return load;
}

async function measure(page, out) {
  // --- (b) open the panel: pointerdown on its sidebar tab -> rows shown, frame produced.
  // Repeated REPEAT times (closing it again with the same tab in between); the median counts.
  const tab = page.locator(PANEL_TAB).first();
  await tab.waitFor({ state: 'visible', timeout: TIMEOUT });
  out.selectors.tab = PANEL_TAB;
  const opens = [];
  for (let i = 0; i < REPEAT; i++) {
    if (i > 0) {
      await tab.click({ timeout: TIMEOUT }); // close
      await waitInPage(
        page,
        () => !document.getElementById('saturn-panel')?.checkVisibility(),
        null,
        TIMEOUT,
        'the panel to close'
      );
      await waitQuiet(page, 'after closing the panel', SHORT_QUIET);
    }
    await page.evaluate(() => {
      const b = window.__bench;
      const m = { downAt: null, shownAt: null, rows: 0 };
      b.open = m;
      document.addEventListener(
        'pointerdown',
        e => (m.downAt = m.downAt ?? e.timeStamp),
        {
          capture: true,
          once: true
        }
      );
      const check = () => {
        const panel = document.getElementById('saturn-panel');
        const section = document.getElementById('saturn-panel-hub');
        const rows = section
          ? section.getElementsByClassName('jp-SaturnPanel-row').length
          : 0;
        if (m.downAt !== null && panel && panel.checkVisibility() && rows > 0) {
          m.rows = rows;
          const channel = new MessageChannel();
          channel.port1.onmessage = () => (m.shownAt = performance.now());
          channel.port2.postMessage(null);
          return;
        }
        requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
    await tab.click({ timeout: TIMEOUT });
    await waitInPage(
      page,
      () => window.__bench.open.shownAt !== null,
      null,
      TIMEOUT,
      'the panel to show rows'
    );
    opens.push(
      await page.evaluate(() => {
        const b = window.__bench;
        const m = b.open;
        const tasks = b.tasksBetween(m.downAt, m.shownAt);
        return {
          ms: m.shownAt - m.downAt,
          longestTaskMs: tasks.longest,
          longTaskTotalMs: tasks.total,
          rowsShown: m.rows
        };
      })
    );
    log(
      `open ${i + 1}/${REPEAT}: ${opens[i].ms.toFixed(0)} ms (longest task ${opens[i].longestTaskMs.toFixed(0)} ms)`
    );
    await waitQuiet(
      page,
      'after opening the panel',
      i === REPEAT - 1 ? QUIET : SHORT_QUIET
    );
  }
  out.open = summarize(opens);

  // --- (e) DOM size with the panel open.
  out.nodes = await page.evaluate(() => ({
    ...window.__bench.countNodes(),
    hubRows: document.querySelectorAll('#saturn-panel-hub .jp-SaturnPanel-row')
      .length
  }));
  log(
    `nodes: ${out.nodes.elements} elements (${out.nodes.hubRows} hub rows rendered)`
  );

  // --- (c) one filter keystroke, then clearing the filter (Backspace), REPEAT times.
  const filter = await filterInput(page);
  out.selectors.filter = filter.selector;
  await filter.locator.click({ timeout: TIMEOUT });
  await waitQuiet(page, 'after focusing the filter', SHORT_QUIET);
  const filters = [];
  const clears = [];
  for (let i = 0; i < REPEAT; i++) {
    await armListChange(page, 'keydown', SETTLE);
    await page.keyboard.type(FILTER_TEXT);
    filters.push(
      await collectListChange(
        page,
        `the list to change after typing "${FILTER_TEXT}"`
      )
    );
    await waitQuiet(page, 'after filtering', SHORT_QUIET);
    await armListChange(page, 'keydown', SETTLE);
    await page.keyboard.press('Backspace');
    clears.push(
      await collectListChange(
        page,
        'the list to change after clearing the filter'
      )
    );
    await waitQuiet(page, 'after clearing the filter', SHORT_QUIET);
    log(
      `filter "${FILTER_TEXT}" ${i + 1}/${REPEAT}: ${filters[i].firstMs.toFixed(0)} ms to the first frame ` +
        `(longest task ${filters[i].longestTaskMs.toFixed(0)} ms); clear: ${clears[i].firstMs.toFixed(0)} ms ` +
        `(longest task ${clears[i].longestTaskMs.toFixed(0)} ms)`
    );
  }
  out.filter = summarize(filters);
  out.clear = summarize(clears);

  // --- (d) start a stopped server from its row: longest task while it goes pending -> running.
  let row = page
    .locator('#saturn-panel-hub .jp-SaturnPanel-row[data-status="stopped"]')
    .first();
  out.start = { via: 'first stopped row of the unfiltered list' };
  if ((await row.count()) === 0 && config.startUser) {
    // A panel that lists only active servers until asked: find the user with the filter.
    await filter.locator.fill(config.startUser);
    await waitQuiet(page, 'after filtering for the server to start');
    row = page
      .locator(
        `#saturn-panel-hub .jp-SaturnPanel-row[data-status="stopped"][data-key^="hub/${config.startUser}/"]`
      )
      .first();
    out.start.via = `filter "${config.startUser}"`;
  }
  await row.waitFor({ state: 'visible', timeout: TIMEOUT });
  const key = await row.getAttribute('data-key');
  const button = await startButton(row);
  out.selectors.start = button.selector;
  await button.locator.scrollIntoViewIfNeeded({ timeout: TIMEOUT });
  await waitQuiet(page, 'before the start');
  await page.evaluate(key => {
    const b = window.__bench;
    const m = {
      key,
      downAt: null,
      statuses: [],
      pendingAt: null,
      runningAt: null,
      paintedAt: null
    };
    b.start = m;
    document.addEventListener(
      'pointerdown',
      e => (m.downAt = m.downAt ?? e.timeStamp),
      {
        capture: true,
        once: true
      }
    );
    const selector = `.jp-SaturnPanel-row[data-key="${CSS.escape(key)}"]`;
    const sample = () => {
      if (m.downAt === null) {
        return;
      }
      const el = document.querySelector(selector);
      const status = el ? el.getAttribute('data-status') : 'absent';
      if (m.statuses[m.statuses.length - 1] !== status) {
        m.statuses.push(status);
        if (status === 'pending' && m.pendingAt === null) {
          m.pendingAt = performance.now();
        }
        if (status === 'running' && m.runningAt === null) {
          m.runningAt = performance.now();
          observer.disconnect();
          b.afterNextFrame().then(t => (m.paintedAt = t));
        }
      }
    };
    const observer = new MutationObserver(sample);
    observer.observe(document.getElementById('saturn-panel') ?? document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-status']
    });
  }, key);
  await button.locator.click({ timeout: TIMEOUT });
  await waitInPage(
    page,
    () => window.__bench.start.paintedAt !== null,
    null,
    TIMEOUT,
    `${key} to show running`
  );
  out.start = {
    ...out.start,
    ...(await page.evaluate(() => {
      const b = window.__bench;
      const m = b.start;
      const tasks = b.tasksBetween(m.downAt, m.paintedAt);
      return {
        key: m.key,
        statuses: m.statuses,
        toPendingMs: m.pendingAt !== null ? m.pendingAt - m.downAt : null,
        toRunningMs: m.paintedAt - m.downAt,
        longestTaskMs: tasks.longest,
        longTaskTotalMs: tasks.total,
        longTaskCount: tasks.count
      };
    }))
  };
  log(
    `start ${key}: ${out.start.statuses.join(' -> ')}, longest task ${out.start.longestTaskMs.toFixed(0)} ms`
  );
  out.longtaskSupported = await page.evaluate(() =>
    PerformanceObserver.supportedEntryTypes.includes('longtask')
  );
  return out;
}

async function main() {
  const browser = await chromium.launch({
    executablePath: config.chromium ?? '/usr/bin/chromium',
    headless: true,
    timeout: 60000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-quic',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run'
    ]
  });
  try {
    // (a) REPEAT page loads, each in a new context (nothing cached, a new event stream); the
    // last page goes on with (b)-(e).
    const loads = [];
    let page = null;
    for (let i = 0; i < REPEAT; i++) {
      if (page) {
        await page.context().close();
      }
      const context = await browser.newContext({
        viewport: { width: 1366, height: 900 }
      });
      await context.addInitScript(initScript);
      page = await context.newPage();
      page.on('pageerror', e => log(`page error: ${e.message}`));
      page.on('crash', () => log('page crashed'));
      loads.push(await measureLoad(page));
    }
    const result = await measure(page, {
      selectors: {},
      load: summarize(loads)
    });
    result.browserVersion = browser.version();
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    await browser.close();
  }
}

main().then(
  () => process.exit(0),
  error => {
    log(`error: ${error.stack ?? error}`);
    process.exit(1);
  }
);
