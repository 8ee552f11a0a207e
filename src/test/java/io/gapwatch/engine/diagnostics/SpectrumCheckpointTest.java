package io.gapwatch.engine.diagnostics;

import io.gapwatch.engine.Model;
import io.gapwatch.engine.ModelOptions;
import io.gapwatch.engine.exact.Conditioning;
import io.gapwatch.engine.exact.ConditioningAnalysis;
import io.gapwatch.engine.exact.SpectrumCheckpoint;
import io.gapwatch.engine.sgd.LearnerConfig;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Reports between two spectrum checkpoints reuse the last one while the design holds, say which
 * record it is as of, and decompose afresh when the design moves or cannot be checkpointed.
 */
class SpectrumCheckpointTest {

    private static final List<String> NAMES = List.of("a", "b", "c", "d");
    private static final long EVERY = SpectrumCheckpoint.EVERY_RECORDS;

    @Test
    void shouldReuseTheCheckpointWhileTheDesignHoldsAndSaySo() {
        final Model model = model();
        final Random random = new Random(1);
        feed(model, random, EVERY - 1, 1.0);
        assertThat(model.spectrumCheckpoint()).as("no checkpoint before %d records", EVERY).isNull();
        assertThat(Diagnostics.report(model).exact().spectrumRecords()).as("a young model's spectrum is its own").isEqualTo(EVERY - 1);

        feed(model, random, 1, 1.0);
        assertThat(model.spectrumCheckpoint().records()).isEqualTo(EVERY);
        feed(model, random, EVERY / 2, 1.0);
        final ExactReport report = Diagnostics.report(model).exact();
        assertThat(report.spectrumRecords()).isEqualTo(EVERY);
        assertThat(report.conditioning()).isSameAs(model.spectrumCheckpoint().conditioning());
        // as of 50,000 records against the design of 75,000: the same stationary stream, nearly the same numbers
        final Conditioning now = ConditioningAnalysis.of(model.exact(), NAMES);
        assertThat(report.conditioning().conditionNumber()).isCloseTo(now.conditionNumber(), within(0.02 * now.conditionNumber()));
        assertThat(report.conditioning().hessianMax()).isCloseTo(now.hessianMax(), within(0.02 * now.hessianMax()));
        assertThat(report.conditioning().rank()).isEqualTo(now.rank());
        // what does not come from the spectrum is the model's own, now
        assertThat(report.r2()).isEqualTo(model.exact().r2());
    }

    @Test
    void shouldDecomposeAfreshWhenTheDesignMovesAwayFromTheCheckpoint() {
        final Model model = model();
        final Random random = new Random(2);
        feed(model, random, EVERY, 1.0);
        assertThat(model.spectrumCheckpoint()).isNotNull();
        // feature a's spread grows tenfold: its column and the Hessian's trace move far past the check's factors
        feed(model, random, EVERY / 5, 10.0);
        final ExactReport report = Diagnostics.report(model).exact();
        assertThat(report.spectrumRecords()).isEqualTo(model.count());
        assertThat(report.conditioning().singularValues()).isEqualTo(ConditioningAnalysis.of(model.exact(), NAMES).singularValues());
    }

    @Test
    void shouldKeepNoCheckpointOfADesignWithANullDirection() {
        final Model model = model();
        final Random random = new Random(3);
        for (long i = 0; i < EVERY; i++) {
            final double a = random.nextGaussian();
            // d = a + 1: with the intercept, a null direction whose singular vectors reports must compute afresh
            model.observe(new double[] {a, random.nextGaussian(), random.nextGaussian(), a + 1}, a + random.nextGaussian());
        }
        assertThat(model.spectrumCheckpoint()).isNull();
        final ExactReport report = Diagnostics.report(model).exact();
        assertThat(report.spectrumRecords()).isEqualTo(EVERY);
        assertThat(report.conditioning().nullSpaceDimension()).isEqualTo(1);
    }

    @Test
    void shouldCarryTheCheckpointThroughTheModelsStateBitForBit() throws IOException {
        final Model model = model();
        final Random random = new Random(4);
        feed(model, random, EVERY + 123, 1.0);
        final byte[] bytes = write(model);
        final Model restored = Model.read(new DataInputStream(new ByteArrayInputStream(bytes)));
        assertThat(write(restored)).isEqualTo(bytes);
        final ExactReport original = Diagnostics.report(model).exact();
        final ExactReport read = Diagnostics.report(restored).exact();
        assertThat(read.spectrumRecords()).isEqualTo(original.spectrumRecords()).isEqualTo(EVERY);
        assertThat(read.conditioning().singularValues()).isEqualTo(original.conditioning().singularValues());
        assertThat(read.conditioning().scaledSingularValues()).isEqualTo(original.conditioning().scaledSingularValues());
        assertThat(numbers(read.conditioning())).isEqualTo(numbers(original.conditioning()));
        assertThat(read.conditionNumberStandardized()).isEqualTo(original.conditionNumberStandardized());
        // both go on to the next checkpoint on the same records and take the same one
        final Random again = new Random(5);
        feed(model, again, EVERY, 1.0);
        feed(restored, new Random(5), EVERY, 1.0);
        assertThat(write(restored)).isEqualTo(write(model));
        assertThat(model.spectrumCheckpoint().records()).isEqualTo(2 * EVERY);
    }

    private static Model model() {
        return new Model(NAMES, ModelOptions.DEFAULTS, Map.<String, LearnerConfig>of());
    }

    // features of different scales and means, so that raw and scaled spectra differ; `spread` widens feature a
    private static void feed(Model model, Random random, long records, double spread) {
        final double[] x = new double[NAMES.size()];
        for (long i = 0; i < records; i++) {
            x[0] = 5 + spread * random.nextGaussian();
            x[1] = 100 * random.nextGaussian();
            x[2] = 0.01 * random.nextGaussian() + 0.02;
            x[3] = random.nextGaussian() + 0.3 * x[1] / 100;
            model.observe(x, 2 * x[0] - x[1] / 100 + 50 * x[2] + x[3] + random.nextGaussian());
        }
    }

    private static double[] numbers(Conditioning c) {
        return new double[] {c.conditionNumber(), c.scaledConditionNumber(), c.rankTolerance(), c.hessianMax(), c.hessianMin(),
                c.hessianMinIdentifiable(), c.rank(), c.rankWithoutIntercept()};
    }

    private static byte[] write(Model model) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        model.write(new DataOutputStream(out));
        return out.toByteArray();
    }
}
