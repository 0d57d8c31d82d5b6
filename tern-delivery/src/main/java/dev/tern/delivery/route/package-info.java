/**
 * Routing (RFC 5321 §5.1): {@link dev.tern.delivery.route.MxRouter} turns a recipient domain, or a configured
 * {@link dev.tern.delivery.route.RouteTarget} (a smart host or a per-domain route in Postfix's {@code [host]:port}
 * form), into a {@link dev.tern.delivery.route.Route}: the hosts to try in order, each with its addresses, or the
 * reason there are none (Null MX, no such domain, no mail host, a loop back to this server, or a temporary DNS
 * failure), each with the enhanced status a DSN or the queue reports.
 *
 * <p>Depends on {@code dev.tern.dns} for its answers and on {@code tern-mail}; it opens no connection.
 * Which of the hosts and addresses one delivery attempt tries, and where the next attempt starts, is the transport's
 * business: a {@code Route} only says what exists and in which order.
 */
package dev.tern.delivery.route;
