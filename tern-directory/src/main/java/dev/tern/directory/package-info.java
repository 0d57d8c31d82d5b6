/**
 * Who an address is: local domains, users, aliases, mailing lists, sub-addressing ({@code user+tag}) and the
 * no-config mode in which every local part at a local domain is a user.
 *
 * <p>{@link dev.tern.directory.Directory#resolve} answers RCPT and expands aliases for delivery;
 * {@link dev.tern.directory.Directory#verify} and {@link dev.tern.directory.Directory#expand} answer VRFY and
 * EXPN (RFC 5321 §3.5). Outcomes are sealed results ({@link dev.tern.directory.Resolution},
 * {@link dev.tern.directory.Verification}, {@link dev.tern.directory.Expansion}) that the server maps to reply
 * codes, so this package knows no reply codes itself.
 *
 * <p>Depends on {@code tern-mail} only. The directory is an immutable snapshot of its settings: a new
 * configuration makes a new {@code Directory}, so lookups need no locks. Local parts are data, never syntax:
 * they are only ever compared as map keys, whatever characters they hold.
 */
package dev.tern.directory;
