/**
 * SMTP TLS Reporting (RFC 8460): the outcomes of outbound TLS sessions ({@link dev.tern.delivery.tlsrpt.TlsAttempt}),
 * aggregated per policy domain and UTC day and mailed as a gzipped JSON report to the {@code rua} that the domain's
 * {@code _smtp._tls} TXT record names.
 *
 * <p>The SMTP client sees only the seam {@link dev.tern.delivery.tlsrpt.TlsReporter}; behind it
 * {@link dev.tern.delivery.tlsrpt.TlsReportStore} counts in memory and appends small records to a file per day (no
 * fsync: telemetry), {@link dev.tern.delivery.tlsrpt.TlsReportPolicy} reads the TXT record,
 * {@link dev.tern.delivery.tlsrpt.TlsReport} is the RFC 8460 §4.4 JSON (written by the small, tested
 * {@code JsonWriter}: the project has no JSON library), {@link dev.tern.delivery.tlsrpt.TlsReportMail} the §5.3
 * message (MIME built by mime4j), and {@link dev.tern.delivery.tlsrpt.TlsReportSender} the daily run that queues mail
 * in the spool and POSTs to https destinations. May depend on tern-mail, tern-dns, tern-spool and mime4j; nothing
 * here touches the SMTP client, so reports leave through the ordinary queue.
 */
package dev.tern.delivery.tlsrpt;
