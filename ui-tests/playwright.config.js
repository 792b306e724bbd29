/**
 * Galata runs JupyterLab (with the panel) against a real JupyterHub and the Saturn Cloud
 * simulator, all started by run_servers.py, in Debian's Chromium (Playwright cannot download
 * its own browsers here).
 */
const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const { execFileSync } = require('child_process');

/**
 * A free port for JupyterLab, below the kernel's ephemeral range (32768 and
 * up), where the hub, its proxy, the simulator and every outgoing connection
 * get theirs: a port from that range could be taken before Lab binds it.
 */
function freeLabPort() {
  const script = [
    'import socket, sys',
    'start = int(sys.argv[1])',
    'for port in [*range(start, 32000), *range(20000, start)]:',
    '    with socket.socket() as sock:',
    '        try:',
    '            sock.bind(("127.0.0.1", port))',
    '        except OSError:',
    '            continue',
    '    print(port)',
    '    break'
  ].join('\n');
  const start = String(20000 + (process.pid % 10000));
  return execFileSync('python3', ['-c', script, start]).toString().trim();
}

// One port for the whole run: workers inherit the environment of the main process.
if (!process.env.SATURN_PANEL_UI_PORT) {
  process.env.SATURN_PANEL_UI_PORT = freeLabPort();
}
const port = process.env.SATURN_PANEL_UI_PORT;

module.exports = {
  ...baseConfig,
  timeout: 180000,
  expect: { timeout: 30000 },
  workers: 1,
  // As JupyterLab's own galata suite does: one retry, for a browser test that a busy machine made
  // miss a beat. A test that passes only on its retry is reported as flaky, and ../test.sh prints
  // it at the end of the run; a test that fails twice fails the run. (The same here and on CI:
  // ../test.sh is the CI command.)
  retries: 1,
  // A `test.only` left in would quietly skip every other test.
  forbidOnly: true,
  reporter: [['list']],
  use: {
    ...baseConfig.use,
    baseURL: `http://127.0.0.1:${port}`,
    video: 'off',
    trace: 'off',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        // CI containers often have a 64 MB /dev/shm, too small for a JupyterLab page: Chromium's
        // renderer then crashes mid-test. Use /tmp for shared memory instead.
        '--disable-dev-shm-usage',
        // No calls home: this machine's closed network refuses them, many at a time.
        '--disable-background-networking',
        '--disable-quic',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run'
      ]
    }
  },
  webServer: {
    command: 'python run_servers.py',
    url: `http://127.0.0.1:${port}/lab`,
    timeout: 240000,
    reuseExistingServer: false,
    // Without this Playwright SIGKILLs run_servers.py, whose hub and simulator (own sessions) survive.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30000 },
    stdout: 'pipe',
    stderr: 'pipe'
  }
};
