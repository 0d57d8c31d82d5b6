package dev.tern.sasl;

import dev.tern.sasl.Credentials;

/** What a SASL server mechanism answers to a client response. */
public sealed interface SaslStep {
    /** Send this challenge (text, base64-encoded by the caller) and pass the client's response to {@code next}. */
    record Challenge(String text) implements SaslStep {
        public Challenge {
            if (text == null) throw new IllegalArgumentException("null challenge");
        }
    }

    /** The client proved it is {@code username}; the exchange is over. */
    record Success(String username) implements SaslStep {
        public Success {
            if (username == null || username.isEmpty()) throw new IllegalArgumentException("no username");
        }
    }

    /**
     * The exchange failed: {@link Credentials.Check#REJECTED} for bad credentials or a malformed message,
     * {@link Credentials.Check#THROTTLED} when the check was refused for now.
     */
    record Failure(Credentials.Check check) implements SaslStep {
        public Failure {
            if (check == null || check == Credentials.Check.ACCEPTED) throw new IllegalArgumentException("a failure is not accepted");
        }
    }

    SaslStep REJECTED = new Failure(Credentials.Check.REJECTED);
}
