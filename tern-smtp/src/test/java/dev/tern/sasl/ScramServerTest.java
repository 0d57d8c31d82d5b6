package dev.tern.sasl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.sasl.ChannelBinding;
import dev.tern.sasl.Credentials;
import dev.tern.smtp.TableCredentials;
import dev.tern.testbase.ScramClient;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScramServerTest {
    // RFC 7677 §3: the SCRAM-SHA-256 example exchange, user "user", password "pencil".
    static final String CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    static final String SERVER_FIRST = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    static final String CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    final TableCredentials credentials = new TableCredentials();

    ScramServer server() {
        return new ScramServer(credentials, () -> SERVER_NONCE);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void rfc7677ExampleExchangeSucceeds() {
        ScramServer server = server();
        assertThat(server.start(Optional.of(utf8(CLIENT_FIRST)))).isEqualTo(new SaslStep.Challenge(SERVER_FIRST));
        assertThat(server.next(utf8(CLIENT_FINAL))).isEqualTo(new SaslStep.Challenge(SERVER_FINAL));
        assertThat(server.next(new byte[0])).isEqualTo(new SaslStep.Success("user"));
        assertThat(credentials.checks).containsExactly("user ACCEPTED");
    }

    @Test
    void withoutInitialResponseTheFirstChallengeIsEmpty() {
        ScramServer server = server();
        assertThat(server.start(Optional.empty())).isEqualTo(new SaslStep.Challenge(""));
        assertThat(server.next(utf8(CLIENT_FIRST))).isEqualTo(new SaslStep.Challenge(SERVER_FIRST));
    }

    @Test
    void aWrongProofFailsAndIsCounted() {
        ScramServer server = server();
        server.start(Optional.of(utf8(CLIENT_FIRST)));
        String wrong = CLIENT_FINAL.replace("p=dHzb", "p=dHza");
        assertThat(server.next(utf8(wrong))).isEqualTo(SaslStep.REJECTED);
        assertThat(credentials.checks).containsExactly("user REJECTED");
        assertThatThrownBy(() -> server.next(new byte[0])).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWrongPasswordFails() {
        ScramClient client = new ScramClient("alice@local.test", "wrong", "abcdef");
        ScramServer server = new ScramServer(credentials, ScramServer.RANDOM_NONCES);
        var first = (SaslStep.Challenge) server.start(Optional.of(utf8(client.first())));
        assertThat(server.next(utf8(client.last(first.text())))).isEqualTo(SaslStep.REJECTED);
    }

    @Test
    void aGenuineClientWithRandomNoncesSucceeds() {
        ScramClient client = new ScramClient("alice@local.test", "secret", "fyko+d2lbbFgONRv9qkxdawL");
        ScramServer server = new ScramServer(credentials, ScramServer.RANDOM_NONCES);
        var first = (SaslStep.Challenge) server.start(Optional.of(utf8(client.first())));
        assertThat(first.text()).startsWith("r=fyko+d2lbbFgONRv9qkxdawL").hasSizeGreaterThan(40);
        assertThat(server.next(utf8(client.last(first.text())))).isEqualTo(new SaslStep.Challenge(client.expectedServerFinal()));
        assertThat(server.next(new byte[0])).isEqualTo(new SaslStep.Success("alice@local.test"));
    }

    @Test
    void anUnknownUserGetsTheSameMadeUpSaltEveryTimeAndFailsOnlyAtTheEnd() {
        ScramClient client = new ScramClient("nobody@local.test", "secret", "abcdef");
        var first = (SaslStep.Challenge) server().start(Optional.of(utf8(client.first())));
        var again = (SaslStep.Challenge) server().start(Optional.of(utf8(client.first())));
        var other = (SaslStep.Challenge) server().start(Optional.of(utf8(new ScramClient("x@local.test", "s", "abcdef").first())));
        assertThat(first.text()).isEqualTo(again.text()).contains(",i=" + ScramServer.FAKE_ITERATIONS);
        assertThat(other.text()).isNotEqualTo(first.text());
        ScramServer server = server();
        server.start(Optional.of(utf8(client.first())));
        assertThat(server.next(utf8(client.last(first.text())))).isEqualTo(SaslStep.REJECTED);
        assertThat(credentials.checks).containsExactly("nobody@local.test REJECTED");
    }

    @Test
    void aThrottledAccountFailsTemporarily() {
        ScramClient client = new ScramClient("slow@local.test", "x", "abcdef");
        ScramServer server = server();
        var first = (SaslStep.Challenge) server.start(Optional.of(utf8(client.first())));
        assertThat(server.next(utf8(client.last(first.text())))).isEqualTo(new SaslStep.Failure(Credentials.Check.THROTTLED));
    }

    @Test
    void aNonEmptyAnswerToTheServerSignatureFails() {
        ScramServer server = server();
        server.start(Optional.of(utf8(CLIENT_FIRST)));
        server.next(utf8(CLIENT_FINAL));
        assertThat(server.next(utf8("x"))).isEqualTo(SaslStep.REJECTED);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
        # RFC 5802 §6: plain SCRAM-SHA-256 does no channel binding ("p="); "y" is fine without a binding to offer.
        p=tls-exporter,,n=user,r=rOprNGfwEbeRWgbNEkqO | false
        y,,n=user,r=rOprNGfwEbeRWgbNEkqO              | true
        x,,n=user,r=rOprNGfwEbeRWgbNEkqO              | false
        # RFC 5802 §5.1: an unknown mandatory extension m= fails.
        n,,m=ext,n=user,r=rOprNGfwEbeRWgbNEkqO        | false
        # The authzid may only name the user itself.
        n,a=user,n=user,r=rOprNGfwEbeRWgbNEkqO        | true
        n,a=admin,n=user,r=rOprNGfwEbeRWgbNEkqO       | false
        # saslname escapes: only =2C and =3D.
        n,,n=us=3Der,r=abc                            | true
        n,,n=us=2Cer,r=abc                            | true
        n,,n=us=41er,r=abc                            | false
        n,,n=,r=abc                                   | false
        # The nonce is printable ASCII without a comma.
        n,,n=user,r=                                  | false
        n,,n=user                                     | false
        n,,r=abc,n=user                               | false
        n,                                            | false
        ''                                            | false
        """)
    void clientFirstMessageSyntax(String message, boolean accepted) {
        SaslStep step = server().start(Optional.of(utf8(message)));
        assertThat(step instanceof SaslStep.Challenge).isEqualTo(accepted);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
        # c= must be base64 of the gs2 header, r= the whole nonce, p= last.
        c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=
        c=biws,r=rOprNGfwEbeRWgbNEkqO,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=
        c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0
        c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=!!!
        c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzb
        p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=
        """)
    void malformedClientFinalMessagesFail(String message) {
        ScramServer server = server();
        server.start(Optional.of(utf8(CLIENT_FIRST)));
        assertThat(server.next(utf8(message))).isEqualTo(SaslStep.REJECTED);
    }

    @Test
    void malformedUtf8Fails() {
        assertThat(server().start(Optional.of(new byte[] {'n', ',', ',', 'n', '=', (byte) 0xff, ',', 'r', '=', 'a'})))
                .isEqualTo(SaslStep.REJECTED);
    }

    // RFC 9266 tls-exporter: a made-up 32-octet value; the real one comes from the TLS 1.3 connection.
    static final byte[] EXPORTER = exporter(7);
    static final ChannelBinding.TlsExporter BINDING = new ChannelBinding.TlsExporter(EXPORTER);

    static byte[] exporter(int fill) {
        byte[] octets = new byte[32];
        Arrays.fill(octets, (byte) fill);
        octets[0] = (byte) 0xe5; // not all ASCII, to show c= carries octets, not text
        return octets;
    }

    /** Runs a whole exchange; the last step (a failure, or the success after the empty answer to v=). */
    static SaslStep exchange(ScramServer server, ScramClient client) {
        SaslStep first = server.start(Optional.of(utf8(client.first())));
        if (!(first instanceof SaslStep.Challenge(String serverFirst))) return first;
        SaslStep last = server.next(utf8(client.last(serverFirst)));
        if (!(last instanceof SaslStep.Challenge(String serverFinal))) return last;
        assertThat(serverFinal).isEqualTo(client.expectedServerFinal());
        return server.next(new byte[0]);
    }

    ScramServer plus() {
        return ScramServer.plus(credentials, ScramServer.RANDOM_NONCES, BINDING);
    }

    @Test
    void plusWithTheConnectionsTlsExporterSucceeds() {
        ScramClient client = ScramClient.plus("alice@local.test", "secret", "abcdef", EXPORTER);
        assertThat(client.first()).startsWith("p=tls-exporter,,n=alice@local.test,r=abcdef");
        assertThat(exchange(plus(), client)).isEqualTo(new SaslStep.Success("alice@local.test"));
        assertThat(credentials.checks).containsExactly("alice@local.test ACCEPTED");
    }

    @Test
    void plusWithAnotherBindingFails() {
        // RFC 5802 §6: a man in the middle terminates TLS itself, so the client's exporter differs from ours.
        ScramClient client = ScramClient.plus("alice@local.test", "secret", "abcdef", exporter(8));
        assertThat(exchange(plus(), client)).isEqualTo(SaslStep.REJECTED);
    }

    @Test
    void plusWithoutTheBindingDataFails() {
        // c= with the gs2 header alone: what a plain SCRAM client sends.
        ScramClient client = new ScramClient("alice@local.test", "secret", "abcdef", "p=tls-exporter,,", new byte[0]);
        assertThat(exchange(plus(), client)).isEqualTo(SaslStep.REJECTED);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
        # -PLUS binds to tls-exporter only (RFC 9266); cb-names are case-sensitive; n and y are not -PLUS.
        p=tls-exporter,,          | true
        p=tls-exporter,a=alice@local.test, | true
        p=tls-unique,,            | false
        p=tls-server-end-point,,  | false
        p=TLS-EXPORTER,,          | false
        p=,,                      | false
        n,,                       | false
        y,,                       | false
        """)
    void plusAcceptsOnlyTheTlsExporterChannelBindingType(String gs2Header, boolean accepted) {
        ScramClient client = new ScramClient("alice@local.test", "secret", "abcdef", gs2Header, EXPORTER);
        SaslStep step = plus().start(Optional.of(utf8(client.first())));
        assertThat(step instanceof SaslStep.Challenge).isEqualTo(accepted);
        if (accepted) {
            assertThat(exchange(plus(), client)).isEqualTo(new SaslStep.Success("alice@local.test"));
        }
    }

    @Test
    void theYFlagFailsWhereTheServerOffersChannelBinding() {
        // RFC 5802 §6: "y" says "I could bind, but you cannot"; with -PLUS offered, someone stripped the offer.
        ScramClient client = new ScramClient("alice@local.test", "secret", "abcdef", "y,,", new byte[0]);
        ScramServer bound = new ScramServer(credentials, ScramServer.RANDOM_NONCES, BINDING);
        assertThat(bound.start(Optional.of(utf8(client.first())))).isEqualTo(SaslStep.REJECTED);
        ScramServer unbound = new ScramServer(credentials, ScramServer.RANDOM_NONCES, ChannelBinding.NONE);
        assertThat(exchange(unbound, client)).isEqualTo(new SaslStep.Success("alice@local.test"));
    }

    @Test
    void plainScramOnABoundConnectionTakesNButNotP() {
        ScramServer bound = new ScramServer(credentials, ScramServer.RANDOM_NONCES, BINDING);
        assertThat(exchange(bound, new ScramClient("alice@local.test", "secret", "abcdef")))
                .isEqualTo(new SaslStep.Success("alice@local.test"));
        ScramClient plusClient = ScramClient.plus("alice@local.test", "secret", "abcdef", EXPORTER);
        assertThat(exchange(new ScramServer(credentials, ScramServer.RANDOM_NONCES, BINDING), plusClient))
                .isEqualTo(SaslStep.REJECTED);
    }

    @Test
    void plusIsAMechanismOnlyWithABinding() {
        assertThat(SaslServer.of("SCRAM-SHA-256-PLUS", credentials, ChannelBinding.NONE)).isEmpty();
        assertThat(SaslServer.of("scram-sha-256-plus", credentials, BINDING)).containsInstanceOf(ScramServer.class);
        assertThat(SaslServer.mechanisms(ChannelBinding.NONE)).isEqualTo("PLAIN LOGIN SCRAM-SHA-256");
        assertThat(SaslServer.mechanisms(BINDING)).isEqualTo("PLAIN LOGIN SCRAM-SHA-256 SCRAM-SHA-256-PLUS");
    }

    @Test
    void theTlsExporterValueIsCopiedAndNotPrinted() {
        byte[] octets = exporter(1);
        ChannelBinding.TlsExporter binding = new ChannelBinding.TlsExporter(octets);
        octets[1] = 9;
        assertThat(binding.octets()).isEqualTo(exporter(1));
        assertThat(binding).isEqualTo(new ChannelBinding.TlsExporter(exporter(1))).hasToString("TlsExporter[32 octets]");
        assertThatThrownBy(() -> new ChannelBinding.TlsExporter(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
