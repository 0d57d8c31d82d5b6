/**
 * tern-tls: TLS for every listener (SMTP's RFC 3207 STARTTLS and RFC 8314 implicit TLS today; IMAP and POP3
 * next): {@link dev.tern.tls.TlsContext}
 * turns an accepted plain socket into a handshaken {@link javax.net.ssl.SSLSocket}.
 *
 * <p>JSSE does the protocol; Bouncy Castle (bcpkix) only parses PEM and makes the self-signed certificate, so no
 * ASN.1 is written by hand and no security provider is installed. Certificates come from PEM files in the Let's
 * Encrypt layout and are chosen by SNI with an {@link javax.net.ssl.X509ExtendedKeyManager}; when none is
 * configured, a self-signed one is kept under the data directory. Files are re-checked on the handshake path, so
 * the package owns no thread.
 *
 * <p>Depends on the JDK, Bouncy Castle and SLF4J only; the connection code calls it, never the reverse.
 */
package dev.tern.tls;
