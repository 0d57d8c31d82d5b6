package dev.tern.smtp;

/** A policy's answer to a recipient: accept it, or refuse it with a reply (4yz to defer, 5yz to reject). */
public sealed interface Verdict {
    Verdict ACCEPT = new Accept();

    record Accept() implements Verdict {}

    record Reject(Reply reply) implements Verdict {
        public Reject {
            if (!reply.isError()) throw new IllegalArgumentException("a rejection needs a 4yz or 5yz reply");
        }
    }
}
