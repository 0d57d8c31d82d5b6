package dev.tern.imap;

/** RFC 9051 §6.3.11 status-att, with RFC 7162 §3.1.9 HIGHESTMODSEQ and RFC 3501's RECENT. */
public enum StatusItem {
    MESSAGES,
    UIDNEXT,
    UIDVALIDITY,
    UNSEEN,
    DELETED,
    SIZE,
    HIGHESTMODSEQ,
    RECENT
}
