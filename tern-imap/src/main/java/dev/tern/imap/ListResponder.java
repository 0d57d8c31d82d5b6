package dev.tern.imap;

import dev.tern.store.FolderInfo;
import dev.tern.store.Folders;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * LIST (RFC 9051 §6.3.9 with RFC 5258 LIST-EXTENDED, RFC 6154 SPECIAL-USE, RFC 5819 LIST-STATUS) and RFC 3501's
 * LSUB over a user's {@link Folders}. The hierarchy separator is the store's {@code .} (Maildir++, as Dovecot
 * shows it), so names need no translation.
 */
final class ListResponder {
    static final String SEPARATOR = String.valueOf(Folders.SEPARATOR);

    private ListResponder() {}

    /**
     * One name LIST answers with, its attributes, and whether it has subscribed children the pattern did not
     * match (RFC 5258 §3.5 CHILDINFO, sent only with RECURSIVEMATCH).
     */
    record Entry(MailboxName name, List<String> attributes, boolean selectable, boolean subscribedChildren) {
        Entry(MailboxName name, List<String> attributes, boolean selectable) {
            this(name, attributes, selectable, false);
        }
    }

    static List<Entry> list(Folders folders, Command.ListMailboxes list) throws IOException {
        List<FolderInfo> all = folders.list();
        Set<String> subscribed = Set.copyOf(folders.subscriptions());
        List<NamePattern> patterns = list.patterns().stream().map(p -> pattern(list.reference(), p)).toList();
        boolean subscribedOnly = list.selection().contains(Command.ListSelection.SUBSCRIBED);
        boolean specialOnly = list.selection().contains(Command.ListSelection.SPECIAL_USE);
        boolean returnSubscribed = subscribedOnly || list.returns().contains(Command.ListReturn.SUBSCRIBED);
        Map<String, FolderInfo> byName = new LinkedHashMap<>();
        for (FolderInfo f : all) byName.put(f.name(), f);
        List<Entry> entries = new ArrayList<>();
        List<String> names = new ArrayList<>(byName.keySet());
        boolean recursive = list.selection().contains(Command.ListSelection.RECURSIVEMATCH);
        List<String> subscribedNames = new ArrayList<>();
        if (subscribedOnly) {
            names = new ArrayList<>();
            for (FolderInfo f : all) if (subscribed.contains(f.name()) || f.subscribed()) subscribedNames.add(f.name());
            for (String s : folders.subscriptions()) if (!byName.containsKey(s)) subscribedNames.add(s);
            // RFC 5258 §3.5: RECURSIVEMATCH also lists the parents of subscribed names the pattern does not match.
            for (FolderInfo f : all) {
                if (subscribedNames.contains(f.name()) || (recursive && childInfo(f.name(), subscribedNames, patterns))) names.add(f.name());
            }
            for (String n : subscribedNames) if (!byName.containsKey(n)) names.add(n);
        }
        for (String name : names) {
            if (patterns.stream().noneMatch(p -> p.matches(name))) continue;
            boolean isSubscribed = subscribedNames.contains(name);
            boolean childInfo = recursive && childInfo(name, subscribedNames, patterns);
            if (subscribedOnly && !isSubscribed && !childInfo) continue;
            FolderInfo info = byName.get(name);
            if (specialOnly && (info == null || info.use().isEmpty())) continue;
            List<String> attributes = new ArrayList<>();
            if (info == null) {
                attributes.add("\\NonExistent");
            } else {
                boolean children = all.stream().anyMatch(f -> f.name().startsWith(name + SEPARATOR));
                attributes.add(children ? "\\HasChildren" : "\\HasNoChildren");
                info.use().ifPresent(u -> attributes.add(u.attribute()));
            }
            if (returnSubscribed && (subscribed.contains(name) || (info != null && info.subscribed()))) {
                attributes.add("\\Subscribed");
            }
            entries.add(new Entry(new MailboxName(name), attributes, info != null, childInfo));
        }
        return entries;
    }

    /** Whether a subscribed name below {@code name} is one the patterns do not match. */
    private static boolean childInfo(String name, List<String> subscribedNames, List<NamePattern> patterns) {
        String prefix = name + SEPARATOR;
        return subscribedNames.stream().anyMatch(s -> s.startsWith(prefix) && patterns.stream().noneMatch(p -> p.matches(s)));
    }

    static List<Entry> lsub(Folders folders, Command.Lsub lsub) throws IOException {
        NamePattern pattern = pattern(lsub.reference(), lsub.pattern());
        Set<String> existing = new java.util.HashSet<>();
        for (FolderInfo f : folders.list()) existing.add(f.name());
        List<Entry> entries = new ArrayList<>();
        for (String name : folders.subscriptions()) {
            if (!pattern.matches(name)) continue;
            entries.add(new Entry(new MailboxName(name), existing.contains(name) ? List.of() : List.of("\\Noselect"), existing.contains(name)));
        }
        return entries;
    }

    static Response response(String kind, Entry entry) {
        Value attributes = new Value.ListOf(entry.attributes().stream().<Value>map(Value.Atom::new).toList());
        if (entry.subscribedChildren()) {
            return Response.data(Value.atom(kind), attributes, new Value.Text(SEPARATOR), new Value.Mailbox(entry.name()),
                    Value.list(new Value.Text("CHILDINFO"), Value.list(new Value.Text("SUBSCRIBED"))));
        }
        return Response.data(Value.atom(kind), attributes, new Value.Text(SEPARATOR), new Value.Mailbox(entry.name()));
    }

    /**
     * RFC 9051 §6.3.9: the reference and pattern joined; {@code *} matches anything, {@code %} anything but the
     * separator. INBOX matches case-insensitively (§5.1).
     */
    static NamePattern pattern(String reference, String pattern) {
        String full = reference.isEmpty() || pattern.startsWith(SEPARATOR) ? pattern : reference + pattern;
        if (full.length() >= 5 && full.substring(0, 5).equalsIgnoreCase("INBOX")
                && (full.length() == 5 || full.charAt(5) == Folders.SEPARATOR)) {
            full = "INBOX" + full.substring(5);
        }
        return new NamePattern(full);
    }

    /**
     * A LIST pattern, matched in time linear in the product of the lengths (no regular expression: a pattern of
     * many {@code *} against a long name made a backtracking matcher run for seconds, found by review).
     */
    record NamePattern(String pattern) {
        boolean matches(String name) {
            // matched[j]: pattern[0, i) matches name[0, j), row by row over the pattern.
            boolean[] matched = new boolean[name.length() + 1];
            matched[0] = true;
            for (int i = 0; i < pattern.length(); i++) {
                char p = pattern.charAt(i);
                boolean[] next = new boolean[name.length() + 1];
                if (p == '*' || p == '%') {
                    boolean reachable = false;
                    for (int j = 0; j <= name.length(); j++) {
                        if (matched[j]) reachable = true;
                        next[j] = reachable;
                        // % does not cross the hierarchy separator: a separator ends the run it may extend.
                        if (p == '%' && j < name.length() && name.charAt(j) == Folders.SEPARATOR) reachable = false;
                    }
                } else {
                    for (int j = 0; j < name.length(); j++) next[j + 1] = matched[j] && name.charAt(j) == p;
                }
                matched = next;
            }
            return matched[name.length()];
        }
    }

    /** The empty pattern asks for the separator (RFC 9051 §6.3.9): {@code * LIST (\Noselect) "." ""}. */
    static Optional<Response> separatorQuery(Command.ListMailboxes list) {
        if (list.patterns().size() != 1 || !list.patterns().getFirst().isEmpty()) return Optional.empty();
        return Optional.of(Response.data(Value.atom("LIST"), Value.list(Value.atom("\\Noselect")), new Value.Text(SEPARATOR),
                new Value.Text("")));
    }

    static boolean isInbox(String name) {
        return name.toUpperCase(Locale.ROOT).equals("INBOX");
    }
}
