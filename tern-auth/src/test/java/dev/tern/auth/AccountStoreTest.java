package dev.tern.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.testbase.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccountStoreTest {
    static final AuthSettings CHEAP = new AuthSettings(new PasswordHash.Cost(64, 1, 1), 4096, Duration.ZERO,
            AuthThrottle.Policy.defaults());

    @TempDir
    Path data;

    private AccountStore open() throws Exception {
        return AccountStore.open(data, CHEAP, Clock.systemUTC());
    }

    @Test
    void addedAccountIsFoundUnderAnySpellingOfItsName() throws Exception {
        AccountStore store = open();

        AccountChange change = store.add("Alice@Example.COM", "correct horse");

        assertThat(change).isInstanceOf(AccountChange.Done.class);
        Account alice = store.find("ALICE@example.com").orElseThrow();
        assertThat(alice.username()).isEqualTo("alice@example.com");
        assertThat(alice.passwordHash().matches("correct horse")).isTrue();
        assertThat(alice.scram()).isEqualTo(ScramKeys.derive("correct horse", alice.scram().salt(), 4096));
        assertThat(store.list()).extracting(Account::username).containsExactly("alice@example.com");
    }

    @Test
    void accountsSurviveReopening() throws Exception {
        AccountStore store = open();
        store.add("bob@example.com", "password-b");
        store.add("alice@example.com", "password-a");

        AccountStore reopened = open();

        assertThat(reopened.list()).extracting(Account::username).containsExactly("alice@example.com", "bob@example.com");
        assertThat(reopened.find("bob@example.com")).isEqualTo(store.find("bob@example.com"));
    }

    @Test
    void fileIsOwnerOnlyVersionedAndTabSeparated() throws Exception {
        open().add("alice@example.com", "correct horse");

        Path file = data.resolve("accounts");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).startsWith("# Tern accounts, format v1");
        assertThat(lines.get(1)).matches("v1\talice@example\\.com\t\\$argon2id\\$v=19\\$m=64,t=1,p=1\\$\\S+\\$\\S+"
                + "\tscram-sha-256:4096:[A-Za-z0-9+/=]{24}:[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}");
        assertThat(Files.list(data).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("accounts", "accounts.lock");
    }

    @Test
    void passwdReplacesBothHashAndScramKeys() throws Exception {
        AccountStore store = open();
        store.add("alice@example.com", "old password");
        Account before = store.find("alice@example.com").orElseThrow();

        assertThat(store.passwd("alice@example.com", "new password")).isInstanceOf(AccountChange.Done.class);

        Account after = store.find("alice@example.com").orElseThrow();
        assertThat(after.passwordHash().matches("new password")).isTrue();
        assertThat(after.passwordHash().matches("old password")).isFalse();
        assertThat(after.scram()).isNotEqualTo(before.scram());
    }

    @Test
    void deleteRemovesTheAccount() throws Exception {
        AccountStore store = open();
        store.add("alice@example.com", "password-a");
        store.add("bob@example.com", "password-b");

        assertThat(store.delete("Alice@example.com")).isInstanceOf(AccountChange.Done.class);

        assertThat(store.find("alice@example.com")).isEmpty();
        assertThat(open().list()).extracting(Account::username).containsExactly("bob@example.com");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        add    | alice@example.com | another password | account alice@example.com exists
        add    | not-an-address    | another password | username must be an email address such as alice@example.com
        add    | new@example.com   | short            | password must have at least 8 characters
        passwd | nobody@example.com| another password | no account nobody@example.com
        passwd | alice@example.com | short            | password must have at least 8 characters
        del    | nobody@example.com| -                | no account nobody@example.com
        del    | @example.com      | -                | username must be an email address such as alice@example.com
        """)
    void refusesWithAReason(String operation, String username, String password, String reason) throws Exception {
        AccountStore store = open();
        store.add("alice@example.com", "first password");
        String before = Files.readString(data.resolve("accounts"));

        AccountChange change = switch (operation) {
            case "add" -> store.add(username, password);
            case "passwd" -> store.passwd(username, password);
            default -> store.delete(username);
        };

        assertThat(change).isEqualTo(new AccountChange.Refused(reason));
        assertThat(Files.readString(data.resolve("accounts"))).isEqualTo(before);
    }

    @Test
    void missingFileMeansNoAccounts() throws Exception {
        AccountStore store = open();

        assertThat(store.list()).isEmpty();
        assertThat(store.find("alice@example.com")).isEmpty();
        assertThat(data.resolve("accounts")).doesNotExist();
    }

    @Test
    void changeByAnotherInstanceIsSeenWithoutRestart() throws Exception {
        AccountStore server = open();
        AccountStore cli = open();
        assertThat(server.find("alice@example.com")).isEmpty();

        cli.add("alice@example.com", "password-a");
        assertThat(server.find("alice@example.com")).isPresent();

        cli.passwd("alice@example.com", "password-b");
        assertThat(server.find("alice@example.com").orElseThrow().passwordHash().matches("password-b")).isTrue();

        cli.delete("alice@example.com");
        assertThat(server.find("alice@example.com")).isEmpty();
    }

    @Test
    void fileIsLookedAtAtMostOncePerReloadInterval() throws Exception {
        MutableClock clock = new MutableClock();
        AuthSettings settings = new AuthSettings(CHEAP.passwordCost(), 4096, Duration.ofSeconds(1), CHEAP.throttle());
        AccountStore server = AccountStore.open(data, settings, clock);
        open().add("alice@example.com", "password-a");

        assertThat(server.find("alice@example.com")).isEmpty();
        clock.advance(Duration.ofMillis(999));
        assertThat(server.find("alice@example.com")).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(server.find("alice@example.com")).isPresent();
    }

    @Test
    void concurrentChangesFromTwoInstancesAreAllKept() throws Exception {
        AccountStore first = open();
        AccountStore second = open();
        List<Callable<AccountChange>> adds = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            AccountStore store = i % 2 == 0 ? first : second;
            String user = "user" + i + "@example.com";
            String password = "password" + i;
            adds.add(() -> store.add(user, password));
        }
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<AccountChange> f : executor.invokeAll(adds)) assertThat(f.get()).isInstanceOf(AccountChange.Done.class);
        }

        assertThat(open().list()).hasSize(16);
        assertThat(first.list()).hasSize(16);
    }

    @Test
    void invalidFileIsRefusedOnOpenWithItsLineNumber() throws Exception {
        Files.writeString(data.resolve("accounts"), "# comment\n\nv2\talice@example.com\tx\ty\n");

        assertThatThrownBy(this::open).isInstanceOf(AccountFileException.class)
                .hasMessage("accounts line 3: unknown format version (expected v1)");
    }

    @Test
    void fileBrokenWhileRunningKeepsTheLastGoodAccounts() throws Exception {
        AccountStore server = open();
        server.add("alice@example.com", "password-a");
        Path file = data.resolve("accounts");
        String good = Files.readString(file);

        Files.writeString(file, good + "v1\tbroken\n");
        assertThat(server.find("alice@example.com")).isPresent();

        assertThatThrownBy(() -> server.add("bob@example.com", "password-b")).isInstanceOf(AccountFileException.class)
                .hasMessageContaining("line 3");
        Files.writeString(file, good.replace("alice@", "carol@"));
        assertThat(server.find("carol@example.com")).isPresent();
        assertThat(server.find("alice@example.com")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        v1\tAlice@example.com\tH\tS                          | username is not a canonical address
        v1\talice@example.com\tH                             | expected 4 tab-separated fields
        v1\talice@example.com\t$argon2i$v=19$m=8,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA\tS | not an $argon2id$v=19$ PHC string
        v1\talice@example.com\tGOODHASH\tscram-sha-1:4096:a:b:c | expected scram-sha-256:…
        v1\talice@example.com\tGOODHASH\tscram-sha-256:4096:AAAA:AAAA | expected scram-sha-256:iterations:salt:storedKey:serverKey
        v1\talice@example.com\tGOODHASH\tscram-sha-256:1000:GOODSALT:GOODKEY:GOODKEY | at least 4096 iterations (RFC 7677 §4)
        v1\talice@example.com\tGOODHASH\tscram-sha-256:4096:AAAA:GOODKEY:GOODKEY | salt of at least 16 octets
        """)
    void rejectsMalformedLines(String line, String reason) {
        String text = line.replace("\\t", "\t")
                .replace("GOODHASH", "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4")
                .replace("GOODSALT", "AAAAAAAAAAAAAAAAAAAAAA==")
                .replace("GOODKEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");

        assertThatThrownBy(() -> AccountFile.parse(text)).isInstanceOf(AccountFileException.class)
                .hasMessage("accounts line 1: " + reason);
    }

    @Test
    void repeatedUsernameMakesTheFileInvalid() throws Exception {
        AccountStore store = open();
        store.add("alice@example.com", "password-a");
        List<String> lines = Files.readAllLines(data.resolve("accounts"));

        assertThatThrownBy(() -> AccountFile.parse(String.join("\n", lines) + "\n" + lines.get(1)))
                .isInstanceOf(AccountFileException.class)
                .hasMessage("accounts line 3: alice@example.com appears twice");
    }
}
