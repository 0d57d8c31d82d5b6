package dev.tern.imap;

import dev.tern.store.FlagOperation;
import dev.tern.store.Folder;
import dev.tern.store.MessageMeta;
import dev.tern.store.MessageStructure;
import java.io.IOException;
import java.io.InputStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * FETCH (RFC 9051 §6.4.5, §7.5.2; RFC 3516 BINARY; RFC 7162 MODSEQ, CHANGEDSINCE): the data items of one message
 * from its index entry, its content and its structure, each read only when an item needs it. ENVELOPE,
 * BODYSTRUCTURE and sections below the whole message are {@link MessageData}'s.
 */
final class FetchResponder {
    private static final DateTimeFormatter INTERNAL_DATE =
            DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ROOT);

    /**
     * The FETCH responses, whether messages had gone from the store meanwhile (NO [EXPUNGEISSUED]), and whether a
     * BINARY item met an encoding nobody can undo (NO [UNKNOWN-CTE], RFC 3516 §4.3).
     */
    record Result(List<Response> responses, boolean expungeIssued, boolean unknownCte) {}

    private FetchResponder() {}

    static Result fetch(Folder folder, MailboxView view, Command.Fetch fetch, boolean readOnly, MailboxView.Format format)
            throws IOException {
        List<Integer> seqs = view.resolve(fetch.set(), fetch.uid());
        OptionalLong since = fetch.changedSince();
        if (since.isPresent()) seqs = seqs.stream().filter(s -> view.at(s).modSeq() > since.getAsLong()).toList();
        List<Response> out = new ArrayList<>();
        if (fetch.vanished() && since.isPresent()) {
            // RFC 7162 §3.2.6: UID FETCH ... (CHANGEDSINCE m VANISHED): expunged UIDs of the set first.
            SelectResponses.vanishedEarlier(folder, view, since.getAsLong(), Optional.of(fetch.set())).ifPresent(out::add);
        }
        boolean setsSeen = !readOnly && fetch.items().stream().anyMatch(FetchResponder::setsSeen);
        if (setsSeen) {
            List<Long> unseen = seqs.stream().map(view::at).filter(m -> !m.has("\\Seen")).map(MessageMeta::uid).toList();
            if (!unseen.isEmpty()) view.update(folder.store(unseen, FlagOperation.ADD, Set.of("\\Seen"), OptionalLong.empty()).updated());
        }
        boolean gone = false;
        boolean unknownCte = false;
        // Most messages share a few flag sets: each set's sorted list is built once per FETCH, not once per message.
        Map<Set<String>, Value> flagLists = new HashMap<>();
        for (int seq : seqs) {
            MessageMeta meta = view.at(seq);
            Message message = new Message(folder, meta);
            List<Value> items = new ArrayList<>();
            boolean uidDone = false;
            boolean flagsDone = false;
            boolean modSeqDone = false;
            if (fetch.uid()) {
                items.add(Value.atom("UID"));
                items.add(Value.number(meta.uid()));
                uidDone = true;
            }
            for (FetchItem item : fetch.items()) {
                switch (item) {
                    case FetchItem.Uid u -> {
                        if (uidDone) continue;
                        items.add(Value.atom("UID"));
                        items.add(Value.number(meta.uid()));
                        uidDone = true;
                    }
                    case FetchItem.Flags f -> {
                        if (flagsDone) continue;
                        items.add(Value.atom("FLAGS"));
                        items.add(flagLists.computeIfAbsent(meta.flags(), set -> MailboxView.flags(meta)));
                        flagsDone = true;
                    }
                    case FetchItem.ModSeq m -> {
                        if (modSeqDone) continue;
                        items.add(Value.atom("MODSEQ"));
                        items.add(Value.list(Value.number(meta.modSeq())));
                        modSeqDone = true;
                    }
                    case FetchItem.InternalDate d -> {
                        items.add(Value.atom("INTERNALDATE"));
                        items.add(new Value.Text(INTERNAL_DATE.format(meta.internalDate().atOffset(ZoneOffset.UTC))));
                    }
                    case FetchItem.Rfc822Size s -> {
                        items.add(Value.atom("RFC822.SIZE"));
                        items.add(Value.number(meta.size()));
                    }
                    case FetchItem.Envelope e -> {
                        Optional<MessageStructure> s = message.structure();
                        if (s.isEmpty()) gone = true;
                        else add(items, "ENVELOPE", MessageData.envelope(s.get().envelope()));
                    }
                    case FetchItem.BodyStructure b -> {
                        Optional<MessageStructure> s = message.structure();
                        if (s.isEmpty()) gone = true;
                        else add(items, "BODYSTRUCTURE", MessageData.bodyStructure(s.get().body(), true));
                    }
                    case FetchItem.Body b -> {
                        Optional<MessageStructure> s = message.structure();
                        if (s.isEmpty()) gone = true;
                        else add(items, "BODY", MessageData.bodyStructure(s.get().body(), false));
                    }
                    case FetchItem.Rfc822 r -> gone |= section(items, "RFC822", message, FetchItem.Section.WHOLE, Optional.empty());
                    case FetchItem.Rfc822Header r -> gone |= section(items, "RFC822.HEADER", message,
                            new FetchItem.Section(List.of(), FetchItem.SectionText.HEADER, List.of()), Optional.empty());
                    case FetchItem.Rfc822Text r -> gone |= section(items, "RFC822.TEXT", message,
                            new FetchItem.Section(List.of(), FetchItem.SectionText.TEXT, List.of()), Optional.empty());
                    case FetchItem.BodySection b -> gone |= section(items, "BODY[" + spec(b.section()) + "]", message, b.section(), b.partial());
                    case FetchItem.Binary b -> {
                        Optional<byte[]> decoded = message.binary(b.part());
                        if (decoded.isEmpty()) {
                            if (message.content().length == 0) gone = true;
                            else unknownCte = true;
                            continue;
                        }
                        String name = "BINARY[" + part(b.part()) + "]";
                        items.add(Value.atom(b.partial().map(p -> name + "<" + p.offset() + ">").orElse(name)));
                        items.add(new Value.Octets(cut(decoded.get(), b.partial()), true));
                    }
                    case FetchItem.BinarySize b -> {
                        Optional<byte[]> decoded = message.binary(b.part());
                        if (decoded.isEmpty()) {
                            if (message.content().length == 0) gone = true;
                            else unknownCte = true;
                            continue;
                        }
                        items.add(Value.atom("BINARY.SIZE[" + part(b.part()) + "]"));
                        items.add(Value.number(decoded.get().length));
                    }
                }
            }
            if (setsSeen && !flagsDone) {
                items.add(Value.atom("FLAGS"));
                items.add(flagLists.computeIfAbsent(meta.flags(), set -> MailboxView.flags(meta)));
            }
            // RFC 7162 §3.1.4.1, §3.2.6: CHANGEDSINCE implies MODSEQ; once CONDSTORE is on, FLAGS come with it.
            if (format.modSeq() && (since.isPresent() || flagsDone) && !modSeqDone) {
                items.add(Value.atom("MODSEQ"));
                items.add(Value.list(Value.number(meta.modSeq())));
            }
            // RFC 9051 §9: msg-att holds at least one item; a message left with none is not told.
            if (!items.isEmpty()) out.add(Response.data(Value.number(seq), Value.atom("FETCH"), new Value.ListOf(items)));
        }
        return new Result(out, gone, unknownCte);
    }

    private static boolean setsSeen(FetchItem item) {
        return switch (item) {
            case FetchItem.BodySection b -> !b.peek();
            case FetchItem.Binary b -> !b.peek();
            case FetchItem.Rfc822 r -> true;
            case FetchItem.Rfc822Text r -> true;
            default -> false;
        };
    }

    private static void add(List<Value> items, String name, Value value) {
        items.add(Value.atom(name));
        items.add(value);
    }

    /** Adds a section's octets; true when the message was gone. */
    private static boolean section(List<Value> items, String name, Message message, FetchItem.Section section,
            Optional<FetchItem.Partial> partial) throws IOException {
        byte[] content = message.content();
        if (content.length == 0 && message.meta.size() > 0) return true;
        byte[] octets;
        if (section.equals(FetchItem.Section.WHOLE)) {
            octets = content;
        } else {
            Optional<MessageStructure> structure = message.structure();
            if (structure.isEmpty()) return true;
            octets = MessageData.section(content, structure.get(), section);
        }
        items.add(Value.atom(partial.map(p -> name + "<" + p.offset() + ">").orElse(name)));
        items.add(new Value.Octets(cut(octets, partial), false));
        return false;
    }

    /** RFC 9051 §6.4.5 partial: from the offset, at most count octets; past the end, nothing. */
    static byte[] cut(byte[] octets, Optional<FetchItem.Partial> partial) {
        if (partial.isEmpty()) return octets;
        long from = Math.min(partial.get().offset(), octets.length);
        long to = Math.min(octets.length, from + partial.get().count());
        return java.util.Arrays.copyOfRange(octets, (int) from, (int) to);
    }

    static String spec(FetchItem.Section section) {
        StringBuilder s = new StringBuilder(part(section.part()));
        String text = switch (section.text()) {
            case ALL -> "";
            case HEADER -> "HEADER";
            case HEADER_FIELDS -> "HEADER.FIELDS";
            case HEADER_FIELDS_NOT -> "HEADER.FIELDS.NOT";
            case TEXT -> "TEXT";
            case MIME -> "MIME";
        };
        if (!text.isEmpty()) s.append(s.isEmpty() ? "" : ".").append(text);
        if (!section.fields().isEmpty()) s.append(" (").append(String.join(" ", section.fields())).append(')');
        return s.toString();
    }

    private static String part(List<Integer> part) {
        StringBuilder s = new StringBuilder();
        for (int p : part) s.append(s.isEmpty() ? "" : ".").append(p);
        return s.toString();
    }

    /** One message's content and structure, each read once and only when asked for. */
    private static final class Message {
        private final Folder folder;
        private final MessageMeta meta;
        private byte[] content;
        private Optional<MessageStructure> structure;

        Message(Folder folder, MessageMeta meta) {
            this.folder = folder;
            this.meta = meta;
        }

        byte[] content() throws IOException {
            if (content == null) {
                Optional<InputStream> in = folder.content(meta.uid());
                if (in.isEmpty()) {
                    content = new byte[0];
                } else {
                    try (InputStream stream = in.get()) {
                        content = stream.readAllBytes();
                    }
                }
            }
            return content;
        }

        Optional<MessageStructure> structure() throws IOException {
            if (structure == null) structure = folder.structure(meta.uid());
            return structure;
        }

        Optional<byte[]> binary(List<Integer> part) throws IOException {
            Optional<MessageStructure> s = structure();
            if (s.isEmpty()) return Optional.empty();
            return MessageData.binary(content(), s.get(), part);
        }
    }
}
