package dev.tern.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.sasl.Credentials.Check;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccountCredentialsTest {
    @TempDir
    Path data;

    private AccountStore store;
    private AccountCredentials credentials;

    @BeforeEach
    void setUp() throws Exception {
        store = AccountStore.open(data, AccountStoreTest.CHEAP, Clock.systemUTC());
        store.add("alice@example.com", "correct horse");
        credentials = new AccountCredentials(store);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        alice@example.com  | correct horse | ACCEPTED
        ALICE@Example.Com  | correct horse | ACCEPTED
        alice@example.com  | correct Horse | REJECTED
        alice@example.com  | ''            | REJECTED
        bob@example.com    | correct horse | REJECTED
        alice              | correct horse | REJECTED
        ''                 | correct horse | REJECTED
        """)
    void checksPasswordAgainstTheHash(String username, String password, Check expected) {
        assertThat(credentials.verifyPassword(username, password)).isEqualTo(expected);
    }

    @Test
    void scramKeysAreTheAccountsAndEmptyForUnknownUsers() {
        assertThat(credentials.scramSha256("Alice@example.com"))
                .contains(store.find("alice@example.com").orElseThrow().scram());
        assertThat(credentials.scramSha256("bob@example.com")).isEmpty();
        assertThat(credentials.scramOutcome("alice@example.com", true)).isEqualTo(Check.ACCEPTED);
        assertThat(credentials.scramOutcome("alice@example.com", false)).isEqualTo(Check.REJECTED);
    }

    @Test
    void passwordChangeTakesEffectWithoutNewCredentials() throws Exception {
        AccountStore.open(data, AccountStoreTest.CHEAP, Clock.systemUTC()).passwd("alice@example.com", "battery staple");

        assertThat(credentials.verifyPassword("alice@example.com", "correct horse")).isEqualTo(Check.REJECTED);
        assertThat(credentials.verifyPassword("alice@example.com", "battery staple")).isEqualTo(Check.ACCEPTED);
    }

    @Test
    void unknownUserCostsAnArgon2Check() {
        // The dummy hash uses the store's cost, so an unknown name is not answered faster.
        PasswordHash dummyShape = PasswordHash.create("x", store.settings().passwordCost(), new java.security.SecureRandom());
        assertThat(dummyShape.cost()).isEqualTo(store.find("alice@example.com").orElseThrow().passwordHash().cost());
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) credentials.verifyPassword("nobody@example.com", "correct horse");
        long unknown = System.nanoTime() - start;
        start = System.nanoTime();
        for (int i = 0; i < 20; i++) credentials.verifyPassword("alice@example.com", "wrong horse");
        long known = System.nanoTime() - start;

        assertThat(unknown).isGreaterThan(known / 4);
    }
}
