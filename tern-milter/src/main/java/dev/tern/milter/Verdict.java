package dev.tern.milter;

import java.util.Objects;

/**
 * A filter's answer to one stage. What each means depends on the stage, as libmilter documents it
 * (see docs/milter.md): {@code Reject} and {@code Tempfail} at {@code RCPT} refuse that recipient only; at
 * {@code MAIL} and later they refuse the message; {@code Accept} and {@code Discard} end filtering for the message
 * (at {@code connect} and {@code HELO}: for the connection).
 */
public sealed interface Verdict {
    /** Go on to the next stage. */
    record Continue() implements Verdict {}

    /** Accept without asking this filter anything more (for this message, or at connect for the connection). */
    record Accept() implements Verdict {}

    /** Refuse permanently with this 5xx reply ({@code SMFIR_REJECT}, or a 5xx {@code SMFIR_REPLYCODE}). */
    record Reject(SmtpReply reply) implements Verdict {
        public Reject {
            Objects.requireNonNull(reply, "reply");
            if (!reply.permanent()) throw new IllegalArgumentException("a reject needs a 5xx reply");
        }
    }

    /** Refuse temporarily with this 4xx reply ({@code SMFIR_TEMPFAIL}, a 4xx {@code SMFIR_REPLYCODE}, a failed filter). */
    record Tempfail(SmtpReply reply) implements Verdict {
        public Tempfail {
            Objects.requireNonNull(reply, "reply");
            if (reply.permanent()) throw new IllegalArgumentException("a tempfail needs a 4xx reply");
        }
    }

    /** Accept the message and silently drop it: answer 250, deliver to no one. */
    record Discard() implements Verdict {}

    Verdict CONTINUE = new Continue();
    Verdict ACCEPT = new Accept();
    Verdict DISCARD = new Discard();
    Verdict REJECT = new Reject(SmtpReply.REJECT);
    Verdict TEMPFAIL = new Tempfail(SmtpReply.TEMPFAIL);
}
