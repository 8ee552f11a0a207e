package io.gapwatch.app;

import io.gapwatch.demo.SeedDesigns;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code gapwatch seeds}: the four seed questions' designs as CSV files, to replay or produce. */
@Command(name = "seeds",
        mixinStandardHelpOptions = true,
        description = {
                "Writes the designs of the four questions gapwatch was built for as CSV files (target column y):",
                "keras.csv (x2 = x1 + 1), collinear121.csv (121 collinear features, 9,259 rows),",
                "kernel600.csv (a 600×600 kernel, fit without intercept) and ramp.csv (the shifted ramp)."})
final class SeedsCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "seeds", description = "Directory to write into. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--only", paramLabel = "NAME", split = ",",
            description = "Only these designs (keras, collinear121, kernel600, ramp).")
    List<String> only;

    @Override
    public Integer call() throws IOException {
        final List<SeedDesigns.Data> designs = SeedDesigns.all();
        if (only != null) {
            for (String name : only) {
                if (designs.stream().noneMatch(d -> d.name().equals(name))) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--only: no design '" + name
                            + "' (designs: " + String.join(", ", designs.stream().map(SeedDesigns.Data::name).toList()) + ")");
                }
            }
        }
        Files.createDirectories(out);
        for (SeedDesigns.Data design : designs) {
            if (only != null && !only.contains(design.name())) {
                continue;
            }
            final Path file = out.resolve(design.name() + ".csv");
            design.writeCsv(file);
            spec.commandLine().getOut().printf("%s: %,d rows, %d features, target y%s%n", file, design.rows(), design.features(),
                    design.intercept() ? "" : " (fit it with --no-intercept)");
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
