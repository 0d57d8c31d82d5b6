package dev.tern.directory;

import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The configuration the directory tests share, and a compact text form of results for tables. */
final class Fixtures {
    private Fixtures() {}

    static Mailbox mailbox(String address) {
        int at = address.lastIndexOf('@');
        return Mailbox.of(address.substring(0, at), address.substring(at + 1));
    }

    /** Local domains in this order: the first is the primary domain. */
    static Set<Domain> domains(String... names) {
        Set<Domain> domains = new LinkedHashSet<>();
        for (String name : names) domains.add(Domain.parse(name));
        return domains;
    }

    static List<Mailbox> mailboxes(String... addresses) {
        return Arrays.stream(addresses).map(Fixtures::mailbox).toList();
    }

    /** Strict mode: only configured addresses (and postmaster) exist. */
    static DirectorySettings strict() {
        return new DirectorySettings(
                domains("example.com", "other.example", "bücher.example"),
                false,
                Set.copyOf(mailboxes("alice@example.com", "bob@example.com", "Dave@Example.COM",
                        "carol@other.example", "info+sales@example.com", "jörg@bücher.example",
                        "alice@other.example")),
                Map.ofEntries(
                        Map.entry(mailbox("sales@example.com"), mailboxes("alice@example.com", "bob@example.com")),
                        Map.entry(mailbox("chain1@example.com"), mailboxes("chain2@example.com")),
                        Map.entry(mailbox("chain2@example.com"), mailboxes("CHAIN3@example.com")),
                        Map.entry(mailbox("chain3@example.com"), mailboxes("alice@example.com")),
                        Map.entry(mailbox("loop-a@example.com"), mailboxes("loop-b@example.com")),
                        Map.entry(mailbox("loop-b@example.com"), mailboxes("loop-a@example.com")),
                        Map.entry(mailbox("loop-c@example.com"), mailboxes("loop-d@example.com")),
                        Map.entry(mailbox("loop-d@example.com"), mailboxes("loop-c@example.com", "bob@example.com")),
                        Map.entry(mailbox("fwd@example.com"), mailboxes("Friend@Remote.example")),
                        Map.entry(mailbox("mixed@example.com"), mailboxes("alice@example.com",
                                "Friend@Remote.example", "ALICE@example.com", "bob+x@example.com",
                                "Friend@Remote.example")),
                        Map.entry(mailbox("postmaster@example.com"), mailboxes("alice@example.com")),
                        Map.entry(mailbox("hans@xn--bcher-kva.example"), mailboxes("jörg@bücher.example")),
                        Map.entry(mailbox("sub@example.com"), mailboxes("bob+folder@example.com"))),
                Map.of(
                        mailbox("team@example.com"), mailboxes("alice@example.com", "sales@example.com",
                                "ext@remote.example", "carol@other.example"),
                        mailbox("all@other.example"), mailboxes("team@example.com", "carol@other.example"),
                        mailbox("empty@other.example"), List.of()),
                "+");
    }

    /** The no-config mode: every local part at a local domain is a user. */
    static DirectorySettings open() {
        return new DirectorySettings(domains("localhost", "example.com"), true,
                Set.of(), Map.of(mailbox("sales@example.com"), mailboxes("alice@example.com", "x@remote.example")),
                Map.of(), "+");
    }

    /** {@code USER a@b}, {@code ALIAS a@b,c@d / r@e}, {@code REMOTE} or {@code UNKNOWN}. */
    static String describe(Resolution resolution) {
        return switch (resolution) {
            case Resolution.Local(List<Mailbox> local, List<Mailbox> remote, Resolution.Kind kind) ->
                    kind + " " + join(local) + (remote.isEmpty() ? "" : " / " + join(remote));
            case Resolution.Remote _ -> "REMOTE";
            case Resolution.Unknown _ -> "UNKNOWN";
        };
    }

    static String join(List<Mailbox> mailboxes) {
        return mailboxes.stream().map(Mailbox::toString).collect(Collectors.joining(","));
    }
}
