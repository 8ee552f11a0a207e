package io.gapwatch.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapwatch.demo.SeedDesigns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code replay --weights} end to end on weights PyTorch and scikit-learn really trained, held to
 * what numpy computes for them with the whole design in memory: scripts/golden_weights.py wrote
 * the weights files as the README's one-liners write them and the reference figures
 * (src/test/resources/golden/weights). The cases: torch {@code nn.Linear} (SGD, Adam) and
 * {@code SGDRegressor} as before, and scikit-learn's own {@code LinearRegression} and
 * {@code SGDRegressor} on the four seed designs (keras, collinear121, the shifted ramp, kernel600
 * without an intercept; SGD diverged to finite weights too) and on statsmodels' fair and grunfeld;
 * and the Keras question's Adam weights, examples/keras-adam.json.
 *
 * <p>Every figure to 1e-9 relative, with two floors, both far below anything a judgement reads:
 * <ul>
 *   <li>R², R² gap, MSE and excess MSE that are ~0 — LinearRegression's excess MSE is ~1e-30,
 *       the exact fit's MSE on the ramp ~1e-26 — are rounding on both sides, so they are held to
 *       {@value #FLOOR}·var(y) (R² units: {@value #FLOOR}). The worst such difference is on
 *       kernel600, 4e-17·var(y), where the exact fit's own MSE is 3.7e-13·var(y).</li>
 *   <li>The weight gap and its split to 1e-9 of max(weight gap, ‖θ*‖) — θ* carries rounding
 *       relative to its own norm, which matters when the gap is ~0 — plus how well the design
 *       determines θ* at all: {@code theta_star_spread}, the distance between two numpy routes to
 *       the same minimum-norm solution (its SVD and LAPACK's gelsd). That is ~1e-16·‖θ*‖ on every
 *       design but kernel600, whose scaled singular values fall smoothly through the rank cut-off:
 *       there θ* takes its norm from directions at σ ≈ 1e-13·σ_max, which rounding moves, and the
 *       two routes differ by 1.6 of ‖θ*‖ = 148 (gapwatch's θ* is 0.03 from numpy's SVD route).</li>
 * </ul>
 * The CSVs of the ramp and kernel600 (1 MB and 7 MB) are written from {@link SeedDesigns}, as
 * {@code gapwatch seeds} writes them, into a temporary directory.
 */
class ReplayWeightsGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden/weights");
    static final double TOLERANCE = 1e-9;
    /** Of var(y) for MSE and excess MSE, bare for R² and R² gap: below it both sides are rounding. */
    static final double FLOOR = 1e-14;

    @TempDir
    static Path seeds;

    /** The worst relative difference of each figure over the cases whose golden value is above its floor. */
    private static final Map<String, String> WORST = new ConcurrentHashMap<>();

    record Case(String name, String design, double mse, double r2, double r2Gap, double excessMse, double weightGap,
                double weightGapIdentifiable, double weightGapNull, double targetVariance, double thetaStarNorm,
                double thetaStarSpread, int rank) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() throws IOException {
        final List<String> lines = Files.readAllLines(GOLDEN.resolve("golden.csv"));
        assertThat(lines.get(0)).isEqualTo("case,design,mse,r2,r2_gap,excess_mse,weight_gap,weight_gap_identifiable,"
                + "weight_gap_null,target_var,theta_star_norm,theta_star_spread,rank");
        return lines.stream().skip(1).map(line -> {
            final String[] c = line.split(",");
            final double[] v = new double[10];
            for (int k = 0; k < v.length; k++) {
                v[k] = Double.parseDouble(c[k + 2]);
            }
            return new Case(c[0], c[1], v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], Integer.parseInt(c[12]));
        });
    }

    private static SeedDesigns.Data seed(String design) {
        return switch (design) {
            case "keras" -> SeedDesigns.keras();
            case "collinear121" -> SeedDesigns.collinear121();
            case "ramp" -> SeedDesigns.shiftedRamp();
            case "kernel600" -> SeedDesigns.kernel600();
            default -> null;
        };
    }

    /** The CSV the script trained on: a seed design as `gapwatch seeds` writes it, or one of the statsmodels data sets. */
    private static synchronized Path csv(String design) throws IOException {
        final SeedDesigns.Data data = seed(design);
        if (data == null) {
            return Path.of("src/test/resources/datasets", design + ".csv");
        }
        final Path file = seeds.resolve(design + ".csv");
        if (!Files.exists(file)) {
            data.writeCsv(file);
        }
        return file;
    }

    private static boolean intercept(String design) {
        final SeedDesigns.Data data = seed(design);
        return data == null || data.intercept();
    }

    private static String target(String design) {
        return switch (design) {
            case "fair" -> "affairs";
            case "grunfeld" -> "invest";
            default -> "y";
        };
    }

    private static JsonNode replay(String design, Path weights) throws Exception {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final List<String> args = new ArrayList<>(List.of("replay", "--csv", csv(design).toString(), "--target", target(design),
                "--weights", weights.toString(), "--json", "-"));
        if (!intercept(design)) {
            args.add("--no-intercept");
        }
        final int exit = Gapwatch.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args.toArray(String[]::new));
        assertThat(exit).as(err.toString()).isZero();
        return new ObjectMapper().readTree(out.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldJudgeWeightsAFrameworkTrainedAsNumpyDoes(Case c) throws Exception {
        final Path weights = GOLDEN.resolve(c.name() + ".json");
        final JsonNode root = replay(c.design(), weights);
        final String name = new ObjectMapper().readTree(weights.toFile()).get("name").asText();
        final JsonNode r = root.get("learners").get(name);
        assertThat(root.get("learners").size()).isEqualTo(1);
        assertThat(r.get("optimizer").asText()).isEqualTo("external");
        assertThat(root.get("exact").get("rank").asInt()).as("rank").isEqualTo(c.rank());

        final double mseFloor = FLOOR * c.targetVariance();
        close(c, r, "mse", c.mse(), mseFloor);
        close(c, r, "r2", c.r2(), FLOOR);
        close(c, r, "r2_gap", c.r2Gap(), FLOOR);
        close(c, r, "excess_mse", c.excessMse(), mseFloor);
        final double weightFloor = TOLERANCE * c.thetaStarNorm() + c.thetaStarSpread();
        final double scale = Math.max(c.weightGap(), c.thetaStarNorm());
        weight(c, r, "weight_gap", c.weightGap(), scale, weightFloor);
        weight(c, r, "weight_gap_identifiable", c.weightGapIdentifiable(), scale, weightFloor);
        weight(c, r, "weight_gap_null", c.weightGapNull(), scale, weightFloor);
    }

    private static void close(Case c, JsonNode r, String field, double expected, double floor) {
        final double actual = r.get(field).asDouble();
        assertThat(actual).as(field).isCloseTo(expected, within(TOLERANCE * Math.abs(expected) + floor));
        if (Math.abs(expected) > floor / TOLERANCE) {
            worst(field, c, Math.abs(actual - expected) / Math.abs(expected));
        } else {
            worst(field + " (~0: of var(y) or bare)", c, Math.abs(actual - expected) * FLOOR / floor);
        }
    }

    // the gap and its parts: relative to the larger of the gap and θ*, plus how well θ* is determined
    private static void weight(Case c, JsonNode r, String field, double expected, double scale, double floor) {
        final double actual = r.get(field).asDouble();
        assertThat(actual).as(field).isCloseTo(expected, within(TOLERANCE * scale + floor));
        if (c.thetaStarSpread() < TOLERANCE * scale && Math.abs(expected) > TOLERANCE * scale) {
            worst(field, c, Math.abs(actual - expected) / Math.abs(expected));
        } else if (c.thetaStarSpread() >= TOLERANCE * scale) {
            worst(field + " (θ* undetermined: of max(gap, |θ*|))", c, Math.abs(actual - expected) / scale);
        } else {
            worst(field + " (~0: of max(gap, |θ*|))", c, Math.abs(actual - expected) / scale);
        }
    }

    private static void worst(String field, Case c, double relative) {
        WORST.merge(field, String.format(Locale.ROOT, "%.2g %s", relative, c.name()),
                (a, b) -> Double.parseDouble(a.split(" ")[0]) >= relative ? a : b);
    }

    @AfterAll
    static void printWorst() {
        new TreeMap<>(WORST).forEach((field, worst) -> System.out.println("worst relative difference, " + field + ": " + worst));
    }

    /**
     * The Keras question: x2 = x1 + 1, y = 2·x1 + 1, and the user's Adam weights (1.15, 0.85) with
     * b = 0.15 fit every record exactly; they differ from the minimum-norm exact fit (0, 1, 1) by
     * (0.15, 0.15, −0.15), all of it along the one direction no data determines, (1, 1, −1)/√3.
     */
    @Test
    void shouldReportTheKerasUsersAdamWeightsAsFittingPerfectlyWithTheWholeGapAlongTheNullDirection() throws Exception {
        final Path example = Path.of("examples/keras-adam.json");
        final ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(GOLDEN.resolve("keras-adam.json").toFile())).isEqualTo(json.readTree(example.toFile()));

        final JsonNode root = replay("keras", example);
        final JsonNode r = root.get("learners").get("keras-adam");
        assertThat(root.get("exact").get("rank").asInt()).isEqualTo(2);
        assertThat(r.get("r2").asDouble()).isCloseTo(1.0, within(1e-15));
        assertThat(r.get("excess_mse").asDouble()).isLessThan(FLOOR * 8.0); // var(y) = 8
        assertThat(r.get("weight_gap").asDouble()).isCloseTo(0.15 * Math.sqrt(3), within(1e-14));
        assertThat(r.get("weight_gap_null").asDouble()).isCloseTo(r.get("weight_gap").asDouble(), within(1e-14));
        assertThat(r.get("weight_gap_identifiable").asDouble()).isLessThan(1e-14);

        final List<String> findings = new ArrayList<>();
        root.get("findings").forEach(f -> {
            if ("keras-adam".equals(f.get("learner").asText(null))) {
                findings.add(f.get("code").asText());
            }
        });
        assertThat(findings).containsExactly("not_identifiable", "converged");
    }
}
