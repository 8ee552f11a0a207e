package io.gapwatch.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
