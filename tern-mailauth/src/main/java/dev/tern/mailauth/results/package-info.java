/**
 * The {@code Authentication-Results:} header field (RFC 8601): writing Tern's one field from the method results
 * (DKIM, SPF, DMARC, ARC, ...) and recognizing fields that claim Tern's authserv-id, which arrive from outside and
 * must be removed (§5). Pure text work; depends only on {@code dev.tern.mailauth}.
 */
package dev.tern.mailauth.results;
