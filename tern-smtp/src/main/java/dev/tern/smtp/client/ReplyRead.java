package dev.tern.smtp.client;

import dev.tern.smtp.Reply;

/** What feeding octets from the server to a {@link ReplyParser} gave. */
public sealed interface ReplyRead {
    /** Every octet was consumed and no reply is complete yet: read more. */
    record Incomplete() implements ReplyRead {}

    /**
     * A whole reply. {@code consumed} octets of the input were used; the rest belongs to the next reply
     * (RFC 2920: a pipelining server may send several replies in one segment).
     */
    record Complete(Reply reply, int consumed) implements ReplyRead {
        public Complete {
            if (reply == null || consumed < 0) throw new IllegalArgumentException("bad complete reply");
        }
    }

    /**
     * The server broke the reply grammar or its bounds. The conversation can no longer be trusted to stay in
     * step: the caller closes the connection ({@link SmtpClientSession#malformedReply()}).
     */
    record Malformed(String reason) implements ReplyRead {
        public Malformed {
            if (reason == null || reason.isBlank()) throw new IllegalArgumentException("no reason");
        }
    }
}
