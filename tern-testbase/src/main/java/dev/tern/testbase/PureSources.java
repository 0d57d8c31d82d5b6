package dev.tern.testbase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * ARCHITECTURE: the protocol engines (tern-smtp, tern-sasl, tern-imap) do no I/O, use no threads, clocks or
 * logging, so servers and clients share them and their tests need no network. This scan of their main sources
 * finds imports and fully qualified uses of what such code must not touch; a module's test calls it on its own
 * source tree and expects no offence.
 */
public final class PureSources {
    private PureSources() {}

    /** What a pure protocol core must not touch. */
    public static final List<Pattern> FORBIDDEN = List.of(
            Pattern.compile("\\bjava\\.net\\."),
            Pattern.compile("\\bjava\\.nio\\.channels\\b"),
            Pattern.compile("\\bjava\\.nio\\.file\\b"),
            Pattern.compile("\\bjava\\.io\\.File"),
            Pattern.compile("\\bjava\\.util\\.concurrent\\b"),
            Pattern.compile("\\bjava\\.lang\\.Thread\\b"),
            Pattern.compile("\\bThread\\s*[.(]|\\bnew\\s+Thread\\b|\\bThread\\.ofVirtual\\b"),
            Pattern.compile("\\bSystem\\.Logger\\b|\\bSystem\\.getLogger\\b|\\bjava\\.util\\.logging\\b"),
            Pattern.compile("\\borg\\.slf4j\\b"),
            Pattern.compile("\\bSystem\\.(currentTimeMillis|nanoTime|out|err)\\b|\\bjava\\.time\\.Clock\\b|\\b(Instant|ZonedDateTime|LocalDateTime)\\.now\\b"));

    /** Each offending line under {@code sources} as "File.java:line: code"; empty when the tree is pure. */
    public static List<String> offences(Path sources) {
        if (!Files.isDirectory(sources)) throw new IllegalArgumentException("no source tree at " + sources.toAbsolutePath());
        List<String> offences = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int n = 0; n < lines.size(); n++) {
                    String code = withoutComment(lines.get(n));
                    for (Pattern pattern : FORBIDDEN) {
                        if (pattern.matcher(code).find()) offences.add(file.getFileName() + ":" + (n + 1) + ": " + code.strip());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return offences;
    }

    /** How many patterns {@code line} offends (the scan's own test). */
    public static long offends(String line) {
        return FORBIDDEN.stream().filter(p -> p.matcher(withoutComment(line)).find()).count();
    }

    private static String withoutComment(String line) {
        String trimmed = line.strip();
        if (trimmed.startsWith("*") || trimmed.startsWith("/*")) return "";
        int comment = line.indexOf("//");
        return comment >= 0 ? line.substring(0, comment) : line;
    }
}
