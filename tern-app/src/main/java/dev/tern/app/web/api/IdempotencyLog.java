package dev.tern.app.web.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The answers given to requests with an {@code Idempotency-Key}, kept 24 hours in {@code <data>/web/idempotency}
 * so a retried request gets the same answer and is not queued twice, across restarts too. Each answer is
 * appended and fsynced before the client sees it. The file holds one line per answer ({@code epoch-seconds TAB
 * api-key-name TAB sha256(idempotency key) TAB sha256(body) TAB answer}); it is rewritten without the expired
 * lines when it holds twice as many as are live, and at most {@link #MAX_ENTRIES} are kept (the oldest go first).
 */
final class IdempotencyLog {
    static final Duration RETENTION = Duration.ofHours(24);
    static final int MAX_ENTRIES = 200_000;

    /** One remembered answer. */
    record Entry(Instant at, String apiKey, String key, String bodyHash, String answer) {}

    private final Path file;
    private final Clock clock;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private int lines;

    IdempotencyLog(Path dataDirectory, Clock clock) throws IOException {
        this.file = dataDirectory.resolve("web").resolve("idempotency");
        this.clock = clock;
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", 5);
                if (f.length != 5) continue; // a torn last line after a crash: that answer was never given
                try {
                    Entry e = new Entry(Instant.ofEpochSecond(Long.parseLong(f[0])), f[1], f[2], f[3], f[4]);
                    entries.remove(f[1] + "\t" + f[2]);
                    entries.put(f[1] + "\t" + f[2], e);
                    lines++;
                } catch (NumberFormatException e) {
                    // a torn line, as above
                }
            }
        }
        expire();
    }

    static String hash(byte[] bytes) {
        return HexFormat.of().formatHex(ApiKeys.sha256Bytes(bytes));
    }

    /** The answer remembered for {@code key} of {@code apiKey}, if it is younger than 24 hours. */
    synchronized Optional<Entry> find(String apiKey, String key) {
        expire();
        return Optional.ofNullable(entries.get(apiKey + "\t" + key));
    }

    /** Remembers an answer, durably, before the caller gives it. */
    synchronized void add(String apiKey, String key, String bodyHash, String answer) throws IOException {
        Entry e = new Entry(clock.instant(), apiKey, key, bodyHash, answer);
        Files.createDirectories(file.getParent());
        String line = e.at().getEpochSecond() + "\t" + apiKey + "\t" + key + "\t" + bodyHash + "\t" + answer + "\n";
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) channel.write(buffer);
            channel.force(false);
        }
        entries.put(apiKey + "\t" + key, e);
        lines++;
        expire();
        if (lines > 2 * Math.max(1024, entries.size())) rewrite();
    }

    private void expire() {
        Instant cutoff = clock.instant().minus(RETENTION);
        var it = entries.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.at().isBefore(cutoff) || entries.size() > MAX_ENTRIES) it.remove();
            else break; // insertion order is time order
        }
    }

    private void rewrite() throws IOException {
        StringBuilder text = new StringBuilder();
        for (Entry e : entries.values()) {
            text.append(e.at().getEpochSecond()).append('\t').append(e.apiKey()).append('\t').append(e.key()).append('\t')
                    .append(e.bodyHash()).append('\t').append(e.answer()).append('\n');
        }
        dev.tern.app.DurableFiles.replace(file, text.toString().getBytes(StandardCharsets.UTF_8), false);
        lines = entries.size();
    }
}
