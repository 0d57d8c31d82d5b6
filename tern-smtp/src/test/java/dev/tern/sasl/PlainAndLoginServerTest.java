package dev.tern.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.sasl.Credentials;
import dev.tern.smtp.TableCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlainAndLoginServerTest {
    final TableCredentials credentials = new TableCredentials();

    /** {@code |} stands for NUL, so the table stays readable. */
    static byte[] message(String text) {
        return text.replace('|', '\0').getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = ';', textBlock = """
        # RFC 4616 §2: [authzid] NUL authcid NUL passwd.
        |alice@local.test|secret                     ; Success[username=alice@local.test]
        alice@local.test|alice@local.test|secret     ; Success[username=alice@local.test]
        |alice@local.test|wrong                      ; Failure[check=REJECTED]
        |nobody@local.test|secret                    ; Failure[check=REJECTED]
        |slow@local.test|secret                      ; Failure[check=THROTTLED]
        # No proxy authorization: the authzid may only be the user itself.
        bob@local.test|alice@local.test|secret       ; Failure[check=REJECTED]
        # Malformed: one NUL, three NULs, empty authcid or password, a control character in the name.
        alice@local.test|secret                      ; Failure[check=REJECTED]
        |alice@local.test|secret|x                   ; Failure[check=REJECTED]
        ||secret                                     ; Failure[check=REJECTED]
        |alice@local.test|                           ; Failure[check=REJECTED]
        |ali\u0001ce@local.test|secret               ; Failure[check=REJECTED]
        ''                                           ; Failure[check=REJECTED]
        """)
    void plain(String text, String expected) {
        String unescaped = text.replace("\\u0001", "\u0001");
        assertThat(new PlainServer(credentials).start(Optional.of(message(unescaped))).toString()).isEqualTo(expected);
    }

    @Test
    void plainWithoutInitialResponseSendsAnEmptyChallengeFirst() {
        PlainServer server = new PlainServer(credentials);
        assertThat(server.start(Optional.empty())).isEqualTo(new SaslStep.Challenge(""));
        assertThat(server.next(message("|alice@local.test|secret"))).isEqualTo(new SaslStep.Success("alice@local.test"));
        assertThatThrownBy(() -> server.next(message("|alice@local.test|secret"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void plainRefusesMalformedUtf8AndOverlongFields() {
        assertThat(new PlainServer(credentials).start(Optional.of(new byte[] {0, 'a', 0, (byte) 0xc3})))
                .isEqualTo(SaslStep.REJECTED);
        assertThat(new PlainServer(credentials).start(Optional.of(message("|alice@local.test|" + "x".repeat(256)))))
                .isEqualTo(SaslStep.REJECTED);
        assertThat(credentials.checks).isEmpty();
    }

    @Test
    void loginPromptsForUsernameThenPassword() {
        LoginServer server = new LoginServer(credentials);
        assertThat(server.start(Optional.empty())).isEqualTo(new SaslStep.Challenge("Username:"));
        assertThat(server.next(message("alice@local.test"))).isEqualTo(new SaslStep.Challenge("Password:"));
        assertThat(server.next(message("secret"))).isEqualTo(new SaslStep.Success("alice@local.test"));
    }

    @Test
    void loginTakesAnInitialResponseAsTheUsername() {
        LoginServer server = new LoginServer(credentials);
        assertThat(server.start(Optional.of(message("alice@local.test")))).isEqualTo(new SaslStep.Challenge("Password:"));
        assertThat(server.next(message("wrong"))).isEqualTo(SaslStep.REJECTED);
        assertThat(credentials.checks).containsExactly("alice@local.test REJECTED");
    }

    @Test
    void loginRefusesAnEmptyUsernameOrPasswordWithoutAsking() {
        assertThat(new LoginServer(credentials).start(Optional.of(new byte[0]))).isEqualTo(SaslStep.REJECTED);
        LoginServer server = new LoginServer(credentials);
        server.start(Optional.of(message("alice@local.test")));
        assertThat(server.next(new byte[0])).isEqualTo(SaslStep.REJECTED);
        assertThat(credentials.checks).isEmpty();
    }

    @Test
    void throttledLoginIsTemporary() {
        LoginServer server = new LoginServer(credentials);
        server.start(Optional.of(message("slow@local.test")));
        assertThat(server.next(message("secret"))).isEqualTo(new SaslStep.Failure(Credentials.Check.THROTTLED));
    }

    @Test
    void mechanismNamesAreCaseInsensitive() {
        assertThat(SaslServer.of("plain", credentials)).containsInstanceOf(PlainServer.class);
        assertThat(SaslServer.of("Scram-Sha-256", credentials)).containsInstanceOf(ScramServer.class);
        assertThat(SaslServer.of("CRAM-MD5", credentials)).isEmpty();
        assertThat(SaslServer.of("SCRAM-SHA-256-PLUS", credentials)).isEmpty();
    }
}
