/*
 * The live model page, served as /models/ID: reads the model's report (GET /models/ID as JSON) and
 * its history (GET /models/ID/history, {"points": [...]}), draws them, and every two seconds asks
 * again and adds what is new to the same charts, without reloading the page.
 */
(function () {
  'use strict';

  const POLL_MS = 2000;
  const PREFIX = '/models/';

  const path = location.pathname.replace(/\/+$/, '');
  const id = decodeURIComponent(path.slice(path.indexOf(PREFIX) + PREFIX.length));
  const base = PREFIX + encodeURIComponent(id);
  const container = document.getElementById('gapwatch');
  const status = document.getElementById('gapwatch-status');
  let view = null;

  function setStatus(text, problem) {
    status.textContent = text;
    status.classList.toggle('gw-status-problem', problem);
  }

  async function getJson(url) {
    const response = await fetch(url, {headers: {Accept: 'application/json'}, cache: 'no-store'});
    if (!response.ok) {
      let message = response.status + ' ' + response.statusText;
      try {
        const body = await response.json();
        if (body && body.error) message = body.error;
      } catch (e) {
        // not JSON: the status line says enough
      }
      const error = new Error(message);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  // A model without history yet, or a server that keeps none, still gets its report drawn.
  async function getHistory() {
    try {
      return {points: (await getJson(base + '/history')).points || [], problem: null};
    } catch (e) {
      return {points: [], problem: 'no history (' + e.message + ')'};
    }
  }

  async function poll() {
    try {
      const [diagnosis, history] = await Promise.all([getJson(base), getHistory()]);
      if (view === null) {
        document.title = 'gapwatch · ' + id;
        view = GapwatchCharts.render(container, {diagnosis: diagnosis, history: history.points});
      } else {
        view.update({diagnosis: diagnosis, history: history.points});
      }
      setStatus('live · ' + GapwatchCharts.format(diagnosis.records, 6) + ' records · updated ' + new Date().toLocaleTimeString()
        + (history.problem ? ' · ' + history.problem : ''), history.problem !== null);
    } catch (e) {
      setStatus((view ? 'showing the last answer; ' : '') + 'cannot read ' + base + ': ' + e.message + '; trying again', true);
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  poll();
})();
