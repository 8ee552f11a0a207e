/*
 * gapwatch's charts: one set of pictures for the offline report (replay --html) and the live
 * model page. Needs uPlot (window.uPlot), inlined or served from the jar, never fetched.
 *
 *   const view = GapwatchCharts.render(element, {diagnosis, history});
 *   view.update({diagnosis, history});   // appends history points newer than the last drawn
 *
 * diagnosis: the report JSON (schemas/ModelDiagnosis.avsc); history: a list of HistoryPoint JSON
 * (schemas/HistoryPoint.avsc). Both write NaN and ±Infinity as strings.
 */
(function (global) {
  'use strict';

  const uPlot = global.uPlot;

  // The exact fit is always this colour; learners take the palette in configuration order.
  const EXACT_COLOUR = '#222222';
  const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];
  const SPECTRUM_SCALED_COLOUR = '#8a8a8a';
  // The README's healthy update ratio: between these, steps neither crawl nor overshoot.
  const HEALTHY_UPDATE_RATIO = [1e-4, 1e-2];
  // Coefficients up to which weights are grouped bars; beyond, points stay readable.
  const MAX_BAR_COEFFICIENTS = 40;
  const CHART_HEIGHT = 210;
  // Update rules that scale their own steps: for them the stability bound is a reference only.
  const ADAPTIVE = /^(adam|adamw|rmsprop|adagrad)$/;

  // ---- numbers ---------------------------------------------------------------------------

  // The report writes NaN and ±Infinity as strings.
  function num(v) {
    if (typeof v === 'number') return v;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    return NaN;
  }

  // What a chart can draw: finite numbers; anything else is a gap.
  function finite(v) {
    const x = num(v);
    return Number.isFinite(x) ? x : null;
  }

  // A log scale can draw only positive values.
  function positive(v) {
    const x = num(v);
    return Number.isFinite(x) && x > 0 ? x : null;
  }

  function fmt(v, digits) {
    const d = digits || 3;
    if (v == null) return '–';
    const x = num(v);
    if (Number.isNaN(x)) return 'NaN';
    if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
    if (x === 0) return '0';
    const a = Math.abs(x);
    const text = (a >= 1e5 || a < 1e-3) ? x.toExponential(d - 1).replace(/\.?0+e/, 'e').replace('e+', 'e') : String(Number(x.toPrecision(d)));
    return text.replace(/^-/, '−');
  }

  function fmtCount(v) {
    if (v == null) return '';
    const a = Math.abs(v);
    if (a >= 1e9) return fmt(v / 1e9) + 'G';
    if (a >= 1e6) return fmt(v / 1e6) + 'M';
    if (a >= 1e4) return fmt(v / 1e3) + 'k';
    return String(Math.round(v * 1000) / 1000);
  }

  function escapeHtml(s) {
    return String(s == null ? '' : s).replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
  }

  function el(tag, className, html) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (html != null) e.innerHTML = html;
    return e;
  }

  // ---- axes ----------------------------------------------------------------------------
  // uPlot draws no axis once a value passes 1e17, and its own log splits stop near 1e-16; the
  // numbers here run from 1e-30 (an exact fit's MSE) to 1e30 (a diverged learner). So every chart
  // plots a transform of its values on a plain linear scale, and labels the axis in the values:
  // log10 for a log axis, arcsinh for one that must show signs across decades, and a power-of-ten
  // factor otherwise. A kind of axis is that transform with its range, splits and labels:
  //   forward(v): the plotted number, or null for a gap;  inverse(y): the value again;
  //   range(u, min, max), splits(u, axisIdx, min, max): in plotted numbers;  tick(y): a label.

  function decade(k) {
    return Number('1e' + k);
  }

  function isNumber(v) {
    return typeof v === 'number' && Number.isFinite(v);
  }

  function largestMagnitude(values) {
    let largest = 0;
    for (const v of values) {
      if (isNumber(v)) largest = Math.max(largest, Math.abs(v));
    }
    return largest;
  }

  // A round step giving about `count` intervals over the span: 1, 2 or 5 times a power of ten.
  function niceStep(span, count) {
    const raw = span / Math.max(1, count);
    const base = decade(Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5]) {
      if (base * m >= raw) return base * m;
    }
    return base * 10;
  }

  function linearRange(includeZero) {
    return (u, min, max) => {
      if (min == null || max == null) return [0, 1];
      if (includeZero) {
        min = Math.min(min, 0);
        max = Math.max(max, 0);
      }
      if (min === max) {
        const pad = Math.abs(min) * 0.1 || 1;
        return [min - pad, max + pad];
      }
      const pad = (max - min) * 0.06;
      return [min === 0 ? 0 : min - pad, max === 0 ? 0 : max + pad];
    };
  }

  function linearSplits(count, integer) {
    return (u, axisIdx, min, max) => {
      if (!(max > min)) return [min];
      const step = integer ? Math.max(1, niceStep(max - min, count)) : niceStep(max - min, count);
      const splits = [];
      for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9 && splits.length < 50; k++) {
        splits.push(k * step);
      }
      return splits;
    };
  }

  function keepAll(u, splits) {
    return splits;
  }

  // Values scaled by a power of ten so that the largest is below 10: any magnitude stays drawable.
  function linearKind(values, includeZero) {
    const largest = largestMagnitude(values);
    const factor = largest > 0 ? decade(Math.floor(Math.log10(largest))) : 1;
    return {
      name: 'linear ' + factor,
      forward: v => (isNumber(v) ? v / factor : null),
      inverse: y => y * factor,
      range: linearRange(includeZero),
      splits: linearSplits(5),
      tick: y => fmt(y * factor, 3),
    };
  }

  // Whole decades, widened to take in the marks the chart must always show (a band, a tolerance);
  // labels at powers of ten, every few decades when there are many, with 2 and 5 between when few.
  function logKind(marks) {
    return {
      name: 'log',
      forward: v => (isNumber(v) && v > 0 ? Math.log10(v) : null),
      inverse: y => Math.pow(10, y),
      range: (u, min, max) => {
        let lo = min, hi = max;
        for (const m of marks || []) {
          if (isNumber(m) && m > 0) {
            lo = lo == null ? Math.log10(m) : Math.min(lo, Math.log10(m));
            hi = hi == null ? Math.log10(m) : Math.max(hi, Math.log10(m));
          }
        }
        if (lo == null || hi == null) return [-1, 1];
        let a = Math.floor(lo + 1e-9);
        let b = Math.ceil(hi - 1e-9);
        if (a === b) {
          a--;
          b++;
        }
        return [a, b];
      },
      splits: (u, axisIdx, min, max) => {
        const a = Math.ceil(min - 1e-9), b = Math.floor(max + 1e-9);
        const step = Math.max(1, Math.ceil((b - a) / 6));
        const splits = [];
        for (let k = b; k >= a; k -= step) splits.unshift(k);
        if (b - a <= 2) {
          for (let k = a - 1; k <= b; k++) {
            for (const m of [2, 5]) {
              const y = k + Math.log10(m);
              if (y >= min && y <= max) splits.push(y);
            }
          }
          splits.sort((x, y) => x - y);
        }
        return splits;
      },
      tick: y => fmt(Math.pow(10, y), 2),
    };
  }

  // R²: linear between −1 and 1, logarithmic below −1, where a diverged learner's goes. The frame
  // reaches down to the lowest latest R² (a decade below it), not to the lowest ever: a bad start
  // at −1e6 would otherwise squeeze an exact fit's 0.5 against the line at 1.
  function r2Floor(lowestLatest) {
    const lowest = lowestLatest == null ? 0 : Math.min(0, lowestLatest);
    if (lowest < -1) return -decade(Math.ceil(Math.log10(-lowest) - 1e-9));
    return lowest < 0 ? -1 : 0;
  }

  function r2Kind(lowestLatest) {
    const lo = r2Floor(lowestLatest);
    return {
      name: 'r2 ' + lo,
      forward: v => (isNumber(v) ? Math.asinh(v) : null),
      inverse: y => Math.sinh(y),
      range: () => [Math.asinh(lo), Math.asinh(1)],
      splits: () => {
        const splits = [];
        if (lo < -1) {
          const decades = Math.round(Math.log10(-lo));
          const step = Math.max(1, Math.ceil(decades / 5));
          for (let k = decades; k >= 1; k -= step) splits.push(-decade(k));
          // −1, 0 and 1 share a sliver of the axis once it spans many decades: keep 1 alone then
          if (decades <= 3) splits.push(-1, 0);
          splits.push(1);
        } else if (lo < 0) {
          splits.push(-1, -0.5, 0, 0.5, 1);
        } else {
          splits.push(0, 0.2, 0.4, 0.6, 0.8, 1);
        }
        return splits.map(v => Math.asinh(v));
      },
      tick: y => fmt(Math.sinh(y), 2),
    };
  }

  function latestValues(series) {
    return series.map(s => {
      for (let i = s.values.length - 1; i >= 0; i--) {
        if (isNumber(s.values[i])) return s.values[i];
      }
      return null;
    }).filter(v => v != null);
  }

  function r2Note(view, data) {
    const lo = r2Floor(Math.min(0, ...latestValues(data.series)));
    const lowest = Math.min(...[].concat(...data.series.map(s => s.values)).filter(isNumber));
    return lowest < lo ? 'Earlier values, down to ' + fmt(lowest, 2) + ', lie below the frame, which follows where the predictors are now.' : '';
  }

  // Coefficients that span many decades (a learner blown up beside the exact weights) go on an
  // arcsinh axis: linear within a tenth of the exact weights' size, logarithmic beyond, sign kept.
  function coefficientKind(values, exact) {
    const reference = largestMagnitude(exact);
    const largest = largestMagnitude(values);
    if (!(reference > 0) || largest <= 100 * reference) return linearKind(values, true);
    const t = reference / 10;
    return {
      name: 'asinh ' + t,
      forward: v => (isNumber(v) ? Math.asinh(v / t) : null),
      inverse: y => Math.sinh(y) * t,
      range: (u, min, max) => [Math.min(0, min == null ? 0 : min * 1.05), Math.max(0, max == null ? 0 : max * 1.05)],
      // 0 and ± powers of ten beyond the linear part, no two labels closer than a line of text
      splits: (u, axisIdx, min, max) => {
        const key = u.axes[axisIdx].scale;
        const kept = [0];
        for (const sign of [1, -1]) {
          const limit = Math.sinh(sign > 0 ? max : -min) * t;
          let last = u.valToPos(0, key);
          for (let k = Math.ceil(Math.log10(t)); decade(k) <= limit; k++) {
            const y = Math.asinh(sign * decade(k) / t);
            const pos = u.valToPos(y, key);
            if (Math.abs(pos - last) >= 16) {
              kept.push(y);
              last = pos;
            }
          }
        }
        return kept.sort((a, b) => a - b);
      },
      tick: y => fmt(Math.sinh(y) * t, 2),
    };
  }

  // ---- drawing helpers -------------------------------------------------------------------

  // Shades [from, to] of the y scale behind the series, e.g. the healthy update ratio.
  function shadeBand(u, from, to, colour, label) {
    const ctx = u.ctx;
    const y0 = u.valToPos(Math.max(from, u.scales.y.min), 'y', true);
    const y1 = u.valToPos(Math.min(to, u.scales.y.max), 'y', true);
    if (!(y0 > y1)) return;
    ctx.save();
    ctx.fillStyle = colour;
    ctx.fillRect(u.bbox.left, y1, u.bbox.width, y0 - y1);
    if (label) {
      ctx.fillStyle = '#4d7a4d';
      ctx.font = (11 * uPlot.pxRatio) + 'px system-ui, sans-serif';
      ctx.textAlign = 'right';
      ctx.textBaseline = 'top';
      ctx.fillText(label, u.bbox.left + u.bbox.width - 4 * uPlot.pxRatio, y1 + 3 * uPlot.pxRatio);
    }
    ctx.restore();
  }

  // Bars of one series in a group per x value: slot of slots, side by side.
  function groupedBars(slot, slots) {
    return (u, seriesIdx, idx0, idx1) => {
      const path = new Path2D();
      const xs = u.data[0];
      const ys = u.data[seriesIdx];
      const step = xs.length > 1 ? Math.abs(u.valToPos(xs[1], 'x', true) - u.valToPos(xs[0], 'x', true)) : u.bbox.width / 2;
      const group = step * 0.84;
      const bar = group / slots;
      const zero = u.valToPos(0, 'y', true);
      for (let i = 0; i < xs.length; i++) {
        if (ys[i] == null) continue;
        const left = u.valToPos(xs[i], 'x', true) - group / 2 + slot * bar;
        const top = u.valToPos(ys[i], 'y', true);
        path.rect(left, Math.min(top, zero), Math.max(bar - uPlot.pxRatio, uPlot.pxRatio), Math.max(Math.abs(zero - top), uPlot.pxRatio));
      }
      return {stroke: path, fill: path, clip: null, band: null, gaps: null, flags: 0};
    };
  }

  function noLine() {
    return null;
  }

  // ---- the model's parts -----------------------------------------------------------------

  function learnerNames(view) {
    const names = [];
    const add = n => { if (!names.includes(n)) names.push(n); };
    const learners = view.diagnosis && view.diagnosis.learners;
    if (learners) Object.keys(learners).forEach(add);
    for (const p of view.history) Object.keys(p.learners || {}).forEach(add);
    return names;
  }

  function colourOf(view, name) {
    if (!view.colours.has(name)) view.colours.set(name, PALETTE[view.colours.size % PALETTE.length]);
    return view.colours.get(name);
  }

  function diverged(view, name) {
    const l = view.diagnosis && view.diagnosis.learners && view.diagnosis.learners[name];
    if (l) return l.diverged === true;
    const last = view.history[view.history.length - 1];
    return !!(last && last.learners && last.learners[name] && last.learners[name].diverged);
  }

  function learnerLabel(view, name) {
    return name + (diverged(view, name) ? ' (diverged)' : '');
  }

  function coefficientNames(d) {
    const names = (d.features || []).slice();
    if (d.options && d.options.intercept) names.unshift('(intercept)');
    return names;
  }

  function exactCoefficients(d) {
    const w = (d.exact.weights || []).map(num);
    return d.options && d.options.intercept ? [num(d.exact.intercept)].concat(w) : w;
  }

  function learnerCoefficients(d, l) {
    const w = (l.weights || []).map(num);
    return d.options && d.options.intercept ? [num(l.intercept)].concat(w) : w;
  }

  function xLabel(view) {
    const passes = view.diagnosis ? num(view.diagnosis.passes) : 1;
    return passes > 1 ? 'records presented, every pass (' + passes + ' passes)' : 'records';
  }

  // ---- the charts --------------------------------------------------------------------------

  function learnerHistory(view, name, field, transform) {
    return view.history.map(p => {
      const l = p.learners && p.learners[name];
      return l ? transform(l[field]) : null;
    });
  }

  // Per learner: a solid line of one field and, optionally, a dashed line of another.
  // Learners with the same numbers draw on top of each other: earlier ones are drawn wider, so a
  // line hidden under a later one still shows as a border in its own colour.
  function lineWidth(view, name) {
    const names = learnerNames(view);
    return 1.5 + 1.1 * (names.length - 1 - names.indexOf(name));
  }

  // the exact fit is drawn first and widest: it shows beside any learner that reaches it
  function exactWidth(view) {
    return 1.5 + 1.1 * learnerNames(view).length;
  }

  function adaptive(view, name) {
    const l = view.diagnosis && view.diagnosis.learners && view.diagnosis.learners[name];
    return !!(l && ADAPTIVE.test(l.optimizer));
  }

  // dashedName may depend on the learner: a function of its name
  function perLearner(view, solid, dashed, transform, solidName, dashedName) {
    const series = [];
    for (const name of learnerNames(view)) {
      const colour = colourOf(view, name);
      const width = lineWidth(view, name);
      series.push({label: name + (dashed ? ' ' + solidName : '') + (diverged(view, name) ? ' (diverged)' : ''), colour: colour, width: width,
        values: learnerHistory(view, name, solid, transform)});
      if (dashed) {
        series.push({label: name + ' ' + (typeof dashedName === 'function' ? dashedName(name) : dashedName), colour: colour,
          dash: [6, 4], width: width, values: learnerHistory(view, name, dashed, transform)});
      }
    }
    return series;
  }

  function needsLearners(view) {
    return learnerNames(view).length > 0 ? true : 'No learners in this run: only the exact fit (replay --no-learners).';
  }

  function history(def) {
    return Object.assign({history: true, x: view => view.history.map(p => num(p.presented)), xLabel: xLabel}, def);
  }

  const CHARTS = [
    {section: 'gap', sectionTitle: 'Against the exact fit'},
    history({
      key: 'r2', title: 'R²: each learner against the exact fit',
      caption: 'In-sample R² over every record seen. Near 1 can still hide a large gap: see the R² gap beside it. Below −1 the axis turns logarithmic.',
      yLabel: 'in-sample R²', y: (view, data) => r2Kind(Math.min(0, ...latestValues(data.series))),
      note: (view, data) => r2Note(view, data),
      series: view => [{label: 'exact fit', colour: EXACT_COLOUR, width: exactWidth(view),
        values: view.history.map(p => finite(p.exact && p.exact.r2))}]
        .concat(perLearner(view, 'r2', null, finite)),
    }),
    history({
      key: 'r2_gap', title: 'R² gap: the share of the target\'s variance a learner misses', applies: needsLearners,
      caption: 'R²(θ*) − R²(θ), log scale. A gap of 1e-4 on an R² of 0.9999 is invisible above and plain here.',
      yLabel: 'R² gap (fraction of variance)', y: () => logKind(),
      series: view => perLearner(view, 'r2_gap', null, positive),
    }),
    history({
      key: 'mse', title: 'Excess MSE over the exact fit\'s MSE',
      caption: 'Each learner\'s in-sample MSE minus the exact fit\'s, ‖R(θ − θ*)‖²/n, against the exact fit\'s own MSE: the floor no learner can go below. A flat line far above the floor is a plateau, not convergence.',
      yLabel: 'MSE (target units²)', y: () => logKind(),
      series: view => [{label: 'exact fit MSE (floor)', colour: EXACT_COLOUR, width: exactWidth(view),
        values: view.history.map(p => positive(p.exact && p.exact.mse))}]
        .concat(perLearner(view, 'excess_mse', null, positive)),
    }),
    history({
      key: 'weight_gap', title: 'Weight gap ‖θ − θ*‖ and its part no data can fix', applies: needsLearners,
      caption: 'Solid: the whole gap to the exact weights; dashed: its part along directions the data does not determine. When they coincide the learner differs only where every answer fits equally well.',
      yLabel: '‖θ − θ*‖ (coefficient units)', y: () => logKind(),
      series: view => perLearner(view, 'weight_gap', 'weight_gap_null', positive, 'total', 'along null directions'),
    }),

    {section: 'health', sectionTitle: 'Training health, as the seed users plotted it'},
    history({
      key: 'weight_norm', title: 'Weight norm ‖θ̃‖', applies: needsLearners,
      caption: 'In the optimizer\'s working coordinates (after any standardizing or whitening).',
      yLabel: '‖θ̃‖ (working units)', y: () => logKind(),
      series: view => perLearner(view, 'weight_norm', null, positive),
    }),
    history({
      key: 'loss', title: 'Training loss', applies: needsLearners,
      caption: 'Mean loss over the last window of steps, in each learner\'s convention (½(ŷ − y)² or (ŷ − y)²) and working units.',
      yLabel: 'mean loss (working units²)', y: () => logKind(),
      series: view => perLearner(view, 'loss', null, positive),
    }),
    history({
      key: 'gradient_norm', title: 'Gradient norm ‖g‖', applies: needsLearners,
      caption: 'Mean ‖g‖ per step over the last window, working coordinates.',
      yLabel: 'mean ‖g‖ per step', y: () => logKind(),
      series: view => perLearner(view, 'gradient_norm', null, positive),
    }),
    history({
      key: 'update_ratio', title: 'Update ratio', applies: needsLearners,
      caption: 'Solid: ‖Δθ̃‖/‖θ̃‖ per step; dashed: η‖g‖/‖θ̃‖ (Sutskever\'s "about 0.01"); they coincide for plain SGD. Shaded: the healthy band, 1e-4 to 1e-2.',
      yLabel: 'ratio per step', y: () => logKind(HEALTHY_UPDATE_RATIO),
      band: HEALTHY_UPDATE_RATIO,
      series: view => perLearner(view, 'update_ratio', 'rate_ratio', positive, '‖Δθ‖/‖θ‖', 'η‖g‖/‖θ‖'),
    }),
    {
      key: 'predictions', title: 'Prediction against target, the last records',
      titleFor: view => num(view.diagnosis.passes) > 1 ? 'Prediction against target: the last records, in the last pass' : null,
      caption: 'Each predictor\'s prediction of a record, made before it learned that record, against the record\'s target. On the dashed line y = x a prediction is perfect.',
      note: view => predictionNote(view),
      applies: view => (view.diagnosis.recent_targets || []).length > 0 ? true : 'No records learned yet.',
      xLabel: () => 'target', yLabel: 'prediction', sharedXY: true,
      y: view => linearKind((view.diagnosis.recent_targets || []).map(num), false),
      x: view => predictionOrder(view).map(i => num(view.diagnosis.recent_targets[i])),
      series: view => predictionSeries(view),
    },
    history({
      key: 'lr', title: 'Learning rate against its stability bound', applies: needsLearners,
      caption: 'Solid: η of the next step; dashed, same colour: 2/λ_max of the learner\'s own loss, the largest stable η on these inputs. Above it, steps overshoot. (For adaptive optimizers the bound is the plain-gradient one, for reference.)',
      yLabel: 'learning rate η', y: () => logKind(),
      series: view => perLearner(view, 'lr', 'lr_stability_bound', positive, 'η',
        name => adaptive(view, name) ? 'plain-gradient bound (reference)' : 'stability bound'),
    }),

    {section: 'data', sectionTitle: 'The data and the weights'},
    history({
      key: 'breaks', title: 'Structural breaks: did the relationship change?',
      caption: 'CUSUM (solid) and CUSUM of squares (dashed) of the exact fit\'s recursive residuals, each over its 5% bound (Brown, Durbin & Evans; statsmodels\' RecursiveLS), at every report. Above 1: that test rejects a constant relationship.',
      applies: view => breakApplies(view),
      note: view => breakNote(view),
      yLabel: 'statistic / 5% bound', y: (view, data) => linearKind([1].concat(latestValues(data.series)), true),
      series: view => [
        {label: 'CUSUM', colour: EXACT_COLOUR, width: 2, values: view.history.map(p => finite(p.exact && p.exact.cusum_ratio))},
        {label: 'CUSUM of squares', colour: EXACT_COLOUR, dash: [6, 4], width: 1.5,
          values: view.history.map(p => finite(p.exact && p.exact.cusum_squares_ratio))},
        {label: '5% bound', colour: '#b0b0b0', width: 1, values: view.history.map(() => 1)},
      ],
    }),

    {
      key: 'spectrum', title: 'Singular values of the design, raw and column-scaled',
      caption: 'Largest first, log scale. Raw σ in the features\' units; scaled: every column at unit norm. Raw far above scaled means a units problem, not collinearity. Shaded: below the rank tolerance, a direction the data does not determine.',
      applies: view => (view.diagnosis.exact.singular_values || []).length > 0 ? true : 'No records yet.',
      xLabel: () => 'index, largest first', yLabel: 'σ', y: view => logKind([num(view.diagnosis.exact.rank_tolerance)]),
      note: view => spectrumNote(view),
      x: view => view.diagnosis.exact.singular_values.map((v, i) => i + 1),
      series: view => spectrumSeries(view),
      tolerance: view => num(view.diagnosis.exact.rank_tolerance),
    },
    {
      key: 'weights', title: 'Weights: the exact fit\'s beside each learner\'s', wide: view => coefficientNames(view.diagnosis).length > MAX_BAR_COEFFICIENTS,
      caption: 'Per coefficient, in original units. Where the data leave a coefficient undetermined the exact fit takes the minimum-norm answer. When a learner\'s weights dwarf the exact ones the axis turns logarithmic beyond their size.',
      applies: view => coefficientNames(view.diagnosis).length > 0 ? true : 'No coefficients.',
      xLabel: () => 'coefficient', yLabel: 'weight (original units)',
      y: (view, data) => coefficientKind([].concat(...data.series.map(s => s.values)), data.series[0].values),
      coefficientAxis: true,
      x: view => coefficientNames(view.diagnosis).map((n, i) => i),
      series: view => weightSeries(view),
    },
    {
      key: 'gap_split', title: 'Each learner\'s gap θ − θ*: determined by the data, and along null directions',
      wide: view => coefficientNames(view.diagnosis).length > MAX_BAR_COEFFICIENTS,
      caption: 'Solid: the part of the gap the data determine, which training can close; light: the part along directions no data determines (gap_along_null), which no optimizer can fix and no prediction shows.',
      applies: view => needsLearners(view) === true ? (coefficientNames(view.diagnosis).length > 0 ? true : 'No coefficients.') : needsLearners(view),
      xLabel: () => 'coefficient', yLabel: 'θ − θ* (original units)',
      y: (view, data) => coefficientKind([].concat(...data.series.map(s => s.values)), exactCoefficients(view.diagnosis).map(finite)),
      coefficientAxis: true,
      x: view => coefficientNames(view.diagnosis).map((n, i) => i),
      series: view => gapSplitSeries(view),
    },
  ];

  function predictionOrder(view) {
    const targets = (view.diagnosis.recent_targets || []).map(num);
    const order = [];
    targets.forEach((t, i) => { if (Number.isFinite(t)) order.push(i); });
    order.sort((a, b) => targets[a] - targets[b]);
    return order;
  }

  function predictionSeries(view) {
    const d = view.diagnosis;
    const order = predictionOrder(view);
    const pick = list => order.map(i => finite((list || [])[i]));
    const series = [{label: 'y = x', colour: '#9a9a9a', dash: [5, 5], width: 1,
      values: order.map(i => num(d.recent_targets[i]))}];
    series.push({label: 'exact fit', colour: EXACT_COLOUR, pointsOnly: true, size: 6, hollow: true, values: pick(d.exact.recent_predictions)});
    for (const name of learnerNames(view)) {
      const l = d.learners && d.learners[name];
      if (l) series.push({label: learnerLabel(view, name), colour: colourOf(view, name), pointsOnly: true, size: 5, values: pick(l.recent_predictions)});
    }
    return series;
  }

  // The targets' span, widened to take in predictions up to PREDICTION_SPANS spans away: a learner
  // far off shows as far off, and a diverged one does not flatten everyone else into a line.
  const PREDICTION_SPANS = 1000;

  function predictionFrame(targets) {
    const tMin = Math.min(...targets), tMax = Math.max(...targets);
    const span = Math.max(tMax - tMin, Math.abs(tMax) * 1e-9, 1e-300);
    return {tMin: tMin, tMax: tMax, lo: tMin - PREDICTION_SPANS * span, hi: tMax + PREDICTION_SPANS * span};
  }

  // The x axis: the targets.
  function predictionRange(u, min, max) {
    const targets = u.data[0].filter(v => v != null);
    if (targets.length === 0) return linearRange(false)(u, min, max);
    const f = predictionFrame(targets);
    const lo = Math.max(min == null ? f.tMin : min, f.lo);
    const hi = Math.min(max == null ? f.tMax : max, f.hi);
    return linearRange(false)(u, Math.min(lo, f.tMin), Math.max(hi, f.tMax));
  }

  // The y axis: the targets and every prediction inside the frame. A prediction beyond it is not
  // drawn (the note counts it), so it must not stretch the axis either: clamped to the frame's edge
  // it would set the axis a thousand target ranges wide and flatten everything drawn into a line.
  function predictionYRange(u, min, max) {
    const targets = u.data[0].filter(v => v != null);
    if (targets.length === 0) return linearRange(false)(u, min, max);
    const f = predictionFrame(targets);
    let lo = f.tMin, hi = f.tMax;
    for (let s = 1; s < u.data.length; s++) {
      for (const v of u.data[s]) {
        if (v != null && v >= f.lo && v <= f.hi) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
    return linearRange(false)(u, lo, hi);
  }

  // the chart, or why the test has nothing to draw, in the report's own terms
  function breakApplies(view) {
    if (view.history.some(p => p.exact && isNumber(num(p.exact.cusum_ratio)))) return true;
    const e = view.diagnosis.exact || {};
    switch (e.structural_break_test) {
      case 'off_forgetting': return 'No break test: with forgetting (λ < 1) records weigh differently and the classical bounds do not apply.';
      case 'off_ridge': return 'No break test: a ridge penalty biases the recursive residuals the bounds assume.';
      case 'off_rank_lost': return 'No break test: the design lost full rank after the test started.';
      default: return 'No break test yet: it runs on recursive residuals, one per record once every coefficient is determined'
        + ' (rank ' + fmt(num(e.rank), 6) + ' of ' + fmt(num(e.parameters), 6) + ' so far), and draws from the second.';
    }
  }

  // the finding's own words: where the relationship changed, as the report names it
  function breakNote(view) {
    const e = view.diagnosis.exact || {};
    if (e.break_record == null) return null;
    return 'The relationship changed around record ' + fmt(num(e.break_record), 6)
      + (e.cusum_first_reject != null ? '; the CUSUM first crossed its bound at record ' + fmt(num(e.cusum_first_reject), 6) : '')
      + (e.cusum_squares_first_reject != null ? '; the CUSUM of squares at record ' + fmt(num(e.cusum_squares_first_reject), 6) : '') + '.';
  }

  function predictionNote(view) {
    const d = view.diagnosis;
    const notes = [];
    if (num(d.passes) > 1) {
      notes.push('Pass ' + num(d.passes) + ' of ' + num(d.passes) + ': each learner predicted a record before its step on it; the exact fit\'s is its in-sample prediction, as it saw every record already.');
    }
    const targets = predictionOrder(view).map(i => num(d.recent_targets[i]));
    if (targets.length > 0) {
      const f = predictionFrame(targets);
      const beyond = [];
      for (const s of predictionSeries(view).slice(1)) {
        const n = s.values.filter(v => v != null && (v < f.lo || v > f.hi)).length;
        const missing = s.values.filter(v => v == null).length;
        if (n > 0) beyond.push(s.label + ': ' + n + ' of ' + s.values.length + ' beyond the frame, more than ' + PREDICTION_SPANS + '× the targets\' range away');
        if (missing > 0) beyond.push(s.label + ': ' + missing + ' could not predict' + (s.label === 'exact fit' ? ' (it predicts a record only once the records before it determine every coefficient)' : ''));
      }
      if (beyond.length) notes.push(beyond.join('; ') + '.');
    }
    return notes.join(' ');
  }

  // A log axis has no zero: singular values that are exactly 0 sit on a floor two decades below
  // everything else, as their own series, so a rank-deficient design shows how many there are.
  function spectrumFloor(e) {
    const all = (e.singular_values || []).concat(e.singular_values_scaled || [], [e.rank_tolerance]).map(positive).filter(v => v != null);
    return all.length ? decade(Math.floor(Math.log10(Math.min(...all))) - 2) : 1e-20;
  }

  function spectrumSeries(view) {
    const e = view.diagnosis.exact;
    const raw = (e.singular_values || []).map(num);
    const scaled = (e.singular_values_scaled || []).map(num);
    const floor = spectrumFloor(e);
    const series = [
      {label: 'raw σ', colour: EXACT_COLOUR, width: 2, size: 4, values: raw.map(positive)},
      {label: 'column-scaled σ', colour: SPECTRUM_SCALED_COLOUR, dash: [6, 4], width: 2, size: 4, values: scaled.map(positive)},
      {label: 'rank tolerance', colour: '#b8860b', dash: [2, 3], width: 1.5, noPoints: true,
        values: raw.map(() => positive(e.rank_tolerance))},
    ];
    if (raw.some(v => v === 0) || scaled.some(v => v === 0)) {
      series.push({label: 'σ = 0 (drawn at the floor)', colour: '#c0392b', pointsOnly: true, size: 5,
        values: raw.map((v, i) => v === 0 || scaled[i] === 0 ? floor : null)});
    }
    return series;
  }

  function spectrumNote(view) {
    const e = view.diagnosis.exact;
    const zeros = (e.singular_values || []).filter(v => num(v) === 0).length;
    const records = num(view.diagnosis.records);
    const asOf = num(e.spectrum_records);
    // a report between two checkpoints reuses the last one's spectrum (spectrum_records says which)
    const stale = asOf > 0 && asOf < records ? ' As of record ' + asOf.toLocaleString('en') + ', the model\'s last spectrum checkpoint.' : '';
    return 'Rank ' + num(e.rank) + ' of ' + num(e.parameters) + (zeros > 0 ? '; ' + zeros + ' singular values are exactly 0.' : '.') + stale;
  }

  function weightSeries(view) {
    const d = view.diagnosis;
    const series = [{label: 'exact fit', colour: EXACT_COLOUR, hollow: true, values: exactCoefficients(d).map(finite)}];
    for (const name of learnerNames(view)) {
      const l = d.learners && d.learners[name];
      if (l) series.push({label: learnerLabel(view, name), colour: colourOf(view, name), values: learnerCoefficients(d, l).map(finite)});
    }
    return series;
  }

  function gapSplitSeries(view) {
    const d = view.diagnosis;
    const exact = exactCoefficients(d);
    const series = [];
    for (const name of learnerNames(view)) {
      const l = d.learners && d.learners[name];
      if (!l) continue;
      const theta = learnerCoefficients(d, l);
      const alongNull = (l.gap_along_null || []).map(num);
      const colour = colourOf(view, name);
      series.push({label: name + ' determined', colour: colour,
        values: theta.map((t, k) => finite(t - exact[k] - (Number.isFinite(alongNull[k]) ? alongNull[k] : 0)))});
      series.push({label: name + ' along null directions', colour: colour, light: true,
        values: theta.map((t, k) => finite(alongNull[k]))});
    }
    return series;
  }

  // ---- building uPlot charts ---------------------------------------------------------------

  function seriesOptions(def, kind, s, slot, slots, bars) {
    const o = {
      label: s.label, stroke: s.colour, width: s.width || 1.6, dash: s.dash, spanGaps: true,
      value: (u, v) => v == null ? '' : fmt(kind.inverse(v), 4),
    };
    if (bars && !s.noPoints) {
      o.paths = groupedBars(slot, slots);
      o.fill = s.light || s.hollow ? s.colour + '40' : s.colour + 'cc';
      o.width = 1;
      o.points = {show: false};
    } else if (def.coefficientAxis || s.pointsOnly) {
      o.paths = noLine;
      o.points = {show: true, size: s.size || (s.hollow ? (def.coefficientAxis && !bars ? 5 : 7) : 4), width: 1.3, stroke: s.colour,
        fill: s.hollow || s.light ? '#ffffff' : s.colour};
    } else if (s.noPoints) {
      o.points = {show: false};
    } else {
      // points mark where a report was taken; lines alone hide a curve of two reports
      o.points = {show: (u, si, i0, i1) => (i1 - i0) < 60, size: s.size || 4, fill: s.colour};
    }
    return o;
  }

  function coefficientAxisValues(names) {
    return (u, splits) => splits.map(v => v == null || !Number.isInteger(v) ? null : (names[v] !== undefined ? (names.length <= MAX_BAR_COEFFICIENTS ? names[v] : String(v)) : null));
  }

  // The chart's kind of y axis and its data as plotted: x, then each series through the kind.
  function plotted(view, def, data) {
    const kind = def.y(view, data);
    const x = def.sharedXY ? data.x.map(kind.forward) : data.x;
    return {kind: kind, rows: [x].concat(data.series.map(s => s.values.map(kind.forward)))};
  }

  function buildChart(view, def, cell, data, kind, rows) {
    const d = view.diagnosis;
    const series = data.series;
    const bars = def.coefficientAxis && coefficientNames(d).length <= MAX_BAR_COEFFICIENTS;
    const barSlots = series.filter(s => !s.noPoints).length;
    let slot = 0;
    const names = def.coefficientAxis ? coefficientNames(d) : null;
    const font = '11px system-ui, sans-serif';
    const labelFont = '12px system-ui, sans-serif';
    const xAxis = {label: def.xLabel(view), splits: linearSplits(6, !def.sharedXY), filter: keepAll,
      values: def.coefficientAxis ? coefficientAxisValues(names)
        : def.sharedXY ? (u, splits) => splits.map(v => v == null ? null : kind.tick(v)) : (u, splits) => splits.map(fmtCount),
      labelSize: 26, size: 40, font: font, labelFont: labelFont};
    if (def.coefficientAxis && names.length <= MAX_BAR_COEFFICIENTS) {
      xAxis.splits = () => names.map((n, i) => i);
      xAxis.rotate = names.length > 8 ? -45 : 0;
      xAxis.size = names.length > 8 ? 70 : 40;
    }
    const yAxis = {label: def.yLabel, splits: kind.splits, filter: keepAll, values: (u, splits) => splits.map(v => v == null ? null : kind.tick(v)),
      size: 62, labelSize: 26, font: font, labelFont: labelFont};
    const xScale = {time: false};
    if (def.coefficientAxis) {
      const p = names.length;
      xScale.range = () => [-0.6, p - 0.4];
    } else if (def.sharedXY) {
      xScale.range = predictionRange;
    } else {
      // an empty or one-point history still needs a span
      xScale.range = (u, min, max) => min == null || max == null ? [0, 1] : min === max ? [Math.max(0, min - 1), max + 1] : [min, max];
    }
    const band = def.band ? def.band.map(kind.forward) : null;
    const tolerance = def.tolerance ? kind.forward(def.tolerance(view)) : null;
    const opts = {
      width: chartWidth(cell), height: CHART_HEIGHT,
      scales: {x: xScale, y: {auto: true, range: def.sharedXY ? predictionYRange : kind.range}},
      axes: [xAxis, yAxis],
      legend: {show: true, live: def.history === true},
      cursor: def.history ? {sync: {key: view.syncKey}, drag: {x: true, y: false}} : {drag: {x: false, y: false}},
      series: [{label: def.coefficientAxis ? 'coefficient' : def.xLabel(view),
        value: def.coefficientAxis ? (u, v) => v == null ? '–' : names[v] : (u, v) => v == null ? '' : fmt(def.sharedXY ? kind.inverse(v) : v, 6)}]
        .concat(series.map(s => seriesOptions(def, kind, s, s.noPoints ? 0 : slot++, barSlots, bars))),
      hooks: {
        drawClear: [u => {
          if (band) shadeBand(u, band[0], band[1], 'rgba(80, 170, 80, 0.16)', 'healthy 1e-4 … 1e-2');
          if (tolerance != null) shadeBand(u, u.scales.y.min, tolerance, 'rgba(184, 134, 11, 0.12)', 'not determined');
        }],
      },
    };
    return new uPlot(opts, rows, cell.querySelector('.gw-plot'));
  }

  function chartWidth(cell) {
    const w = cell.clientWidth;
    return Math.max(280, (w > 0 ? w : 460) - 4);
  }

  // What a chart was built for: the same series on the same kind of axis (and the same
  // coefficients, the same tolerance) can take new data in place; anything else is rebuilt.
  function signature(view, def, data, kind) {
    return [data.series.map(s => s.label).join('\u0000'), kind.name, def.coefficientAxis ? data.x.length : '',
      def.tolerance ? def.tolerance(view) : ''].join('\u0001');
  }

  // ---- the text beside the charts -----------------------------------------------------------

  function swatch(colour) {
    return '<span class="gw-swatch" style="background:' + colour + '"></span>';
  }

  function headerHtml(view) {
    const d = view.diagnosis;
    const e = d.exact;
    const parts = [
      fmtCount(num(d.records)) + ' records',
      (num(d.passes) > 1 ? num(d.passes) + ' passes' : null),
      (d.features || []).length + ' features',
      d.target ? 'target ' + escapeHtml(d.target) : null,
      d.options && !d.options.intercept ? 'no intercept' : null,
    ].filter(x => x);
    let html = '<h1>gapwatch · ' + escapeHtml(d.model) + '</h1>';
    html += '<p class="gw-facts">' + parts.join(' · ') + '</p>';
    html += '<p class="gw-facts">exact least squares: R² ' + fmt(e.r2, 6) + ' · MSE ' + fmt(e.mse) + ' · rank ' + num(e.rank) + ' of ' + num(e.parameters)
      + ' · condition number ' + fmt(e.condition_number) + ' raw, ' + fmt(e.condition_number_scaled) + ' column-scaled, '
      + fmt(e.condition_number_standardized) + ' standardized</p>';
    html += '<div class="gw-key"><span class="gw-key-item">' + swatch(EXACT_COLOUR) + '<b>exact fit</b></span>';
    for (const name of learnerNames(view)) {
      const l = d.learners && d.learners[name];
      html += '<span class="gw-key-item">' + swatch(colourOf(view, name)) + '<b>' + escapeHtml(learnerLabel(view, name)) + '</b>'
        + (l ? ' <span class="gw-settings">' + escapeHtml(l.settings || l.optimizer) + '</span>' : '') + '</span>';
    }
    html += '</div>';
    return html;
  }

  // One column per predictor, one row per number: fits beside the charts with a few learners.
  function summaryHtml(view) {
    const d = view.diagnosis;
    const learners = learnerNames(view).filter(n => d.learners && d.learners[n]).map(n => ({name: n, l: d.learners[n]}));
    const row = (label, exact, pick, flag) => '<tr><th>' + label + '</th><td>' + exact + '</td>'
      + learners.map(x => '<td' + (flag && flag(x.l) ? ' class="gw-over"' : '') + '>' + pick(x.l) + '</td>').join('') + '</tr>';
    let html = '<h2>At a glance</h2><div class="gw-table-wrap"><table class="gw-table"><thead><tr><th></th><th>' + swatch(EXACT_COLOUR) + 'exact fit</th>'
      + learners.map(x => '<th>' + swatch(colourOf(view, x.name)) + escapeHtml(x.name) + '</th>').join('') + '</tr></thead><tbody>';
    html += row('R²', fmt(d.exact.r2, 6), l => fmt(l.r2, 6));
    html += row('R² gap', '–', l => fmt(l.r2_gap));
    html += row('MSE', fmt(d.exact.mse), l => fmt(l.mse));
    html += row('excess MSE', '–', l => fmt(l.excess_mse));
    html += row('weight gap ‖θ − θ*‖', '–', l => fmt(l.weight_gap));
    html += row('… along null directions', '–', l => fmt(l.weight_gap_null));
    html += row('learning rate η', '–', l => fmt(l.lr));
    html += row('stability bound', '–', l => fmt(l.lr_stability_bound));
    // an adaptive optimizer scales its own steps: the plain-gradient bound says nothing about its η
    const adaptiveRule = l => ADAPTIVE.test(l.optimizer);
    html += row('η / bound', '–', l => adaptiveRule(l) ? '<span class="gw-note">adaptive</span>' : fmt(num(l.lr) / num(l.lr_stability_bound)),
      l => !adaptiveRule(l) && num(l.lr) / num(l.lr_stability_bound) > 1);
    html += row('steps', '–', l => fmtCount(num(l.steps)));
    html += row('status', 'rank ' + num(d.exact.rank) + ' of ' + num(d.exact.parameters), l => statusOf(d, l, learners.find(x => x.l === l).name));
    return html + '</tbody></table></div>';
  }

  function statusOf(d, l, name) {
    if (l.diverged) return '<span class="gw-over">diverged</span>';
    const codes = (d.findings || []).filter(f => f.learner === name).map(f => f.code);
    if (codes.includes('converged')) return 'converged';
    if (codes.includes('not_converged')) return 'not converged';
    return '–';
  }

  function findingsHtml(view) {
    const d = view.diagnosis;
    const findings = d.findings || [];
    let html = '<h2>Findings</h2>';
    if (findings.length === 0) return html + '<p class="gw-none">None.</p>';
    const groups = [{title: 'About the data', learner: null}].concat(learnerNames(view).map(n => ({title: null, learner: n})));
    for (const g of groups) {
      const mine = findings.filter(f => (f.learner == null ? null : f.learner) === g.learner);
      if (mine.length === 0) continue;
      html += '<h3>' + (g.learner == null ? g.title : 'About ' + swatch(colourOf(view, g.learner)) + escapeHtml(g.learner)) + '</h3><ul class="gw-findings">';
      for (const f of mine) {
        html += '<li><code class="gw-code gw-code-' + escapeHtml(f.code) + '">' + escapeHtml(f.code) + '</code> ' + escapeHtml(f.message);
        if (f.learners && f.learners.length > 0) {
          html += ' <span class="gw-advice">Advice for: ' + f.learners.map(n => swatch(colourOf(view, n)) + escapeHtml(n)).join(', ') + '</span>';
        }
        html += '</li>';
      }
      html += '</ul>';
    }
    return html;
  }

  function term(coefficient, name, first) {
    const c = num(coefficient);
    const sign = c < 0 ? (first ? '−' : ' − ') : (first ? '' : ' + ');
    const magnitude = fmt(Math.abs(c));
    // a coefficient that reads 1 is left out, as a person writes x2 = x1 + 1
    return sign + (magnitude === '1' ? '' : magnitude + '·') + escapeHtml(name);
  }

  function dependenciesHtml(view) {
    const e = view.diagnosis.exact;
    const deps = e.dependencies || [];
    const nulls = e.null_directions || [];
    const weak = e.weak_directions || [];
    let html = '<h2>Dependencies between columns</h2>';
    if (deps.length === 0 && nulls.length === 0 && weak.length === 0) {
      return html + '<p class="gw-none">None: the data determine every coefficient (rank ' + num(e.rank) + ' of ' + num(e.parameters) + ').</p>';
    }
    if (deps.length > 0) {
      html += '<ul class="gw-deps">';
      const shown = deps.slice(0, 8);
      for (const dep of shown) {
        let rhs = '';
        const terms = (dep.basis || []).map((b, i) => ({b: b, c: num(dep.coefficients[i])}));
        terms.slice(0, 6).forEach((t, i) => { rhs += term(t.c, t.b, i === 0); });
        if (terms.length > 6) rhs += ' + … (' + (terms.length - 6) + ' more)';
        const constant = num(dep.constant);
        if (constant !== 0 && Number.isFinite(constant)) rhs += (rhs ? (constant < 0 ? ' − ' : ' + ') : (constant < 0 ? '−' : '')) + fmt(Math.abs(constant));
        html += '<li><span class="gw-eq">' + escapeHtml(dep.column) + (dep.exact ? ' = ' : ' ≈ ') + (rhs || '0') + '</span> <span class="gw-note">'
          + (dep.exact ? 'exact' : 'near') + ', residual ' + fmt(num(dep.residual) * 100, 2) + '%</span></li>';
      }
      html += '</ul>';
      if (deps.length > shown.length) html += '<p class="gw-note">… and ' + (deps.length - shown.length) + ' more.</p>';
    }
    // The columns written through the others say it all; the directions are the same fact, less readable.
    if (deps.length === 0) {
      html += directionsHtml('Directions no data determines', nulls,
        'The exact fit takes the minimum-norm answer along them; a learner may sit anywhere along them and predict the same.');
      html += directionsHtml('Directions the data barely determine', weak, 'Nearly collinear columns: plain gradient steps crawl along them.');
    }
    return html;
  }

  // A direction by the coefficients taking part, with their loadings for unit-norm columns (comparable across features).
  function directionsHtml(title, directions, note) {
    if (directions.length === 0) return '';
    let html = '<h3>' + title + '</h3><p class="gw-note">' + note + '</p><ul class="gw-deps">';
    for (const dir of directions.slice(0, 5)) {
      const terms = (dir.features || []).map((f, i) => ({f: f, c: num((dir.scaled_loadings || [])[i])}))
        .sort((a, b) => Math.abs(b.c) - Math.abs(a.c));
      const shown = terms.slice(0, 8).map(t => escapeHtml(t.f) + ' ' + fmt(t.c, 2)).join(', ');
      html += '<li><span class="gw-eq">' + shown + (terms.length > 8 ? ', … (' + (terms.length - 8) + ' more)' : '') + '</span>'
        + ' <span class="gw-note">scaled σ ' + fmt(dir.singular_value_scaled) + '</span></li>';
    }
    html += '</ul>';
    if (directions.length > 5) html += '<p class="gw-note">… and ' + (directions.length - 5) + ' more listed in the report.</p>';
    return html;
  }

  function renderText(view) {
    view.header.innerHTML = headerHtml(view);
    view.side.innerHTML = summaryHtml(view) + findingsHtml(view) + dependenciesHtml(view);
  }

  // ---- the view --------------------------------------------------------------------------

  let views = 0;

  function render(container, data) {
    if (!uPlot) throw new Error('gapwatch charts need uPlot loaded first');
    const view = {
      container: container, diagnosis: data.diagnosis, history: [], colours: new Map(), charts: [], syncKey: 'gw-history-' + (++views),
    };
    appendHistory(view, data.history || []);
    learnerNames(view).forEach(n => colourOf(view, n));
    container.classList.add('gw-report');
    container.innerHTML = '';
    view.header = el('header', 'gw-head');
    const body = el('div', 'gw-body');
    view.main = el('main', 'gw-charts');
    view.side = el('aside', 'gw-side');
    body.appendChild(view.main);
    body.appendChild(view.side);
    container.appendChild(view.header);
    container.appendChild(body);
    renderText(view);
    let grid = null;
    for (const def of CHARTS) {
      if (def.section) {
        view.main.appendChild(el('h2', 'gw-section', escapeHtml(def.sectionTitle)));
        grid = el('div', 'gw-grid');
        view.main.appendChild(grid);
        continue;
      }
      const cell = el('section', 'gw-chart');
      cell.dataset.chart = def.key;
      cell.innerHTML = '<h3>' + escapeHtml(def.title) + '</h3><p class="gw-caption">' + escapeHtml(def.caption) + '</p>'
        + '<div class="gw-plot"></div><p class="gw-empty" hidden></p><p class="gw-chart-note" hidden></p>';
      grid.appendChild(cell);
      view.charts.push({def: def, cell: cell, plot: null, signature: null});
    }
    drawCharts(view);
    const resize = () => {
      for (const c of view.charts) {
        if (c.plot) c.plot.setSize({width: chartWidth(c.cell), height: CHART_HEIGHT});
      }
    };
    let pending = null;
    global.addEventListener('resize', () => {
      clearTimeout(pending);
      pending = setTimeout(resize, 150);
    });
    const handle = {
      update: next => update(view, next),
      charts: () => view.charts.filter(c => c.plot).map(c => ({key: c.def.key, title: c.def.title, plot: c.plot})),
      view: view,
    };
    GapwatchCharts.views.push(handle);
    return handle;
  }

  function drawCharts(view) {
    for (const c of view.charts) {
      const def = c.def;
      const applies = def.applies ? def.applies(view) : true;
      const empty = c.cell.querySelector('.gw-empty');
      const note = c.cell.querySelector('.gw-chart-note');
      const title = (def.titleFor && def.titleFor(view)) || def.title;
      const heading = c.cell.querySelector('h3');
      if (heading.textContent !== title) heading.textContent = title;
      const wide = !!(def.wide && def.wide(view));
      const resized = c.plot && c.cell.classList.contains('gw-wide') !== wide;
      c.cell.classList.toggle('gw-wide', wide);
      if (resized) c.plot.setSize({width: chartWidth(c.cell), height: CHART_HEIGHT});
      if (applies !== true) {
        if (c.plot) {
          c.plot.destroy();
          c.plot = null;
        }
        empty.textContent = applies;
        empty.hidden = false;
        note.hidden = true;
        continue;
      }
      const data = {x: def.x(view), series: def.series(view)};
      const p = plotted(view, def, data);
      const sig = signature(view, def, data, p.kind);
      if (c.plot && c.signature === sig) {
        c.plot.setData(p.rows);
      } else {
        if (c.plot) c.plot.destroy();
        c.plot = buildChart(view, def, c.cell, data, p.kind, p.rows);
        c.signature = sig;
      }
      c.kind = p.kind;
      const noteText = def.note ? def.note(view, data) : '';
      note.textContent = noteText;
      note.hidden = !noteText;
      if (def.history && data.x.length === 0) {
        empty.textContent = 'No history yet: the first point comes with the model\'s next report.';
        empty.hidden = false;
      } else {
        empty.hidden = true;
      }
    }
  }

  // Points are ordered by records presented; a point at or before the last one drawn is already
  // drawn, unless the whole list starts over (a model rebuilt from scratch), which replaces it.
  function appendHistory(view, points) {
    if (points.length === 0) return 0;
    const last = view.history.length ? num(view.history[view.history.length - 1].presented) : -Infinity;
    const newest = num(points[points.length - 1].presented);
    if (newest < last) {
      view.history = points.slice();
      return points.length;
    }
    let added = 0;
    for (const p of points) {
      if (num(p.presented) > last) {
        view.history.push(p);
        added++;
      }
    }
    return added;
  }

  function update(view, next) {
    if (next.diagnosis) view.diagnosis = next.diagnosis;
    appendHistory(view, next.history || []);
    learnerNames(view).forEach(n => colourOf(view, n));
    renderText(view);
    drawCharts(view);
  }

  // For tests and curious users: what every chart holds.
  function inspect() {
    const out = [];
    for (const handle of GapwatchCharts.views) {
      for (const c of handle.view.charts) {
        if (!c.plot) {
          out.push({key: c.def.key, title: c.def.title, drawn: false, note: c.cell.querySelector('.gw-empty').textContent});
          continue;
        }
        const data = c.plot.data;
        out.push({
          key: c.def.key, title: c.def.title, drawn: true, points: data[0].length,
          series: c.plot.series.slice(1).map((s, i) => {
            const values = data[i + 1] || [];
            const drawn = values.filter(v => typeof v === 'number' && Number.isFinite(v)).map(c.kind.inverse);
            return {
              label: s.label,
              colour: typeof s.stroke === 'function' ? s.stroke(c.plot, i + 1) : s.stroke,
              finite: drawn.length,
              invalid: values.filter(v => v != null && !(typeof v === 'number' && Number.isFinite(v))).length,
              last: drawn.length ? drawn[drawn.length - 1] : null,
              maxAbs: drawn.length ? Math.max(...drawn.map(Math.abs)) : null,
            };
          }),
        });
      }
    }
    return out;
  }

  const GapwatchCharts = {render: render, inspect: inspect, views: [], format: fmt, number: num};
  global.GapwatchCharts = GapwatchCharts;
})(window);
