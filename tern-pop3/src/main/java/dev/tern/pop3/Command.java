package dev.tern.pop3;

import java.util.Optional;

/**
 * One POP3 command line, parsed (RFC 1939 §3: a keyword of 3 or 4 characters, case-insensitive, and arguments
 * separated by single spaces). A line that cannot be a command is an {@link Invalid} carrying the reply text.
 * Message numbers are 1-based and positive; whether they exist is the session's business.
 */
public sealed interface Command {
    /** RFC 2449 §5. */
    record Capa() implements Command {}

    /** RFC 2595 §4. */
    record Stls() implements Command {}

    /** RFC 1939 §7: the user name, as sent. */
    record User(String name) implements Command {
        public User {
            if (name == null || name.isEmpty()) throw new IllegalArgumentException("empty user name");
        }

        @Override
        public String toString() {
            return "User[" + name + "]";
        }
    }

    /** RFC 1939 §7: the rest of the line, spaces included (the RFC allows a server to take them as the password). */
    record Pass(String password) implements Command {
        public Pass {
            if (password == null || password.isEmpty()) throw new IllegalArgumentException("empty password");
        }

        @Override
        public String toString() {
            return "Pass[<redacted>]";
        }
    }

    /**
     * RFC 5034 §4: {@code AUTH mechanism [initial-response]}; without a mechanism, the list of mechanisms (as
     * many servers answer, after the withdrawn RFC 1734 drafts; Outlook asks so).
     */
    record Auth(Optional<String> mechanism, Optional<String> initialResponse) implements Command {
        public Auth {
            if (mechanism == null || initialResponse == null) throw new IllegalArgumentException("null AUTH part");
            if (mechanism.isEmpty() && initialResponse.isPresent()) throw new IllegalArgumentException("response without mechanism");
        }

        @Override
        public String toString() {
            return "Auth[" + mechanism.orElse("") + (initialResponse.isPresent() ? " <redacted>" : "") + "]";
        }
    }

    record Stat() implements Command {}

    /** RFC 1939 §5: {@code LIST [msg]}. */
    record List(Optional<Integer> message) implements Command {
        public List {
            if (message == null) throw new IllegalArgumentException("null message number");
        }
    }

    /** RFC 1939 §7: {@code UIDL [msg]}. */
    record Uidl(Optional<Integer> message) implements Command {
        public Uidl {
            if (message == null) throw new IllegalArgumentException("null message number");
        }
    }

    record Retr(int message) implements Command {}

    /** RFC 1939 §7: the headers and the first {@code lines} lines of the body. */
    record Top(int message, int lines) implements Command {
        public Top {
            if (lines < 0) throw new IllegalArgumentException("negative line count");
        }
    }

    record Dele(int message) implements Command {}

    record Rset() implements Command {}

    record Noop() implements Command {}

    record Quit() implements Command {}

    /** Not a command Tern knows (APOP and LAST among them). */
    record Unknown(String keyword) implements Command {}

    /** A known command with bad arguments, or a line that is no command at all: {@code -ERR text}. */
    record Invalid(String text) implements Command {
        public Invalid {
            if (text == null || text.isEmpty()) throw new IllegalArgumentException("no reason");
        }
    }
}
