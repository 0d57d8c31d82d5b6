package dev.tern.app.capture;

import dev.tern.app.web.admin.MessageView;
import dev.tern.spool.SpooledMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The messages capture mode keeps ({@code <data>/capture/}): per message {@code <id>.eml} (the bytes as spooled)
 * and {@code <id>.json} (its {@link Captured} envelope), both fsynced before the delivery is reported, so what
 * the API lists survives a restart. The id is the spool's queue id; a message delivered in several groups (one
 * per domain) is kept once, its recipients merged.
 */
public final class CaptureStore {
    private final Path directory;
    private final Map<String, Captured> messages = new ConcurrentHashMap<>();
    private final List<Consumer<Captured>> listeners = new CopyOnWriteArrayList<>();

    private CaptureStore(Path directory) {
        this.directory = directory;
    }

    /** Opens (making it if needed) the store in {@code directory} and reads the index of what it holds. */
    public static CaptureStore open(Path directory) throws IOException {
        Files.createDirectories(directory);
        var store = new CaptureStore(directory);
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                Captured c = dev.tern.app.web.Json.MAPPER.readValue(file.toFile(), Captured.class);
                if (Files.exists(store.raw(c.id()))) store.messages.put(c.id(), c);
            }
        }
        return store;
    }

    /** Calls {@code listener} with every message kept from now on (the server-sent event stream). */
    public void addListener(Consumer<Captured> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<Captured> listener) {
        listeners.remove(listener);
    }

    /** Keeps {@code message} for {@code recipients}; its content is read from {@code content} on first sight. */
    public synchronized void keep(SpooledMessage message, List<Integer> recipients, InputStream content)
            throws IOException {
        String id = message.id().value();
        Set<String> to = new LinkedHashSet<>();
        Captured old = messages.get(id);
        if (old != null) to.addAll(old.to());
        for (int index : recipients) to.add(message.recipients().get(index).recipient().mailbox().toString());
        if (old == null || !Files.exists(raw(id))) write(raw(id), content);
        else content.close();
        Captured c = new Captured(id, message.envelope().reversePath().toString(), List.copyOf(to),
                old == null ? message.accepted().toString() : old.received(), Files.size(raw(id)),
                old == null ? subject(raw(id)) : old.subject());
        write(directory.resolve(id + ".json"),
                new java.io.ByteArrayInputStream(dev.tern.app.web.Json.write(c)));
        messages.put(id, c);
        if (old == null) for (var listener : listeners) listener.accept(c);
    }

    /** Every kept message, newest first. */
    public List<Captured> list() {
        var all = new ArrayList<>(messages.values());
        all.sort(Comparator.comparing((Captured c) -> Instant.parse(c.received())).thenComparing(Captured::id).reversed());
        return all;
    }

    public Optional<Captured> get(String id) {
        return Optional.ofNullable(messages.get(id));
    }

    /** The Subject: field, decoded (RFC 2047), for the list and its search. */
    private static String subject(Path file) {
        try {
            return MessageView.headersOf(Files.newInputStream(file)).subject();
        } catch (IOException e) {
            return ""; // a header section mime4j cannot read: the message is kept all the same, without a subject
        }
    }

    /** The message parsed ({@link MessageView}), read from its file without a copy. */
    public MessageView view(String id) throws IOException {
        return MessageView.read(Files.newInputStream(raw(id)));
    }

    /** The message's bytes as received. */
    public byte[] bytes(String id) throws IOException {
        return Files.readAllBytes(raw(id));
    }

    public synchronized boolean delete(String id) throws IOException {
        if (messages.remove(id) == null) return false;
        Files.deleteIfExists(directory.resolve(id + ".json"));
        Files.deleteIfExists(raw(id));
        return true;
    }

    public synchronized int deleteAll() throws IOException {
        int n = 0;
        for (String id : List.copyOf(messages.keySet())) if (delete(id)) n++;
        return n;
    }

    private Path raw(String id) {
        return directory.resolve(id + ".eml");
    }

    private static void write(Path target, InputStream content) throws IOException {
        try (content) {
            dev.tern.app.DurableFiles.replace(target, content::transferTo, false);
        }
    }

    /**
     * One kept message's envelope.
     *
     * @param from     the reverse path ({@code <>} for a bounce)
     * @param to       the recipients, in the order first seen
     * @param received when the spool accepted it (ISO-8601, UTC)
     * @param size     its size in bytes
     * @param subject  its Subject: field, decoded; empty when it has none (and in files kept before it was recorded)
     */
    public record Captured(String id, String from, List<String> to, String received, long size, String subject) {
        public Captured {
            subject = subject == null ? "" : subject;
        }
    }
}
