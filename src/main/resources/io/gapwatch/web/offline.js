/* The offline report (replay --html): the diagnosis and history travel inside the page, as JSON. */
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('gapwatch-data').textContent);
  GapwatchCharts.render(document.getElementById('gapwatch'), data);
})();
