package dev.tern.pop3;

import dev.tern.mail.Mailbox;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * RFC 1939 §4: a session in the TRANSACTION state holds an exclusive lock on its maildrop, so two POP3 sessions
 * of one user never see (and delete from) the same message numbers. One instance per server, shared by all of
 * its POP3 sessions; in-process only (IMAP sessions do not take it: they share the folder by its own rules).
 * Thread-safe.
 */
public final class MaildropLocks {
    private final Set<String> held = new HashSet<>();

    /** The lock on {@code mailbox}, or empty when another session holds it. */
    public Optional<Lock> acquire(Mailbox mailbox) {
        String key = mailbox.canonicalLocalPart() + "@" + mailbox.domain().name();
        synchronized (held) {
            if (!held.add(key)) return Optional.empty();
        }
        return Optional.of(new Lock(key));
    }

    /** Whether some session holds the lock on {@code mailbox}; for tests and diagnostics. */
    public boolean isLocked(Mailbox mailbox) {
        synchronized (held) {
            return held.contains(mailbox.canonicalLocalPart() + "@" + mailbox.domain().name());
        }
    }

    /** A held lock; closing it again does nothing. */
    public final class Lock implements AutoCloseable {
        private final String key;
        private boolean released;

        private Lock(String key) {
            this.key = key;
        }

        @Override
        public void close() {
            synchronized (held) {
                if (released) return;
                released = true;
                held.remove(key);
            }
        }
    }
}
