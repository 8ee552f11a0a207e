package io.gapwatch.engine.diagnostics;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Findings format their numbers with {@link Findings#NUMBERS} (Locale.US) for speed; the text must
 * stay what Locale.ROOT writes, for every number format a finding uses.
 */
class NumberTextProperties {

    @Property(tries = 3000)
    void numbersReadTheSameAsUnderTheRootLocale(@ForAll("doubles") double v, @ForAll long count) {
        for (String format : new String[] {"%.3g", "%.2g", "%.1f"}) {
            assertThat(String.format(Findings.NUMBERS, format, v)).isEqualTo(String.format(Locale.ROOT, format, v));
        }
        for (String format : new String[] {"%,d", "%d"}) {
            assertThat(String.format(Findings.NUMBERS, format, count)).isEqualTo(String.format(Locale.ROOT, format, count));
        }
        assertThat(String.format(Findings.NUMBERS, "%s %d%%", v, count)).isEqualTo(String.format(Locale.ROOT, "%s %d%%", v, count));
    }

    @Provide
    Arbitrary<Double> doubles() {
        return Arbitraries.oneOf(Arbitraries.doubles(),
                Arbitraries.longs().map(Double::longBitsToDouble).filter(Double::isFinite), // every magnitude
                Arbitraries.of(0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1e-21, 13.5, -21.6, 0.999_95, 9.995));
    }
}
