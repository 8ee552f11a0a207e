package io.gapwatch.engine;

import io.gapwatch.engine.exact.LeastSquaresOptions;
import io.gapwatch.engine.sgd.LearnerConfig;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A model written and read back continues exactly as the original: the stream processor's
 * snapshots depend on it (after any crash, state = snapshot + replayed records, bit for bit).
 */
class ModelStateProperties {

    @Provide
    Arbitrary<String> learnerSettings() {
        return Arbitraries.of("optimizer=sgd,lr=0.01", "optimizer=momentum,lr=0.001,average=true",
                "optimizer=nesterov,lr=0.001", "optimizer=adagrad,lr=0.1,batch=3", "optimizer=rmsprop,lr=0.001",
                "optimizer=adam,lr=0.01,amsgrad=true", "optimizer=adamw,lr=0.01,weight-decay=0.1,clip=0.5",
                "optimizer=sgd,lr=0.01,standardize=true,scale-target=true,init=he,seed=4",
                "optimizer=sgd,lr=0.5,whiten=true,intercept-lr=0.1", "optimizer=sgd,lr=1e6,on-diverge=reset",
                "optimizer=sgd,lr=1e6", "optimizer=sgd,lr=0.01,schedule=invscaling,power=0.5");
    }

    @Property(tries = 60)
    void shouldContinueBitForBitAfterARoundTrip(@ForAll("learnerSettings") String a, @ForAll("learnerSettings") String b,
                                               @ForAll @IntRange(min = 0, max = 120) int before,
                                               @ForAll @IntRange(min = 1, max = 60) int after,
                                               @ForAll long seed) throws IOException {
        final Random random = new Random(seed);
        final int d = 1 + random.nextInt(5);
        final List<String> names = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            names.add("f" + j);
        }
        final Map<String, LearnerConfig> learners = new LinkedHashMap<>();
        learners.put("a", LearnerConfig.parse(LearnerConfig.splitPairs(a)));
        learners.put("b", LearnerConfig.parse(LearnerConfig.splitPairs(b)));
        final ModelOptions options = new ModelOptions(new LeastSquaresOptions(true, random.nextBoolean() ? 1.0 : 0.97, 0.0), 7);
        final Model original = new Model(names, options, learners);
        final double[][] rows = new double[before + after][d];
        final double[] targets = new double[before + after];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < d; j++) {
                rows[i][j] = random.nextGaussian() * (j + 1);
            }
            targets[i] = rows[i][0] - 0.5 + random.nextGaussian();
        }
        for (int i = 0; i < before; i++) {
            original.observe(rows[i], targets[i]);
        }
        final Model restored = read(write(original));
        assertThat(write(restored)).isEqualTo(write(original));
        for (int i = before; i < rows.length; i++) {
            final double[] p1 = original.observe(rows[i], targets[i]).clone();
            final double[] p2 = restored.observe(rows[i], targets[i]).clone();
            assertThat(bits(p2)).isEqualTo(bits(p1));
        }
        assertThat(write(restored)).as("states after %d more records", after).isEqualTo(write(original));
    }

    @Property(tries = 20)
    void shouldRebuildAFreshModelFromItsSpec(@ForAll("learnerSettings") String a) throws IOException {
        final Model model = new Model(List.of("x", "y"), ModelOptions.DEFAULTS,
                Map.of("only", LearnerConfig.parse(LearnerConfig.splitPairs(a))));
        final ByteArrayOutputStream spec = new ByteArrayOutputStream();
        model.writeSpec(new DataOutputStream(spec));
        final Model fresh = Model.readSpec(new DataInputStream(new ByteArrayInputStream(spec.toByteArray())));
        assertThat(write(fresh)).isEqualTo(write(model));
    }

    @org.junit.jupiter.api.Test
    void shouldRefuseForeignOrFutureBytes() throws IOException {
        final byte[] bytes = write(new Model(List.of("x"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet()));
        final byte[] foreign = bytes.clone();
        foreign[0] = 0;
        assertThatThrownBy(() -> read(foreign)).hasMessageContaining("not a gapwatch model state");
        final byte[] future = bytes.clone();
        future[5] = 9;
        assertThatThrownBy(() -> read(future)).hasMessageContaining("model state format 9");
    }

    @org.junit.jupiter.api.Test
    void shouldStartTheBreakTestOverTheRecordsAfterARestoreOfAStateWrittenBeforeIt() throws IOException {
        final Model model = new Model(List.of("x"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        final Random random = new Random(11);
        for (int i = 0; i < 60; i++) {
            final double x = random.nextGaussian();
            model.observe(new double[] {x}, 1 + 2 * x + random.nextGaussian());
        }
        assertThat(model.structuralBreaks().status()).isEqualTo(io.gapwatch.engine.exact.StructuralBreaks.Status.ON);
        // format 3 is format 4 without the trailing, length-prefixed test; format 5 adds an empty (length 0) spectrum checkpoint after it
        final ByteArrayOutputStream test = new ByteArrayOutputStream();
        io.gapwatch.engine.exact.StructuralBreaksCodec.write(model.structuralBreaks(), new DataOutputStream(test));
        final byte[] current = write(model);
        final byte[] format3 = java.util.Arrays.copyOf(current, current.length - 4 - test.size() - 4);
        format3[5] = 3;
        final Model restored = read(format3);
        assertThat(java.util.Arrays.copyOf(write(restored), format3.length)).as("everything else as written")
                .isEqualTo(java.util.Arrays.copyOf(current, format3.length));
        assertThat(restored.structuralBreaks().burnIn()).isEqualTo(60);
        assertThat(restored.structuralBreaks().residuals()).isZero();
        assertThat(restored.structuralBreaks().status()).isEqualTo(io.gapwatch.engine.exact.StructuralBreaks.Status.WARMING_UP);
        // the relationship changes: the restarted test sees it over records 61 on
        for (int i = 0; i < 100; i++) {
            final double x = random.nextGaussian();
            restored.observe(new double[] {x}, 4 - 2 * x + random.nextGaussian());
        }
        final var summary = restored.structuralBreaks().summary();
        assertThat(summary.status()).isEqualTo(io.gapwatch.engine.exact.StructuralBreaks.Status.ON_SINCE_RESTORE);
        assertThat(summary.residuals()).isEqualTo(100);
        assertThat(summary.rejects()).isTrue();
        assertThat(summary.cusumFirstReject()).isGreaterThan(60);
        // and a fresh model's state, before any record, restores to the full test
        final Model empty = new Model(List.of("x"), ModelOptions.DEFAULTS, LearnerConfig.defaultSet());
        final byte[] emptyBytes = write(empty);
        test.reset();
        io.gapwatch.engine.exact.StructuralBreaksCodec.write(empty.structuralBreaks(), new DataOutputStream(test));
        final byte[] empty3 = java.util.Arrays.copyOf(emptyBytes, emptyBytes.length - 4 - test.size() - 4);
        empty3[5] = 3;
        assertThat(write(read(empty3))).isEqualTo(emptyBytes);
    }

    static byte[] write(Model model) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        model.write(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    static Model read(byte[] bytes) throws IOException {
        return Model.read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }

    static long[] bits(double[] values) {
        final long[] bits = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Double.doubleToRawLongBits(values[i]);
        }
        return bits;
    }
}
