package dev.tern.smtp;

import dev.tern.mail.Domain;
import dev.tern.mail.MailOptions;
import dev.tern.mail.Recipient;
import dev.tern.mail.ReversePath;

/**
 * One SMTP command line as {@link CommandParser} understood it (RFC 5321 §4.1.1). A line that is not a valid
 * command is an {@link Invalid} value carrying the reply to send, never an exception.
 */
public sealed interface Command {
    /** RFC 5321 §4.1.1.1: the client's domain or address literal, already validated and canonical. */
    record Helo(Domain client) implements Command {
        public Helo {
            if (client == null) throw new IllegalArgumentException("no client domain");
        }
    }

    /** RFC 5321 §4.1.1.1, extended SMTP. */
    record Ehlo(Domain client) implements Command {
        public Ehlo {
            if (client == null) throw new IllegalArgumentException("no client domain");
        }
    }

    /** RFC 5321 §4.1.1.2 with the parameters of RFC 1870, RFC 6152, RFC 6531 and RFC 3461. */
    record MailFrom(ReversePath from, MailOptions options) implements Command {
        public MailFrom {
            if (from == null || options == null) throw new IllegalArgumentException("null MAIL part");
        }
    }

    /** RFC 5321 §4.1.1.3 with the DSN parameters of RFC 3461. */
    record RcptTo(Recipient to) implements Command {
        public RcptTo {
            if (to == null) throw new IllegalArgumentException("no recipient");
        }
    }

    /** RFC 5321 §4.1.1.4. */
    record Data() implements Command {}

    /** RFC 3030 §2: a chunk of exactly {@code size} octets follows the command line. */
    record Bdat(long size, boolean last) implements Command {
        public Bdat {
            if (size < 0) throw new IllegalArgumentException("negative chunk size");
        }
    }

    /** RFC 5321 §4.1.1.5. */
    record Rset() implements Command {}

    /** RFC 5321 §4.1.1.9; the optional argument is ignored. */
    record Noop() implements Command {}

    /** RFC 5321 §4.1.1.10. */
    record Quit() implements Command {}

    /** RFC 5321 §4.1.1.6: the raw argument, which may be a user name or a mailbox. */
    record Vrfy(String argument) implements Command {
        public Vrfy {
            if (argument == null || argument.isEmpty()) throw new IllegalArgumentException("empty VRFY argument");
        }
    }

    /** RFC 5321 §4.1.1.7: the raw argument, a list name. */
    record Expn(String argument) implements Command {
        public Expn {
            if (argument == null || argument.isEmpty()) throw new IllegalArgumentException("empty EXPN argument");
        }
    }

    /** RFC 5321 §4.1.1.8: the topic, empty when none was given. */
    record Help(String topic) implements Command {
        public Help {
            if (topic == null) throw new IllegalArgumentException("topic must be empty, not null");
        }
    }

    /** RFC 3207. */
    record StartTls() implements Command {}

    /** RFC 4954 §4: everything after {@code AUTH }, mechanism and optional initial response. */
    record Auth(String rest) implements Command {
        public Auth {
            if (rest == null || rest.isEmpty()) throw new IllegalArgumentException("empty AUTH argument");
        }
    }

    /** A line that is not a valid command; {@code reply} says why (500, 501, 553, 555 ...). */
    record Invalid(Reply reply) implements Command {
        public Invalid {
            if (reply == null || !reply.isError()) throw new IllegalArgumentException("an invalid command needs an error reply");
        }
    }
}
