package io.gapwatch.demo;

import io.gapwatch.avro.Observation;
import io.gapwatch.stream.Codecs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A generated stream that shows every panel of the dashboards something: four models with the
 * troubles the seed users met, records without a target, and bad records of each kind the
 * processor rejects. Deterministic for a seed.
 *
 * <ul>
 *   <li>{@code healthy}: four standardized features, y = wᵀx + noise; every tenth record has no
 *       target (scored only). The learners close on the exact fit.</li>
 *   <li>{@code unscaled}: features on scales 1, 100 and 10,000 and a target in the thousands: plain
 *       SGD at 0.01 is far above the stability bound and diverges; the unscaled features and target
 *       are named.</li>
 *   <li>{@code collinear}: x2 = x1 + 1 (the first seed question): rank 2 of 3, a direction the data
 *       cannot determine.</li>
 *   <li>{@code drifting}: the true weights turn slowly, so the exact fit over all history lags
 *       while the learners track.</li>
 *   <li>one record in 50 is bad: a NaN feature, the wrong number of features, bytes that are not
 *       an observation, or no key at all.</li>
 * </ul>
 */
public final class DemoStream {

    /** The models the stream feeds. */
    public static final List<String> MODELS = List.of("healthy", "unscaled", "collinear", "drifting");

    /** One record for the observations topic; {@code key} null for a record without a key. */
    public record Entry(String key, byte[] value) {
    }

    private static final double[] HEALTHY_WEIGHTS = {1.5, -2.0, 0.5, 0.0};
    private static final int BAD_EVERY = 50;

    private final Random random;
    private final boolean badRecords;
    private long index;

    public DemoStream(long seed) {
        this(seed, true);
    }

    /** @param badRecords whether one record in 50 is bad (dead-lettered) */
    public DemoStream(long seed, boolean badRecords) {
        this.random = new Random(seed);
        this.badRecords = badRecords;
    }

    public Entry next() {
        final long i = index++;
        if (badRecords && i % BAD_EVERY == BAD_EVERY - 1) {
            return bad(i / BAD_EVERY);
        }
        final String model = MODELS.get((int) (i % MODELS.size()));
        return switch (model) {
            case "healthy" -> healthy(i);
            case "unscaled" -> unscaled();
            case "collinear" -> collinear();
            default -> drifting(i);
        };
    }

    private Entry healthy(long i) {
        final double[] x = gaussians(4);
        double y = 0.3 + 0.1 * random.nextGaussian();
        for (int j = 0; j < x.length; j++) {
            y += HEALTHY_WEIGHTS[j] * x[j];
        }
        return observation("healthy", x, (i / MODELS.size()) % 10 == 9 ? null : y);
    }

    private Entry unscaled() {
        final double[] x = gaussians(3);
        x[1] *= 100;
        x[2] *= 10_000;
        final double y = 2000 + 500 * x[0] + 3 * x[1] - 0.04 * x[2] + 50 * random.nextGaussian();
        return observation("unscaled", x, y);
    }

    private Entry collinear() {
        final double x1 = random.nextGaussian();
        return observation("collinear", new double[] {x1, x1 + 1}, 2 * x1 + 1 + 0.05 * random.nextGaussian());
    }

    private Entry drifting(long i) {
        final double angle = i / 4000.0; // a quarter turn every ~25,000 records of the stream
        final double[] x = gaussians(2);
        return observation("drifting", x, Math.cos(angle) * x[0] + Math.sin(angle) * x[1] + 0.1 * random.nextGaussian());
    }

    private Entry bad(long k) {
        return switch ((int) (k % 4)) {
            case 0 -> observation("healthy", new double[] {1, Double.NaN, 0, 0}, 1.0);
            case 1 -> observation("collinear", new double[] {1, 2, 3}, 1.0);
            case 2 -> new Entry("unscaled", "not an observation".getBytes(StandardCharsets.UTF_8));
            default -> new Entry(null, observation("healthy", gaussians(4), 0.0).value());
        };
    }

    private double[] gaussians(int d) {
        final double[] x = new double[d];
        for (int j = 0; j < d; j++) {
            x[j] = random.nextGaussian();
        }
        return x;
    }

    private static Entry observation(String model, double[] x, Double y) {
        final List<Double> features = new ArrayList<>(x.length);
        for (double v : x) {
            features.add(v);
        }
        return new Entry(model, Codecs.encode(Observation.newBuilder().setFeatures(features).setTarget(y).build()));
    }
}
