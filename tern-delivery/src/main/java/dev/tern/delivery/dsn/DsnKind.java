package dev.tern.delivery.dsn;

/**
 * What a DSN mainly reports, which picks its subject: a failure when any recipient failed, else a delay when
 * any is delayed, else a success report (delivered, relayed or expanded).
 */
public enum DsnKind {
    FAILURE("Undelivered Mail Returned to Sender"),
    DELAY("Delayed Mail (still being retried)"),
    SUCCESS("Successful Mail Delivery Report");

    private final String subject;

    DsnKind(String subject) {
        this.subject = subject;
    }

    public String subject() {
        return subject;
    }
}
