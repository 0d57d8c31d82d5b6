package dev.tern.pop3;

/**
 * Extended response codes in brackets after {@code -ERR} (RFC 2449 §8, announced by the RESP-CODES
 * capability; RFC 3206 adds AUTH and SYS). They tell a client whether to ask the user for a new password.
 */
public enum ResponseCode {
    /** RFC 2449 §8.1.1: the login is refused for now because of recent activity (Tern: too many failures). */
    LOGIN_DELAY("LOGIN-DELAY"),
    /** RFC 2449 §8.1.2: the maildrop is locked by another POP3 session. */
    IN_USE("IN-USE"),
    /** RFC 3206 §5: the credentials are wrong; the client may ask the user again. */
    AUTH("AUTH"),
    /** RFC 3206 §4: a temporary problem of the server; try again later, the password is fine. */
    SYS_TEMP("SYS/TEMP"),
    /** RFC 3206 §4: a lasting problem of the server or the account, not the password. */
    SYS_PERM("SYS/PERM");

    private final String text;

    ResponseCode(String text) {
        this.text = text;
    }

    /** As sent between the brackets. */
    public String text() {
        return text;
    }
}
