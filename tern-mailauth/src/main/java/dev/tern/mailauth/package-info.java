/**
 * Message authentication, pure logic over {@code tern-dns} lookups: DKIM signing and verification (RFC 6376, RFC
 * 8463), SPF (RFC 7208), DMARC (RFC 7489) with the Public Suffix List, ARC (RFC 8617), the
 * {@code Authentication-Results:} field (RFC 8601) and the Sender Rewriting Scheme. No I/O but DNS questions and
 * the key files the caller names.
 */
package dev.tern.mailauth;
