/**
 * The pure IMAP4rev2 core (RFC 9051; RFC 3501 for older clients): {@link dev.tern.imap.CommandReader} cuts the
 * octets a client sends into commands, literals included, and enforces the size and nesting limits;
 * {@link dev.tern.imap.CommandParser} turns a command into a {@link dev.tern.imap.Command} (sealed records,
 * {@link dev.tern.imap.Command.Invalid} for bad input); {@link dev.tern.imap.ResponseEncoder} writes
 * {@link dev.tern.imap.Response} values, choosing atom, quoted string or literal by content.
 *
 * <p>Depends on {@code tern-mail} only (later tern-sasl and the store's SPI). It does no I/O: no sockets, no
 * threads, no clocks, no logging (a test scans the imports), so the connection loop drives it and the whole
 * protocol is tested in memory, byte by byte.
 *
 * <p>Shaped like tern-smtp and like Stalwart's imap-proto receiver: a resumable byte state machine that never
 * re-reads what it already cut (James re-decodes the whole frame), literals collected once, refusals as values
 * with the reader resynchronised past the rest of the command (mox drops the connection after {@code {n+}}).
 */
package dev.tern.imap;
