/*
 * The list of models, served as /: GET /models ([{"id", "instance", and where the server has them,
 * "records" (now), "reported_records", "exact_r2", "worst_r2_gap", "findings" (as of the last
 * report)}]) as a table linking to each model's page,
 * refreshed every five seconds.
 */
(function () {
  'use strict';

  const POLL_MS = 5000;
  const body = document.querySelector('#gapwatch-models tbody');
  const status = document.getElementById('gapwatch-status');
  const filter = document.getElementById('gapwatch-filter');
  let models = [];

  // The API writes NaN and ±Infinity as strings.
  function fmt(v) {
    if (v == null || v === '') return '–';
    const x = typeof v === 'number' ? v : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : NaN;
    if (Number.isNaN(x)) return typeof v === 'string' && v !== 'NaN' ? v : 'NaN';
    if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
    if (Number.isInteger(x) && Math.abs(x) < 1e15) return x.toLocaleString('en');
    const a = Math.abs(x);
    return (a >= 1e5 || a < 1e-3) && x !== 0 ? x.toExponential(2).replace('e+', 'e') : String(Number(x.toPrecision(4)));
  }

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function draw() {
    const wanted = filter.value.trim().toLowerCase();
    const rows = document.createDocumentFragment();
    let shown = 0;
    for (const m of models) {
      if (wanted && !String(m.id).toLowerCase().includes(wanted)) continue;
      const row = document.createElement('tr');
      const link = document.createElement('a');
      link.href = '/models/' + encodeURIComponent(m.id);
      link.textContent = m.id;
      cell(row, '').appendChild(link);
      // records now; the numbers beside them are the last report's, which may be a few records behind
      const behind = m.reported_records != null && m.records != null && m.reported_records < m.records;
      cell(row, fmt(m.records) + (behind ? ' (reported at ' + fmt(m.reported_records) + ')' : ''));
      cell(row, fmt(m.exact_r2));
      cell(row, fmt(m.worst_r2_gap));
      cell(row, fmt(Array.isArray(m.findings) ? m.findings.length : m.findings));
      cell(row, m.instance || '–', 'gw-note');
      rows.appendChild(row);
      shown++;
    }
    body.replaceChildren(rows);
    return shown;
  }

  async function poll() {
    try {
      const response = await fetch('/models', {headers: {Accept: 'application/json'}, cache: 'no-store'});
      if (!response.ok) throw new Error(response.status + ' ' + response.statusText);
      models = (await response.json()).slice().sort((a, b) => String(a.id).localeCompare(String(b.id)));
      const shown = draw();
      status.textContent = models.length + ' models' + (shown < models.length ? ', ' + shown + ' shown' : '')
        + ' · updated ' + new Date().toLocaleTimeString();
      status.classList.remove('gw-status-problem');
    } catch (e) {
      status.textContent = 'cannot read /models: ' + e.message + '; trying again';
      status.classList.add('gw-status-problem');
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  filter.addEventListener('input', draw);
  poll();
})();
