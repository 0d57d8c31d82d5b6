/**
 * The POP3 protocol engine (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 SASL, RFC 3206 response codes): a
 * pure session over the {@link dev.tern.store.MailStore} SPI's INBOX. {@link dev.tern.pop3.CommandParser} turns
 * a line into a {@link dev.tern.pop3.Command}; {@link dev.tern.pop3.Pop3Session} answers with a
 * {@link dev.tern.pop3.Step} (a {@link dev.tern.pop3.Response} and what to do {@link dev.tern.pop3.Next});
 * {@link dev.tern.pop3.ResponseEncoder} writes responses, streaming and dot-stuffing messages.
 * {@link dev.tern.pop3.MaildropLocks} keeps one POP3 session per user.
 *
 * <p>Depends on tern-mail, tern-store and tern-sasl (whose PLAIN and SCRAM exchanges AUTH drives). No sockets,
 * threads, clocks or logging (a test scans the sources), so the session is tested in memory; the listener and
 * its loop live in {@code tern-readers}.
 */
package dev.tern.pop3;
