package io.gapwatch.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code replay} command as a user runs it: arguments in, summary, JSON file and exit code out. */
class ReplayCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Gapwatch.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void shouldWriteTheExactFitOfLongleyAsJsonAtFullPrecision() throws Exception {
        final Path json = dir.resolve("longley.json");
        final int exit = run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--json", json.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("16 records, 6 features", "rank 7 of 7", "gnp_deflator");
        final JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("records").asLong()).isEqualTo(16);
        assertThat(root.get("features")).hasSize(6);
        assertThat(root.get("features").get(0).asText()).isEqualTo("gnp_deflator");
        final JsonNode exact = root.get("exact");
        // NIST's certified values; full double precision survives the JSON round trip
        assertThat(exact.get("intercept").asDouble()).isCloseTo(-3482258.63459582, org.assertj.core.api.Assertions.offset(1e-4));
        assertThat(exact.get("weights").get(5).asDouble()).isCloseTo(1829.15146461355, org.assertj.core.api.Assertions.offset(1e-8));
        assertThat(exact.get("rank").asInt()).isEqualTo(7);
        assertThat(exact.get("condition_number").asDouble()).isGreaterThan(1e9);
        assertThat(exact.get("condition_number_scaled").asDouble()).isLessThan(1e5);
        assertThat(exact.get("hessian_eigenvalues").get("max").asDouble()).isPositive();
        assertThat(exact.get("null_directions")).isEmpty();
        for (String field : new String[] {"r2", "mse", "hessian_eigenvalues", "null_directions"}) {
            assertThat(exact.has(field)).as(field).isTrue();
        }
    }

    @Test
    void shouldPrintJsonOnStdoutAndNameTheCollinearFeatures() throws Exception {
        final int exit = run("replay", "--csv", "examples/collinear.csv", "--target", "y", "--json", "-");
        assertThat(exit).as(err.toString()).isZero();
        final JsonNode exact = new ObjectMapper().readTree(out.toString()).get("exact");
        assertThat(exact.get("rank").asInt()).isEqualTo(2);
        assertThat(exact.get("null_directions").get(0).get("features").toString())
                .isEqualTo("[\"(intercept)\",\"x1\",\"x2\"]");
        assertThat(exact.get("weights").get(0).asDouble()).isCloseTo(1.0, org.assertj.core.api.Assertions.offset(1e-12));
    }

    @Test
    void shouldCountRecordsAndPassesApartAndKeepTheExactFitOverEpochs() throws Exception {
        final Path one = dir.resolve("one.json");
        final Path three = dir.resolve("three.json");
        assertThat(run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--json", one.toString())).isZero();
        assertThat(run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--epochs", "3",
                "--json", three.toString())).as(err.toString()).isZero();
        final ObjectMapper mapper = new ObjectMapper();
        final JsonNode once = mapper.readTree(one.toFile());
        final JsonNode thrice = mapper.readTree(three.toFile());
        assertThat(thrice.get("records").asLong()).isEqualTo(16);
        assertThat(thrice.get("passes").asInt()).isEqualTo(3);
        // the recent records differ by design: a later pass presents the records again (in-sample predictions then)
        final com.fasterxml.jackson.databind.node.ObjectNode exactOnce = ((com.fasterxml.jackson.databind.node.ObjectNode) once.get("exact")).deepCopy();
        final com.fasterxml.jackson.databind.node.ObjectNode exactThrice = ((com.fasterxml.jackson.databind.node.ObjectNode) thrice.get("exact")).deepCopy();
        assertThat(exactOnce.remove("recent_predictions")).hasSize(16);
        assertThat(exactThrice.remove("recent_predictions")).hasSize(48).allSatisfy(p -> assertThat(p.isNumber() || p.asText().equals("NaN")).isTrue());
        assertThat(thrice.get("recent_targets")).hasSize(48);
        assertThat(exactThrice).as("the exact fit learns each record once").isEqualTo(exactOnce);
        assertThat(thrice.get("learners").get("adam").get("steps").asLong()).isEqualTo(48);
        assertThat(out.toString()).contains("3 passes: the learners trained on every pass, the exact fit learned each record once");
    }

    @Test
    void shouldRunTheExactFitAloneWithNoLearners() throws Exception {
        final int exit = run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--no-learners", "--json", "-");
        assertThat(exit).as(err.toString()).isZero();
        final JsonNode root = new ObjectMapper().readTree(out.toString());
        assertThat(root.get("learners")).isEmpty();
        assertThat(root.get("exact").get("rank").asInt()).isEqualTo(7);
    }

    @Test
    void shouldRefuseNoneAsALearnerNameAndPointToNoLearners() {
        final int exit = run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--learner", "none");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("'none' is not a learner name", "--no-learners");
        assertThat(run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--no-learners", "--learner", "a:lr=1"))
                .isEqualTo(2);
    }

    @Test
    void shouldHonourNoInterceptForgettingAndRidge() throws Exception {
        final int exit = run("replay", "--csv", "examples/longley.csv", "--target", "employed",
                "--no-intercept", "--forgetting", "0.9", "--ridge", "2", "--json", "-");
        assertThat(exit).as(err.toString()).isZero();
        final JsonNode root = new ObjectMapper().readTree(out.toString());
        assertThat(root.get("options").get("intercept").asBoolean()).isFalse();
        assertThat(root.get("options").get("forgetting").asDouble()).isEqualTo(0.9);
        assertThat(root.get("exact").get("intercept").asDouble()).isZero();
        assertThat(root.get("exact").get("solve_method").asText()).isEqualTo("ridge");
        assertThat(root.get("exact").get("n_eff").asDouble()).isLessThan(16);
    }

    @Test
    void shouldStopOnAMalformedFileWithOneLineNamingIt() throws Exception {
        final Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "a,y\n1,2\n3,x\n");
        final int exit = run("replay", "--csv", bad.toString(), "--target", "y");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("gapwatch replay: " + bad + ":3: column 'y' (2): 'x' is not a number");
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    @Test
    void shouldRejectABadArgumentWithOneLineNamingIt() {
        assertThat(run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--forgetting", "1.5")).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("gapwatch replay: --forgetting must be in (0, 1], got 1.5");
        assertThat(err.toString().strip().lines()).hasSize(1);

        err.getBuffer().setLength(0);
        assertThat(run("replay", "--csv", "examples/longley.csv", "--targte", "employed")).isEqualTo(2);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).contains("--targte");

        err.getBuffer().setLength(0);
        assertThat(run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--ridge", "lots")).isEqualTo(2);
        assertThat(err.toString()).contains("--ridge").contains("lots");
        assertThat(err.toString().strip().lines()).hasSize(1);
    }

    @Test
    void shouldHoldEachLearnerAgainstTheExactFitAndWriteFindings() throws Exception {
        final int exit = run("replay", "--csv", "examples/collinear.csv", "--target", "y",
                "--learner", "adam:optimizer=adam,lr=0.1,init=normal,seed=1", "--learner", "sgd:lr=0.01",
                "--epochs", "1000", "--json", "-");
        assertThat(exit).as(err.toString()).isZero();
        final JsonNode root = new ObjectMapper().readTree(out.toString());
        assertThat(root.get("records").asLong()).isEqualTo(5);
        assertThat(root.get("passes").asInt()).isEqualTo(1000);
        final JsonNode adam = root.get("learners").get("adam");
        for (String field : new String[] {"intercept", "weights", "r2", "r2_gap", "mse", "excess_mse", "weight_gap",
                "weight_gap_relative", "prequential_r2", "gradient_norm", "weight_norm", "update_ratio",
                "lr_stability_bound", "steps_to_converge", "diverged"}) {
            assertThat(adam.has(field)).as(field).isTrue();
        }
        assertThat(adam.get("excess_mse").asDouble()).isLessThan(1e-8);
        assertThat(adam.get("diverged").asBoolean()).isFalse();
        assertThat(adam.get("settings").asText()).isEqualTo("optimizer=adam,lr=0.1,init=normal,seed=1");
        assertThat(root.get("learners").get("sgd")).isNotNull();
        final List<String> codes = new java.util.ArrayList<>();
        root.get("findings").forEach(f -> codes.add(f.get("code").asText() + ":" + f.get("learner").asText("")));
        assertThat(codes).contains("not_identifiable:", "not_identifiable:adam");
    }

    @Test
    void shouldWriteATrajectoryLineEveryNRecordsAndShuffleReproducibly() throws Exception {
        final Path first = dir.resolve("a.jsonl");
        final Path second = dir.resolve("b.jsonl");
        for (Path trajectory : new Path[] {first, second}) {
            assertThat(run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--epochs", "5",
                    "--shuffle", "42", "--every", "8", "--trajectory", trajectory.toString(),
                    "--learner", "std:optimizer=sgd,lr=0.01,standardize=true,scale-target=true")).as(err.toString()).isZero();
        }
        final List<String> lines = Files.readAllLines(first);
        assertThat(lines).hasSize(10); // 5 epochs × 16 records / 8
        assertThat(Files.readAllLines(second)).isEqualTo(lines);
        final JsonNode last = new ObjectMapper().readTree(lines.get(9));
        assertThat(last.get("records").asLong()).isEqualTo(16);
        assertThat(last.get("presented").asLong()).isEqualTo(80);
        assertThat(last.get("epoch").asInt()).isEqualTo(5);
        assertThat(last.get("time").isNull()).as("a replay's points depend on the records alone").isTrue();
        assertThat(last.get("learners").get("std").get("r2").asDouble()).isGreaterThan(0.5);
        assertThat(last.get("exact").get("r2").asDouble()).isCloseTo(0.995479, org.assertj.core.api.Assertions.offset(1e-6));
        // each line is a HistoryPoint rendered field for field: its schema's fields, no more, no fewer
        assertThat(names(last)).containsExactlyElementsOf(fieldNames(io.gapwatch.avro.HistoryPoint.getClassSchema()));
        assertThat(names(last.get("learners").get("std"))).containsExactlyElementsOf(fieldNames(io.gapwatch.avro.LearnerPoint.getClassSchema()));
        assertThat(names(last.get("exact"))).containsExactlyElementsOf(fieldNames(io.gapwatch.avro.ExactPoint.getClassSchema()));
    }

    @Test
    void shouldWriteAnHtmlReportWithTheDiagnosisAndAboutTwoHundredHistoryPoints() throws Exception {
        final Path html = dir.resolve("longley.html");
        final Path json = dir.resolve("longley.json");
        assertThat(run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--epochs", "50",
                "--html", html.toString(), "--json", json.toString())).as(err.toString()).isZero();
        final JsonNode data = embeddedData(Files.readString(html));
        // the page carries the very diagnosis --json writes, and curves over all 800 records presented
        assertThat(data.get("diagnosis")).isEqualTo(new ObjectMapper().readTree(json.toFile()));
        final JsonNode history = data.get("history");
        assertThat(history).hasSize(200);
        assertThat(history.get(history.size() - 1).get("presented").asLong()).isEqualTo(800);
        assertThat(history.get(0).get("presented").asLong()).isEqualTo(4); // 800 records / 200 points
        assertThat(out.toString()).contains("report: " + html, "one every 4 records presented");

        // --every sets the spacing of the HTML's curves too, and needs no --trajectory there
        assertThat(run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--epochs", "50",
                "--every", "100", "--html", html.toString())).as(err.toString()).isZero();
        assertThat(embeddedData(Files.readString(html)).get("history")).hasSize(8);
    }

    @Test
    void shouldSpaceTheHistoryForAboutTwoHundredPointsAndFewerForWideModels() {
        assertThat(io.gapwatch.replay.Replay.historyEvery(150_000, 101)).isEqualTo(750);
        assertThat(io.gapwatch.replay.Replay.historyEvery(100, 3)).as("never less than a record").isEqualTo(1);
        // 600 coefficients: 200·(128/600)³ ≈ 2 points, raised to the floor of 10
        assertThat(io.gapwatch.replay.Replay.historyEvery(30_000, 600)).isEqualTo(3_000);
        // 256 coefficients: 200/8 = 25 points
        assertThat(io.gapwatch.replay.Replay.historyEvery(10_000, 256)).isEqualTo(400);
    }

    static JsonNode embeddedData(String page) throws java.io.IOException {
        final java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("<script type=\"application/json\" id=\"gapwatch-data\">(.*?)</script>", java.util.regex.Pattern.DOTALL)
                .matcher(page);
        assertThat(m.find()).as("embedded data").isTrue();
        return new ObjectMapper().readTree(m.group(1));
    }

    private static List<String> names(JsonNode node) {
        final List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> fieldNames(org.apache.avro.Schema schema) {
        return schema.getFields().stream().map(org.apache.avro.Schema.Field::name).toList();
    }

    @Test
    void shouldRejectABadLearnerWithOneLineNamingTheSetting() {
        assertThat(run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--learner", "fast:lrate=0.1")).isEqualTo(2);
        assertThat(err.toString().strip()).startsWith("gapwatch replay: --learner 'fast:lrate=0.1': unknown learner setting 'lrate'");
        assertThat(err.toString().strip().lines()).hasSize(1);

        err.getBuffer().setLength(0);
        assertThat(run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--learner", "a:optimizer=adam,beta1=2")).isEqualTo(2);
        assertThat(err.toString()).contains("beta1: must be a number in [0, 1], got 2");

        err.getBuffer().setLength(0);
        assertThat(run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--learner", "a", "--learner", "a:lr=1")).isEqualTo(2);
        assertThat(err.toString()).contains("a learner named 'a' is already defined");

        err.getBuffer().setLength(0);
        assertThat(run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--every", "10")).isEqualTo(2);
        assertThat(err.toString()).contains("give one of them too");

        err.getBuffer().setLength(0);
        assertThat(run("replay", "--csv", "examples/longley.csv", "--target", "employed", "--learner", "g:init=given,init-weights=1;2")).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("gapwatch replay: learner 'g': init-weights has 2 values; the model has 6 features (give 6 weights, or the intercept and 6 weights)");
    }

    private Path weightsFile(String name, String json) throws Exception {
        final Path file = dir.resolve(name);
        Files.writeString(file, json);
        return file;
    }

    @Test
    void shouldJudgeWeightsFilesInTheSameReportAndColumnsAsTheLearners() throws Exception {
        // the Keras user's Adam (1.15, 0.85) with b = 0.15 fits x2 = x1 + 1 perfectly; the other is off
        final Path adam = weightsFile("adam.json", "{\"name\": \"keras-adam\", \"intercept\": 0.15, \"weights\": [1.15, 0.85]}");
        final Path off = weightsFile("off.json", "{\"intercept\": [0.5], \"weights\": [[1.0], [0.8]]}");
        final int exit = run("replay", "--csv", "examples/collinear.csv", "--target", "y",
                "--weights", adam.toString(), "--weights", off.toString());
        assertThat(exit).as(err.toString()).isZero();
        final String text = out.toString();
        assertThat(text).contains("learner      R²          R² gap      excess MSE  weight gap  (null part) grad norm");
        assertThat(text.lines().filter(l -> l.startsWith("  keras-adam ")).findFirst().orElseThrow())
                .contains("n/a         n/a         n/a         n/a         n/a  external weights");
        assertThat(text).contains("  off ", "[converged] Weights keras-adam fit the records as well as the exact fit",
                "[not_identifiable] Weights keras-adam differ from the exact fit's by", "[not_converged] Weights off are not at the exact fit");
        assertThat(text).doesNotContain("Learner sgd").doesNotContain("  sgd ").as("weights alone: no default learner");
    }

    @Test
    void shouldWriteExternalWeightsAsJsonWithNullWhereOnlyALearnerHasANumber() throws Exception {
        final Path w = weightsFile("w.json", "{\"weights\": [0.9, 1.2]}");
        final int exit = run("replay", "--csv", "examples/collinear.csv", "--target", "y", "--weights", w.toString(),
                "--learner", "adam:optimizer=adam,lr=0.1", "--json", "-");
        assertThat(exit).as(err.toString()).isZero();
        final JsonNode root = new ObjectMapper().readTree(out.toString());
        assertThat(root.get("learners").fieldNames()).toIterable().containsExactly("adam", "w");
        final JsonNode judged = root.get("learners").get("w");
        final JsonNode adam = root.get("learners").get("adam");
        assertThat(judged.get("optimizer").asText()).isEqualTo("external");
        assertThat(judged.get("settings").asText()).isEqualTo("intercept=false");
        assertThat(judged.get("intercept").asDouble()).isZero();
        final List<String> judgedFields = new java.util.ArrayList<>();
        final List<String> adamFields = new java.util.ArrayList<>();
        judged.fieldNames().forEachRemaining(judgedFields::add);
        adam.fieldNames().forEachRemaining(adamFields::add);
        assertThat(judgedFields).as("the same fields as a learner's").isEqualTo(adamFields);
        for (String field : new String[] {"prequential_r2", "prequential_mse", "gradient_norm", "last_gradient_norm", "weight_norm",
                "update_ratio", "rate_ratio", "loss", "lr", "lr_stability_bound", "lr_record_bound", "hessian_max",
                "hessian_min_identifiable", "steps_to_converge", "noise_floor_mse", "steps", "diverged", "divergences", "drift",
                "drift_relative", "start_weight_gap", "start_excess_mse"}) {
            assertThat(judged.get(field).isNull()).as(field).isTrue();
            assertThat(adam.get(field).isNull()).as(field).isFalse();
        }
        // y = 2·x1 + 1 on x1 = 1 … 5: ŷ = 0.9·x1 + 1.2·(x1 + 1) = 2.1·x1 + 1.2 misses by 0.1·x1 + 0.2
        double sse = 0.0;
        for (int x1 = 1; x1 <= 5; x1++) {
            sse += (0.1 * x1 + 0.2) * (0.1 * x1 + 0.2);
        }
        assertThat(judged.get("mse").asDouble()).isCloseTo(sse / 5, org.assertj.core.api.Assertions.within(1e-15));
        assertThat(judged.get("excess_mse").asDouble()).isCloseTo(sse / 5, org.assertj.core.api.Assertions.within(1e-15));
        assertThat(judged.get("recent_predictions")).isEmpty();
    }

    @Test
    void shouldJudgeWeightsWithNoLearnersToo() throws Exception {
        final Path w = weightsFile("w.json", "{\"name\": \"mine\", \"intercept\": 1, \"weights\": [1, 1]}");
        assertThat(run("replay", "--csv", "examples/collinear.csv", "--target", "y", "--no-learners", "--weights", w.toString(),
                "--json", "-")).as(err.toString()).isZero();
        final JsonNode root = new ObjectMapper().readTree(out.toString());
        assertThat(root.get("learners").fieldNames()).toIterable().containsExactly("mine");
    }

    @Test
    void shouldStopOnABadWeightsFileWithOneLineNamingItAndTheProblem() throws Exception {
        final String[][] cases = {
                {"three.json", "{\"weights\": [1, 2, 3]}", "3 weights where the model has 2 features (x1, x2)"},
                {"nan.json", "{\"weights\": [1, NaN]}", "weights[1] is NaN: only finite weights can be judged"},
                {"broken.json", "{\"weights\": [1, 2}", "not JSON: Unexpected close marker '}'"},
                {"bias.json", "{\"bias\": 1, \"weights\": [1, 2]}", "unknown field 'bias' (the fields are name, intercept and weights)"},
        };
        for (String[] c : cases) {
            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);
            final Path file = weightsFile(c[0], c[1]);
            assertThat(run("replay", "--csv", "examples/collinear.csv", "--target", "y", "--weights", file.toString())).as(c[0]).isEqualTo(1);
            assertThat(err.toString().strip()).as(c[0]).startsWith("gapwatch replay: --weights " + file + ": " + c[2]);
            assertThat(err.toString().strip().lines()).as(c[0]).hasSize(1);
            assertThat(out.toString()).as(c[0]).isEmpty();
        }
        err.getBuffer().setLength(0);
        assertThat(run("replay", "--csv", "examples/collinear.csv", "--target", "y", "--weights", dir.resolve("none.json").toString()))
                .isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("gapwatch replay: --weights " + dir.resolve("none.json") + ": no such file");

        err.getBuffer().setLength(0);
        final Path named = weightsFile("sgd.json", "{\"weights\": [1, 2]}");
        assertThat(run("replay", "--csv", "examples/collinear.csv", "--target", "y", "--learner", "sgd", "--weights", named.toString()))
                .isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("gapwatch replay: --weights " + named
                + ": the name 'sgd' is already a learner's or another file's; give it its own with \"name\"");

        err.getBuffer().setLength(0);
        final Path intercept = weightsFile("b.json", "{\"intercept\": 2, \"weights\": [1, 2]}");
        assertThat(run("replay", "--csv", "examples/collinear.csv", "--target", "y", "--no-intercept", "--weights", intercept.toString()))
                .isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("gapwatch replay: --weights " + intercept
                + ": intercept 2.0 for a model fit without one (--no-intercept): give intercept 0 or null, or fit the model with an intercept");
    }

    @Test
    void shouldNameWeightsAfterTheirFileByDefault() {
        assertThat(ReplayCommand.defaultName(Path.of("runs/torch run 2.JSON"))).isEqualTo("torch_run_2");
        assertThat(ReplayCommand.defaultName(Path.of("w"))).isEqualTo("w");
        assertThat(ReplayCommand.defaultName(Path.of(".json"))).isEqualTo("weights");
    }
}
