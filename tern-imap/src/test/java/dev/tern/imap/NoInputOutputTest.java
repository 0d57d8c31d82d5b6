package dev.tern.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ARCHITECTURE: tern-imap does no I/O, so the connection loop drives it and tests need no network.
 */
class NoInputOutputTest {
    // Imports, and fully qualified uses, of what a pure protocol core must not touch.
    private static final List<Pattern> FORBIDDEN = List.of(
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

    @Test
    void mainSourcesDoNoInputOutputThreadsClocksOrLogging() throws IOException {
        List<String> offences = new ArrayList<>();
        scan(Path.of("src/main/java/dev/tern/imap"), offences);
        assertThat(offences).isEmpty();
    }

    private static void scan(Path main, List<String> offences) throws IOException {
        assertThat(main).isDirectory();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int n = 0; n < lines.size(); n++) {
                    String code = withoutComment(lines.get(n));
                    for (Pattern pattern : FORBIDDEN) {
                        if (pattern.matcher(code).find()) offences.add(file.getFileName() + ":" + (n + 1) + ": " + code.strip());
                    }
                }
            }
        }
    }

    @Test
    void theScanFindsWhatItLooksFor() {
        assertThat(FORBIDDEN.stream().filter(p -> p.matcher("import java.net.Socket;").find())).hasSize(1);
        assertThat(FORBIDDEN.stream().filter(p -> p.matcher("Thread.sleep(10);").find())).hasSize(1);
        assertThat(FORBIDDEN.stream().filter(p -> p.matcher("private static final System.Logger LOG;").find())).hasSize(1);
        assertThat(FORBIDDEN.stream().filter(p -> p.matcher("import org.slf4j.Logger;").find())).hasSize(1);
        assertThat(FORBIDDEN.stream().filter(p -> p.matcher("var t = Instant.now();").find())).hasSize(1);
    }

    private static String withoutComment(String line) {
        String trimmed = line.strip();
        if (trimmed.startsWith("*") || trimmed.startsWith("/*")) return "";
        int comment = line.indexOf("//");
        return comment >= 0 ? line.substring(0, comment) : line;
    }
}
