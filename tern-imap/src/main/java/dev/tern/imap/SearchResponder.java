package dev.tern.imap;

import dev.tern.imap.SessionState.Selected;
import dev.tern.store.Folder;
import dev.tern.store.MessageMeta;
import dev.tern.store.MessageStructure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SEARCH and UID SEARCH (RFC 9051 §6.4.4) with RFC 4731 ESEARCH results and RFC 7162 §3.1.5 MODSEQ; the
 * criteria are {@link SearchMatcher}'s. IMAP4rev2 clients, and any that wrote {@code RETURN}, get ESEARCH.
 */
final class SearchResponder {
    private SearchResponder() {}

    static Step search(ImapSession session, Command.Search search, Selected s) throws IOException {
        if (usesSaved(search.key())) return session.command(new Command.Invalid(search.tag(), Response.bad(search.tag(), "$ (SEARCHRES) is not supported")));
        boolean modSeqKey = usesModSeq(search.key());
        if (modSeqKey) session.enableCondStore();
        MailboxView view = s.view();
        List<Long> found = new ArrayList<>();
        long highest = 0;
        for (int seq = 1; seq <= view.size(); seq++) {
            Candidate candidate = new Candidate(s.folder(), view, seq);
            if (SearchMatcher.matches(search.key(), candidate)) {
                found.add(search.uid() ? candidate.meta().uid() : seq);
                highest = Math.max(highest, candidate.meta().modSeq());
            }
        }
        List<Response> out = new ArrayList<>();
        if (search.returns().isPresent() || session.rev2()) {
            Set<Command.SearchReturn> returns = EnumSet.noneOf(Command.SearchReturn.class);
            returns.addAll(search.returns().orElse(Set.of()));
            returns.remove(Command.SearchReturn.SAVE);
            if (returns.isEmpty()) returns.add(Command.SearchReturn.ALL);
            List<Value> items = new ArrayList<>();
            items.add(Value.atom("ESEARCH"));
            items.add(Value.list(Value.atom("TAG"), new Value.Text(search.tag())));
            if (search.uid()) items.add(Value.atom("UID"));
            if (!found.isEmpty() && returns.contains(Command.SearchReturn.MIN)) add(items, "MIN", Value.number(found.getFirst()));
            if (!found.isEmpty() && returns.contains(Command.SearchReturn.MAX)) add(items, "MAX", Value.number(found.getLast()));
            if (!found.isEmpty() && returns.contains(Command.SearchReturn.ALL)) add(items, "ALL", Value.atom(Sets.compress(found)));
            if (returns.contains(Command.SearchReturn.COUNT)) add(items, "COUNT", Value.number(found.size()));
            if (modSeqKey && !found.isEmpty()) add(items, "MODSEQ", Value.number(highest));
            out.add(new Response.Data(items));
        } else {
            List<Value> items = new ArrayList<>();
            items.add(Value.atom("SEARCH"));
            for (long n : found) items.add(Value.number(n));
            if (modSeqKey && !found.isEmpty()) items.add(Value.list(Value.atom("MODSEQ"), Value.number(highest)));
            out.add(new Response.Data(items));
        }
        return session.finish(out, Response.ok(search.tag(), "SEARCH completed"), search.uid());
    }

    private static void add(List<Value> items, String name, Value value) {
        items.add(Value.atom(name));
        items.add(value);
    }

    static boolean usesSaved(SearchKey key) {
        return switch (key) {
            case SearchKey.Sequence q -> q.set().saved();
            case SearchKey.Uid u -> u.set().saved();
            case SearchKey.Not n -> usesSaved(n.key());
            case SearchKey.Or o -> usesSaved(o.left()) || usesSaved(o.right());
            case SearchKey.And a -> a.keys().stream().anyMatch(SearchResponder::usesSaved);
            default -> false;
        };
    }

    static boolean usesModSeq(SearchKey key) {
        return switch (key) {
            case SearchKey.ModSeq m -> true;
            case SearchKey.Not n -> usesModSeq(n.key());
            case SearchKey.Or o -> usesModSeq(o.left()) || usesModSeq(o.right());
            case SearchKey.And a -> a.keys().stream().anyMatch(SearchResponder::usesModSeq);
            default -> false;
        };
    }

    /** One message as the matcher sees it; content and structure read on first use. */
    private static final class Candidate implements SearchMatcher.Candidate {
        private final Folder folder;
        private final MailboxView view;
        private final int seq;
        private byte[] content;
        private MessageStructure structure;

        Candidate(Folder folder, MailboxView view, int seq) {
            this.folder = folder;
            this.view = view;
            this.seq = seq;
        }

        @Override
        public long sequence() {
            return seq;
        }

        @Override
        public long largestSequence() {
            return view.size();
        }

        @Override
        public long largestUid() {
            return view.largestUid();
        }

        @Override
        public MessageMeta meta() {
            return view.at(seq);
        }

        @Override
        public byte[] content() {
            if (content == null) {
                try {
                    Optional<InputStream> in = folder.content(meta().uid());
                    if (in.isEmpty()) {
                        content = new byte[0];
                    } else {
                        try (InputStream stream = in.get()) {
                            content = stream.readAllBytes();
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return content;
        }

        @Override
        public MessageStructure structure() {
            if (structure == null) {
                try {
                    structure = folder.structure(meta().uid()).orElseGet(Candidate::minimal);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return structure;
        }

        private static MessageStructure minimal() {
            return new MessageStructure(
                    new MessageStructure.Envelope(null, null, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), null, null),
                    new MessageStructure.Part("text", "plain", Map.of(), null, null, "7BIT", null, null, Map.of(), List.of(), null,
                            0, 0, 0, 0, List.of(), Optional.empty()));
        }
    }
}
