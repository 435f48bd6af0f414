// The gold dashboard: signs in at /api/token/, keeps the access token fresh with the refresh
// token before it expires, and shows the four gold charts, redrawn when a new gold version is
// published: the API pushes each version on /api/events/ (Server-Sent Events, read with fetch,
// since EventSource cannot send the Authorization header). Tokens live in this page's memory
// only: a reload asks to sign in again.
/* global vegaEmbed */
'use strict';

// Refresh this long before the access token expires.
const REFRESH_MARGIN_MS = 30_000;
// The wait before reconnecting to the events (the server's `retry:` hint replaces it); doubled
// after each failure, up to the maximum.
const RECONNECT_MS = 3_000;
const RECONNECT_MAX_MS = 60_000;

const state = { access: null, refresh: null, refreshTimer: null, refreshing: null, events: null, drawing: null, reconnectMs: RECONNECT_MS, etags: {}, views: {} };
const $ = (id) => document.getElementById(id);

function show(element, text) {
  element.textContent = text;
  element.hidden = !text;
}

/** Seconds since the epoch when a JWT expires, read from its payload (not verified: the server does). */
function expiresAt(token) {
  const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(payload)).exp;
}

async function postJson(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json().catch(() => ({ detail: `HTTP ${response.status}` }));
  return { ok: response.ok, status: response.status, json };
}

function keepTokens(tokens) {
  state.access = tokens.access;
  if (tokens.refresh) state.refresh = tokens.refresh;
  clearTimeout(state.refreshTimer);
  const delay = Math.max(1_000, expiresAt(state.access) * 1000 - Date.now() - REFRESH_MARGIN_MS);
  state.refreshTimer = setTimeout(refreshTokens, delay);
}

async function tradeRefreshToken() {
  const { ok, json } = await postJson('/api/token/refresh/', { refresh: state.refresh });
  if (!ok) return signOut(`Signed out: ${json.detail}`);
  keepTokens(json);
  return true;
}

/** New tokens; callers at the same time share one trade: a refresh token works once, a second use ends the session. */
function refreshTokens() {
  state.refreshing ??= tradeRefreshToken().finally(() => {
    state.refreshing = null;
  });
  return state.refreshing;
}

async function signIn(event) {
  event.preventDefault();
  show($('login-error'), '');
  const { ok, json } = await postJson('/api/token/', { username: $('username').value, password: $('password').value });
  if (!ok) return show($('login-error'), json.detail);
  $('password').value = '';
  keepTokens(json);
  $('login').hidden = true;
  $('charts').hidden = false;
  $('logout').hidden = false;
  await redraw();
  followGold();
}

function signOut(reason = '') {
  clearTimeout(state.refreshTimer);
  state.events?.abort();
  Object.values(state.views).forEach((view) => view.finalize());
  Object.assign(state, { access: null, refresh: null, events: null, drawing: null, etags: {}, views: {} });
  $('charts').hidden = true;
  $('logout').hidden = true;
  $('gold-version').hidden = true;
  $('login').hidden = false;
  show($('login-error'), reason);
  return false;
}

/** Fetches a chart's spec; 304 when the gold version has not changed since the last draw. */
async function fetchChart(metric, retried = false) {
  const headers = { Authorization: `Bearer ${state.access}` };
  if (state.etags[metric]) headers['If-None-Match'] = state.etags[metric];
  const response = await fetch(`/api/charts/${metric}/`, { headers });
  if (response.status === 401 && !retried && (await refreshTokens())) return fetchChart(metric, true);
  return response;
}

async function drawCharts() {
  if (!state.access) return;
  const problems = [];
  for (const figure of document.querySelectorAll('.chart')) {
    const metric = figure.dataset.metric;
    try {
      const response = await fetchChart(metric);
      if (!state.access) return;
      if (response.status === 304) continue;
      if (!response.ok) {
        problems.push(`${metric}: ${(await response.json().catch(() => ({}))).detail ?? `HTTP ${response.status}`}`);
        continue;
      }
      const spec = await response.json();
      state.views[metric]?.finalize();
      const result = await vegaEmbed(figure.querySelector('.view'), spec, { actions: { export: true, source: false, compiled: false, editor: false } });
      state.views[metric] = result.view;
      state.etags[metric] = response.headers.get('ETag');
      show($('gold-version'), `gold version ${response.headers.get('X-Gold-Version')}`);
    } catch (error) {
      problems.push(`${metric}: ${error.message}`);
    }
  }
  show($('charts-error'), problems.join(' · '));
}

/** Redraws the charts after any redraw under way: two never draw into the same figure at once. */
function redraw() {
  state.drawing = (state.drawing ?? Promise.resolve()).then(drawCharts).catch((error) => show($('charts-error'), error.message));
  return state.drawing;
}

/** Waits `ms`, or less if `signal` aborts first. */
function pause(ms, signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/**
 * Reads a stream of Server-Sent Events, calling `onEvent(name, data)` for each event, until the
 * stream ends. The API ends its lines with LF only.
 */
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      let name = 'message';
      const data = [];
      for (const line of buffer.slice(0, end).split('\n')) {
        const colon = line.indexOf(':');
        if (colon === 0) continue; // a comment: the keep-alive
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') name = text;
        else if (field === 'data') data.push(text);
        else if (field === 'retry' && /^\d+$/.test(text)) state.reconnectMs = Number(text);
      }
      buffer = buffer.slice(end + 2);
      if (data.length > 0) onEvent(name, data.join('\n'));
    }
  }
}

/**
 * Follows /api/events/ until sign-out: each `gold` event (the current version on connecting, then
 * every new one) redraws the charts, which fetch only what changed (ETags). The stream ends when
 * the access token it was opened with expires; it is then opened again with the fresh one, and
 * after a failure with a growing wait. A 401 refreshes the token first.
 */
async function followGold() {
  const controller = new AbortController();
  state.events = controller;
  const { signal } = controller;
  let failures = 0;
  let refreshed = false;
  while (!signal.aborted) {
    try {
      const response = await fetch('/api/events/', { headers: { Authorization: `Bearer ${state.access}`, Accept: 'text/event-stream' }, cache: 'no-store', signal });
      if (response.status === 401 && !refreshed) {
        refreshed = true;
        if (await refreshTokens()) continue;
        return; // signed out
      }
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      refreshed = false;
      failures = 0;
      await readEvents(response.body, (name) => {
        if (name === 'gold') redraw();
      });
    } catch {
      if (signal.aborted) return;
      failures += 1;
    }
    await pause(Math.min(state.reconnectMs * 2 ** failures, RECONNECT_MAX_MS), signal);
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('login').addEventListener('submit', signIn);
  $('logout').addEventListener('click', () => signOut());
});
