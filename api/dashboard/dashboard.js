// The gold dashboard: signs in at /api/token/, keeps the access token fresh with the refresh
// token before it expires, and shows the four gold charts, redrawn when a new gold version is
// published. Tokens live in this page's memory only: a reload asks to sign in again.
/* global vegaEmbed */
'use strict';

const POLL_MS = 10_000;
// Refresh this long before the access token expires.
const REFRESH_MARGIN_MS = 30_000;

const state = { access: null, refresh: null, refreshTimer: null, pollTimer: null, etags: {}, views: {} };
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

async function refreshTokens() {
  const { ok, json } = await postJson('/api/token/refresh/', { refresh: state.refresh });
  if (!ok) return signOut(`Signed out: ${json.detail}`);
  keepTokens(json);
  return true;
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
  await drawCharts();
  state.pollTimer = setInterval(drawCharts, POLL_MS);
}

function signOut(reason = '') {
  clearTimeout(state.refreshTimer);
  clearInterval(state.pollTimer);
  Object.values(state.views).forEach((view) => view.finalize());
  Object.assign(state, { access: null, refresh: null, etags: {}, views: {} });
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

document.addEventListener('DOMContentLoaded', () => {
  $('login').addEventListener('submit', signIn);
  $('logout').addEventListener('click', () => signOut());
});
