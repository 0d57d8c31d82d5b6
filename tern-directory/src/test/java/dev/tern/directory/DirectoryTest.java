package dev.tern.directory;

import static dev.tern.directory.Fixtures.describe;
import static dev.tern.directory.Fixtures.mailbox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.mail.Domain;
import dev.tern.mail.Mailbox;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DirectoryTest {
    private final Directory strict = new Directory(Fixtures.strict());
    private final Directory open = new Directory(Fixtures.open());

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            # users, matched case-insensitively; the canonical local part is lower-case
            alice@example.com                | USER alice@example.com
            ALICE@EXAMPLE.COM                | USER alice@example.com
            dave@example.com                 | USER dave@example.com
            alice@other.example              | USER alice@other.example
            nobody@example.com               | UNKNOWN
            # not our domain
            alice@remote.example             | REMOTE
            alice@example.com.evil.example   | REMOTE
            # sub-addressing: user+tag is user unless user+tag is itself configured
            bob+news@example.com             | USER bob@example.com
            Bob+News@example.com             | USER bob@example.com
            bob+a+b@example.com              | USER bob@example.com
            info+sales@example.com           | USER info+sales@example.com
            info+other@example.com           | UNKNOWN
            nobody+tag@example.com           | UNKNOWN
            sales+tag@example.com            | ALIAS alice@example.com,bob@example.com
            +bob@example.com                 | UNKNOWN
            # aliases: expanded, chains followed, duplicates removed, remote targets kept as written
            sales@example.com                | ALIAS alice@example.com,bob@example.com
            chain1@example.com               | ALIAS alice@example.com
            fwd@example.com                  | ALIAS  / Friend@remote.example
            mixed@example.com                | ALIAS alice@example.com,bob@example.com / Friend@remote.example
            sub@example.com                  | ALIAS bob@example.com
            # loops end; a loop that reaches nobody is unknown
            loop-a@example.com               | UNKNOWN
            loop-c@example.com               | ALIAS bob@example.com
            loop-d@example.com               | ALIAS bob@example.com
            # lists: members expanded like aliases
            team@example.com                 | LIST alice@example.com,bob@example.com,carol@other.example / ext@remote.example
            all@other.example                | LIST alice@example.com,bob@example.com,carol@other.example / ext@remote.example
            empty@other.example              | UNKNOWN
            # RFC 5321 §4.5.1: postmaster at every local domain, configured or not, in any case; a domain with
            # no postmaster of its own shares the primary domain's (example.com, the first)
            postmaster@example.com           | ALIAS alice@example.com
            PostMaster@example.com           | ALIAS alice@example.com
            postmaster@other.example         | ALIAS alice@example.com
            POSTMASTER@bücher.example        | ALIAS alice@example.com
            postmaster+x@other.example       | ALIAS alice@example.com
            postmaster@remote.example        | REMOTE
            # RFC 5890: U-labels and A-labels are the same domain
            jörg@xn--bcher-kva.example       | USER jörg@xn--bcher-kva.example
            JÖRG@bücher.example              | USER jörg@xn--bcher-kva.example
            hans@bücher.example              | ALIAS jörg@xn--bcher-kva.example
            """)
    void resolvesInStrictMode(String address, String expected) {
        assertThat(describe(strict.resolve(mailbox(address)))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            anyone@localhost          | USER anyone@localhost
            AnyOne@LocalHost          | USER anyone@localhost
            anyone+tag@example.com    | USER anyone@example.com
            sales@example.com         | ALIAS alice@example.com / x@remote.example
            sales+x@example.com       | ALIAS alice@example.com / x@remote.example
            postmaster@localhost      | USER postmaster@localhost
            # the primary domain (localhost, the first) holds the postmaster of every other local domain
            postmaster@example.com    | USER postmaster@localhost
            PostMaster+x@example.com  | USER postmaster@localhost
            anyone@remote.example     | REMOTE
            """)
    void resolvesEveryLocalPartWhenOpen(String address, String expected) {
        assertThat(describe(open.resolve(mailbox(address)))).isEqualTo(expected);
    }

    // RFC 5321 §4.1.2 allows nearly anything in a quoted local part; it is only ever a lookup key here.
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            'a b'
            ../x
            ../../etc/passwd
            a/b
            a;b
            $(x)
            `id`
            a|b
            '"a"'
            a\\b
            %2e%2e
            .
            ..
            *
            alice\u0000x
            """)
    void hostileLocalPartsAreData(String localPart) {
        Mailbox address;
        try {
            address = new Mailbox(localPart, Domain.parse("example.com"));
        } catch (IllegalArgumentException e) {
            return; // refused by Mailbox itself (a control character): never reaches the directory
        }
        assertThat(strict.resolve(address)).isEqualTo(new Resolution.Unknown());
        assertThat(open.resolve(address)).isEqualTo(new Resolution.Local(
                List.of(Directory.canonical(address)), List.of(), Resolution.Kind.USER));
    }

    @Test
    void localPartThatGrowsWhenLowerCasedStaysAsWritten() {
        Mailbox address = new Mailbox("\u0130".repeat(32), Domain.parse("example.com"));
        assertThat(strict.resolve(address)).isEqualTo(new Resolution.Unknown());
        assertThat(open.resolve(address)).isEqualTo(
                new Resolution.Local(List.of(address), List.of(), Resolution.Kind.USER));
    }

    @Test
    void isLocalIsIdnaAwareAndCaseBlind() {
        assertThat(strict.isLocal(Domain.parse("BÜCHER.example"))).isTrue();
        assertThat(strict.isLocal(Domain.parse("xn--bcher-kva.example."))).isTrue();
        assertThat(strict.isLocal(Domain.parse("Example.Com"))).isTrue();
        assertThat(strict.isLocal(Domain.parse("localhost"))).isFalse();
        assertThat(new Directory(DirectorySettings.defaults()).isLocal(Domain.parse("localhost"))).isTrue();
    }

    @Test
    void anAddedDomainIsLocalWithTheConfiguredRules() {
        Directory directory = new Directory(DirectorySettings.defaults()); // any local part at localhost
        Mailbox alice = mailbox("alice@added.example");
        assertThat(directory.resolve(alice)).isEqualTo(new Resolution.Remote());
        directory.addDomain(Domain.parse("Added.Example"));
        directory.addDomain(Domain.parse("added.example")); // idempotent
        assertThat(directory.isLocal(Domain.parse("added.example"))).isTrue();
        assertThat(directory.resolve(alice)).isEqualTo(new Resolution.Local(List.of(alice), List.of(), Resolution.Kind.USER));
        assertThat(directory.resolve(mailbox("bob@localhost"))).isInstanceOf(Resolution.Local.class);
    }

    @Test
    void chainDeeperThanTheLimitReachesNobody() {
        Map<Mailbox, List<Mailbox>> aliases = new HashMap<>();
        int links = Directory.MAX_DEPTH + 5;
        for (int i = 0; i < links; i++) {
            aliases.put(mailbox("a" + i + "@example.com"), List.of(mailbox("a" + (i + 1) + "@example.com")));
        }
        aliases.put(mailbox("a" + links + "@example.com"), List.of(mailbox("end@remote.example")));
        Directory deep = new Directory(new DirectorySettings(
                Set.of(Domain.parse("example.com")), false, Set.of(), aliases, Map.of(), "+"));

        assertThat(deep.resolve(mailbox("a0@example.com"))).isEqualTo(new Resolution.Unknown());
        assertThat(describe(deep.resolve(mailbox("a10@example.com")))).isEqualTo("ALIAS  / end@remote.example");
    }

    @Test
    void aDomainsOwnPostmasterWinsAndTheFirstDomainHoldsTheRest() {
        // zz.example is listed first, so it is the primary domain although it sorts last.
        Directory directory = new Directory(new DirectorySettings(
                Fixtures.domains("zz.example", "aa.example", "mx.aa.example"), false,
                Set.of(mailbox("root@zz.example"), mailbox("hostmaster@aa.example")),
                Map.of(mailbox("postmaster@zz.example"), List.of(mailbox("root@zz.example")),
                        mailbox("postmaster@aa.example"), List.of(mailbox("hostmaster@aa.example"))),
                Map.of(), "+"));
        assertThat(describe(directory.resolve(mailbox("postmaster@aa.example")))).isEqualTo("ALIAS hostmaster@aa.example");
        assertThat(describe(directory.resolve(mailbox("postmaster@mx.aa.example")))).isEqualTo("ALIAS root@zz.example");
        assertThat(describe(directory.resolve(mailbox("Postmaster@zz.example")))).isEqualTo("ALIAS root@zz.example");
    }

    @Test
    void subaddressingCanBeTurnedOff() {
        Directory plain = new Directory(new DirectorySettings(Set.of(Domain.parse("example.com")), false,
                Set.of(mailbox("bob@example.com")), Map.of(), Map.of(), ""));
        assertThat(plain.resolve(mailbox("bob+tag@example.com"))).isEqualTo(new Resolution.Unknown());
    }

    @Test
    void refusesConfigurationErrors() {
        Set<Domain> local = Set.of(Domain.parse("example.com"));
        assertThatThrownBy(() -> new DirectorySettings(local, false, Set.of(mailbox("a@elsewhere.example")),
                Map.of(), Map.of(), "+")).hasMessageContaining("not at a local domain");
        assertThatThrownBy(() -> new DirectorySettings(local, false, Set.of(mailbox("a@example.com")),
                Map.of(mailbox("A@example.com"), List.of(mailbox("x@remote.example"))), Map.of(), "+"))
                .hasMessageContaining("more than once");
        assertThatThrownBy(() -> new Directory(new DirectorySettings(local, false, Set.of(),
                Map.of(mailbox("a@example.com"), List.of(mailbox("typo@example.com"))), Map.of(), "+")))
                .hasMessageContaining("unknown typo@example.com");
        assertThatThrownBy(() -> new DirectorySettings(Set.of(), true, Set.of(), Map.of(), Map.of(), "+"))
                .hasMessageContaining("no local domain");
    }
}
