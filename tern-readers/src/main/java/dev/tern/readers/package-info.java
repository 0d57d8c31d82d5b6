/**
 * The listeners of the readers' protocols: IMAP ({@code imap.listen}, {@code imaps.listen}) and POP3
 * ({@code pop3.listen}, {@code pop3s.listen}). One virtual thread per connection runs a pure session from
 * {@code tern-imap} or {@code tern-pop3}, with TLS from {@code tern-tls} and login throttling from
 * {@code tern-auth}.
 */
package dev.tern.readers;
