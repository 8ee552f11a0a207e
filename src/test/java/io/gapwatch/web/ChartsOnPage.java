package io.gapwatch.web;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the charts on a page hold, read from the uPlot objects themselves ({@code GapwatchCharts.inspect()}),
 * not from the DOM: a chart that rendered a frame but no points shows here as empty.
 */
public record ChartsOnPage(List<Chart> charts) {

    public record Chart(String key, String title, boolean drawn, long points, List<Series> series, String note) {

        public Series series(String label) {
            return series.stream().filter(s -> s.label().equals(label)).findFirst()
                    .orElseThrow(() -> new AssertionError("no series '" + label + "' in chart " + key + ": "
                            + series.stream().map(Series::label).toList()));
        }
    }

    /** One series: its colour, how many finite points it draws, how many values are neither a number nor a gap. */
    public record Series(String label, String colour, long finite, long invalid, Double last, Double maxAbs) {
    }

    @SuppressWarnings("unchecked")
    public static ChartsOnPage read(Browser browser) {
        final List<Map<String, Object>> raw = (List<Map<String, Object>>) browser.script("return GapwatchCharts.inspect()");
        return new ChartsOnPage(raw.stream().map(c -> new Chart(
                (String) c.get("key"), (String) c.get("title"), Boolean.TRUE.equals(c.get("drawn")),
                c.get("points") == null ? 0 : ((Number) c.get("points")).longValue(),
                c.get("series") == null ? List.of() : ((List<Map<String, Object>>) c.get("series")).stream().map(s -> new Series(
                        (String) s.get("label"), (String) s.get("colour"), ((Number) s.get("finite")).longValue(),
                        ((Number) s.get("invalid")).longValue(), number(s.get("last")), number(s.get("maxAbs")))).toList(),
                (String) c.get("note"))).toList());
    }

    private static Double number(Object value) {
        return value == null ? null : ((Number) value).doubleValue();
    }

    public Chart chart(String key) {
        return charts.stream().filter(c -> c.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no chart '" + key + "' on the page: " + charts.stream().map(Chart::key).toList()));
    }

    /** The last point a series draws. */
    public double last(String chart, String series) {
        final Double last = chart(chart).series(series).last();
        assertThat(last).as("%s / %s has a point", chart, series).isNotNull();
        return last;
    }

    /** Every chart drawn, with points, at least one drawing series, and nothing but numbers and gaps in its data. */
    public void assertEveryChartHasData() {
        assertEveryChartHasData(List.of());
    }

    /** The same, except the charts named, which must instead stand empty and say why. */
    public void assertEveryChartHasData(List<String> empty) {
        assertThat(charts).isNotEmpty();
        for (Chart c : charts) {
            if (empty.contains(c.key())) {
                assertThat(c.drawn()).as("chart %s stands empty", c.key()).isFalse();
                assertThat(c.note()).as("chart %s says why it is empty", c.key()).isNotBlank();
                continue;
            }
            assertThat(c.drawn()).as("chart %s is drawn (note: %s)", c.key(), c.note()).isTrue();
            assertThat(c.points()).as("chart %s has x values", c.key()).isPositive();
            assertThat(c.series().stream().mapToLong(Series::finite).sum()).as("chart %s draws points", c.key()).isPositive();
            for (Series s : c.series()) {
                assertThat(s.invalid()).as("chart %s series %s holds only numbers and gaps", c.key(), s.label()).isZero();
            }
        }
    }

    /** A learner's series share one colour in every chart, and the exact fit's are all its fixed colour. */
    public void assertOneColourPerPredictor(List<String> learners, String exactColour) {
        for (String learner : learners) {
            final List<String> colours = charts.stream().flatMap(c -> c.series().stream())
                    .filter(s -> s.label().equals(learner) || s.label().startsWith(learner + " "))
                    .map(Series::colour).distinct().toList();
            assertThat(colours).as("colours of %s", learner).hasSize(1);
            assertThat(colours.get(0)).isNotEqualTo(exactColour);
        }
        charts.stream().flatMap(c -> c.series().stream()).filter(s -> s.label().startsWith("exact fit"))
                .forEach(s -> assertThat(s.colour()).as(s.label()).isEqualTo(exactColour));
        assertThat(learners.stream().map(l -> charts.stream().flatMap(c -> c.series().stream())
                .filter(s -> s.label().equals(l) || s.label().startsWith(l + " ")).findFirst().map(Series::colour).orElse(null))
                .filter(Objects::nonNull).distinct().count()).as("learners tell apart by colour").isEqualTo(learners.size());
    }
}
