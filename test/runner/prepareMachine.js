#!/usr/bin/env node
/*
 * Runs before `npm test` and `npm start` (npm's pretest/prestart), with nothing but Node:
 * a fresh clone on a machine with only Node and git gets everything the two README commands
 * need. It installs the npm dependencies when they are missing or older than the lock file,
 * and the Debian packages the real VS Code needs (chromium hosts the workbench; libkrb5-dev,
 * g++, make and python3 build code-server's native modules) when they are missing.
 * Plain JavaScript on purpose: it must run before TypeScript and the dependencies exist.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');

function log(message) {
  process.stderr.write(`[prepare] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

function dependenciesCurrent() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (!fs.existsSync(installed)) return false;
  return !fs.existsSync(lock) || fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs;
}

function ensureDependencies() {
  if (dependenciesCurrent()) return;
  log('installing npm dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

function debianPackageInstalled(name) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function ensureSystemPackages() {
  if (process.env.PRC_SKIP_SYSTEM_PACKAGES) return;
  if (!onPath('dpkg-query') || !onPath('apt-get')) {
    if (!fs.existsSync(process.env.PRC_CHROMIUM_PATH || '/usr/bin/chromium')) {
      log('this is not a Debian-based machine: install Chromium and the Kerberos headers yourself, or set PRC_CHROMIUM_PATH');
    }
    return;
  }
  const missing = ['chromium', 'libkrb5-dev'].filter((p) => !debianPackageInstalled(p));
  for (const [command, pkg] of [['g++', 'g++'], ['make', 'make'], ['python3', 'python3']]) if (!onPath(command)) missing.push(pkg);
  if (missing.length === 0) return;
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = !asRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  if (!asRoot && !sudo) {
    throw new Error(`these Debian packages are missing and this user cannot install them: ${missing.join(' ')}\n` + `Install them once with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  const prefix = asRoot ? [] : ['sudo', '-n'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`installing Debian packages: ${missing.join(' ')} (the real VS Code needs them; once per machine)`);
  const [command, ...head] = [...prefix, 'apt-get'];
  run(command, [...head, 'update', '-qq'], { env });
  run(command, [...head, 'install', '-y', '-qq', ...missing], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}

try {
  ensureDependencies();
  ensureSystemPackages();
} catch (err) {
  log(`set-up failed: ${err.message}`);
  process.exit(1);
}
