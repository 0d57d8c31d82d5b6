package dev.tern.pop3;

/** What the connection loop does after sending a step's response. */
public sealed interface Next {
    Next COMMAND = new ReadCommand();
    Next AUTH_RESPONSE = new ReadAuthResponse();
    Next START_TLS = new StartTls();
    Next CLOSE = new Close();

    /** Read the next command line (at most {@link CommandParser#MAX_AUTH_LINE} octets; the parser narrows it). */
    record ReadCommand() implements Next {}

    /** Read one SASL response line (at most {@link CommandParser#MAX_AUTH_LINE} octets) for {@link Pop3Session#authResponse}. */
    record ReadAuthResponse() implements Next {}

    /**
     * RFC 2595 §4: throw away every octet read but not yet used (a command injected before the handshake), make
     * the TLS handshake and call {@link Pop3Session#tlsStarted}; the server sends nothing more until the client
     * speaks.
     */
    record StartTls() implements Next {}

    /** Close the connection. */
    record Close() implements Next {}
}
