package dev.tern.spool;

import dev.tern.mail.Recipient;

/** One recipient of a spooled message and where its delivery stands. */
public record RecipientState(Recipient recipient, Status status, String diagnostic) {
    public enum Status { PENDING, DELIVERED, FAILED }

    public RecipientState {
        if (recipient == null || status == null || diagnostic == null) throw new IllegalArgumentException("null part");
    }
}
