package dev.tern.smtp;

import java.util.List;

/**
 * The fixed replies of the SMTP core, named for what they mean. Text is generic on purpose: no internals, and
 * never the client's own words (STYLE: reply text is generic).
 */
public final class Replies {
    private Replies() {}

    // RFC 5321 §4.2.2 and RFC 3463 §3.6: 2yz, success.
    public static final Reply OK = Reply.of(250, "2.0.0", "Ok");
    public static final Reply SENDER_OK = Reply.of(250, "2.1.0", "Ok");
    public static final Reply RECIPIENT_OK = Reply.of(250, "2.1.5", "Ok");
    public static final Reply BYE = Reply.of(221, "2.0.0", "Bye");
    public static final Reply HELP = Reply.of(214, "2.0.0",
            "Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY EXPN HELP");
    // RFC 5321 §3.5.3: 252 when the server will not verify but will try delivery.
    public static final Reply CANNOT_VRFY = Reply.of(252, "2.5.0",
            "Cannot VRFY user, but will accept message and attempt delivery");
    // RFC 5321 §4.1.1.4; RFC 2034 §3 gives 354 no enhanced code (classes are 2, 4 and 5 only, RFC 3463 §2).
    public static final Reply START_DATA = Reply.plain(354, List.of("End data with <CR><LF>.<CR><LF>"));

    // RFC 5321 §4.2.2 500/501/502/503/504 and RFC 3463 §3.6 X.5.y protocol status.
    public static final Reply UNKNOWN_COMMAND = Reply.of(500, "5.5.2", "Command not recognized");
    public static final Reply BAD_CHARACTERS = Reply.of(500, "5.5.2", "Invalid character in command");
    public static final Reply LINE_TOO_LONG = Reply.of(500, "5.5.2", "Line too long");
    public static final Reply BAD_ARGUMENTS = Reply.of(501, "5.5.4", "Syntax error in parameters or arguments");
    public static final Reply NOT_IMPLEMENTED = Reply.of(502, "5.5.1", "Command not implemented");
    public static final Reply HELO_FIRST = Reply.of(503, "5.5.1", "Send HELO/EHLO first");
    public static final Reply NESTED_MAIL = Reply.of(503, "5.5.1", "Nested MAIL command");
    public static final Reply NEED_MAIL = Reply.of(503, "5.5.1", "Need MAIL command");
    public static final Reply NEED_RCPT = Reply.of(503, "5.5.1", "Need RCPT command");
    public static final Reply DATA_AFTER_BDAT = Reply.of(503, "5.5.1", "DATA not allowed after BDAT");
    // RFC 5321 §3.3: DATA when every RCPT was refused.
    public static final Reply NO_VALID_RECIPIENTS = Reply.of(554, "5.5.1", "No valid recipients");

    // RFC 5321 §4.1.2 path grammar; RFC 3463 §3.2: X.1.3 destination syntax, X.1.7 sender syntax.
    public static final Reply BAD_RECIPIENT_SYNTAX = Reply.of(501, "5.1.3", "Bad recipient address syntax");
    public static final Reply BAD_SENDER_SYNTAX = Reply.of(501, "5.1.7", "Bad sender address syntax");
    // RFC 5321 §4.5.3.1.10: "501 Path too long".
    public static final Reply RECIPIENT_PATH_TOO_LONG = Reply.of(501, "5.1.3", "Path too long");
    public static final Reply SENDER_PATH_TOO_LONG = Reply.of(501, "5.1.7", "Path too long");
    // RFC 5321 §4.5.3.1.1/§4.5.3.1.2 limits; §4.2.2 553: mailbox name not allowed.
    public static final Reply RECIPIENT_PART_TOO_LONG = Reply.of(553, "5.1.3", "Local part or domain too long");
    public static final Reply SENDER_PART_TOO_LONG = Reply.of(553, "5.1.7", "Local part or domain too long");
    // RFC 6531 §3.4: non-ASCII address without SMTPUTF8.
    public static final Reply UTF8_NOT_ALLOWED = Reply.of(553, "5.6.7", "Non-ASCII address requires SMTPUTF8");
    public static final Reply BAD_HELO = Reply.of(501, "5.5.4", "Invalid domain name");

    // RFC 5321 §4.1.1.11 / §4.2.2: 555 for unrecognized or unimplemented MAIL/RCPT parameters.
    public static final Reply UNKNOWN_PARAMETER = Reply.of(555, "5.5.4", "Unsupported parameter");
    public static final Reply BAD_PARAMETER = Reply.of(501, "5.5.4", "Invalid parameter value");
    public static final Reply DUPLICATE_PARAMETER = Reply.of(501, "5.5.4", "Duplicate parameter");

    // RFC 1870 §6.1 and RFC 5321 §4.5.3.1.10: 552, X.3.4 message too big for system.
    public static final Reply TOO_BIG = Reply.of(552, "5.3.4", "Message size exceeds fixed maximum message size");
    // RFC 5321 §4.5.3.1.10: 452 too many recipients; RFC 3463 X.5.3.
    public static final Reply TOO_MANY_RECIPIENTS = Reply.of(452, "4.5.3", "Too many recipients");
    // Tern policy on bare CR / bare LF (RFC 5321 §2.3.8, §4.1.1.4); see DotDecoder.
    public static final Reply BARE_LINE_ENDING = Reply.of(550, "5.6.0", "Message contains bare CR or LF");

    // RFC 3207 §4: STARTTLS.
    public static final Reply READY_FOR_TLS = Reply.of(220, "2.0.0", "Ready to start TLS");
    public static final Reply TLS_ALREADY_ACTIVE = Reply.of(503, "5.5.1", "TLS already active");
    public static final Reply TRANSACTION_OPEN = Reply.of(503, "5.5.1", "Not permitted during a mail transaction");
    // RFC 8689 §4: REQUIRETLS only over TLS; RFC 3463/5248 X.7.10: encryption needed.
    public static final Reply REQUIRETLS_NEEDS_TLS = Reply.of(530, "5.7.10", "REQUIRETLS needs a TLS session");

    // RFC 4954 §4 and §6: AUTH.
    public static final Reply AUTHENTICATED = Reply.of(235, "2.7.0", "Authentication successful");
    public static final Reply EHLO_FIRST = Reply.of(503, "5.5.1", "Send EHLO first");
    public static final Reply ALREADY_AUTHENTICATED = Reply.of(503, "5.5.1", "Already authenticated");
    public static final Reply UNKNOWN_MECHANISM = Reply.of(504, "5.5.4", "Unrecognized authentication type");
    public static final Reply ENCRYPTION_REQUIRED = Reply.of(538, "5.7.11",
            "Encryption required for requested authentication mechanism");
    public static final Reply AUTH_CANCELLED = Reply.of(501, "5.0.0", "Authentication cancelled");
    public static final Reply BAD_BASE64 = Reply.of(501, "5.5.2", "Cannot decode base64 response");
    public static final Reply AUTH_LINE_TOO_LONG = Reply.of(500, "5.5.6", "Authentication exchange line is too long");
    public static final Reply AUTH_FAILED = Reply.of(535, "5.7.8", "Authentication credentials invalid");
    public static final Reply AUTH_UNAVAILABLE = Reply.of(454, "4.7.0", "Temporary authentication failure");
    public static final Reply AUTH_REQUIRED = Reply.of(530, "5.7.0", "Authentication required");

    // Content policy and storage, from the content stage (ContentStage), after the end of data.
    // RFC 5321 §6.3: too many hops is a loop; RFC 3463 X.4.6 routing loop detected.
    public static final Reply LOOP = Reply.of(554, "5.4.6", "Too many Received: headers, mail loop suspected");
    public static final Reply HEADER_TOO_LARGE = Reply.of(552, "5.3.4", "Message header section too large");
    // RFC 3463 X.3.1 mail system full, X.3.0 other: the client keeps the message and tries again later.
    public static final Reply STORAGE_FULL = Reply.of(452, "4.3.1", "Insufficient system storage, try again later");
    public static final Reply STORAGE_FAILED = Reply.of(451, "4.3.0", "Local error in processing, try again later");
    /** The content checks (authentication, filters) failed unexpectedly: the message is not taken unchecked. */
    public static final Reply CHECKS_FAILED = Reply.of(451, "4.7.0", "Temporary failure in the message checks, try again later");

    // Recipient and sender policy (InboundPolicy, RateLimitedPolicy).
    public static final Reply UNKNOWN_USER = Reply.of(550, "5.1.1", "Recipient address rejected: user unknown");
    public static final Reply RELAY_DENIED = Reply.of(550, "5.7.1", "Relay access denied");
    // RFC 6409 §6.1 lets the MSA refuse a sender the user may not use; RFC 3463 X.7.1: not authorized.
    public static final Reply SENDER_NOT_OWNED = Reply.of(553, "5.7.1", "Sender address not owned by the authenticated user");
    // RFC 3463 X.7.1 refused by policy; 4yz because the hour passes (RFC 5321 §4.2.5: 451 at MAIL), and
    // RFC 5321 §4.5.3.1.10: 452 for too many recipients, the client sends the rest later.
    public static final Reply TOO_MANY_MESSAGES_PER_HOUR = Reply.of(451, "4.7.1", "Too many messages this hour, try again later");
    public static final Reply TOO_MANY_RECIPIENTS_PER_HOUR = Reply.of(452, "4.5.3", "Too many recipients this hour");
    // RFC 5321 §3.5.1, §3.5.2: VRFY and EXPN answers that carry no address.
    public static final Reply NO_SUCH_USER = Reply.of(550, "5.1.1", "No such user here");
    public static final Reply VRFY_SYNTAX = Reply.of(501, "5.5.4", "Syntax: VRFY <address>");
    public static final Reply NOT_A_LIST = Reply.of(550, "5.1.1", "Not a mailing list");
    public static final Reply NO_SUCH_LIST = Reply.of(550, "5.1.1", "No such list here");
    public static final Reply NOT_A_LOCAL_LIST = Reply.of(550, "5.1.2", "Not a local list");
    public static final Reply EXPN_SYNTAX = Reply.of(501, "5.5.4", "Syntax: EXPN <list>");

    // The transaction limit of a session: a 4yz to MAIL, not a 421, so a pipelining client is not cut off
    // mid-batch; it sends the rest over a new connection.
    public static final Reply TOO_MANY_MESSAGES = Reply.of(451, "4.7.0",
            "Too many messages in this session, reconnect to send more");

    // RFC 5321 §3.8: 421 closes the connection.
    public static final Reply TOO_MANY_ERRORS = Reply.of(421, "4.7.0", "Too many errors");
    public static final Reply INTERNAL_ERROR = Reply.of(421, "4.3.0", "Internal error, closing connection");
    public static final Reply TOO_MANY_CONNECTIONS = Reply.of(421, "4.7.0", "Too many connections, try again later");
    public static final Reply TOO_MANY_CONNECTIONS_FROM_ADDRESS = Reply.of(421, "4.7.0",
            "Too many connections from your address, try again later");
}
