package dev.tern.sasl;

import dev.tern.sasl.ChannelBinding;
import dev.tern.sasl.Credentials;
import java.util.Locale;
import java.util.Optional;

/**
 * The server side of one SASL authentication exchange (RFC 4422 §3). Call {@link #start} once, then
 * {@link #next} for each client response while the last step was a {@link SaslStep.Challenge}. A call after
 * {@link SaslStep.Success} or {@link SaslStep.Failure} is a bug: {@link IllegalStateException}. Not
 * thread-safe; one exchange per instance.
 */
public sealed interface SaslServer permits PlainServer, LoginServer, ScramServer {
    /** The mechanisms, in the order EHLO advertises them (RFC 4954 §3), on a connection without channel binding. */
    String MECHANISMS = "PLAIN LOGIN SCRAM-SHA-256";

    /** The mechanisms on a connection with a channel binding (RFC 5802 §6, RFC 9266: TLS 1.3). */
    String MECHANISMS_PLUS = MECHANISMS + " SCRAM-SHA-256-PLUS";

    /** What EHLO advertises on a connection with {@code binding}. */
    static String mechanisms(ChannelBinding binding) {
        return binding instanceof ChannelBinding.TlsExporter ? MECHANISMS_PLUS : MECHANISMS;
    }

    /** The first step, given the client's initial response if it sent one (RFC 4422 §3.4; RFC 4954 §4). */
    SaslStep start(Optional<byte[]> initialResponse);

    /** The next step, given the client's decoded response to the last challenge. */
    SaslStep next(byte[] response);

    /** A new exchange for {@code mechanism} (case-insensitive, RFC 4422 §3.1) without channel binding. */
    static Optional<SaslServer> of(String mechanism, Credentials credentials) {
        return of(mechanism, credentials, ChannelBinding.NONE);
    }

    /**
     * A new exchange for {@code mechanism} (case-insensitive, RFC 4422 §3.1) on a connection with
     * {@code binding}, or empty when not supported; SCRAM-SHA-256-PLUS only with a {@code tls-exporter} binding.
     */
    static Optional<SaslServer> of(String mechanism, Credentials credentials, ChannelBinding binding) {
        return switch (mechanism.toUpperCase(Locale.ROOT)) {
            case "PLAIN" -> Optional.of(new PlainServer(credentials));
            case "LOGIN" -> Optional.of(new LoginServer(credentials));
            case "SCRAM-SHA-256" -> Optional.of(new ScramServer(credentials, ScramServer.RANDOM_NONCES, binding));
            case "SCRAM-SHA-256-PLUS" -> switch (binding) {
                case ChannelBinding.TlsExporter exporter ->
                        Optional.<SaslServer>of(ScramServer.plus(credentials, ScramServer.RANDOM_NONCES, exporter));
                case ChannelBinding.None _ -> Optional.empty();
            };
            default -> Optional.empty();
        };
    }
}
