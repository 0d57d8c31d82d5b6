/**
 * What every listener shares, whatever its protocol: the accept loop on virtual threads ({@link
 * dev.tern.net.NetListener}), connection limits in total and per address ({@link dev.tern.net.ConnectionLimiter},
 * {@link dev.tern.net.Cidr}), the file-descriptor budget, and the connection a protocol loop reads and writes, with
 * implicit TLS, STARTTLS and the channel binding SCRAM-PLUS needs ({@link dev.tern.net.NetConnection}). Each
 * connection admitted, refused and ended, and each TLS handshake, is told to tern-mail's
 * {@link dev.tern.mail.Telemetry} (docs/metrics.md).
 */
package dev.tern.net;
