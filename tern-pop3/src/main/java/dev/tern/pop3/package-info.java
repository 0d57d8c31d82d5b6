/**
 * The POP3 protocol engine (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 SASL): a pure session over the
 * {@link dev.tern.store.MailStore} SPI's INBOX. No sockets, threads, clocks or logging; the listener lives in
 * {@code tern-readers}.
 */
package dev.tern.pop3;
