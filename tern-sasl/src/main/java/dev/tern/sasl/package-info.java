/**
 * tern-sasl: the SASL mechanisms every protocol's AUTH shares (SMTP AUTH, RFC 4954 §4; IMAP AUTHENTICATE and
 * POP3 AUTH later), with the {@link dev.tern.sasl.Credentials} SPI they check and the
 * {@link dev.tern.sasl.ChannelBinding} of the TLS connection. The server side of: {@link dev.tern.sasl.PlainServer}
 * (RFC 4616), {@link dev.tern.sasl.LoginServer} (draft-murchison-sasl-login) and
 * {@link dev.tern.sasl.ScramServer} (SCRAM-SHA-256 and, with the RFC 9266 {@code tls-exporter} channel
 * binding, SCRAM-SHA-256-PLUS; RFC 5802 and RFC 7677). Each is a small state machine:
 * decoded client responses in, a {@link dev.tern.sasl.SaslStep} out.
 *
 * <p>Knows nothing of SMTP: base64, {@code 334}, {@code *} cancellation and reply codes are
 * {@code dev.tern.smtp.AuthExchange}'s business. Checks go to {@link dev.tern.sasl.Credentials}. Pure: no I/O,
 * threads, clocks or logging (tern-smtp's import scan covers this module too). Depends on the JDK only. Its tests
 * live in tern-smtp's test tree for now, beside the in-memory credentials and SCRAM client they share. Secrets never reach a {@code toString()}, an exception
 * message or a step.
 */
package dev.tern.sasl;
