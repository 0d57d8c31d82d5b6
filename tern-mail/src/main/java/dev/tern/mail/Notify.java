package dev.tern.mail;

/** The DSN {@code NOTIFY=} keywords of RCPT TO (RFC 3461 §4.1). */
public enum Notify { NEVER, SUCCESS, FAILURE, DELAY }
