package dev.tern.smtp.sasl;

import dev.tern.smtp.Credentials;
import java.util.Locale;
import java.util.Optional;

/**
 * The server side of one SASL authentication exchange (RFC 4422 §3). Call {@link #start} once, then
 * {@link #next} for each client response while the last step was a {@link SaslStep.Challenge}. A call after
 * {@link SaslStep.Success} or {@link SaslStep.Failure} is a bug: {@link IllegalStateException}. Not
 * thread-safe; one exchange per instance.
 */
public sealed interface SaslServer permits PlainServer, LoginServer, ScramServer {
    /** The mechanisms, in the order EHLO advertises them (RFC 4954 §3). */
    String MECHANISMS = "PLAIN LOGIN SCRAM-SHA-256";

    /** The first step, given the client's initial response if it sent one (RFC 4422 §3.4; RFC 4954 §4). */
    SaslStep start(Optional<byte[]> initialResponse);

    /** The next step, given the client's decoded response to the last challenge. */
    SaslStep next(byte[] response);

    /** A new exchange for {@code mechanism} (case-insensitive, RFC 4422 §3.1), or empty when not supported. */
    static Optional<SaslServer> of(String mechanism, Credentials credentials) {
        return switch (mechanism.toUpperCase(Locale.ROOT)) {
            case "PLAIN" -> Optional.of(new PlainServer(credentials));
            case "LOGIN" -> Optional.of(new LoginServer(credentials));
            case "SCRAM-SHA-256" -> Optional.of(new ScramServer(credentials, ScramServer.RANDOM_NONCES));
            default -> Optional.empty();
        };
    }
}
