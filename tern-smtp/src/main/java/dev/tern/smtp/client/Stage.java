package dev.tern.smtp.client;

/**
 * Which command a reply answers, so the caller can pick its read timeout (RFC 5321 §4.5.3.2: greeting 5 min,
 * MAIL 5 min, RCPT 5 min, DATA initiation 2 min, the reply after the data 10 min; the others are not named,
 * 5 min is usual) and say in a log line where a connection failed ("lost connection after RCPT").
 */
public enum Stage {
    GREETING, HELLO, STARTTLS, AUTH, RSET, MAIL, RCPT, DATA, END_OF_DATA, QUIT;

    /** Before MAIL: a failure here means the destination could not be used at all (QUEUE-SHAPE §1). */
    public boolean beforeMail() {
        return ordinal() < RSET.ordinal();
    }
}
