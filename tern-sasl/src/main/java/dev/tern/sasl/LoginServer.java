package dev.tern.sasl;

import dev.tern.sasl.Credentials;
import java.util.Optional;

/**
 * LOGIN (draft-murchison-sasl-login-00, obsolete but still what many clients try first): the server prompts
 * {@code Username:} then {@code Password:}. An initial response is taken as the user name, as Cyrus SASL and
 * Postfix do.
 */
public final class LoginServer implements SaslServer {
    static final String USERNAME = "Username:";
    static final String PASSWORD = "Password:";

    private enum State { USERNAME, PASSWORD, DONE }

    private final Credentials credentials;
    private State state = State.USERNAME;
    private String username;

    public LoginServer(Credentials credentials) {
        if (credentials == null) throw new IllegalArgumentException("no credentials");
        this.credentials = credentials;
    }

    @Override
    public SaslStep start(Optional<byte[]> initialResponse) {
        return initialResponse.map(this::next).orElseGet(() -> new SaslStep.Challenge(USERNAME));
    }

    @Override
    public SaslStep next(byte[] response) {
        Optional<String> text = SaslText.utf8(response);
        return switch (state) {
            case USERNAME -> {
                if (text.isEmpty() || !SaslText.isUsername(text.get())) yield fail();
                username = text.get();
                state = State.PASSWORD;
                yield new SaslStep.Challenge(PASSWORD);
            }
            case PASSWORD -> {
                state = State.DONE;
                if (text.isEmpty() || !SaslText.isPassword(text.get())) yield SaslStep.REJECTED;
                yield switch (credentials.verifyPassword(username, text.get())) {
                    case ACCEPTED -> new SaslStep.Success(username);
                    case REJECTED -> SaslStep.REJECTED;
                    case THROTTLED -> new SaslStep.Failure(Credentials.Check.THROTTLED);
                };
            }
            case DONE -> throw new IllegalStateException("LOGIN exchange already finished");
        };
    }

    private SaslStep fail() {
        state = State.DONE;
        return SaslStep.REJECTED;
    }
}
