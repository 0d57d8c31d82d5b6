package dev.tern.smtp.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Whether and how the client authenticates (RFC 4954), for a smart host. */
public sealed interface ClientAuth {
    ClientAuth NONE = new None();

    record None() implements ClientAuth {}

    /**
     * SASL PLAIN (RFC 4616) with an empty authorization identity. Only ever sent over TLS. {@link #toString()}
     * never shows the password.
     */
    record Plain(String username, String password) implements ClientAuth {
        public Plain {
            if (username == null || username.isEmpty() || password == null) throw new IllegalArgumentException("PLAIN needs a user name and a password");
            if (username.indexOf('\0') >= 0 || password.indexOf('\0') >= 0) throw new IllegalArgumentException("NUL in credentials");
        }

        /** RFC 4616 §2: {@code [authzid] NUL authcid NUL passwd}, base64 for the initial response (RFC 4954 §4). */
        String initialResponse() {
            return Base64.getEncoder().encodeToString(("\0" + username + "\0" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Plain[username=" + username + ", password=<redacted>]";
        }
    }

    static ClientAuth plain(String username, String password) {
        return new Plain(username, password);
    }
}
