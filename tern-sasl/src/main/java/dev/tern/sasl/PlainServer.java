package dev.tern.sasl;

import dev.tern.sasl.Credentials;
import java.util.Optional;

/**
 * PLAIN (RFC 4616): one message {@code [authzid] NUL authcid NUL passwd}. Without an initial response the
 * server sends an empty challenge first (RFC 4422 §3.4). An authorization identity other than the
 * authentication identity is refused: Tern has no proxy authorization.
 */
public final class PlainServer implements SaslServer {
    private final Credentials credentials;
    private boolean done;

    public PlainServer(Credentials credentials) {
        if (credentials == null) throw new IllegalArgumentException("no credentials");
        this.credentials = credentials;
    }

    @Override
    public SaslStep start(Optional<byte[]> initialResponse) {
        return initialResponse.map(this::next).orElseGet(() -> new SaslStep.Challenge(""));
    }

    @Override
    public SaslStep next(byte[] response) {
        if (done) throw new IllegalStateException("PLAIN exchange already finished");
        done = true;
        Optional<String> text = SaslText.utf8(response);
        if (text.isEmpty()) return SaslStep.REJECTED;
        // RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd; exactly two NULs.
        String[] parts = text.get().split("\0", -1);
        if (parts.length != 3) return SaslStep.REJECTED;
        String authzid = parts[0];
        String authcid = parts[1];
        String password = parts[2];
        if (!SaslText.isUsername(authcid) || !SaslText.isPassword(password)) return SaslStep.REJECTED;
        // RFC 4616 §2: the server decides whether authcid may act as authzid; Tern allows only itself.
        if (!authzid.isEmpty() && !authzid.equals(authcid)) return SaslStep.REJECTED;
        return switch (credentials.verifyPassword(authcid, password)) {
            case ACCEPTED -> new SaslStep.Success(authcid);
            case REJECTED -> SaslStep.REJECTED;
            case THROTTLED -> new SaslStep.Failure(Credentials.Check.THROTTLED);
        };
    }
}
