/**
 * DANE for SMTP (RFC 7672, RFC 6698, RFC 7218): DNSSEC-validated TLSA lookups (dnsjava's validating resolver) and
 * certificate matching, used by the SMTP client's TLS policy.
 */
package dev.tern.delivery.dane;
