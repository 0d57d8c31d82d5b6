package dev.tern.pop3;

import dev.tern.sasl.ChannelBinding;
import dev.tern.sasl.Credentials;
import dev.tern.sasl.SaslServer;
import dev.tern.sasl.SaslStep;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The POP3 side of one AUTH command (RFC 5034 §4): base64 on the wire, {@code +} challenges, {@code *}
 * cancellation and the final response; the SASL work is a {@link SaslServer}'s. A failure says the same for
 * an unknown user as for a wrong password.
 */
final class AuthExchange {
    /** What the session does with the client's last AUTH line. */
    sealed interface Outcome {
        record Continue(Response.Challenge challenge) implements Outcome {}

        record Authenticated(String username) implements Outcome {}

        record Failed(Response.Err response, boolean counts) implements Outcome {}
    }

    static final Response.Err FAILED = new Response.Err(ResponseCode.AUTH, "authentication failed");
    // RFC 2449 §8.1.1: refused for now; the password may be right, so the client should not ask for a new one.
    static final Response.Err THROTTLED =
            new Response.Err(ResponseCode.LOGIN_DELAY, "too many failed logins; try again later");

    private final SaslServer server;

    private AuthExchange(SaslServer server) {
        this.server = server;
    }

    /** The mechanisms offered on a connection with {@code binding} (CAPA's SASL line and AUTH's list). */
    static List<String> mechanisms(ChannelBinding binding) {
        return binding instanceof ChannelBinding.TlsExporter
                ? List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS") : List.of("PLAIN", "SCRAM-SHA-256");
    }

    /** The exchange (while it goes on) and what to answer now. */
    record Started(Optional<AuthExchange> exchange, Outcome outcome) {}

    static Started start(String mechanism, Optional<String> initialResponse, Credentials credentials,
                         ChannelBinding binding) {
        Optional<SaslServer> server = mechanisms(binding).contains(mechanism.toUpperCase(Locale.ROOT))
                ? SaslServer.of(mechanism, credentials, binding) : Optional.empty();
        // RFC 5034 §4: an unsupported mechanism is -ERR (and so is -PLUS without a channel binding).
        if (server.isEmpty()) return over(new Outcome.Failed(new Response.Err("unsupported SASL mechanism"), true));
        Optional<byte[]> initial = Optional.empty();
        if (initialResponse.isPresent()) {
            // RFC 5034 §4: "=" is an initial response of zero length.
            initial = initialResponse.get().equals("=") ? Optional.of(new byte[0]) : decode(initialResponse.get());
            if (initial.isEmpty()) return over(new Outcome.Failed(new Response.Err("initial response is not base64"), true));
        }
        Outcome outcome = outcome(server.get().start(initial));
        AuthExchange exchange = new AuthExchange(server.get());
        return new Started(outcome instanceof Outcome.Continue ? Optional.of(exchange) : Optional.empty(), outcome);
    }

    /** The client's line after a challenge; after anything but {@link Outcome.Continue} the exchange is over. */
    Outcome respond(String line) {
        // RFC 5034 §4: "*" cancels the exchange, and the server answers -ERR.
        if (line.equals("*")) return new Outcome.Failed(new Response.Err("authentication cancelled"), false);
        Optional<byte[]> response = line.isEmpty() ? Optional.of(new byte[0]) : decode(line);
        if (response.isEmpty()) return new Outcome.Failed(new Response.Err("response is not base64"), true);
        return outcome(server.next(response.get()));
    }

    private static Started over(Outcome outcome) {
        return new Started(Optional.empty(), outcome);
    }

    private static Outcome outcome(SaslStep step) {
        return switch (step) {
            case SaslStep.Challenge(String text) -> new Outcome.Continue(
                    new Response.Challenge(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))));
            case SaslStep.Success(String username) -> new Outcome.Authenticated(username);
            case SaslStep.Failure(Credentials.Check check) ->
                    new Outcome.Failed(check == Credentials.Check.THROTTLED ? THROTTLED : FAILED, true);
        };
    }

    /** Strict base64 (RFC 4648 §4): the standard alphabet, correct padding, no spaces. */
    private static Optional<byte[]> decode(String text) {
        if (text.isEmpty() || text.length() % 4 != 0) return Optional.empty();
        try {
            return Optional.of(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) { // the client's bad base64: the caller answers -ERR
            return Optional.empty();
        }
    }
}
