package io.gapwatch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every class that declares a test is run by {@code mvn verify}: matched by Surefire's includes
 * (src/test) or Failsafe's (src/it), as pom.xml declares them. A test class renamed out of the
 * patterns fails here instead of going silent, as the jqwik properties once did.
 */
class TestClassesRunTest {

    private static final Pattern TEST_ANNOTATION = Pattern.compile("@(Test|Property|ParameterizedTest|RepeatedTest|TestFactory|Example|ArchTest)\\b");

    @Test
    void shouldMatchEveryTestClassToTheIncludesThatRunIt() throws IOException {
        final String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        final List<String> surefire = includes(pom, "maven-surefire-plugin");
        final List<String> failsafe = List.of("IT*", "*IT", "*ITCase"); // Failsafe's defaults, which pom.xml keeps
        assertThat(surefire).as("Surefire's includes in pom.xml").contains("*Test", "*Properties");

        final List<String> silent = new ArrayList<>();
        for (Path file : testClasses(Path.of("src/test/java"))) {
            if (!matchesAny(file, surefire)) {
                silent.add(file.toString());
            }
        }
        for (Path file : testClasses(Path.of("src/it/java"))) {
            if (!matchesAny(file, failsafe)) {
                silent.add(file.toString());
            }
        }
        assertThat(silent).as("test classes no plugin runs").isEmpty();
    }

    /** Concrete classes declaring a test method, by source. */
    static List<Path> testClasses(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    final String source = Files.readString(f, StandardCharsets.UTF_8);
                    return TEST_ANNOTATION.matcher(source).find() && !source.contains("abstract class");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    private static boolean matchesAny(Path file, List<String> patterns) {
        final String name = file.getFileName().toString().replace(".java", "");
        return patterns.stream().anyMatch(p -> Pattern.matches(p.replace("*", ".*"), name));
    }

    // <include>**/*Test.java</include> within the plugin's <configuration>, as simple names: *Test
    private static List<String> includes(String pom, String plugin) {
        final int at = pom.indexOf("<artifactId>" + plugin + "</artifactId>");
        final String section = pom.substring(at, pom.indexOf("</plugin>", at));
        final Matcher m = Pattern.compile("<include>\\*\\*/([^<]+)\\.java</include>").matcher(section);
        final List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
