package io.gapwatch.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapwatch.demo.SeedDesigns;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code replay --weights} end to end on weights PyTorch and scikit-learn really trained, held to
 * what numpy computes for them with the whole design in memory: scripts/golden_weights.py wrote
 * the weights files as the README's one-liners write them and the reference figures
 * (src/test/resources/golden/weights). Every figure to 1e-9 relative; the split of the weight gap
 * to 1e-9 of the whole gap (a part that is 0 in exact arithmetic is ~1e-16 on either side).
 */
class ReplayWeightsGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden/weights");
    static final double TOLERANCE = 1e-9;

    @TempDir
    static Path seeds;

    record Case(String name, String design, double mse, double r2, double r2Gap, double excessMse, double weightGap,
                double weightGapIdentifiable, double weightGapNull) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() throws IOException {
        final List<String> lines = Files.readAllLines(GOLDEN.resolve("golden.csv"));
        assertThat(lines.get(0)).isEqualTo("case,design,mse,r2,r2_gap,excess_mse,weight_gap,weight_gap_identifiable,weight_gap_null");
        return lines.stream().skip(1).map(line -> {
            final String[] c = line.split(",");
            return new Case(c[0], c[1], Double.parseDouble(c[2]), Double.parseDouble(c[3]), Double.parseDouble(c[4]),
                    Double.parseDouble(c[5]), Double.parseDouble(c[6]), Double.parseDouble(c[7]), Double.parseDouble(c[8]));
        });
    }

    /** The CSV the script trained on: a seed design as `gapwatch seeds` writes it, or one of the statsmodels data sets. */
    private static Path csv(String design) throws IOException {
        if (design.equals("keras") || design.equals("collinear121")) {
            final Path file = seeds.resolve(design + ".csv");
            if (!Files.exists(file)) {
                (design.equals("keras") ? SeedDesigns.keras() : SeedDesigns.collinear121()).writeCsv(file);
            }
            return file;
        }
        return Path.of("src/test/resources/datasets", design + ".csv");
    }

    private static String target(String design) {
        return switch (design) {
            case "fair" -> "affairs";
            case "grunfeld" -> "invest";
            default -> "y";
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldJudgeWeightsAFrameworkTrainedAsNumpyDoes(Case c) throws Exception {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final Path weights = GOLDEN.resolve(c.name() + ".json");
        final int exit = Gapwatch.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("replay", "--csv", csv(c.design()).toString(), "--target", target(c.design()),
                        "--weights", weights.toString(), "--json", "-");
        assertThat(exit).as(err.toString()).isZero();
        final JsonNode root = new ObjectMapper().readTree(out.toString());
        final String name = new ObjectMapper().readTree(weights.toFile()).get("name").asText();
        final JsonNode r = root.get("learners").get(name);
        assertThat(root.get("learners").size()).isEqualTo(1);
        assertThat(r.get("optimizer").asText()).isEqualTo("external");

        close(r, "mse", c.mse());
        close(r, "r2", c.r2());
        close(r, "r2_gap", c.r2Gap());
        close(r, "excess_mse", c.excessMse());
        close(r, "weight_gap", c.weightGap());
        assertThat(r.get("weight_gap_identifiable").asDouble()).as("weight_gap_identifiable")
                .isCloseTo(c.weightGapIdentifiable(), within(TOLERANCE * c.weightGap()));
        assertThat(r.get("weight_gap_null").asDouble()).as("weight_gap_null")
                .isCloseTo(c.weightGapNull(), within(TOLERANCE * c.weightGap()));
    }

    private static void close(JsonNode r, String field, double expected) {
        assertThat(r.get(field).asDouble()).as(field).isCloseTo(expected, within(TOLERANCE * Math.abs(expected)));
    }
}
