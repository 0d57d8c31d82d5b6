/**
 * SMTP TLS Reporting (RFC 8460): the outcomes of outbound TLS sessions ({@link dev.tern.delivery.tlsrpt.TlsAttempt}),
 * aggregated per policy domain and UTC day and mailed as a gzipped JSON report to the {@code rua} that the domain's
 * {@code _smtp._tls} TXT record names.
 */
package dev.tern.delivery.tlsrpt;
