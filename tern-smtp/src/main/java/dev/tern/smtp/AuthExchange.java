package dev.tern.smtp;

import dev.tern.sasl.ChannelBinding;
import dev.tern.sasl.Credentials;
import dev.tern.sasl.SaslServer;
import dev.tern.sasl.SaslStep;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The SMTP side of one AUTH command (RFC 4954 §4): the mechanism and initial response, base64 on the wire,
 * {@code 334} challenges, {@code *} cancellation and the final reply. The SASL work itself is a
 * {@link SaslServer}'s. The session decides whether AUTH may start at all.
 *
 * <p>Replies never repeat what the client sent, and a failure says the same for an unknown user as for a
 * wrong password (RFC 4954 §6: 535 5.7.8).
 */
final class AuthExchange {
    /** What the session does with the client's last AUTH line. */
    sealed interface Outcome {
        /** Send this 334 challenge and read one more line. */
        record Continue(Reply challenge) implements Outcome {}

        /** 235: the client is {@code username}. */
        record Authenticated(String username) implements Outcome {}

        /** The AUTH command failed with this reply. */
        record Failed(Reply reply) implements Outcome {}
    }

    private final SaslServer server;

    private AuthExchange(SaslServer server) {
        this.server = server;
    }

    /**
     * Starts an exchange from the AUTH arguments {@code mechanism [initial-response]}; the exchange to continue
     * comes with a {@link Outcome.Continue}, otherwise it is over.
     */
    static Started start(String arguments, Credentials credentials, ChannelBinding binding) {
        String[] words = arguments.split(" ", -1);
        if (words.length > 2 || words[0].isEmpty()) return Started.over(new Outcome.Failed(Replies.BAD_ARGUMENTS));
        Optional<SaslServer> server = SaslServer.of(words[0], credentials, binding);
        // RFC 4954 §4: an unsupported mechanism is 504 (also SCRAM-SHA-256-PLUS without a channel binding).
        if (server.isEmpty()) return Started.over(new Outcome.Failed(Replies.UNKNOWN_MECHANISM));
        Optional<byte[]> initial = Optional.empty();
        if (words.length == 2) {
            // RFC 4954 §4: "=" is an initial response of zero length.
            initial = words[1].equals("=") ? Optional.of(new byte[0]) : decode(words[1]);
            if (initial.isEmpty()) return Started.over(new Outcome.Failed(Replies.BAD_BASE64));
        }
        AuthExchange exchange = new AuthExchange(server.get());
        Outcome outcome = outcome(server.get().start(initial));
        return new Started(outcome instanceof Outcome.Continue ? Optional.of(exchange) : Optional.empty(), outcome);
    }

    /** The exchange (while it goes on) and what to answer now. */
    record Started(Optional<AuthExchange> exchange, Outcome outcome) {
        static Started over(Outcome outcome) {
            return new Started(Optional.empty(), outcome);
        }
    }

    /** The client's answer to the last challenge; after anything but {@link Outcome.Continue} the exchange is over. */
    Outcome respond(String line) {
        // RFC 4954 §4: "*" cancels, and the server MUST answer 501.
        if (line.equals("*")) return new Outcome.Failed(Replies.AUTH_CANCELLED);
        // RFC 4954 §4: a response that is not base64 is 501 (§6: 5.5.2). An empty line is an empty response.
        Optional<byte[]> response = line.isEmpty() ? Optional.of(new byte[0]) : decode(line);
        if (response.isEmpty()) return new Outcome.Failed(Replies.BAD_BASE64);
        return outcome(server.next(response.get()));
    }

    private static Outcome outcome(SaslStep step) {
        return switch (step) {
            // RFC 4954 §4: "334" SP [base64] CRLF; the challenge carries no enhanced status code.
            case SaslStep.Challenge(String text) -> new Outcome.Continue(Reply.plain(334,
                    List.of(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)))));
            case SaslStep.Success(String username) -> new Outcome.Authenticated(username);
            case SaslStep.Failure(Credentials.Check check) -> new Outcome.Failed(
                    check == Credentials.Check.THROTTLED ? Replies.AUTH_UNAVAILABLE : Replies.AUTH_FAILED);
        };
    }

    /** Strict base64 (RFC 4648 §4, as RFC 4954 §4 requires): the standard alphabet, correct padding, no spaces. */
    private static Optional<byte[]> decode(String text) {
        if (text.isEmpty() || text.length() % 4 != 0) return Optional.empty();
        try {
            return Optional.of(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) { // the client's bad base64: the caller answers 501 5.5.2
            return Optional.empty();
        }
    }
}
